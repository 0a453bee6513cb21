import LuaRuntime

/// The rule set in force and the worker pool that runs it: what the dispatcher reads afresh for
/// every match and every attempt, so a reload (which swaps both together) applies to new runs.
/// The settings a reload of `hookd.yaml` may change travel with it; nil keeps the dispatcher's own.
///
/// A class, not a struct: every run reads it several times from several threads, and copying a
/// struct of a dozen references retains each of them (contended atomic counts); a class reference
/// is one.
public final class RuleGeneration: Sendable {
    public let ruleSet: RuleSet
    public let pool: WorkerPool
    public let limits: RunLimits?
    public let retry: RetryPolicy?
    /// Performs the rules' `http.*` calls (the generation's outbound client).
    public let host: (any HostCalls)?
    public let mask: SecretMask?

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
