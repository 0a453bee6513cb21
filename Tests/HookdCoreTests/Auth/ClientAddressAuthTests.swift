import HookdCore
import Testing

@Suite("Auth: client address for allow_ips (X-Forwarded-For, trusted proxies)")
struct ClientAddressAuthTests {
    let peer = IPAddress("10.0.0.5")!
    let proxies = [IPNetwork("10.0.0.0/8")!, IPNetwork("2001:db8::/32")!]

    @Test("IPv4 addresses are written back as dotted quads, with one-, two- and three-digit octets")
    func ipv4Text() {
        for text in ["0.0.0.0", "10.0.0.5", "255.255.255.255", "192.168.100.9", "1.20.100.0", "99.9.199.200"] {
            #expect(IPAddress(text)?.description == text)
        }
    }

    @Test("without trust_forwarded_for the header is ignored")
    func untrusted() {
        let resolver = ClientAddressResolver(trustForwardedFor: false, trustedProxies: proxies)
        #expect(resolver.clientAddress(peer: peer, forwardedFor: "35.195.138.186") == peer)
    }

    @Test("the right-most entry that is not a trusted proxy; spoofed entries to its left are ignored")
    func rightMostUntrusted() {
        let resolver = ClientAddressResolver(trustForwardedFor: true, trustedProxies: proxies)
        #expect(resolver.clientAddress(peer: peer, forwardedFor: "35.195.138.186")?.description == "35.195.138.186")
        #expect(resolver.clientAddress(peer: peer, forwardedFor: "20.74.1.1, 6.6.6.6, 10.1.2.3")?.description == "6.6.6.6")
        #expect(resolver.clientAddress(peer: peer, forwardedFor: "1.2.3.4,10.9.9.9 ,  10.1.1.1")?.description == "1.2.3.4")
        #expect(resolver.clientAddress(peer: peer, forwardedFor: "[2001:db8::7]:443, 203.0.113.9:8443")?.description == "203.0.113.9")
        #expect(resolver.clientAddress(peer: peer, forwardedFor: "::ffff:198.51.100.2")?.description == "198.51.100.2")
    }

    @Test("all hops trusted: the left-most; no header: the peer; a peer that is no proxy: the peer")
    func edges() {
        let resolver = ClientAddressResolver(trustForwardedFor: true, trustedProxies: proxies)
        #expect(resolver.clientAddress(peer: peer, forwardedFor: "10.2.2.2, 10.3.3.3")?.description == "10.2.2.2")
        #expect(resolver.clientAddress(peer: peer, forwardedFor: nil) == peer)
        #expect(resolver.clientAddress(peer: peer, forwardedFor: "") == peer)
        let outsider = IPAddress("6.6.6.6")!
        #expect(resolver.clientAddress(peer: outsider, forwardedFor: "35.195.138.186") == outsider)
    }

    @Test("no trusted proxies listed: the right-most entry; garbage where an address must be believed: nil")
    func noProxiesAndGarbage() {
        let open = ClientAddressResolver(trustForwardedFor: true)
        #expect(open.clientAddress(peer: peer, forwardedFor: "1.1.1.1, 2.2.2.2")?.description == "2.2.2.2")
        let resolver = ClientAddressResolver(trustForwardedFor: true, trustedProxies: proxies)
        #expect(resolver.clientAddress(peer: peer, forwardedFor: "1.1.1.1, unknown") == nil)
        // Garbage left of the client is never read.
        #expect(resolver.clientAddress(peer: peer, forwardedFor: "unknown, 1.1.1.1")?.description == "1.1.1.1")
    }

    @Test("with a source: allow_ips is checked against the resolved address")
    func withSource() {
        let source = SourceConfig(name: "passfort", path: "/p", provider: .passfort, auth: .unauthenticated,
                                  allowIPs: [IPNetwork("35.195.138.186/32")!], trustForwardedFor: true,
                                  trustedProxies: [IPNetwork("10.0.0.0/8")!])
        let resolver = ClientAddressResolver(source)
        let allowed = resolver.clientAddress(peer: peer, forwardedFor: "35.195.138.186")
        #expect(allowed.map(source.allows) == true)
        let spoofed = resolver.clientAddress(peer: peer, forwardedFor: "35.195.138.186, 6.6.6.6")
        #expect(spoofed.map(source.allows) == false)
    }
}
