import HookdCore
import NIOConcurrencyHelpers

/// The generation in force, behind one lock held only to read or replace a reference: a request or
/// a run reads it once and keeps that generation to its end, so a swap never waits for them.
public final class LiveGeneration: Sendable {
    /// The generation behind one reference: a read under the lock copies a pointer, not the
    /// generation's dozens of fields (a run reads its rules several times).
    private final class Held: Sendable {
        let generation: Generation
        init(_ generation: Generation) { self.generation = generation }
    }

    private let current: NIOLockedValueBox<Held>

    public init(_ generation: Generation) {
        current = NIOLockedValueBox(Held(generation))
    }

    public var generation: Generation { current.withLockedValue { $0 }.generation }

    /// The rules in force and their workers (what the dispatcher reads for every run).
    public var rules: RuleGeneration { current.withLockedValue { $0 }.generation.rules }

    /// Puts `new` in force; returns the generation it replaced.
    @discardableResult
    public func swap(to new: Generation) -> Generation {
        let held = Held(new)
        return current.withLockedValue { current in
            let old = current
            current = held
            return old
        }.generation
    }
}
