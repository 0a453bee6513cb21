import Foundation
import GRDB
import HookdCore
import HookdSQLite
import Testing

extension SQLiteStoreTests {
    /// The dispatcher's side of the store: dispatch, claim, attempts, resume, and event states.
    @Suite("jobs")
    struct JobTests {
        let scratch: Scratch
        let store: SQLiteStore

        init() throws {
            scratch = try Scratch()
            store = try SQLiteStore(path: scratch.databasePath)
        }

        func event(_ id: String) async throws -> StoredEvent {
            let found = try await store.event(id: id, source: "passage").event
            return try #require(found)
        }

        @Test("dispatch inserts the jobs and marks the event dispatched in one transaction, once")
        func dispatchIsAtomic() async throws {
            _ = try await store.accept([incoming("evt_1"), incoming("evt_2")])
            #expect(try await store.undispatchedEvents(limit: 10).map(\.id) == ["evt_1", "evt_2"])
            #expect(try await store.undispatchedEvents(limit: 1).map(\.id) == ["evt_1"])
            let jobs = try #require(try await store.dispatch(source: "passage", eventID: "evt_1", rules: ["a", "b"]))
            #expect(Set(jobs.keys) == ["a", "b"])
            let stored = try await event("evt_1")
            #expect(stored.dispatched)
            #expect(stored.jobs.map(\.rule) == ["a", "b"])
            #expect(stored.jobs.map(\.state) == [.pending, .pending])
            #expect(try await store.undispatchedEvents(limit: 10).map(\.id) == ["evt_2"])
            // A second dispatch of the same event changes nothing.
            #expect(try await store.dispatch(source: "passage", eventID: "evt_1", rules: ["c"]) == nil)
            #expect(try await event("evt_1").jobs.map(\.rule) == ["a", "b"])
            #expect(try count("jobs", in: scratch.databasePath) == 2)
        }

        @Test("a batch dispatch answers per event, in order: jobs, none (done), or nil when already dispatched")
        func batchDispatch() async throws {
            _ = try await store.accept([incoming("evt_1"), incoming("evt_2"), incoming("evt_3")])
            _ = try await store.dispatch(source: "passage", eventID: "evt_2", rules: ["x"])
            let results = try await store.dispatch([
                DispatchRequest(source: "passage", eventID: "evt_1", rules: ["a", "b"]),
                DispatchRequest(source: "passage", eventID: "evt_2", rules: ["c"]),
                DispatchRequest(source: "passage", eventID: "evt_3", rules: []),
                DispatchRequest(source: "passage", eventID: "nope", rules: ["a"]),
            ])
            #expect(results.count == 4)
            #expect(results[0].map { Set($0.keys) } == ["a", "b"])
            #expect(results[1] == nil)
            #expect(results[2] == [:])
            #expect(results[3] == nil)
            #expect(try await event("evt_2").jobs.map(\.rule) == ["x"])
            #expect(try await event("evt_3").jobs.isEmpty)
            #expect(try await event("evt_3").dispatched)
            #expect(try await store.undispatchedEvents(limit: 10).isEmpty)
        }

        @Test("a dispatch whose transaction fails leaves the event undispatched with no jobs")
        func failedDispatchLeavesNothing() async throws {
            _ = try await store.accept([incoming("evt_1")])
            // A trigger that refuses the second job makes the transaction fail after the first insert.
            try await rawDatabase(scratch.databasePath).write { db in
                try db.execute(sql: """
                    CREATE TRIGGER refuse_b BEFORE INSERT ON jobs WHEN NEW.rule = 'b'
                    BEGIN SELECT RAISE(ABORT, 'refused'); END
                    """)
            }
            await #expect(throws: StoreError.self) {
                try await store.dispatch(source: "passage", eventID: "evt_1", rules: ["a", "b"])
            }
            #expect(try await event("evt_1").dispatched == false)
            #expect(try count("jobs", in: scratch.databasePath) == 0)
        }

        @Test("an event matching no rule is dispatched with no jobs and is done")
        func noRuleIsDone() async throws {
            _ = try await store.accept([incoming("evt_1")])
            #expect(try await event("evt_1").state == .pending)
            #expect(try await store.dispatch(source: "passage", eventID: "evt_1", rules: []) == [:])
            let stored = try await event("evt_1")
            #expect(stored.dispatched && stored.jobs.isEmpty)
            #expect(stored.state == .done)
        }

