import Foundation
import HookdCore
import Testing

/// `mode: sync` (SPEC §3): the rules run before the answer; 200 when all succeed, 500
/// `rule_failed` otherwise (the provider's redelivery runs the failed rules again, no backoff
/// retry); a duplicate of a success answers at once; one during a run waits for it; past
/// `sync_timeout`, 500.
@Suite("mode: sync", .serialized)
struct SyncModeTests {
    static let rules = [
        // Fails on its first attempt, succeeds on the next: the attempt count lives in the store.
        "flaky.lua": """
            return { on = { source = "syncgen", type = "flaky" }, handle = function(event)
              if event.attempt < 2 then error("first attempt fails") end
            end }
            """,
        "steady.lua": """
            return { on = { source = "syncgen", type = "flaky" }, handle = function(event) end }
            """,
        "slow.lua": """
            return { on = { source = { "syncgen", "synctight" }, type = "slow" }, handle = function(event)
              local res = http.post(event.payload.data.url, { body = "x" })
              if res.status ~= 200 then error("slow answered " .. res.status) end
            end }
            """,
    ]

    static func source(_ name: String, timeout: String) -> String {
        """
          - name: \(name)
            path: /webhooks/\(name)
            provider: generic
            id_from: id
            type_from: type
            mode: sync
            sync_timeout: \(timeout)
            auth: { scheme: header, header: Authorization, secret_env: PASSPORT_API_KEY }
        """
    }

    /// A daemon with the sync sources and the rules above, calling `downstream`.
    static func daemon(downstream: Int) async throws -> (TestDaemon, URL) {
        let rules = FileManager.default.temporaryDirectory.appendingPathComponent("hookd-sync-rules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: rules, withIntermediateDirectories: true)
        for (name, text) in Self.rules { try text.write(to: rules.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        let yaml = TestDaemon.yaml(extraSources: source("syncgen", timeout: "5s") + "\n" + source("synctight", timeout: "200ms"),
                                   rules: rules.path,
                                   settings: "outbound:\n  allow: [\"127.0.0.1:\(downstream)\"]\nretry: { max_attempts: 5, backoff: 10ms }")
        return (try await TestDaemon(yaml: yaml), rules)
    }

    func post(_ daemon: TestDaemon, _ source: String, _ body: String) async throws -> (status: Int, body: String) {
        try await daemon.send("/webhooks/\(source)", body: Array(body.utf8),
                              headers: [("Authorization", "dev-passport-key"), ("Content-Type", "application/json")])
    }

    func job(_ daemon: TestDaemon, _ source: String, _ id: String, _ rule: String) async throws -> JobSummary? {
        try await daemon.store.event(id: id, source: source).event?.jobs.first { $0.rule == rule }
    }

    @Test("a failed rule answers 500 rule_failed; the redelivery runs only the failed rule again and answers 200; then duplicates answer at once")
    func failureThenRedelivery() async throws {
        let downstream = try await OutboundDownstream()
        defer { downstream.stop() }
        let (daemon, rules) = try await Self.daemon(downstream: downstream.port)
        defer { try? FileManager.default.removeItem(at: rules) }
        let body = #"{"id": "s1", "type": "flaky"}"#

        let first = try await post(daemon, "syncgen", body)
        #expect(first.status == 500)
        #expect(first.body == #"{"error": "rule_failed", "rules": ["flaky"]}"#)
        // Stored before the run, and not retried by backoff: it waits for the redelivery.
        try await Task.sleep(for: .milliseconds(300))
        let waiting = try #require(try await job(daemon, "syncgen", "s1", "flaky"))
        #expect(waiting.state == .failed)
        #expect(waiting.attempts == 1)
        #expect(waiting.nextAttemptAt == nil)
        #expect(try await job(daemon, "syncgen", "s1", "steady")?.state == .done)

        let second = try await post(daemon, "syncgen", body)
        #expect(second.status == 200)
        #expect(second.body == #"{"accepted": [], "duplicates": ["s1"]}"#)
        #expect(try await job(daemon, "syncgen", "s1", "flaky")?.attempts == 2)
        // The rule that had succeeded did not run again.
        #expect(try await job(daemon, "syncgen", "s1", "steady")?.attempts == 1)

        let third = try await post(daemon, "syncgen", body)
        #expect(third.status == 200)
        #expect(try await job(daemon, "syncgen", "s1", "flaky")?.attempts == 2)
        await daemon.stop()
    }

    @Test("a new event whose rules all succeed answers 200 with it accepted")
    func success() async throws {
        let downstream = try await OutboundDownstream()
        defer { downstream.stop() }
        let (daemon, rules) = try await Self.daemon(downstream: downstream.port)
        defer { try? FileManager.default.removeItem(at: rules) }
        let answer = try await post(daemon, "syncgen", #"{"id": "s2", "type": "slow", "data": {"url": "http://127.0.0.1:\#(downstream.port)/slow"}}"#)
        #expect(answer.status == 200)
        #expect(answer.body == #"{"accepted": ["s2"], "duplicates": []}"#)
        #expect(try await job(daemon, "syncgen", "s2", "slow")?.state == .done)
        #expect(downstream.paths == ["/slow"])
        await daemon.stop()
    }

    @Test("a duplicate delivered during the run waits for it and gets the same answer; the rule runs once")
    func duplicateWaits() async throws {
        let downstream = try await OutboundDownstream()
        defer { downstream.stop() }
        let (daemon, rules) = try await Self.daemon(downstream: downstream.port)
        defer { try? FileManager.default.removeItem(at: rules) }
        let body = #"{"id": "s3", "type": "slow", "data": {"url": "http://127.0.0.1:\#(downstream.port)/slow"}}"#
        async let first = post(daemon, "syncgen", body)
        try await Task.sleep(for: .milliseconds(150))
        let started = ContinuousClock.now
        async let second = post(daemon, "syncgen", body)
        let (a, b) = try await (first, second)
        #expect(a.status == 200 && a.body == #"{"accepted": ["s3"], "duplicates": []}"#)
        #expect(b.status == 200 && b.body == #"{"accepted": [], "duplicates": ["s3"]}"#)
        // The duplicate waited for the run under way (600 ms downstream) rather than answering at once.
        #expect(ContinuousClock.now - started > .milliseconds(200))
        #expect(downstream.paths == ["/slow"])
        #expect(try await job(daemon, "syncgen", "s3", "slow")?.attempts == 1)
        await daemon.stop()
    }

    @Test("past sync_timeout the answer is 500 naming the unfinished rule; the run still finishes and is recorded")
    func timeout() async throws {
        let downstream = try await OutboundDownstream()
        defer { downstream.stop() }
        let (daemon, rules) = try await Self.daemon(downstream: downstream.port)
        defer { try? FileManager.default.removeItem(at: rules) }
        let started = ContinuousClock.now
        let answer = try await post(daemon, "synctight", #"{"id": "s4", "type": "slow", "data": {"url": "http://127.0.0.1:\#(downstream.port)/slow"}}"#)
        #expect(answer.status == 500)
        #expect(answer.body == #"{"error": "rule_failed", "rules": ["slow"]}"#)
        #expect(ContinuousClock.now - started < .milliseconds(550))
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline, try await job(daemon, "synctight", "s4", "slow")?.state != .done {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(try await job(daemon, "synctight", "s4", "slow")?.state == .done)
        // Now done: the provider's redelivery answers 200 at once.
        let again = try await post(daemon, "synctight", #"{"id": "s4", "type": "slow", "data": {"url": "x"}}"#)
        #expect(again.status == 200)
        #expect(downstream.paths == ["/slow"])
        await daemon.stop()
    }
}
