import Foundation
import LuaRuntime
import Synchronization
import Testing

/// A host whose answers take `delay`, counting the calls it saw.
final class SlowHost: HostCalls {
    let delay: Duration
    let seen = Mutex<[HTTPCallRequest]>([])
    /// Calls whose wait was cancelled before the answer was ready.
    let cancelled = Mutex(0)
    var sendsForReal: Bool { false }
    init(delay: Duration) { self.delay = delay }
    func perform(_ request: HTTPCallRequest, deadline: ContinuousClock.Instant) async -> HTTPCallAnswer {
        seen.withLock { $0.append(request) }
        do {
            try await Task.sleep(for: delay)
        } catch {
            cancelled.withLock { $0 += 1 }
        }
        return ok200(request)
    }
}

/// Returns once `done` holds, or after `limit` (the caller's expectations then fail).
func waitUntil(within limit: Duration, _ done: () -> Bool) async throws {
    let deadline = ContinuousClock.now + limit
    while !done(), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
}

/// How many times each run ended.
final class EndTally: Sendable {
    let counts = Mutex<[Int: Int]>([:])
}

/// A host whose answers take `delay`, counting the most calls waiting at once.
final class OverlapHost: HostCalls {
    let delay: Duration
    private let counts = Mutex((now: 0, most: 0))
    var sendsForReal: Bool { false }
    var mostAtOnce: Int { counts.withLock { $0.most } }
    init(delay: Duration) { self.delay = delay }
    func perform(_ request: HTTPCallRequest, deadline: ContinuousClock.Instant) async -> HTTPCallAnswer {
        counts.withLock { counts in
            counts.now += 1
            counts.most = max(counts.most, counts.now)
        }
        try? await Task.sleep(for: delay)
        counts.withLock { $0.now -= 1 }
        return ok200(request)
    }
}

@Suite("Worker pool")
struct WorkerPoolTests {
    func pool(_ rules: [String], size: Int = 4, watchdog: Duration = .milliseconds(10)) throws -> WorkerPool {
        try WorkerPool(program: LuaProgram(rules: rules.enumerated().map { .init(chunkName: "rules/p\($0.offset).lua", source: $0.element) }),
                       size: size, watchdogInterval: watchdog)
    }

