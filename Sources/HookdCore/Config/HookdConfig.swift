import LuaRuntime

/// The validated contents of `hookd.yaml` (SPEC §2). Every default is SPEC's; relative paths are
/// resolved against the configuration file's directory. Load one with `ConfigLoader`; secrets are
/// read separately by `SecretResolver`.
public struct HookdConfig: Sendable, Equatable {
    public var server: ServerConfig
    public var admin: AdminConfig
    public var store: StoreLocation
    /// The directory holding the rule files (`rules:`).
    public var rulesDirectory: String
    /// The environment variables rules may read with `secret()`; no others.
    public var secrets: [String]
    public var pidFile: String
    /// How long event ids are remembered for deduplication.
    public var retention: Duration
    public var retry: RetryPolicy
    /// The limits of one rule run.
    public var limits: RunLimits
    public var outbound: OutboundPolicy
    public var sources: [SourceConfig]
    public var origin: ConfigOrigin

    public init(server: ServerConfig = ServerConfig(), admin: AdminConfig = AdminConfig(),
                store: StoreLocation = .sqlite(path: "data/hookd.sqlite"), rulesDirectory: String = "rules/",
                secrets: [String] = [], pidFile: String = "data/hookd.pid",
                retention: Duration = .seconds(30 * 86_400), retry: RetryPolicy = RetryPolicy(),
                limits: RunLimits = .defaults, outbound: OutboundPolicy = OutboundPolicy(),
                sources: [SourceConfig] = [], origin: ConfigOrigin = ConfigOrigin()) {
        self.server = server
        self.admin = admin
        self.store = store
        self.rulesDirectory = rulesDirectory
        self.secrets = secrets
        self.pidFile = pidFile
        self.retention = retention
        self.retry = retry
        self.limits = limits
        self.outbound = outbound
        self.sources = sources
        self.origin = origin
    }

    /// The source called `name`.
    public func source(named name: String) -> SourceConfig? {
        sources.first { $0.name == name }
    }

    /// The source served on `path`.
    public func source(servedAt path: String) -> SourceConfig? {
        sources.first { $0.path == path }
    }
}
