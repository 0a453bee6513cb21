import LuaRuntime

/// The rule set in force and the worker pool that runs it: what the dispatcher reads afresh for
/// every match and every attempt, so a reload (which swaps both together) applies to new runs.
public struct RuleGeneration: Sendable {
    public let ruleSet: RuleSet
    public let pool: WorkerPool

    public init(ruleSet: RuleSet, pool: WorkerPool) {
        self.ruleSet = ruleSet
        self.pool = pool
    }
}
