import Foundation

/// The runs waiting for a worker of one pool, oldest first. Every worker thread of the pool takes
/// its next run from here, so a busy worker goes from one run to the next without a wakeup or a
/// hop through Swift's cooperative pool.
///
/// Waking a thread costs more than a short run, so the queue wakes a waiting worker only when no
/// worker is active (taking runs and not waiting for an HTTP answer) or when more than
/// `backlogPerWakeup` runs wait for each active worker: short runs are done by one thread in turn
/// (a second joins a long backlog), and runs that wait for answers spread over every worker, since
/// a worker that starts to wait wakes another when runs are left and none is active.
///
/// The worker woken is the one that went idle last: its Lua state is the likeliest to be still in
/// the CPU's caches, and the others stay asleep.
final class RunQueue: @unchecked Sendable {
    static let backlogPerWakeup = 64

    /// What one worker thread sleeps on while it waits for a run.
    final class Waiter: @unchecked Sendable {
        fileprivate let semaphore = DispatchSemaphore(value: 0)
    }

    private let lock = NSLock()
    private var runs: [PoolRun] = []
    private var head = 0
    /// Workers waiting for a run, the last to go idle last.
    private var idle: [Waiter] = []
    /// Workers with a run in hand that are not waiting for an HTTP answer.
    private var active = 0
    private var closed = false

    private var waiting: Int { runs.count - head }

    /// Queues runs; false when the queue is closed (none is taken).
    func push(_ new: [PoolRun]) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard !closed else { return false }
        runs.append(contentsOf: new)
        wakeIfNeeded()
        return true
    }

    /// The next run for a worker, sleeping on `waiter` until there is one; nil once the queue is
    /// closed and empty. `finishing`: the worker's last run ended (as `finished` says, in the same
    /// lock, so a busy worker takes the lock once per run). The worker is active until it calls
    /// `finished` (or `waitsForAnswer`) or asks for its next run.
    func next(finishing: Bool = false, waiter: Waiter) -> PoolRun? {
        lock.lock()
        if finishing { active -= 1 }
        while true {
            if head < runs.count {
                let run = runs[head]
                head += 1
                if head == runs.count {
                    runs.removeAll(keepingCapacity: true)
                    head = 0
                } else if head >= 1024 && head * 2 >= runs.count {
                    runs.removeFirst(head)
                    head = 0
                }
                active += 1
                wakeIfNeeded()
                lock.unlock()
                return run
            }
            if closed {
                lock.unlock()
                return nil
            }
            // Woken, it is off the idle list; it looks again (another worker may have taken the run).
            idle.append(waiter)
            lock.unlock()
            waiter.semaphore.wait()
            lock.lock()
        }
    }

    /// The worker's run ended (or was abandoned by the watchdog).
    func finished() {
        lock.lock()
        active -= 1
        wakeIfNeeded()
        lock.unlock()
    }

    /// The worker's run waits for an HTTP answer: another worker takes the queued runs.
    func waitsForAnswer() {
        lock.lock()
        active -= 1
        wakeIfNeeded()
        lock.unlock()
    }

    /// The answer came: the worker goes on with its run.
    func answered() {
        lock.lock()
        active += 1
        lock.unlock()
    }

    /// Wakes the last worker to go idle when runs wait that no active worker will soon take. Called locked.
    private func wakeIfNeeded() {
        if !idle.isEmpty && waiting > 0 && (active == 0 || waiting > Self.backlogPerWakeup * active) {
            idle.removeLast().semaphore.signal()
        }
    }

    /// Runs queued and not yet taken.
    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return waiting
    }

    /// No new runs; the workers drain what is queued, then end.
    func close() {
        lock.lock()
        closed = true
        for waiter in idle { waiter.semaphore.signal() }
        idle.removeAll()
        lock.unlock()
    }
}
