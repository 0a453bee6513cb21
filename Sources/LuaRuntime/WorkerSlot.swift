import Foundation
import Synchronization

/// One Lua worker and the thread it lives on: the thread takes runs from its pool's `RunQueue` one
/// after another and runs each to its end, waiting (blocked, off Swift's cooperative pool) while a
/// run waits for the answer to an HTTP call.
///
/// Lua never runs on Swift's cooperative pool: a rule stuck in C (or merely busy) would starve HTTP
/// serving and the store's writer on a 2-core machine.
final class WorkerSlot: @unchecked Sendable {
    /// A step of a run under way inside Lua, for the watchdog.
    private struct LuaStep {
        var stuckAt: ContinuousClock.Instant
        var started: ContinuousClock.Instant
        var limits: RunLimits
        var end: @Sendable (RunResult) -> Void
    }

    let id: Int
    private let worker: LuaWorker
    private let queue: RunQueue
    private let step = Mutex<(current: LuaStep?, abandoned: Bool)>((nil, false))

    /// Loads `program` into a fresh Lua state; `start` starts its thread.
    init(id: Int, program: LuaProgram, queue: RunQueue) throws(LuaLoadError) {
        self.id = id
        self.queue = queue
        worker = try LuaWorker(program: program)
    }

    func start() {
        let name = "hookd-lua-\(id)"
        let thread = Thread { [self] in
            // Set from the thread itself, Foundation names the system's thread too (top, /proc).
            Thread.current.name = name
            loop()
        }
        thread.stackSize = 16 * 1024 * 1024
        thread.start()
    }

    private func loop() {
        // The end of one run is told to the queue with the request for the next: one lock per run.
        var finishing = false
        let waiter = RunQueue.Waiter()
        while let run = queue.next(finishing: finishing, waiter: waiter) {
            finishing = true
            guard let start = run.begin() else { continue }
            // Abandoned by the watchdog: it ended the run (and told the queue) and a fresh slot
            // took this one's place.
            guard execute(start) else { return }
        }
    }

    /// Runs `start` to its end and hands its result to `start.end`; false when the watchdog
    /// abandoned the slot meanwhile (it has ended the run).
    private func execute(_ start: PoolRun.Start) -> Bool {
        let limits = start.limits
        let started = ContinuousClock.now
        let runDeadline = started + limits.wallTime
        // A step is stuck once the run is past twice its wall time; a step that starts late (after
        // a long wait for an answer) still gets one wall time of its own, since the hook ends it
        // within that unless it is stuck in C.
        let runStuckAt = started + limits.wallTime * 2
        var next = inLua(stuckAt: runStuckAt, started: started, start) {
            $0.start(rule: start.rule, mode: start.mode, event: start.event, limits: limits)
        }
        while true {
            switch next {
            case nil:
                return false
            case let .finished(result)?:
                start.end(result)
                return true
            case let .needsHTTP(request)?:
                queue.waitsForAnswer()
                let answer = Self.wait(for: request, host: start.host, deadline: runDeadline)
                queue.answered()
                let stuckAt = max(runStuckAt, .now + limits.wallTime)
                if let answer {
                    let sent = start.host.answerWasSent(for: request)
                    next = inLua(stuckAt: stuckAt, started: started, start) { $0.resume(with: answer, sent: sent) }
                } else {
                    next = inLua(stuckAt: stuckAt, started: started, start) { .finished($0.cancel(limit: .wallTime)) }
                }
            }
        }
    }

    /// One step inside Lua, watched by the watchdog; nil when it abandoned the slot meanwhile.
    private func inLua(stuckAt: ContinuousClock.Instant, started: ContinuousClock.Instant, _ start: PoolRun.Start,
                       _ body: (LuaWorker) -> LuaWorker.Step) -> LuaWorker.Step? {
        step.withLock { $0.current = LuaStep(stuckAt: stuckAt, started: started, limits: start.limits, end: start.end) }
        let result = body(worker)
        let abandoned = step.withLock { state -> Bool in
            state.current = nil
            return state.abandoned
        }
        return abandoned ? nil : result
    }

    /// Ends the run of a step inside Lua past its stuck time as failed and marks the slot
    /// abandoned (its thread ends once C returns); true when it did.
    func abandonIfStuck(now: ContinuousClock.Instant) -> Bool {
        let stuck = step.withLock { state -> LuaStep? in
            guard !state.abandoned, let current = state.current, now >= current.stuckAt else { return nil }
            state.abandoned = true
            return current
        }
        guard let stuck else { return false }
        queue.finished()
        stuck.end(RunResult(outcome: .failed(RunFailure(
            message: "wall time limit of \(stuck.limits.wallTimeText) exceeded while inside a C function "
                + "(e.g. a pathological pattern); its Lua worker was replaced",
            limit: .wallTime)), duration: now - stuck.started))
        return true
    }

    /// The host's answer, or nil when the run's deadline passed first; the calling (worker) thread
    /// waits for it.
    private static func wait(for request: HTTPCallRequest, host: any HostCalls,
                             deadline: ContinuousClock.Instant) -> HTTPCallAnswer? {
        if ContinuousClock.now >= deadline { return nil }
        let box = AnswerBox()
        Task {
            let answer = await withTaskGroup(of: HTTPCallAnswer?.self) { group in
                group.addTask { await host.perform(request, deadline: deadline) }
                group.addTask {
                    try? await Task.sleep(until: deadline, clock: .continuous)
                    return nil
                }
                let first = await group.next() ?? nil
                group.cancelAll()
                return first
            }
            box.put(answer)
        }
        return box.take()
    }
}

/// One answer handed from a task to a waiting worker thread.
private final class AnswerBox: @unchecked Sendable {
    private let condition = NSCondition()
    private var answer: HTTPCallAnswer??

    func put(_ value: HTTPCallAnswer?) {
        condition.lock()
        answer = .some(value)
        condition.signal()
        condition.unlock()
    }

    func take() -> HTTPCallAnswer? {
        condition.lock()
        defer { condition.unlock() }
        while answer == nil { condition.wait() }
        return answer!
    }
}
