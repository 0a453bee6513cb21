/// The admin listener (`admin:`): health, metrics, the status page and `/api/*`.
public struct AdminConfig: Sendable, Hashable {
    public var listen: ListenAddress
    /// The environment variable holding the admin token; nil leaves the status page and `/api/*` open.
    public var tokenEnv: String?

    public init(listen: ListenAddress = ListenAddress(host: "127.0.0.1", port: 9090), tokenEnv: String? = nil) {
        self.listen = listen
        self.tokenEnv = tokenEnv
    }
}
