import Foundation
import HookdCore
import HookdSQLite
import LuaRuntime
import Synchronization
import Testing

extension SQLiteStoreTests {
    /// Jobs claimed at receipt: stored running in the accept's transaction, handed to the
    /// dispatcher with their event, run without a claim, released unrun on a stop.
    @Suite("jobs claimed at receipt")
    struct ClaimedAtReceiptTests {
        let scratch: Scratch
        let store: SQLiteStore

        init() throws {
            scratch = try Scratch()
            store = try SQLiteStore(path: scratch.databasePath)
        }

        static let tagging = """
            return { on = { source = "passage" }, handle = function(event) log.info("ran " .. event.id) end }
            """

        func claimed(_ id: String, rules: [String]) -> IncomingEvent {
            var event = incoming(id)
            event.rules = rules
            event.claimedAtReceipt = true
            return event
        }

        func jobs(_ result: AcceptResult, of events: [IncomingEvent]) -> [ClaimedJob] {
            result.claimed.map { ClaimedJob(id: $0.job, rule: $0.rule, attempts: 0, event: events[$0.event].stored) }
        }

        /// Reserves room once the started dispatcher's loop has resumed interrupted jobs (at most 5 s).
        func reserveOnceStarted(_ dispatcher: Dispatcher, _ count: Int) async throws -> Bool {
            for _ in 0..<500 {
                if dispatcher.reserve(count) { return true }
                try await Task.sleep(for: .milliseconds(10))
            }
            return false
        }

        /// Waits until every job of the event is in `state` (at most 10 s).
        func waitFor(_ id: String, _ state: JobState) async throws -> StoredEvent {
            let deadline = ContinuousClock.now + .seconds(10)
            while ContinuousClock.now < deadline {
                if let event = try await store.event(id: id, source: "passage").event,
                   !event.jobs.isEmpty, event.jobs.allSatisfy({ $0.state == state }) {
                    return event
                }
                try await Task.sleep(for: .milliseconds(10))
            }
            let event = try #require(try await store.event(id: id, source: "passage").event)
            Issue.record("\(id): jobs \(event.jobs.map(\.state)), not all \(state)")
            return event
        }

        @Test("the store makes claimed jobs running in the accept's transaction and lists them by event; a duplicate makes none")
        func storeClaims() async throws {
            let events = [claimed("evt_1", rules: ["a", "b"]), incoming("evt_2"), claimed("evt_3", rules: ["a"])]
            let result = try await store.accept(events)
            #expect(result.claimed.map(\.rule) == ["a", "b", "a"])
            #expect(result.claimed.map(\.event) == [0, 0, 2])
            #expect(result.jobsCreated == 3 && !result.leftToClaim && result.leftToDispatch)
            let first = try #require(try await store.event(id: "evt_1", source: "passage").event)
            #expect(first.jobs.map(\.state) == [.running, .running])
            #expect(first.state == .pending, "SPEC §6: an event with unfinished jobs is pending")
            // Running jobs are not claimed again by the loop.
            #expect(try await store.claimDueJobs(now: Date(), limit: 10).isEmpty)
            let again = try await store.accept([claimed("evt_1", rules: ["a", "b"])])
            #expect(again.duplicates == ["evt_1"] && again.claimed.isEmpty)
            // Without the flag the same rules make pending jobs, for the loop.
            var pending = incoming("evt_4")
            pending.rules = ["a"]
            let unclaimed = try await store.accept([pending])
            #expect(unclaimed.claimed.isEmpty && unclaimed.leftToClaim)
            #expect(try await store.claimDueJobs(now: Date(), limit: 10).map(\.event.id) == ["evt_4"])
        }

        @Test("a released job goes back to pending with no attempt; a finished one is not touched by a late release")
        func release() async throws {
            let result = try await store.accept([claimed("evt_1", rules: ["a"]), claimed("evt_2", rules: ["a"])])
            let jobs = result.claimed.map(\.job)
            try await store.finish(job: jobs[0], attempt: nil, transition: .released)
            try await store.finish(job: jobs[1], attempt: AttemptRecord(number: 1, startedAt: Date(), duration: .milliseconds(1), outcome: .ok),
                                   transition: .done)
            try await store.finish(job: jobs[1], attempt: nil, transition: .released)
            #expect(try await store.event(id: "evt_1", source: "passage").event?.jobs.map(\.state) == [.pending])
            #expect(try await store.attempts(source: "passage", eventID: "evt_1").isEmpty)
            #expect(try await store.event(id: "evt_2", source: "passage").event?.jobs.map(\.state) == [.done])
            #expect(try await store.claimDueJobs(now: Date(), limit: 10).map(\.event.id) == ["evt_1"])
        }

