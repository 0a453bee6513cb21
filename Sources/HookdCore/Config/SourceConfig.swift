/// One webhook source (`sources[]`): where it is served, how its requests are authenticated and how
/// its bodies become events.
public struct SourceConfig: Sendable, Hashable {
    /// Unique; letters, digits, `-`, `_` and `.` (it appears in metrics labels and Idempotency-Keys).
    public var name: String
    /// The URL path it is served on; starts with `/`, unique.
    public var path: String
    public var provider: ProviderKind
    public var mode: DeliveryMode
    /// How long `mode: sync` waits for the rules before answering 500.
    public var syncTimeout: Duration
    public var auth: AuthConfig
    /// Client addresses allowed to post; empty allows every address.
    public var allowIPs: [IPNetwork]
    /// Take the client address from `X-Forwarded-For`: the right-most entry not in `trustedProxies`.
    public var trustForwardedFor: Bool
    public var trustedProxies: [IPNetwork]
    /// Events with the same value at this path run one at a time per rule, in arrival order.
    public var orderBy: FieldPath?
    /// Set exactly when `provider` is `generic`.
    public var genericFields: GenericFields?

    public static let defaultSyncTimeout: Duration = .seconds(8)

    public init(name: String, path: String, provider: ProviderKind, mode: DeliveryMode = .async,
                syncTimeout: Duration = SourceConfig.defaultSyncTimeout, auth: AuthConfig,
                allowIPs: [IPNetwork] = [], trustForwardedFor: Bool = false, trustedProxies: [IPNetwork] = [],
                orderBy: FieldPath? = nil, genericFields: GenericFields? = nil) {
        self.name = name
        self.path = path
        self.provider = provider
        self.mode = mode
        self.syncTimeout = syncTimeout
        self.auth = auth
        self.allowIPs = allowIPs
        self.trustForwardedFor = trustForwardedFor
        self.trustedProxies = trustedProxies
        self.orderBy = orderBy
        self.genericFields = genericFields
    }

    /// Whether a client at `address` may post to this source.
    public func allows(_ address: IPAddress) -> Bool {
        allowIPs.isEmpty || allowIPs.contains { $0.contains(address) }
    }
}
