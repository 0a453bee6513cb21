/// One entry of `outbound.allow`: a host (`api.getpassage.ai`), a host and port (`127.0.0.1:9000`),
/// or every subdomain of a domain (`*.example.com`, which does not match `example.com` itself).
public struct OutboundHost: Sendable, Hashable, CustomStringConvertible {
    /// Which host names an entry matches.
    public enum Pattern: Sendable, Hashable {
        case exactly(String)
        case subdomains(of: String)
    }

    public var pattern: Pattern
    /// nil matches any port.
    public var port: Int?

    public init(pattern: Pattern, port: Int? = nil) {
        self.pattern = pattern
        self.port = port
    }

    /// Parses `host`, `host:port`, `[ipv6]:port`, `*.domain` or `*.domain:port`; names are lower-cased.
    public init?(_ text: String) {
        let isWildcard = text.hasPrefix("*.")
        guard let split = HostSyntax.split(String(text.dropFirst(isWildcard ? 2 : 0)), portRequired: false),
              !isWildcard || IPAddress(split.host) == nil
        else { return nil }
        let name = split.host.lowercased()
        self.init(pattern: isWildcard ? .subdomains(of: name) : .exactly(name), port: split.port)
    }

    /// Whether a call to `host` on `port` is allowed by this entry.
    public func matches(host: String, port: Int) -> Bool {
        if let allowedPort = self.port, allowedPort != port { return false }
        var name = host.lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        if name.hasPrefix("["), name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
        switch pattern {
        case .exactly(let allowed):
            return name == allowed
        case .subdomains(of: let domain):
            return name.hasSuffix("." + domain)
        }
    }

    public var description: String {
        let host: String
        switch pattern {
        case .exactly(let name): host = name.contains(":") && port != nil ? "[\(name)]" : name
        case .subdomains(of: let domain): host = "*." + domain
        }
        return port.map { "\(host):\($0)" } ?? host
    }
}