    @Test("many concurrent runs with async host calls all finish")
    func concurrentRuns() async throws {
        let pool = try pool([rule("local r = http.get('https://api.example.com/' .. event.n); log.info(event.n .. ':' .. r.status)")])
        defer { pool.close() }
        let host = SlowHost(delay: .milliseconds(2))
        let results = await withTaskGroup(of: (Int, RunResult).self) { group in
            for n in 0..<200 {
                group.addTask { (n, await pool.run(rule: 0, eventJSON: Array(#"{"n":\#(n)}"#.utf8), limits: .defaults, host: host)) }
            }
            var all: [(Int, RunResult)] = []
            for await pair in group { all.append(pair) }
            return all
        }
        #expect(results.count == 200)
        for (n, result) in results {
            #expect(result.isOK)
            #expect(result.messages == ["\(n):200"])
        }
        #expect(host.seen.withLock { $0.count } == 200)
    }

    @Test("submit: each run is begun on a worker's thread and ended once; a nil begin runs nothing; runs queued before close still run, runs submitted after it end failed")
    func submitAndClose() async throws {
        let pool = try pool([rule("http.get('https://slow.example.com/' .. event.n); log.info('n=' .. event.n)")], size: 1)
        let host = SlowHost(delay: .milliseconds(20))
        let ended = Mutex<[Int: [RunResult]]>([:])
        let begun = Mutex(0)
        func run(_ n: Int) -> PoolRun {
            PoolRun {
                begun.withLock { $0 += 1 }
                if n == 3 { return nil }
                return PoolRun.Start(rule: 0, event: .json(Array(#"{"n":\#(n)}"#.utf8)), limits: .defaults, host: host) { result in
                    ended.withLock { $0[n, default: []].append(result) }
                }
            }
        }
        pool.submit((1...5).map(run))
        // One worker, 20 ms a run: most are still queued when the pool closes.
        pool.close()
        pool.submit(run(6))
        try await waitUntil(within: .seconds(10)) { ended.withLock { $0.count } >= 5 }
        let results = ended.withLock { $0 }
        #expect(begun.withLock { $0 } == 6)
        #expect(results.keys.sorted() == [1, 2, 4, 5, 6])
        #expect(results.values.allSatisfy { $0.count == 1 }, "each ended once")
        for n in [1, 2, 4, 5] { #expect(results[n]?.first?.messages == ["n=\(n)"], "run \(n)") }
        #expect(results[6]?.first?.failure?.message == "the Lua workers are shut down")
        #expect(host.seen.withLock { $0.count } == 4)
    }

    @Test("runs submitted one at a time are all run by the worker that went idle last, not in turn by every worker")
    func lastIdleWorkerWakes() async throws {
        let pool = try pool([rule("")], size: 4)
        defer { pool.close() }
        // Every worker's thread is started and waiting.
        try await Task.sleep(for: .milliseconds(200))
        let threads = Mutex<[String]>([])
        for n in 0..<12 {
            let ended = Mutex(false)
            pool.submit(PoolRun {
                PoolRun.Start(rule: 0, event: .json(Array(#"{"n":\#(n)}"#.utf8)), limits: .defaults, host: SlowHost(delay: .zero)) { result in
                    #expect(result.failure == nil, "run \(n): \(result.failure?.message ?? "")")
                    threads.withLock { $0.append(Thread.current.name ?? "?") }
                    ended.withLock { $0 = true }
                }
            })
            try await waitUntil(within: .seconds(5)) { ended.withLock { $0 } }
            // The worker is back waiting before the next run comes.
            try await Task.sleep(for: .milliseconds(20))
        }
        let names = threads.withLock { $0 }
        #expect(names.count == 12)
        // In turn, all four would take runs. (Two, not one: a worker busy past the pause under a
        // loaded machine lets another take one run.)
        #expect(Set(names).count <= 2, "\(names)")
    }

    @Test("runs that wait for answers spread over every worker: 8 runs submitted at once wait for their answers together")
    func waitsSpread() async throws {
        let pool = try pool([rule("http.get('https://slow.example.com/')")], size: 4)
        defer { pool.close() }
        let host = OverlapHost(delay: .milliseconds(300))
        // Submitted at once, as the dispatcher hands over a commit's jobs.
        let ended = Mutex(0)
        pool.submit((0..<8).map { _ in
            PoolRun { PoolRun.Start(rule: 0, event: .json(Array("{}".utf8)), limits: .defaults, host: host) { _ in ended.withLock { $0 += 1 } } }
        })
        try await waitUntil(within: .seconds(20)) { ended.withLock { $0 } >= 8 }
        #expect(ended.withLock { $0 } == 8)
        // One worker taking the runs in turn would have one call waiting at a time. (Counted, not
        // timed: the test machine's cooperative pool may start the calls late, all together.)
        #expect(host.mostAtOnce >= 4, "at most \(host.mostAtOnce) calls waited at once")
    }

    @Test("a mix of fast runs and runs that wait for answers, submitted in bursts from several threads: every run ends once, and the waits overlap")
    func mixedBursts() async throws {
        let pool = try pool([rule("log.info('fast ' .. event.n)"), rule("http.get('https://slow.example.com/' .. event.n); log.info('slow ' .. event.n)")], size: 4)
        defer { pool.close() }
        let host = OverlapHost(delay: .milliseconds(30))
        let ended = EndTally()
        let runs = 400
        await withTaskGroup(of: Void.self) { group in
            for burst in 0..<20 {
                group.addTask {
                    pool.submit((0..<runs / 20).map { offset in
                        let n = burst * (runs / 20) + offset
                        return PoolRun {
                            PoolRun.Start(rule: n % 3 == 0 ? 1 : 0, event: .json(Array(#"{"n":\#(n)}"#.utf8)), limits: .defaults, host: host) { result in
                                #expect(result.messages == [(n % 3 == 0 ? "slow " : "fast ") + String(n)])
                                ended.counts.withLock { $0[n, default: 0] += 1 }
                            }
                        }
                    })
                }
            }
        }
        try await waitUntil(within: .seconds(30)) { ended.counts.withLock { $0.count } >= runs }
        let counts = ended.counts.withLock { $0 }
        #expect(counts.count == runs, "\(runs - counts.count) runs never ended")
        #expect(counts.values.allSatisfy { $0 == 1 }, "a run ended twice")
        #expect(host.mostAtOnce >= 2, "the waits never overlapped")
    }

    @Test("wall time spent waiting on a slow host call ends the run")
    func slowHostCall() async throws {
        let pool = try pool([rule("http.get('https://slow.example.com/')"), rule("log.info('ok')")], size: 1)
        defer { pool.close() }
        let host = SlowHost(delay: .seconds(60))
        let clock = ContinuousClock()
        let started = clock.now
        let result = await pool.run(rule: 0, eventJSON: Array("{}".utf8),
                                    limits: RunLimits(wallTime: .seconds(1)), host: host)
        // When the test threads are busy the deadline may even pass before the call is made;
        // either way the run must not wait for the 60 s answer.
        #expect(clock.now - started < .seconds(30), "the deadline, not the 60 s answer, ended the wait")
        #expect(host.seen.withLock { $0.count } == host.cancelled.withLock { $0 }, "a call that was made was cancelled")
        let failure = try #require(result.failure)
        #expect(failure.limit == .wallTime)
        #expect(failure.message.contains("wall time limit of 1s exceeded"), "\(failure.message)")
        #expect(failure.message.hasPrefix("rules/p0.lua:2:"), "the line of the call that waited")
        let after = await pool.run(rule: 1, eventJSON: Array("{}".utf8), limits: .defaults, host: SlowHost(delay: .zero))
        #expect(after.messages == ["ok"])
    }

    @Test("the watchdog replaces a worker stuck in C, and the pool keeps serving")
    func watchdogReplacesStuckWorker() async throws {
        // One C call that runs long: sorting two million numbers. The count hook cannot fire inside it.
        let stuck = rule("""
            local t = json.decode("[" .. string.rep("5,3,9,1,7,8,2,6,4,", 220000) .. "0]")
            table.sort(t)
            """)
        let pool = try pool([stuck, rule("log.info('served')")], size: 2, watchdog: .milliseconds(5))
        defer { pool.close() }
        let result = await pool.run(rule: 0, eventJSON: Array("{}".utf8),
                                    limits: RunLimits(instructions: 0, memory: 512 * 1024 * 1024, wallTime: .milliseconds(10)),
                                    host: SlowHost(delay: .zero))
        let failure = try #require(result.failure)
        #expect(failure.limit == .wallTime)
        #expect(failure.message.contains("worker was replaced"), "\(failure.message)")
        #expect(pool.abandonedWorkers == 1)
        for _ in 0..<10 {
            let served = await pool.run(rule: 1, eventJSON: Array("{}".utf8), limits: .defaults, host: SlowHost(delay: .zero))
            #expect(served.messages == ["served"])
        }
    }

    @Test("a catastrophic pattern in the pool ends by budget; the pool keeps serving")
    func catastrophicPatternInPool() async throws {
        let pool = try pool([rule(#"string.find(string.rep("a", 5000), "a-a-a-b")"#), rule("log.info('served')")], size: 1)
        defer { pool.close() }
        let result = await pool.run(rule: 0, eventJSON: Array("{}".utf8), limits: .defaults, host: SlowHost(delay: .zero))
        #expect(result.failure?.limit == .instructions)
        #expect(pool.abandonedWorkers == 0)
        let served = await pool.run(rule: 1, eventJSON: Array("{}".utf8), limits: .defaults, host: SlowHost(delay: .zero))
        #expect(served.messages == ["served"])
    }

    @Test("a program that does not load names the file")
    func loadError() {
        #expect(throws: LuaLoadError.self) { try pool(["return {", "return {}"]) }
    }
}
