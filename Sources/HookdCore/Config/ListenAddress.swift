/// Where a listener binds: `127.0.0.1:8080`, `0.0.0.0:8080` or `[::1]:9090`.
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    /// A host name or an IP address, without brackets.
    public var host: String
    /// 0 lets the system choose a free port.
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port`; IPv6 addresses go in brackets.
    public init?(_ text: String) {
        guard let split = HostSyntax.split(text, portRequired: true), let port = split.port else { return nil }
        self.init(host: split.host, port: port)
    }

    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
