import Foundation
import HookdCore
import HookdSQLite
import Testing

extension SQLiteStoreTests {
    /// `order_by` lanes as the store enforces them when jobs are claimed (SPEC §2).
    @Suite("order_by lanes")
    struct OrderLaneTests {
        let scratch: Scratch
        let store: SQLiteStore

        init() throws {
            scratch = try Scratch()
            store = try SQLiteStore(path: scratch.databasePath)
        }

        /// Accepts and dispatches the events (id, order key) in this order, each to `rules`.
        func dispatched(_ events: [(String, String?)], rules: [String] = ["r"]) async throws -> [String: [String: Int64]] {
            _ = try await store.accept(events.map { incoming($0.0, orderKey: $0.1) })
            var jobs: [String: [String: Int64]] = [:]
            for (id, _) in events {
                jobs[id] = try #require(try await store.dispatch(source: "passage", eventID: id, rules: rules))
            }
            return jobs
        }

        func claimedIDs(at now: Date = Date()) async throws -> [String] {
            try await store.claimDueJobs(now: now, limit: 100).map { "\($0.event.id)/\($0.rule)" }
        }

        func done(_ job: Int64?, number: Int = 1) async throws {
            try await store.finish(job: try #require(job), attempt: AttemptRecord(number: number, startedAt: Date(), duration: .zero, outcome: .ok),
                                   transition: .done)
        }

        @Test("one job per lane at a time, in receipt order; jobs without a key and other lanes run in parallel")
        func oneAtATime() async throws {
            let jobs = try await dispatched([("a1", "A"), ("b1", "B"), ("a2", "A"), ("n1", nil), ("a3", "A"), ("n2", nil)])
            #expect(try await claimedIDs() == ["a1/r", "b1/r", "n1/r", "n2/r"])
            // Nothing more while a1 runs.
            #expect(try await claimedIDs() == [])
            try await done(jobs["a1"]?["r"])
            #expect(try await claimedIDs() == ["a2/r"])
            try await done(jobs["a2"]?["r"])
            #expect(try await claimedIDs() == ["a3/r"])
        }

        @Test("a lane is per rule: two rules on the same key do not wait for each other")
        func perRule() async throws {
            let jobs = try await dispatched([("a1", "A"), ("a2", "A")], rules: ["r", "s"])
            #expect(try await claimedIDs() == ["a1/r", "a1/s"])
            try await done(jobs["a1"]?["s"])
            #expect(try await claimedIDs() == ["a2/s"])
        }

        @Test("a job waiting to retry holds its lane until it is done; a dead job releases it")
        func retryHoldsLane() async throws {
            let jobs = try await dispatched([("a1", "A"), ("a2", "A"), ("a3", "A")])
            #expect(try await claimedIDs() == ["a1/r"])
            let later = Date().addingTimeInterval(60)
            let failure = AttemptRecord(number: 1, startedAt: Date(), duration: .zero, outcome: .failed, error: "boom")
            try await store.finish(job: try #require(jobs["a1"]?["r"]), attempt: failure, transition: .retry(at: later))
            // a1 waits to retry: a2 must not overtake it.
            #expect(try await claimedIDs() == [])
            #expect(try await claimedIDs(at: later) == ["a1/r"])
            let second = AttemptRecord(number: 2, startedAt: Date(), duration: .zero, outcome: .failed, error: "boom")
            try await store.finish(job: try #require(jobs["a1"]?["r"]), attempt: second, transition: .dead(error: "boom"))
            #expect(try await claimedIDs(at: later) == ["a2/r"])
            try await done(jobs["a2"]?["r"])
            #expect(try await claimedIDs(at: later) == ["a3/r"])
        }

        @Test("lanes are per source: the same key in another source is another lane")
        func perSource() async throws {
            _ = try await store.accept([incoming("a1", orderKey: "A"), incoming("x1", source: "other", orderKey: "A")])
            _ = try await store.dispatch(source: "passage", eventID: "a1", rules: ["r"])
            _ = try await store.dispatch(source: "other", eventID: "x1", rules: ["r"])
            #expect(try await claimedIDs() == ["a1/r", "x1/r"])
        }
    }
}
