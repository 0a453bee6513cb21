import Synchronization
import Foundation

/// A pool of Lua workers, each on a thread of its own, that runs rule runs to their end: it hands
/// each run to a free worker, performs the run's HTTP calls through `HostCalls` between steps, and
/// enforces the wall time while a run waits for an answer.
///
/// A watchdog watches every step under way in a worker: one still inside Lua past twice the run's
/// wall time is stuck in C code, where the count hook cannot fire (a pathological pattern, a huge
/// sort). The watchdog fails that run, takes its worker out of the pool, starts a fresh one in its
/// place and counts it in `abandonedWorkers`; the stuck thread ends on its own when C returns.
public final class WorkerPool: Sendable {
    public let program: LuaProgram
    public let size: Int
    private let state: Mutex<PoolState>
    private let watchdog: Watchdog

    private struct PoolState {
        var idle: [WorkerSlot] = []
        var all: [WorkerSlot] = []
        var waiters: [CheckedContinuation<WorkerSlot, Never>] = []
        var abandoned = 0
        var nextID = 0
        var closed = false
    }

    /// Builds `size` workers with `program` loaded; throws the first load error.
    public init(program: LuaProgram, size: Int = 16, watchdogInterval: Duration = .milliseconds(50)) throws(LuaLoadError) {
        self.program = program
        self.size = max(1, size)
        var initial = PoolState()
        for _ in 0..<self.size {
            let slot = try WorkerSlot(id: initial.nextID, program: program)
            initial.nextID += 1
            initial.idle.append(slot)
            initial.all.append(slot)
        }
        state = Mutex(initial)
        watchdog = Watchdog(interval: watchdogInterval)
        // The watchdog has a thread of its own: it must fire even when every thread of Swift's
        // cooperative pool is busy.
        watchdog.start { [weak self] in self?.checkStuckWorkers() }
    }

    deinit { close() }

    /// Workers the watchdog has replaced since the pool started.
    public var abandonedWorkers: Int { state.withLock { $0.abandoned } }

    /// Runs rule `rule` of the program to its end.
    public func run(rule: Int, mode: LuaWorker.Mode = .handle, eventJSON: [UInt8], limits: RunLimits,
                    host: any HostCalls) async -> RunResult {
        // The run's time starts once it has a worker: waiting in the queue is not the rule's time.
        let slot = await acquire()
        let started = ContinuousClock.now
        let runDeadline = started + limits.wallTime
        // A step is stuck once the run is past twice its wall time; a step that starts late (after
        // a long wait for an answer) still gets one wall time of its own, since the hook ends it
        // within that unless it is stuck in C.
        let runStuckAt = started + limits.wallTime * 2
        var stuckDeadline: ContinuousClock.Instant { max(runStuckAt, .now + limits.wallTime) }
        var step = await slot.execute(until: stuckDeadline) {
            $0.start(rule: rule, mode: mode, eventJSON: eventJSON, limits: limits)
        }
        while true {
            switch step {
            case nil:
                replace(slot)
                return RunResult(outcome: .failed(RunFailure(
                    message: "wall time limit of \(limits.wallTimeText) exceeded while inside a C function "
                        + "(e.g. a pathological pattern); its Lua worker was replaced",
                    limit: .wallTime)), duration: ContinuousClock.now - started)
            case let .finished(result)?:
                release(slot)
                return result
            case let .needsHTTP(request)?:
                let answer = await Self.perform(request, host: host, deadline: runDeadline)
                if let answer {
                    let sent = host.answerWasSent(for: request)
                    step = await slot.execute(until: stuckDeadline) { $0.resume(with: answer, sent: sent) }
                } else {
                    step = await slot.execute(until: stuckDeadline) { .finished($0.cancel(limit: .wallTime)) }
                }
            }
        }
    }

    /// Stops every worker thread once its current job ends.
    public func close() {
        watchdog.stop()
        let slots = state.withLock { state -> [WorkerSlot] in
            state.closed = true
            return state.all
        }
        for slot in slots { slot.thread.stop() }
    }

