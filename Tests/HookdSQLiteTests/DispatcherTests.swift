import Foundation
import HookdCore
import HookdSQLite
import LuaRuntime
import Synchronization
import Testing

/// A `HostCalls` that records every request and answers from a script: status by URL, with a
/// per-URL list of statuses consumed in order (the last one repeats).
final class ScriptedHost: HostCalls {
    private let answers: Mutex<[String: [Int]]>
    private let seen = Mutex<[HTTPCallRequest]>([])

    init(_ answers: [String: [Int]] = [:]) { self.answers = Mutex(answers) }

    var sendsForReal: Bool { true }
    var requests: [HTTPCallRequest] { seen.withLock { $0 } }

    func perform(_ request: HTTPCallRequest, deadline: ContinuousClock.Instant) async -> HTTPCallAnswer {
        seen.withLock { $0.append(request) }
        let status = answers.withLock { answers -> Int in
            guard var list = answers[request.url], !list.isEmpty else { return 200 }
            let first = list.removeFirst()
            answers[request.url] = list.isEmpty ? [first] : list
            return first
        }
        return .response(status: status, headers: [], body: Array("{}".utf8))
    }
}

extension Scratch {
    /// The rules of `rules` (file name → text), written to a directory of their own, with a pool of
    /// `workers` Lua workers.
    func ruleGeneration(_ rules: [String: String], workers: Int = 2) throws -> RuleGeneration {
        let dir = directory.appendingPathComponent("rules-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for (name, text) in rules { try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8) }
        let set = try RuleSet(directory: RuleDirectory(path: dir))
        return RuleGeneration(ruleSet: set, pool: try WorkerPool(program: set.program, size: workers))
    }
}

/// A mutable rule generation, as reload will swap it.
final class GenerationBox: Sendable {
    private let current: Mutex<RuleGeneration>
    init(_ generation: RuleGeneration) { current = Mutex(generation) }
    var generation: RuleGeneration {
        get { current.withLock { $0 } }
        set { current.withLock { $0 = newValue } }
    }
}

extension SQLiteStoreTests {
    /// The dispatcher on a real store with Lua rules and a scripted host.
    @Suite("dispatcher")
    struct DispatcherTests {
        let scratch: Scratch
        let store: SQLiteStore

        init() throws {
            scratch = try Scratch()
            store = try SQLiteStore(path: scratch.databasePath)
        }

        func generation(_ rules: [String: String]) throws -> RuleGeneration {
            try scratch.ruleGeneration(rules)
        }

        static let calling = """
            return { on = { source = "passage" }, handle = function(event)
              local a = http.get("http://h/a")
              if a.status ~= 200 then error("a answered " .. a.status) end
              http.post("http://h/b", { json = { id = event.id, attempt = event.attempt } })
            end }
            """

        func dispatcher(_ box: GenerationBox, host: ScriptedHost, maxAttempts: Int = 5) -> Dispatcher {
            Dispatcher(store: store, generation: { box.generation },
                       settings: .init(retry: RetryPolicy(maxAttempts: maxAttempts, backoff: .milliseconds(10), maxBackoff: .milliseconds(40)),
                                       pollInterval: .milliseconds(20)),
                       host: host)
        }

        /// Waits until the event's state is `state` (at most 10 s).
        func waitFor(_ id: String, _ state: EventState) async throws -> StoredEvent {
            let deadline = ContinuousClock.now + .seconds(10)
            while ContinuousClock.now < deadline {
                if let event = try await store.event(id: id, source: "passage").event, event.state == state, event.dispatched {
                    return event
                }
                try await Task.sleep(for: .milliseconds(10))
            }
            let event = try await store.event(id: id, source: "passage").event
            Issue.record("\(id) did not become \(state): \(String(describing: event?.jobs))")
            return try #require(event)
        }

        @Test("a matching event runs its rule once, with Idempotency-Keys; the attempt is recorded and the event done")
        func runsOnce() async throws {
            let box = GenerationBox(try generation(["fetch.lua": Self.calling]))
            let host = ScriptedHost()
            let dispatcher = dispatcher(box, host: host)
            dispatcher.start()
            _ = try await store.accept([incoming("evt_1")])
            dispatcher.notify()
            let event = try await waitFor("evt_1", .done)
            await dispatcher.stop()
            #expect(event.jobs.map(\.rule) == ["fetch"])
            #expect(event.jobs.first?.attempts == 1)
            #expect(host.requests.map(\.url) == ["http://h/a", "http://h/b"])
            #expect(host.requests.map { $0.header("Idempotency-Key") } == ["passage:evt_1:fetch:1", "passage:evt_1:fetch:2"])
            let attempts = try await store.attempts(source: "passage", eventID: "evt_1")
            #expect(attempts.count == 1)
            #expect(attempts.first?.attempt.outcome == .ok)
            #expect(attempts.first?.attempt.calls.map(\.status) == [200, 200])
        }

