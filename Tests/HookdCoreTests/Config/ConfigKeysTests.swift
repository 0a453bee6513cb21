import Foundation
import HookdCore
import Testing

@Suite("Every key of hookd.yaml")
struct ConfigKeysTests {
    @Test("every default is SPEC's")
    func defaults() throws {
        let config = try loadConfig("")
        #expect(config.server.listen == ListenAddress(host: "127.0.0.1", port: 8080))
        #expect(config.server.maxBody == 1 << 20)
        #expect(config.admin.listen == ListenAddress(host: "127.0.0.1", port: 9090))
        #expect(config.admin.tokenEnv == nil)
        #expect(config.store == .sqlite(path: "data/hookd.sqlite"))
        #expect(config.rulesDirectory == "rules/")
        #expect(config.secrets.isEmpty)
        #expect(config.pidFile == "data/hookd.pid")
        #expect(config.retention == .seconds(30 * 24 * 3600))
        #expect(config.retry.maxAttempts == 12)
        #expect(config.retry.backoff == .seconds(30))
        #expect(config.retry.maxBackoff == .seconds(24 * 3600))
        #expect(config.limits.instructions == 10_000_000)
        #expect(config.limits.memory == 64 << 20)
        #expect(config.limits.wallTime == .seconds(30))
        #expect(config.limits.httpCalls == 50)
        #expect(config.outbound.access == .publicAddresses)
        #expect(config.outbound.timeout == .seconds(10))
        #expect(config.outbound.maxResponse == 10 << 20)
        #expect(config.sources.isEmpty)
        #expect(config == HookdConfig())
    }

    @Test("empty sections keep their defaults")
    func emptySections() throws {
        let config = try loadConfig("server:\nadmin: {}\nretry:\nlimits: {}\noutbound:\n")
        #expect(config == HookdConfig())
    }

    @Test("a source's defaults: async, 8s, every address, no forwarding, no order")
    func sourceDefaults() throws {
        let source = try #require(try loadConfig(minimalSourceYAML).sources.first)
        #expect(source.mode == .async)
        #expect(source.syncTimeout == .seconds(8))
        #expect(source.allowIPs.isEmpty)
        #expect(source.trustForwardedFor == false)
        #expect(source.trustedProxies.isEmpty)
        #expect(source.orderBy == nil)
        #expect(source.genericFields == nil)
        #expect(source.auth == .github(secret: .environment(["GITHUB_SECRET"])))
    }

    @Test("the keys SPEC's example leaves out")
    func remainingTopLevelKeys() throws {
        let config = try loadConfig("""
            server: { listen: "[::1]:8443", max_body: 512KiB }
            admin: { listen: 0.0.0.0:0 }
            store: sqlite:/var/lib/hookd/events.sqlite
            retention: 12h
            retry: { max_attempts: 3, backoff: 500ms, max_backoff: 5m }
            limits: { instructions: 1_000, memory: 1GiB, wall_time: 1500ms, http_calls: 2 }
            outbound: { allow: ["*.Example.com", "[::1]:9000", hooks.internal], timeout: 2s, max_response: 65536 }
            """, directory: "/etc/hookd")
        #expect(config.server == ServerConfig(listen: ListenAddress(host: "::1", port: 8443), maxBody: 512 * 1024))
        #expect(config.server.listen.description == "[::1]:8443")
        #expect(config.admin.listen == ListenAddress(host: "0.0.0.0", port: 0))
        #expect(config.store == .sqlite(path: "/var/lib/hookd/events.sqlite"))
        #expect(config.rulesDirectory == "/etc/hookd/rules/")
        #expect(config.retention == .seconds(12 * 3600))
        #expect(config.retry == RetryPolicy(maxAttempts: 3, backoff: .milliseconds(500), maxBackoff: .seconds(300)))
        #expect(config.limits.instructions == 1_000)
        #expect(config.limits.memory == 1 << 30)
        #expect(config.limits.wallTime == .milliseconds(1500))
        #expect(config.limits.httpCalls == 2)
        #expect(config.outbound.access == .only([
            OutboundHost(pattern: .subdomains(of: "example.com")),
            OutboundHost(pattern: .exactly("::1"), port: 9000),
            OutboundHost(pattern: .exactly("hooks.internal")),
        ]))
        #expect(config.outbound.timeout == .seconds(2))
        #expect(config.outbound.maxResponse == 65536)
    }

    @Test("an empty outbound.allow allows no host at all")
    func emptyAllowList() throws {
        #expect(try loadConfig("outbound: { allow: [] }").outbound.access == .only([]))
    }

    @Test("every source key, generic fields included")
    func sourceKeys() throws {
        let config = try loadConfig("""
            sources:
              - name: shop.orders
                path: /in/orders
                provider: generic
                mode: sync
                sync_timeout: 3s
                auth: { scheme: none, insecure: true }
                allow_ips: [10.0.0.0/8, "2001:db8::/32", 192.0.2.7]
                trust_forwarded_for: true
                trusted_proxies: [127.0.0.1/32, "::1/128"]
                order_by: data.customer.id
                id_from: header:X-Request-Id
                type_from: kind
                status_from: data.state
                timestamp_from: meta.sent_at
                data_from: data
              - name: auth0
                path: /in/fusionauth
                provider: fusionauth
                auth: { scheme: basic, user: hookd, secret_env: BASIC_PASSWORD }
              - name: body-hash
                path: /in/hash
                provider: generic
                type_from: type
                id_from: event.id
                auth: { scheme: shopify, secret_env: SHOPIFY_SECRET }
            """)
        let generic = try #require(config.source(named: "shop.orders"))
        #expect(generic.path == "/in/orders")
        #expect(generic.provider == .generic)
        #expect(generic.mode == .sync)
        #expect(generic.syncTimeout == .seconds(3))
        #expect(generic.auth == .unauthenticated)
        #expect(generic.allowIPs.map(\.description) == ["10.0.0.0/8", "2001:db8::/32", "192.0.2.7/32"])
        #expect(generic.trustForwardedFor)
        #expect(generic.trustedProxies.map(\.description) == ["127.0.0.1/32", "::1/128"])
        #expect(generic.orderBy?.components == ["data", "customer", "id"])
        #expect(generic.genericFields == GenericFields(
            id: .header("X-Request-Id"), type: FieldPath(components: ["kind"]),
            status: FieldPath(components: ["data", "state"]), timestamp: FieldPath(components: ["meta", "sent_at"]),
            data: FieldPath(components: ["data"])))
        #expect(config.source(named: "auth0")?.provider == .passport)
        #expect(config.source(named: "auth0")?.auth == .basic(user: "hookd", secret: .environment(["BASIC_PASSWORD"])))
        let hashed = try #require(config.source(named: "body-hash"))
        #expect(hashed.genericFields == GenericFields(id: .field(FieldPath(components: ["event", "id"])),
                                                      type: FieldPath(components: ["type"])))
        #expect(hashed.auth == .shopify(secret: .environment(["SHOPIFY_SECRET"])))
    }

    @Test("every provider name, fusionauth as passport")
    func providers() throws {
        let names = ["passage", "passport", "fusionauth", "ethpass", "passfort", "standard-webhooks", "github", "stripe"]
        let sources = names.enumerated().map { index, name in
            "  - { name: s\(index), path: /s\(index), provider: \(name), auth: { scheme: github, secret_env: S } }"
        }
        let config = try loadConfig("sources:\n" + sources.joined(separator: "\n"))
        #expect(config.sources.map(\.provider) == [
            .passage, .passport, .passport, .ethpass, .passfort, .standardWebhooks, .github, .stripe,
        ])
    }
}
