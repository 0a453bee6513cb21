import Foundation

/// The runs waiting for a worker of one pool, oldest first. Every worker thread of the pool takes
/// its next run from here, so a busy worker goes from one run to the next without a wakeup or a
/// hop through Swift's cooperative pool.
final class RunQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var runs: [PoolRun] = []
    private var head = 0
    private var idleWorkers = 0
    private var closed = false

    /// Queues runs; false when the queue is closed (none is taken).
    func push(_ new: [PoolRun]) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !closed else { return false }
        runs.append(contentsOf: new)
        // One waiting worker is woken; it wakes the next if runs are left when it takes one (see
        // `next`), so short runs are done by one thread without a wakeup each, and long runs (an
        // HTTP call) still spread over every worker.
        if idleWorkers > 0 { condition.signal() }
        return true
    }

    /// The next run, waiting for one; nil once the queue is closed and empty.
    func next() -> PoolRun? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if head < runs.count {
                let run = runs[head]
                head += 1
                if head < runs.count && idleWorkers > 0 { condition.signal() }
                if head == runs.count {
                    runs.removeAll(keepingCapacity: true)
                    head = 0
                } else if head >= 1024 && head * 2 >= runs.count {
                    runs.removeFirst(head)
                    head = 0
                }
                return run
            }
            if closed { return nil }
            idleWorkers += 1
            condition.wait()
            idleWorkers -= 1
        }
    }

    /// Runs queued and not yet taken.
    var count: Int {
        condition.lock()
        defer { condition.unlock() }
        return runs.count - head
    }

    /// No new runs; the workers drain what is queued, then end.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}
