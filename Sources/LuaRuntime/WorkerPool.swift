import Synchronization
import Foundation

/// A pool of Lua workers, each on a thread of its own, that runs rule runs to their end: runs queue
/// in one `RunQueue`, each worker takes the next when it is free, performs the run's HTTP calls
/// through `HostCalls` between steps, and enforces the wall time while a run waits for an answer.
///
/// `submit` is the pool's own form: the run's result is handed to a callback on the worker's
/// thread, with no task or continuation per run. `run` is the async form built on it.
///
/// A watchdog watches every step under way in a worker: one still inside Lua past twice the run's
/// wall time is stuck in C code, where the count hook cannot fire (a pathological pattern, a huge
/// sort). The watchdog fails that run, takes its worker out of the pool, starts a fresh one in its
/// place and counts it in `abandonedWorkers`; the stuck thread ends on its own when C returns.
public final class WorkerPool: Sendable {
    public let program: LuaProgram
    public let size: Int
    private let queue = RunQueue()
    private let state: Mutex<PoolState>
    private let watchdog: Watchdog

    private struct PoolState {
        var all: [WorkerSlot] = []
        var abandoned = 0
        var nextID = 0
    }

    /// Builds `size` workers with `program` loaded; throws the first load error.
    public init(program: LuaProgram, size: Int = 16, watchdogInterval: Duration = .milliseconds(50)) throws(LuaLoadError) {
        self.program = program
        self.size = max(1, size)
        var initial = PoolState()
        for _ in 0..<self.size {
            initial.all.append(try WorkerSlot(id: initial.nextID, program: program, queue: queue))
            initial.nextID += 1
        }
        for slot in initial.all { slot.start() }
        state = Mutex(initial)
        watchdog = Watchdog(interval: watchdogInterval)
        // The watchdog has a thread of its own: it must fire even when every thread of Swift's
        // cooperative pool is busy.
        watchdog.start { [weak self] in self?.checkStuckWorkers() }
    }

    deinit { close() }

    /// Workers the watchdog has replaced since the pool started.
    public var abandonedWorkers: Int { state.withLock { $0.abandoned } }

    /// Runs waiting for a free worker.
    public var queuedRuns: Int { queue.count }

    /// Queues a run for the next free worker. On a closed pool the run starts and ends at once,
    /// failed.
    public func submit(_ run: PoolRun) {
        submit([run])
    }

    /// Queues several runs at once (one lock, one wakeup).
    public func submit(_ runs: [PoolRun]) {
        guard !runs.isEmpty, !queue.push(runs) else { return }
        for run in runs {
            run.begin()?.end(RunResult(outcome: .failed(RunFailure(message: "the Lua workers are shut down")), duration: .zero))
        }
    }

    /// Runs rule `rule` of the program to its end, on an event given as JSON.
    public func run(rule: Int, mode: LuaWorker.Mode = .handle, eventJSON: [UInt8], limits: RunLimits,
                    host: any HostCalls) async -> RunResult {
        await run(rule: rule, mode: mode, event: .json(eventJSON), limits: limits, host: host)
    }

    /// Runs rule `rule` of the program to its end.
    public func run(rule: Int, mode: LuaWorker.Mode = .handle, event: RunEvent, limits: RunLimits,
                    host: any HostCalls) async -> RunResult {
        await withCheckedContinuation { continuation in
            submit(PoolRun {
                PoolRun.Start(rule: rule, mode: mode, event: event, limits: limits, host: host) {
                    continuation.resume(returning: $0)
                }
            })
        }
    }

    /// Takes no new runs; the workers finish the queued ones, then their threads end.
    public func close() {
        watchdog.stop()
        queue.close()
    }

    private func checkStuckWorkers() {
        let slots = state.withLock { $0.all }
        let now = ContinuousClock.now
        for slot in slots where slot.abandonIfStuck(now: now) { replace(slot) }
    }

    /// Puts a fresh worker in the place of an abandoned one.
    private func replace(_ slot: WorkerSlot) {
        let id = state.withLock { state -> Int in
            state.abandoned += 1
            state.all.removeAll { $0 === slot }
            defer { state.nextID += 1 }
            return state.nextID
        }
        // The program loaded once already, so it loads again; if memory is short, the pool shrinks.
        guard let fresh = try? WorkerSlot(id: id, program: program, queue: queue) else { return }
        state.withLock { $0.all.append(fresh) }
        fresh.start()
    }
}

/// A thread that calls a check every `interval` until stopped.
final class Watchdog: @unchecked Sendable {
    private let interval: Duration
    private let condition = NSCondition()
    private var stopped = false

    init(interval: Duration) {
        self.interval = interval
    }

    func start(_ check: @escaping @Sendable () -> Void) {
        let thread = Thread { [self] in
            let seconds = Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18
            condition.lock()
            while !stopped {
                _ = condition.wait(until: Date(timeIntervalSinceNow: seconds))
                if stopped { break }
                condition.unlock()
                check()
                condition.lock()
            }
            condition.unlock()
        }
        thread.name = "hookd-lua-watchdog"
        thread.start()
    }

    func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }
}