        @Test("handed to the dispatcher, claimed jobs run once each and are recorded, with no claim by the loop")
        func dispatcherRuns() async throws {
            let dispatcher = Dispatcher(store: store, generation: { [generation = try scratch.ruleGeneration(["tag.lua": Self.tagging])] in generation },
                                        settings: .init(pollInterval: .seconds(30)), host: ScriptedHost())
            #expect(!dispatcher.reserve(1), "no room before the loop has resumed interrupted jobs")
            dispatcher.start()
            #expect(try await reserveOnceStarted(dispatcher, 40))
            let events = (1...40).map { claimed("evt_\($0)", rules: ["tag"]) }
            let result = try await store.accept(events)
            dispatcher.run(claimedAtReceipt: jobs(result, of: events))
            for event in events {
                let stored = try await waitFor(event.id, .done)
                let attempts = try await store.attempts(source: "passage", eventID: event.id)
                #expect(attempts.map(\.attempt.number) == [1], "\(event.id)")
                #expect(attempts.first?.attempt.logs.map(\.message) == ["ran \(event.id)"])
                #expect(stored.state == .done)
            }
            // The poll interval is 30 s: nothing but the hand-over ran them.
            #expect(await dispatcher.stop())
        }

        @Test("room is reserved up to claimedAtReceiptPerWorker per Lua worker and given back; none once stopping")
        func reservations() async throws {
            let dispatcher = Dispatcher(store: store, generation: { [generation = try scratch.ruleGeneration(["tag.lua": Self.tagging])] in generation },
                                        settings: .init(pollInterval: .milliseconds(10), claimedAtReceiptPerWorker: 5), host: ScriptedHost())
            dispatcher.start()
            #expect(try await reserveOnceStarted(dispatcher, 6))
            #expect(!dispatcher.reserve(5), "6 + 5 is over 2 workers × 5")
            #expect(dispatcher.reserve(4))
            #expect(!dispatcher.reserve(1))
            dispatcher.release(10)
            #expect(dispatcher.reserve(10))
            dispatcher.release(10)
            #expect(await dispatcher.stop())
            #expect(!dispatcher.reserve(1), "a stopped dispatcher takes no jobs")
        }

        @Test("jobs still queued when the dispatcher stops are released to pending, unrun, and run after the next start")
        func stopReleasesQueued() async throws {
            // One worker, and runs of 100 ms: most of the 20 jobs are still queued when the stop comes.
            let slow = """
                return { on = { source = "passage" }, handle = function(event) http.get("http://h/slow/" .. event.id) end }
                """
            let rules = try scratch.ruleGeneration(["slow.lua": slow], workers: 1)
            let host = SlowHost(delay: .milliseconds(100))
            let dispatcher = Dispatcher(store: store, generation: { rules }, settings: .init(pollInterval: .seconds(30)), host: host)
            dispatcher.start()
            #expect(try await reserveOnceStarted(dispatcher, 20))
            let events = (1...20).map { claimed("evt_\($0)", rules: ["slow"]) }
            dispatcher.run(claimedAtReceipt: jobs(try await store.accept(events), of: events))
            try await Task.sleep(for: .milliseconds(250))
            #expect(await dispatcher.stop(grace: .seconds(5)))
            var states: [JobState] = []
            for event in events {
                states += try #require(try await store.event(id: event.id, source: "passage").event).jobs.map(\.state)
            }
            let ran = states.filter { $0 == .done }.count
            #expect(ran >= 1 && ran < 10, "\(states)")
            #expect(states.allSatisfy { $0 == .done || $0 == .pending }, "none left running: \(states)")
            #expect(host.calls == ran, "a released job was not run")
            // The next start runs the released ones.
            let next = Dispatcher(store: store, generation: { rules }, settings: .init(pollInterval: .milliseconds(20)), host: host)
            next.start()
            for event in events { _ = try await waitFor(event.id, .done) }
            #expect(await next.stop())
            #expect(host.calls == events.count, "each ran exactly once")
        }
    }
}

/// A host whose every answer takes `delay`, counting calls.
final class SlowHost: HostCalls {
    let delay: Duration
    private let count = Mutex(0)
    var sendsForReal: Bool { true }
    var calls: Int { count.withLock { $0 } }
    init(delay: Duration) { self.delay = delay }
    func perform(_ request: HTTPCallRequest, deadline: ContinuousClock.Instant) async -> HTTPCallAnswer {
        count.withLock { $0 += 1 }
        try? await Task.sleep(for: delay)
        return .response(status: 200, headers: [], body: [])
    }
}
