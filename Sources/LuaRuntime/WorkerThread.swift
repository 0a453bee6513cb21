import Foundation

/// A thread of its own that runs submitted jobs one after another.
///
/// Lua never runs on Swift's cooperative pool: a rule stuck in C (or merely busy) would starve HTTP
/// serving and the store's writer on a 2-core machine. Each Lua state lives on one of these.
final class WorkerThread: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [() -> Void] = []
    private var stopping = false

    init(name: String) {
        let thread = Thread { [self] in self.loop() }
        thread.name = name
        thread.stackSize = 16 * 1024 * 1024
        thread.start()
    }

    /// Queues a job; it runs after the jobs before it.
    func submit(_ job: @escaping () -> Void) {
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Ends the thread once its queued jobs are done.
    func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping { condition.wait() }
            if jobs.isEmpty && stopping {
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
        }
    }
}