        @Test("a failing rule retries with backoff, each attempt recorded with its calls, then succeeds")
        func retriesThenSucceeds() async throws {
            let box = GenerationBox(try generation(["fetch.lua": Self.calling]))
            let host = ScriptedHost(["http://h/a": [500, 503, 200]])
            let dispatcher = dispatcher(box, host: host)
            dispatcher.start()
            _ = try await store.accept([incoming("evt_1")])
            dispatcher.notify()
            let event = try await waitFor("evt_1", .done)
            await dispatcher.stop()
            #expect(event.jobs.first?.attempts == 3)
            let attempts = try await store.attempts(source: "passage", eventID: "evt_1").map(\.attempt)
            #expect(attempts.map(\.outcome) == [.failed, .failed, .ok])
            #expect(attempts.map { $0.calls.map(\.status) } == [[500], [503], [200, 200]])
            #expect(attempts.first?.error?.contains("a answered 500") == true)
            // Each retry waited at least its backoff.
            let gaps = zip(attempts.dropFirst(), attempts).map { $0.startedAt.timeIntervalSince($1.startedAt) }
            #expect(gaps.allSatisfy { $0 >= 0.009 }, "\(gaps)")
            // A retried run sends the same keys.
            let keys = host.requests.filter { $0.url == "http://h/a" }.map { $0.header("Idempotency-Key") }
            #expect(keys == Array(repeating: "passage:evt_1:fetch:1", count: 3))
        }

        @Test("a rule that always fails is dead after max_attempts")
        func goesDead() async throws {
            let box = GenerationBox(try generation(["fetch.lua": Self.calling]))
            let host = ScriptedHost(["http://h/a": [500]])
            let dispatcher = dispatcher(box, host: host, maxAttempts: 3)
            dispatcher.start()
            _ = try await store.accept([incoming("evt_1")])
            dispatcher.notify()
            let event = try await waitFor("evt_1", .dead)
            await dispatcher.stop()
            #expect(event.jobs.first?.attempts == 3)
            #expect(event.jobs.first?.lastError?.contains("a answered 500") == true)
            #expect(try await store.attempts(source: "passage", eventID: "evt_1").count == 3)
            #expect(host.requests.count == 3)
        }

        @Test("a job whose rule was removed goes dead with \"rule removed\"")
        func ruleRemoved() async throws {
            let box = GenerationBox(try generation(["fetch.lua": Self.calling]))
            let host = ScriptedHost(["http://h/a": [500]])
            let dispatcher = dispatcher(box, host: host)
            dispatcher.start()
            _ = try await store.accept([incoming("evt_1")])
            dispatcher.notify()
            _ = try await waitFor("evt_1", .failed)
            box.generation = try generation(["other.lua": "return { on = { source = \"nobody\" }, handle = function() end }"])
            let event = try await waitFor("evt_1", .dead)
            await dispatcher.stop()
            #expect(event.jobs.first?.lastError == "rule removed")
        }

        @Test("an event matching no rule (by index or by when) is done with no jobs")
        func matchesNothing() async throws {
            let box = GenerationBox(try generation([
                "elsewhere.lua": "return { on = { source = \"other\" }, handle = function() error(\"no\") end }",
                "narrow.lua": "return { on = { source = \"passage\" }, when = function(e) return e.id == \"x\" end, handle = function() error(\"no\") end }",
            ]))
            let host = ScriptedHost()
            let dispatcher = dispatcher(box, host: host)
            dispatcher.start()
            _ = try await store.accept([incoming("evt_1")])
            dispatcher.notify()
            let event = try await waitFor("evt_1", .done)
            await dispatcher.stop()
            #expect(event.jobs.isEmpty)
        }

