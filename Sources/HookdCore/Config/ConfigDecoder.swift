import LuaRuntime

/// Turns the composed YAML tree into a `HookdConfig`, reporting every problem to `diagnostics` and
/// going on with defaults, so that one load lists them all.
struct ConfigDecoder {
    let diagnostics: ConfigDiagnostics
    /// The directory relative paths are resolved against.
    let directory: String

    static let topLevelKeys = [
        "server", "admin", "store", "rules", "secrets", "pid_file", "retention", "retry", "limits", "outbound",
        "sources",
    ]

    func config(_ root: ConfigValue) -> HookdConfig {
        let defaults = HookdConfig()
        var config = HookdConfig(rulesDirectory: resolve(defaults.rulesDirectory), pidFile: resolve(defaults.pidFile),
                                 origin: ConfigOrigin(file: diagnostics.file, directory: directory))
        if case .sqlite(let path) = defaults.store { config.store = .sqlite(path: resolve(path)) }
        guard let map = ConfigMapping(root, expecting: "a mapping of settings (server, sources, …)") else {
            return config
        }
        map.checkKeys(Self.topLevelKeys)
        if let server = map["server"] { config.server = self.server(server) }
        if let admin = map["admin"] { config.admin = self.admin(admin) }
        if let store = map["store"].flatMap(self.store) { config.store = store }
        if let rules = map["rules"]?.string() { config.rulesDirectory = resolve(rules) }
        if let secrets = map["secrets"]?.list(of: "environment variable names") {
            config.secrets = secrets.compactMap { $0.environmentName() }
        }
        if let pidFile = map["pid_file"]?.string() { config.pidFile = resolve(pidFile) }
        if let retention = map["retention"]?.duration() { config.retention = retention }
        if let retry = map["retry"] { config.retry = self.retry(retry) }
        if let limits = map["limits"] { config.limits = self.limits(limits) }
        if let outbound = map["outbound"] { config.outbound = self.outbound(outbound) }
        if let sources = map["sources"] { config.sources = self.sources(sources) }
        return config
    }

    /// A relative path, relative to the configuration file's directory.
    func resolve(_ path: String) -> String {
        path.hasPrefix("/") || directory.isEmpty || directory == "." ? path : "\(directory)/\(path)"
    }

    private func server(_ value: ConfigValue) -> ServerConfig {
        var server = ServerConfig()
        guard let map = ConfigMapping(value) else { return server }
        map.checkKeys(["listen", "max_body"])
        if let listen = map["listen"]?.listenAddress() { server.listen = listen }
        if let maxBody = map["max_body"]?.size() { server.maxBody = maxBody }
        return server
    }

    private func admin(_ value: ConfigValue) -> AdminConfig {
        var admin = AdminConfig()
        guard let map = ConfigMapping(value) else { return admin }
        map.checkKeys(["listen", "token_env"])
        if let listen = map["listen"]?.listenAddress() { admin.listen = listen }
        admin.tokenEnv = map["token_env"]?.environmentName()
        return admin
    }

    /// `sqlite:PATH`; `postgres://` is refused until the PostgreSQL store lands. The message never
    /// repeats a PostgreSQL URL, which may hold a password.
    private func store(_ value: ConfigValue) -> StoreLocation? {
        let expectation = "a store like sqlite:data/hookd.sqlite"
        guard let text = value.text(expectation) else { return nil }
        if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            value.report("the PostgreSQL store is not available yet; use sqlite:PATH, such as sqlite:data/hookd.sqlite")
            return nil
        }
        guard text.hasPrefix("sqlite:"), text.count > "sqlite:".count else {
            value.report("expected \(expectation), got '\(text)'")
            return nil
        }
        return .sqlite(path: resolve(String(text.dropFirst("sqlite:".count))))
    }

    private func retry(_ value: ConfigValue) -> RetryPolicy {
        var retry = RetryPolicy()
        guard let map = ConfigMapping(value) else { return retry }
        map.checkKeys(["max_attempts", "backoff", "max_backoff"])
        if let attempts = map["max_attempts"]?.positiveInt() { retry.maxAttempts = attempts }
        if let backoff = map["backoff"]?.duration() { retry.backoff = backoff }
        if let maxBackoff = map["max_backoff"]?.duration() { retry.maxBackoff = maxBackoff }
        if retry.maxBackoff < retry.backoff, let value = map["max_backoff"] ?? map["backoff"] {
            let (maxBackoff, backoff) = (DurationSyntax.format(retry.maxBackoff), DurationSyntax.format(retry.backoff))
            value.report("max_backoff (\(maxBackoff)) is shorter than backoff (\(backoff))")
        }
        return retry
    }

    private func limits(_ value: ConfigValue) -> RunLimits {
        var limits = RunLimits.defaults
        guard let map = ConfigMapping(value) else { return limits }
        map.checkKeys(["instructions", "memory", "wall_time", "http_calls"])
        if let instructions = map["instructions"]?.positiveInt() { limits.instructions = UInt64(instructions) }
        if let memory = map["memory"]?.size() { limits.memory = UInt64(memory) }
        if let wallTime = map["wall_time"]?.duration() { limits.wallTime = wallTime }
        if let calls = map["http_calls"], let count = calls.positiveInt() {
            if let fitting = UInt32(exactly: count) {
                limits.httpCalls = fitting
            } else {
                calls.report("expected at most \(UInt32.max) calls, got \(count)")
            }
        }
        return limits
    }

    private func outbound(_ value: ConfigValue) -> OutboundPolicy {
        var outbound = OutboundPolicy()
        guard let map = ConfigMapping(value) else { return outbound }
        map.checkKeys(["allow", "timeout", "max_response"])
        if let allow = map["allow"]?.list(of: "hosts") {
            outbound.access = .only(allow.compactMap {
                $0.parsed("a host, host:port or *.domain like api.example.com", OutboundHost.init)
            })
        }
        if let timeout = map["timeout"]?.duration() { outbound.timeout = timeout }
        if let maxResponse = map["max_response"]?.size() { outbound.maxResponse = maxResponse }
        return outbound
    }
}
