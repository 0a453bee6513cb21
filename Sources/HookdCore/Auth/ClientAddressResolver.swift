import Foundation

/// The client address `allow_ips` is checked against (SPEC §2): the peer of the connection, or,
/// with `trust_forwarded_for`, the right-most `X-Forwarded-For` entry that is not a trusted proxy.
///
/// Entries to the left of the first untrusted one were written by whoever that client is, so
/// they are never believed. When `trusted_proxies` is set and the peer is not among them, the
/// header came from the client itself and is ignored.
public struct ClientAddressResolver: Sendable {
    public let trustForwardedFor: Bool
    public let trustedProxies: [IPNetwork]

    public init(trustForwardedFor: Bool, trustedProxies: [IPNetwork] = []) {
        self.trustForwardedFor = trustForwardedFor
        self.trustedProxies = trustedProxies
    }

    public init(_ source: SourceConfig) {
        self.init(trustForwardedFor: source.trustForwardedFor, trustedProxies: source.trustedProxies)
    }

    /// The client's address, or nil when the forwarded chain holds an entry that is not an
    /// address where one had to be believed (the caller refuses such a request: fail closed).
    /// `forwardedFor` is the `X-Forwarded-For` value, several header lines joined with `,`.
    /// IPv4-mapped IPv6 addresses come back as IPv4.
    public func clientAddress(peer: IPAddress, forwardedFor: String?) -> IPAddress? {
        let peer = peer.mappedIPv4 ?? peer
        guard trustForwardedFor, let forwardedFor else { return peer }
        if !trustedProxies.isEmpty && !isTrusted(peer) { return peer }
        let entries = forwardedFor.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        var client = peer
        for entry in entries.reversed() {
            guard let address = Self.address(in: entry) else { return nil }
            client = address.mappedIPv4 ?? address
            if !isTrusted(client) { return client }
        }
        // Every hop was a trusted proxy: the left-most one is as far as the chain goes.
        return client
    }

    private func isTrusted(_ address: IPAddress) -> Bool {
        trustedProxies.contains { $0.contains(address) }
    }

    /// An entry's address: bare (`192.0.2.1`, `2001:db8::1`), with a port (`192.0.2.1:443`), or
    /// bracketed (`[2001:db8::1]:443`), as proxies write them.
    static func address(in entry: String) -> IPAddress? {
        if let address = IPAddress(entry) { return address }
        if entry.hasPrefix("["), let close = entry.firstIndex(of: "]") {
            return IPAddress(String(entry[entry.index(after: entry.startIndex)..<close]))
        }
        let parts = entry.split(separator: ":")
        if parts.count == 2, parts[1].allSatisfy(\.isNumber) { return IPAddress(String(parts[0])) }
        return nil
    }
}