        @Test("an event whose rules were decided at receipt is stored dispatched with its pending jobs, in the accept's transaction")
        func dispatchedOnReceipt() async throws {
            var decided = incoming("evt_1")
            decided.rules = ["a", "b"]
            var none = incoming("evt_2")
            none.rules = []
            let result = try await store.accept([decided, none, incoming("evt_3")])
            #expect(result.accepted == ["evt_1", "evt_2", "evt_3"])
            #expect(result.dispatchedOnReceipt == 2)
            #expect(result.jobsCreated == 2)
            #expect(result.leftToDispatch)
            // Only the event without decided rules is left to the loop.
            #expect(try await store.undispatchedEvents(limit: 10).map(\.id) == ["evt_3"])
            let stored = try await event("evt_1")
            #expect(stored.dispatched)
            #expect(stored.jobs.map(\.rule) == ["a", "b"])
            #expect(stored.jobs.map(\.state) == [.pending, .pending])
            #expect(try await event("evt_2").state == .done)
            #expect(try await store.claimDueJobs(now: Date(), limit: 10).map(\.rule) == ["a", "b"])
            // A redelivery is a duplicate and makes no job.
            let again = try await store.accept([decided])
            #expect(again.duplicates == ["evt_1"])
            #expect(again.jobsCreated == 0 && again.dispatchedOnReceipt == 0 && !again.leftToDispatch)
            #expect(try count("jobs", in: scratch.databasePath) == 2)
        }

        @Test("claim marks due jobs running, oldest first, and never returns one twice")
        func claim() async throws {
            _ = try await store.accept([incoming("evt_1"), incoming("evt_2")])
            _ = try await store.dispatch(source: "passage", eventID: "evt_1", rules: ["a"])
            _ = try await store.dispatch(source: "passage", eventID: "evt_2", rules: ["a"])
            let first = try await store.claimDueJobs(now: Date(), limit: 1)
            #expect(first.map(\.event.id) == ["evt_1"])
            #expect(first.first?.attempts == 0)
            #expect(first.first?.event.payload == incoming("evt_1").payload)
            #expect(try await event("evt_1").jobs.first?.state == .running)
            let second = try await store.claimDueJobs(now: Date(), limit: 10)
            #expect(second.map(\.event.id) == ["evt_2"])
            #expect(try await store.claimDueJobs(now: Date(), limit: 10).isEmpty)
        }

        @Test("concurrent claims share out the jobs: each is claimed once")
        func concurrentClaims() async throws {
            let ids = (1...20).map { "evt_\($0)" }
            _ = try await store.accept(ids.map { incoming($0) })
            for id in ids { _ = try await store.dispatch(source: "passage", eventID: id, rules: ["a"]) }
            let store = self.store
            let claimed = try await withThrowingTaskGroup(of: [Int64].self) { group in
                for _ in 0..<10 { group.addTask { try await store.claimDueJobs(now: Date(), limit: 3).map(\.id) } }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(claimed.count == 20)
            #expect(Set(claimed).count == 20)
        }

        @Test("recording an attempt moves the job: retry when due, then done; dead keeps the error")
        func attemptsMoveState() async throws {
            _ = try await store.accept([incoming("evt_1")])
            let jobs = try #require(try await store.dispatch(source: "passage", eventID: "evt_1", rules: ["a", "b"]))
            // Whole milliseconds, as the store keeps times.
            let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
            _ = try await store.claimDueJobs(now: now, limit: 10)
            let failed = AttemptRecord(number: 1, startedAt: now, duration: .milliseconds(12), outcome: .failed, error: "x.lua:3: boom",
                                       calls: [.init(method: "GET", url: "http://h/a", status: 500, durationMilliseconds: 3, sent: true)],
                                       logs: [.init(level: "info", message: "hello")])
            try await store.finish(job: jobs["a"]!, attempt: failed, transition: .retry(at: now.addingTimeInterval(60)))
            var summary = try #require(try await event("evt_1").jobs.first { $0.rule == "a" })
            #expect(summary.state == .failed)
            #expect(summary.attempts == 1)
            #expect(summary.lastError == "x.lua:3: boom")
            #expect(summary.outcome == "failed")
            #expect(summary.nextAttemptAt.map { abs($0.timeIntervalSince(now) - 60) < 0.01 } == true)
            // Not due yet, then due.
            #expect(try await store.claimDueJobs(now: now.addingTimeInterval(59), limit: 10).isEmpty)
            let retry = try await store.claimDueJobs(now: now.addingTimeInterval(61), limit: 10)
            #expect(retry.map(\.rule) == ["a"])
            #expect(retry.first?.attempts == 1)
            let ok = AttemptRecord(number: 2, startedAt: now, duration: .milliseconds(5), outcome: .ok)
            try await store.finish(job: jobs["a"]!, attempt: ok, transition: .done)
            summary = try #require(try await event("evt_1").jobs.first { $0.rule == "a" })
            #expect(summary.state == .done && summary.attempts == 2 && summary.outcome == "ok" && summary.nextAttemptAt == nil)
            try await store.finish(job: jobs["b"]!, attempt: nil, transition: .dead(error: "rule removed"))
            let b = try #require(try await event("evt_1").jobs.first { $0.rule == "b" })
            #expect(b.state == .dead && b.lastError == "rule removed" && b.attempts == 0)

            let attempts = try await store.attempts(source: "passage", eventID: "evt_1")
            #expect(attempts.map(\.rule) == ["a", "a"])
            #expect(attempts.map(\.attempt) == [failed, ok])
        }

        @Test("resume puts jobs left running back to pending and leaves the others alone")
        func resume() async throws {
            _ = try await store.accept([incoming("evt_1"), incoming("evt_2")])
            let one = try #require(try await store.dispatch(source: "passage", eventID: "evt_1", rules: ["a", "b"]))
            _ = try await store.claimDueJobs(now: Date(), limit: 10)
            try await store.finish(job: one["a"]!, attempt: AttemptRecord(number: 1, startedAt: Date(), duration: .zero, outcome: .ok),
                                   transition: .done)
            _ = try await store.dispatch(source: "passage", eventID: "evt_2", rules: ["a"])
            #expect(try await store.resumeInterruptedJobs() == 1)
            #expect(try await event("evt_1").jobs.map(\.state) == [.done, .pending])
            #expect(try await event("evt_2").jobs.map(\.state) == [.pending])
            #expect(try await store.resumeInterruptedJobs() == 0)
            #expect(try await store.claimDueJobs(now: Date(), limit: 10).map(\.rule).sorted() == ["a", "b"])
        }

        @Test("an event's state follows SPEC §6 for each mix of job states")
        func eventStates() async throws {
            let cases: [(jobs: [JobState], state: EventState)] = [
                ([], .done), ([.done], .done), ([.done, .pending], .pending), ([.running, .done], .pending),
                ([.failed, .pending], .failed), ([.failed, .running], .failed),
                ([.dead, .failed], .dead), ([.dead, .done], .dead), ([.done, .done], .done),
            ]
            for (index, example) in cases.enumerated() {
                let id = "evt_\(index)"
                _ = try await store.accept([incoming(id)])
                #expect(try await event(id).state == .pending, "undispatched")
                let rules = example.jobs.indices.map { "r\($0)" }
                _ = try await store.dispatch(source: "passage", eventID: id, rules: rules)
                try await rawDatabase(scratch.databasePath).write { db in
                    for (position, state) in example.jobs.enumerated() {
                        try db.execute(sql: """
                            UPDATE jobs SET state = ? WHERE rule = ? AND event_seq = (SELECT seq FROM events WHERE id = ?)
                            """, arguments: [state.rawValue, "r\(position)", id])
                    }
                }
                #expect(try await event(id).state == example.state, "\(example.jobs)")
                let listed = try await store.events(matching: EventFilter(limit: 1))
                #expect(listed.first?.state == example.state, "\(example.jobs) listed")
            }
            // And the rule itself, apart from the store.
            #expect(EventState(dispatched: false, jobs: []) == .pending)
        }
    }
}

