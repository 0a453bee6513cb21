/// Which addresses rules may reach without `outbound.allow`: public unicast only (SPEC §2).
extension IPAddress {
    /// Loopback, private, shared (CGNAT), link-local (cloud metadata at 169.254.169.254 among them),
    /// unspecified, documentation, benchmarking, multicast and reserved ranges.
    static let nonPublicNetworks: [IPNetwork] = [
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
        "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
        "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
        "::/128", "::1/128", "64:ff9b::/96", "64:ff9b:1::/48", "100::/64", "2001::/23", "2001:db8::/32",
        "2002::/16", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
    ].compactMap { IPNetwork($0) }

    /// Whether a rule may call this address when `outbound.allow` is not set. An IPv4-mapped IPv6
    /// address (`::ffff:127.0.0.1`) is judged as the IPv4 address it stands for.
    public var isPublic: Bool {
        if let mapped = mappedIPv4 { return mapped.isPublic }
        // IPv4-compatible (::a.b.c.d, deprecated) addresses reach IPv4 hosts too.
        if family == .ipv6, bits >> 32 == 0, bits > 1 { return IPAddress(family: .ipv4, bits: bits).isPublic }
        return !Self.nonPublicNetworks.contains { $0.contains(self) }
    }
}