    /// The host's answer, or nil when the run's deadline passed first.
    private static func perform(_ request: HTTPCallRequest, host: any HostCalls,
                                deadline: ContinuousClock.Instant) async -> HTTPCallAnswer? {
        if ContinuousClock.now >= deadline { return nil }
        return await withTaskGroup(of: HTTPCallAnswer?.self) { group in
            group.addTask { await host.perform(request, deadline: deadline) }
            group.addTask {
                try? await Task.sleep(until: deadline, clock: .continuous)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    private func acquire() async -> WorkerSlot {
        if let slot = state.withLock({ $0.idle.popLast() }) { return slot }
        return await withCheckedContinuation { continuation in
            let slot = state.withLock { state -> WorkerSlot? in
                if let slot = state.idle.popLast() { return slot }
                state.waiters.append(continuation)
                return nil
            }
            if let slot { continuation.resume(returning: slot) }
        }
    }

    private func release(_ slot: WorkerSlot) {
        let waiter = state.withLock { state -> CheckedContinuation<WorkerSlot, Never>? in
            if !state.waiters.isEmpty { return state.waiters.removeFirst() }
            state.idle.append(slot)
            return nil
        }
        waiter?.resume(returning: slot)
    }

    /// Puts a fresh worker in the place of an abandoned one.
    private func replace(_ slot: WorkerSlot) {
        slot.thread.stop()
        let id = state.withLock { state -> Int in
            state.abandoned += 1
            state.all.removeAll { $0 === slot }
            defer { state.nextID += 1 }
            return state.nextID
        }
        // The program loaded once already, so it loads again; if memory is short, the pool shrinks.
        guard let fresh = try? WorkerSlot(id: id, program: program) else { return }
        state.withLock { $0.all.append(fresh) }
        release(fresh)
    }

    private func checkStuckWorkers() {
        let slots = state.withLock { $0.all }
        let now = ContinuousClock.now
        for slot in slots { slot.abandonIfStuck(now: now) }
    }
}

/// One worker and its thread, and the step under way on it (for the watchdog).
final class WorkerSlot: @unchecked Sendable {
    let id: Int
    let thread: WorkerThread
    let worker: LuaWorker
    private let inFlight = Mutex<(deadline: ContinuousClock.Instant, resume: ResumeOnce)?>(nil)

    init(id: Int, program: LuaProgram) throws(LuaLoadError) {
        self.id = id
        worker = try LuaWorker(program: program)
        thread = WorkerThread(name: "hookd-lua-\(id)")
    }

    /// Runs `body` on the slot's thread; nil when the watchdog abandoned the step.
    func execute(until deadline: ContinuousClock.Instant,
                 _ body: @escaping (LuaWorker) -> LuaWorker.Step) async -> LuaWorker.Step? {
        await withCheckedContinuation { continuation in
            let once = ResumeOnce(continuation)
            inFlight.withLock { $0 = (deadline, once) }
            thread.submit { [self] in
                let step = body(worker)
                inFlight.withLock { $0 = nil }
                once.resume(step)
            }
        }
    }

    func abandonIfStuck(now: ContinuousClock.Instant) {
        let stuck = inFlight.withLock { current -> ResumeOnce? in
            guard let (deadline, once) = current, now >= deadline else { return nil }
            current = nil
            return once
        }
        stuck?.resume(nil)
    }
}

/// Resumes a continuation once: whichever of the worker and the watchdog comes first.
final class ResumeOnce: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<LuaWorker.Step?, Never>?

    init(_ continuation: CheckedContinuation<LuaWorker.Step?, Never>) {
        self.continuation = continuation
    }

    func resume(_ step: LuaWorker.Step?) {
        lock.lock()
        let pending = continuation
        continuation = nil
        lock.unlock()
        pending?.resume(returning: step)
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
