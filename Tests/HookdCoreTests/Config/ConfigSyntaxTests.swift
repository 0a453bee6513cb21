import HookdCore
import Testing

@Suite("Durations, sizes, addresses and paths")
struct ConfigSyntaxTests {
    @Test("durations", arguments: [
        ("500ms", Duration.milliseconds(500)), ("30s", .seconds(30)), ("5m", .seconds(300)),
        ("24h", .seconds(86_400)), ("30d", .seconds(2_592_000)), ("0s", .zero),
    ])
    func durations(text: String, expected: Duration) {
        #expect(DurationSyntax.parse(text) == expected)
    }

    @Test("not durations", arguments: ["", "30", "s", "1.5s", "-1s", "30 s", "30S", "2w", "99999999999999999999d", "9223372036854775807d"])
    func notDurations(text: String) {
        #expect(DurationSyntax.parse(text) == nil)
    }

    @Test("durations print in their largest exact unit")
    func formatDurations() {
        #expect(DurationSyntax.format(.seconds(90)) == "90s")
        #expect(DurationSyntax.format(.seconds(86_400)) == "1d")
        #expect(DurationSyntax.format(.milliseconds(1500)) == "1500ms")
        #expect(DurationSyntax.format(.seconds(7200)) == "2h")
    }

    @Test("sizes", arguments: [("512KiB", 524_288), ("1MiB", 1_048_576), ("1GiB", 1_073_741_824), ("100", 100), ("100B", 100)])
    func sizes(text: String, expected: Int) {
        #expect(SizeSyntax.parse(text) == expected)
        #expect(SizeSyntax.parse(SizeSyntax.format(expected)) == expected)
    }

    @Test("not sizes", arguments: ["", "1MB", "1 MiB", "MiB", "-1", "1.5MiB", "99999999999GiB"])
    func notSizes(text: String) {
        #expect(SizeSyntax.parse(text) == nil)
    }

    @Test("listen addresses")
    func listenAddresses() {
        #expect(ListenAddress("127.0.0.1:8080") == ListenAddress(host: "127.0.0.1", port: 8080))
        #expect(ListenAddress("localhost:9090") == ListenAddress(host: "localhost", port: 9090))
        #expect(ListenAddress("[::]:80") == ListenAddress(host: "::", port: 80))
        for bad in ["127.0.0.1", ":8080", "127.0.0.1:", "127.0.0.1:65536", "::1:80", "[::1]", "[x]:80", "a b:80", "h:8o"] {
            #expect(ListenAddress(bad) == nil, "\(bad)")
        }
    }

    @Test("CIDR blocks contain the addresses they should, IPv4 and IPv6")
    func cidrContains() throws {
        let v4 = try IPNetwork(parsing: "20.74.0.0/16")
        #expect(v4.contains("20.74.255.255"))
        #expect(!v4.contains("20.75.0.0"))
        #expect(v4.contains("::ffff:20.74.1.2"))
        #expect(!v4.contains("2001:db8::1"))
        #expect(!v4.contains("not an address"))
        let v6 = try IPNetwork(parsing: "2001:db8::/32")
        #expect(v6.contains("2001:db8:ffff::1"))
        #expect(!v6.contains("2001:db9::1"))
        #expect(!v6.contains("32.1.13.184"))
        #expect(try IPNetwork(parsing: "0.0.0.0/0").contains("8.8.8.8"))
        #expect(try IPNetwork(parsing: "::/0").contains("::1"))
        #expect(try IPNetwork(parsing: "192.0.2.7").contains("192.0.2.7"))
        #expect(try !IPNetwork(parsing: "192.0.2.7").contains("192.0.2.8"))
        #expect(try IPNetwork(parsing: "fe80::1/128").description == "fe80::1/128")
        #expect(throws: IPNetwork.ParseError.bitsSetPastPrefix(suggestion: try IPNetwork(parsing: "10.0.0.0/8"))) {
            try IPNetwork(parsing: "10.1.2.3/8")
        }
        #expect(IPNetwork("10.0.0.0/") == nil)
        #expect(IPNetwork("10.0.0.0/x") == nil)
        #expect(IPNetwork("10.1/16") == nil)
        #expect(IPNetwork("fe80::1%eth0") == nil)
    }

    @Test("outbound hosts match host, port and subdomains")
    func outboundHosts() throws {
        let exact = try #require(OutboundHost("API.getpassage.ai"))
        #expect(exact.matches(host: "api.getpassage.ai", port: 443))
        #expect(exact.matches(host: "api.getpassage.ai.", port: 80))
        #expect(!exact.matches(host: "evil.api.getpassage.ai", port: 443))
        let withPort = try #require(OutboundHost("127.0.0.1:9000"))
        #expect(withPort.matches(host: "127.0.0.1", port: 9000))
        #expect(!withPort.matches(host: "127.0.0.1", port: 9001))
        let wildcard = try #require(OutboundHost("*.example.com"))
        #expect(wildcard.matches(host: "a.b.example.com", port: 443))
        #expect(!wildcard.matches(host: "example.com", port: 443))
        #expect(!wildcard.matches(host: "badexample.com", port: 443))
        #expect(OutboundHost("[::1]:9000")?.matches(host: "[::1]", port: 9000) == true)
        #expect(OutboundHost("*.example.com:8443")?.description == "*.example.com:8443")
        for bad in ["", "http://x", "*.", "*.10.0.0.1", "a..b", "x:y", "a/b"] {
            #expect(OutboundHost(bad) == nil, "\(bad)")
        }
    }

    @Test("dotted field paths")
    func fieldPaths() {
        #expect(FieldPath("data.profile_id")?.components == ["data", "profile_id"])
        #expect(FieldPath("id")?.description == "id")
        #expect(FieldPath("") == nil)
        #expect(FieldPath("a..b") == nil)
        #expect(FieldPath("a. b") == nil)
    }

    @Test("retry delays double up to the cap")
    func retryDelays() {
        let retry = RetryPolicy(maxAttempts: 12, backoff: .seconds(30), maxBackoff: .seconds(100))
        #expect(retry.delay(beforeRetry: 1) == .seconds(30))
        #expect(retry.delay(beforeRetry: 2) == .seconds(60))
        #expect(retry.delay(beforeRetry: 3) == .seconds(100))
        #expect(retry.delay(beforeRetry: 60) == .seconds(100))
    }
}
