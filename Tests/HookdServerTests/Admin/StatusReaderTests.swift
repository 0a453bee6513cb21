import Foundation
import HookdCore
@testable import HookdServer
import Testing

/// What the status page is made of, read from a running daemon.
@Suite("status reader", .serialized)
struct StatusReaderTests {
    @Test("a queue is empty, waiting, or stalled when work is due and nothing finished for a minute")
    func queueStates() {
        let now = Date()
        let old = now.addingTimeInterval(-120)
        #expect(StatusReader.queueState(.init(), lastProcessed: nil, now: now) == .empty)
        #expect(StatusReader.queueState(.init(waiting: 3, oldestPendingReceivedAt: now), lastProcessed: nil, now: now) == .waiting(pending: 3))
        #expect(StatusReader.queueState(.init(waiting: 3, oldestPendingReceivedAt: old), lastProcessed: nil, now: now) == .stalled(pending: 3))
        #expect(StatusReader.queueState(.init(waiting: 3, oldestPendingReceivedAt: old), lastProcessed: now.addingTimeInterval(-5), now: now)
            == .waiting(pending: 3))
        #expect(StatusReader.queueState(.init(waiting: 3, oldestPendingReceivedAt: old), lastProcessed: old, now: now) == .stalled(pending: 3))
        // Jobs waiting out a backoff are not due: waiting, never stalled.
        #expect(StatusReader.queueState(.init(waiting: 2, oldestPendingReceivedAt: nil), lastProcessed: nil, now: now) == .waiting(pending: 2))
    }

    @Test("a rule's on tables read as one line each")
    func patterns() {
        #expect(StatusReader.describe(RuleTrigger(source: RulePattern(["passage"]), type: RulePattern(["Connection.Updated"]),
                                                  status: RulePattern(["data_available", "data_partially_available"])))
            == "source=passage type=Connection.Updated status=data_available|data_partially_available")
        #expect(StatusReader.describe(RuleTrigger(type: RulePattern(["user.*"]))) == "type=user.*")
        #expect(StatusReader.describe(RuleTrigger()) == "any event")
    }

    @Test("the snapshot has every source, the failures newest first, the rules, the rejections and the reload")
    func snapshot() async throws {
        let rules = try OpsFixture.rulesDirectory()
        let daemon = try await OpsFixture.daemon(rules: rules)
        defer { Task { await daemon.stop() } }
        #expect(try await OpsFixture.postUntilDead(daemon, id: "f1"))
        #expect(try await OpsFixture.postUntilDead(daemon, id: "f2"))
        #expect(try await OpsFixture.post(daemon, id: "bad", type: "fine", secret: "nope").status == 401)
        let snapshot = try await daemon.daemon.statusReader.snapshot()
        #expect(snapshot.sources.map(\.name) == ["passage", "passport", "ethpass", "passfort", "ops"])
        let ops = try #require(snapshot.sources.first { $0.name == "ops" })
        #expect(ops.queue == .empty)
        #expect(ops.lastProcessedAt != nil)
        #expect(snapshot.sources.first { $0.name == "passage" }?.lastProcessedAt == nil)
        #expect(snapshot.failures.map(\.eventID) == ["f2", "f1"])
        #expect(snapshot.failures.first?.rule == "failing")
        #expect(snapshot.failures.first?.state == .dead)
        #expect(snapshot.failures.first?.lastError?.contains("downstream said no") == true)
        #expect(snapshot.rules.map(\.name) == ["failing", "steady"])
        #expect(snapshot.rules.first?.patterns == ["source=ops type=fail"])
        #expect(snapshot.rejections.count == 1)
        #expect(snapshot.rejections.first?.status == 401)
        #expect(snapshot.lastReload.succeeded && snapshot.lastReload.generation == 1)
        #expect(snapshot.csrfToken == daemon.daemon.access.csrfToken)
        #expect(snapshot.csrfToken.count == 64)
    }
}
