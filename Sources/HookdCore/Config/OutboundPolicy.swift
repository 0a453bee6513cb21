/// What rules may call over HTTP (`outbound:`).
public struct OutboundPolicy: Sendable, Hashable {
    /// Which hosts rules may call.
    public enum Access: Sendable, Hashable {
        /// No `outbound.allow`: public addresses only (no loopback, private, link-local or metadata address).
        case publicAddresses
        /// `outbound.allow` given: only these hosts, whatever their address; an empty list allows none.
        case only([OutboundHost])
    }

    public var access: Access
    public var timeout: Duration
    /// The largest response body a rule may receive, in bytes.
    public var maxResponse: Int

    public init(access: Access = .publicAddresses, timeout: Duration = .seconds(10), maxResponse: Int = 10 << 20) {
        self.access = access
        self.timeout = timeout
        self.maxResponse = maxResponse
    }
}
