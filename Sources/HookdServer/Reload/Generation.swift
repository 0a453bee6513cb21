import Foundation
import HookdCore
import LuaRuntime

/// One complete, checked generation of what `hookd.yaml` and `rules/` say: the configuration, the
/// sources as served (verifiers and parsers), the rule set with its own Lua workers, and the
/// outbound client its runs call through. A reload builds a whole new one and swaps it in.
public struct Generation: Sendable {
    /// 1 at start-up, then one more per successful reload.
    public let number: Int
    public let config: HookdConfig
    public let sources: ServedSources
    public let rules: RuleGeneration
    public let outbound: OutboundClient
    /// The sources in `mode: sync`, whose events are dispatched on receipt.
    public let synchronousSources: Set<String>
    public let loadedAt: Date

    public init(number: Int, config: HookdConfig, sources: ServedSources, rules: RuleGeneration, outbound: OutboundClient, loadedAt: Date = Date()) {
        self.number = number
        self.config = config
        self.sources = sources
        self.rules = rules
        self.outbound = outbound
        synchronousSources = Set(config.sources.filter { $0.mode == .sync }.map(\.name))
        self.loadedAt = loadedAt
    }

    public var ruleSet: RuleSet { rules.ruleSet }
    public var pool: WorkerPool { rules.pool }
}