extension SQLiteStoreTests.JobTests {
    @Test("mode: sync: the loop's undispatched list leaves out sync sources; jobs dispatched claimed are running; claimJobs takes an event's failed and pending jobs")
    func synchronousJobs() async throws {
        _ = try await store.accept([incoming("a"), incoming("s", source: "syncsrc")])
        #expect(try await store.undispatchedEvents(limit: 10, excludingSources: ["syncsrc"]).map(\.id) == ["a"])
        #expect(try await store.undispatchedEvents(limit: 10).map(\.id) == ["a", "s"])
        let jobs = try #require(try await store.dispatch(source: "syncsrc", eventID: "s", rules: ["r", "q"], claimed: true))
        #expect(try await event("s", source: "syncsrc").jobs.map(\.state) == [.running, .running])
        // The loop's claim does not take them.
        #expect(try await store.claimDueJobs(now: Date(), limit: 10).isEmpty)
        let failure = AttemptRecord(number: 1, startedAt: Date(), duration: .zero, outcome: .failed, error: "x")
        try await store.finish(job: try #require(jobs["r"]), attempt: failure, transition: .awaitRedelivery)
        try await store.finish(job: try #require(jobs["q"]), attempt: AttemptRecord(number: 1, startedAt: Date(), duration: .zero, outcome: .ok),
                               transition: .done)
        let waiting = try await event("s", source: "syncsrc")
        #expect(waiting.state == .failed)
        #expect(waiting.jobs.first { $0.rule == "r" }?.nextAttemptAt == nil)
        // Waiting for the redelivery: never due for the loop, even far in the future.
        #expect(try await store.claimDueJobs(now: Date().addingTimeInterval(86_400 * 365), limit: 10).isEmpty)
        let again = try await store.claimJobs(source: "syncsrc", eventID: "s", now: Date())
        #expect(again.map(\.rule) == ["r"])
        #expect(again.first?.attempts == 1)
    }

    func event(_ id: String, source: String) async throws -> StoredEvent {
        try #require(try await store.event(id: id, source: source).event)
    }
}
