import LuaRuntime

/// The rule set in force and the worker pool that runs it: what the dispatcher reads afresh for
/// every match and every attempt, so a reload (which swaps both together) applies to new runs.
/// The settings a reload of `hookd.yaml` may change travel with it; nil keeps the dispatcher's own.
public struct RuleGeneration: Sendable {
    public let ruleSet: RuleSet
    public let pool: WorkerPool
    public var limits: RunLimits?
    public var retry: RetryPolicy?
    /// Performs the rules' `http.*` calls (the generation's outbound client).
    public var host: (any HostCalls)?
    public var mask: SecretMask?

    public init(ruleSet: RuleSet, pool: WorkerPool, limits: RunLimits? = nil, retry: RetryPolicy? = nil,
                host: (any HostCalls)? = nil, mask: SecretMask? = nil) {
        self.ruleSet = ruleSet
        self.pool = pool
        self.limits = limits
        self.retry = retry
        self.host = host
        self.mask = mask
    }
}
