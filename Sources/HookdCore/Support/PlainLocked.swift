import Foundation

/// A value behind a plain pthread mutex (`NSLock`), for the locks that every request or every run
/// takes from several threads: the writer's queue, the live generation, the served sources, the log
/// buffer, the event loops' mailboxes. Swift's `Mutex` on Linux is a priority-inheritance futex:
/// under contention its slow path spins, then goes through the kernel's rt-mutex code, and on 2
/// cores that cost more than the few appends it guards (`make bench-runs`: the writer's queue lock
/// took a fifth of the Lua workers' time as a `Mutex`, 1 % as this).
public final class PlainLocked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    public init(_ value: Value) {
        self.value = value
    }

    public func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