        @Test("after a crash (jobs left running) a new dispatcher finishes every job and reruns none that finished")
        func resumesAfterCrash() async throws {
            _ = try await store.accept([incoming("evt_1"), incoming("evt_2")])
            let one = try #require(try await store.dispatch(source: "passage", eventID: "evt_1", rules: ["fetch"]))
            _ = try await store.dispatch(source: "passage", eventID: "evt_2", rules: ["fetch"])
            let claimed = try await store.claimDueJobs(now: Date(), limit: 10)
            #expect(claimed.count == 2)
            // evt_1's job finished before the crash; evt_2's was left running.
            try await store.finish(job: one["fetch"]!, attempt: AttemptRecord(number: 1, startedAt: Date(), duration: .zero, outcome: .ok),
                                   transition: .done)
            let box = GenerationBox(try generation(["fetch.lua": Self.calling]))
            let host = ScriptedHost()
            let dispatcher = dispatcher(box, host: host)
            dispatcher.start()
            _ = try await waitFor("evt_2", .done)
            await dispatcher.stop()
            #expect(try await waitFor("evt_1", .done).jobs.first?.attempts == 1)
            #expect(Set(host.requests.compactMap { $0.header("Idempotency-Key") }) == ["passage:evt_2:fetch:1", "passage:evt_2:fetch:2"])
        }

        static let laned = """
            return { on = { source = "passage" }, handle = function(event)
              local r = http.post("http://h/" .. event.data.key, { json = { n = event.data.n } })
              if r.status ~= 200 then error("answered " .. r.status) end
            end }
            """

        @Test("order_by: 200 events over 10 keys reach the downstream strictly in receipt order per key, even when one job retries")
        func ordersByKey() async throws {
            let box = GenerationBox(try generation(["laned.lua": Self.laned]))
            // k3's first call fails once, so its first job retries while the lane's later jobs wait.
            let host = ScriptedHost(["http://h/k3": [500, 200]])
            let dispatcher = dispatcher(box, host: host)
            dispatcher.start()
            let events = (0..<200).map { n -> IncomingEvent in
                let key = "k\(n % 10)"
                let payload = #"{"id":"e\#(n)","data":{"key":"\#(key)","n":\#(n)}}"#
                return IncomingEvent(source: "passage", id: "e\(n)", type: "t", status: nil, timestamp: nil,
                                     payload: Array(payload.utf8), dataPath: ["data"], orderKey: key,
                                     receivedAt: Date(), request: request(payload))
            }
            // In several requests, as a provider would deliver them, with the dispatcher already running.
            for start in stride(from: 0, to: 200, by: 20) {
                _ = try await store.accept(Array(events[start..<start + 20]))
                dispatcher.notify()
            }
            let deadline = ContinuousClock.now + .seconds(30)
            var states: [EventState] = []
            while ContinuousClock.now < deadline {
                states = try await store.events(matching: EventFilter(limit: 500)).map(\.state)
                if states.count == 200, states.allSatisfy({ $0 == .done }) { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            await dispatcher.stop()
            #expect(states.count == 200 && states.allSatisfy { $0 == .done })
            var arrivals: [String: [Int]] = [:]
            for request in host.requests {
                let body = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
                arrivals[String(request.url.dropFirst("http://h/".count)), default: []].append(try #require(body["n"] as? Int))
            }
            for k in 0..<10 {
                let expected = Array(stride(from: k, to: 200, by: 10))
                // k3's first event arrives twice (the failure, then its retry) before anything after it.
                let wanted = k == 3 ? [expected[0]] + expected : expected
                #expect(arrivals["k\(k)"] == wanted, "k\(k)")
            }
        }
    }
}

extension SQLiteStoreTests.DispatcherTests {
    @Test("a dead job replayed runs again from attempt 1 with the same Idempotency-Keys and ends done")
    func replayOfDead() async throws {
        let box = GenerationBox(try generation(["fetch.lua": Self.calling]))
        // Two failures (max_attempts 2: dead), then the downstream recovers.
        let host = ScriptedHost(["http://h/a": [500, 500, 200]])
        let dispatcher = dispatcher(box, host: host, maxAttempts: 2)
        dispatcher.start()
        _ = try await store.accept([incoming("evt_1")])
        dispatcher.notify()
        _ = try await waitFor("evt_1", .dead)
        let replayed = try await store.replay(ReplaySelection(.events(["evt_1"])))
        #expect(replayed.replayed.count == 1)
        dispatcher.notify()
        let event = try await waitFor("evt_1", .done)
        await dispatcher.stop()
        #expect(event.jobs.first?.attempts == 1)
        let keys = host.requests.map { $0.header("Idempotency-Key") ?? "-" }
        #expect(keys == ["passage:evt_1:fetch:1", "passage:evt_1:fetch:1", "passage:evt_1:fetch:1", "passage:evt_1:fetch:2"])
        let attempts = try await store.attempts(source: "passage", eventID: "evt_1")
        #expect(attempts.map { "\($0.round).\($0.attempt.number)" } == ["0.1", "0.2", "1.1"])
    }
}
