import Synchronization

/// The generation in force, behind one lock held only to read or replace a reference: a request or
/// a run reads it once and keeps that generation to its end, so a swap never waits for them.
public final class LiveGeneration: Sendable {
    private let current: Mutex<Generation>

    public init(_ generation: Generation) {
        current = Mutex(generation)
    }

    public var generation: Generation { current.withLock { $0 } }

    /// Puts `new` in force; returns the generation it replaced.
    @discardableResult
    public func swap(to new: Generation) -> Generation {
        current.withLock { current in
            let old = current
            current = new
            return old
        }
    }
}
