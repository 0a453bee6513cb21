import Foundation
import HookdCore
import Testing

/// SPEC §2's example, verbatim.
private let specExample = """
    server:
      listen: 127.0.0.1:8080          # the webhook listener
      max_body: 1MiB                  # larger bodies get 413
    admin:
      listen: 127.0.0.1:9090          # /healthz /readyz /metrics, the status page, /api/*
      token_env: HOOKD_ADMIN_TOKEN    # when set, the status page and /api/* need the token (see §3)
    store: sqlite:data/hookd.sqlite   # postgres://user:password@host:5432/db once the PostgreSQL store lands (§7)
    rules: rules/
    secrets: [PASSAGE_API_KEY]        # the environment variables rules may read with secret(); no others
    pid_file: data/hookd.pid
    retention: 30d                    # how long event ids are remembered for deduplication
    retry:
      max_attempts: 12                # then the job is dead (kept, listed, replayable)
      backoff: 30s                    # the n-th retry waits backoff * 2^(n-1) (the first waits 30s), at most max_backoff
      max_backoff: 24h
    limits:                           # per rule run
      instructions: 10000000
      memory: 64MiB
      wall_time: 30s
      http_calls: 50
    outbound:
      allow: ["api.getpassage.ai", "127.0.0.1:9000"]   # hosts rules may call (host, host:port, *.domain)
      timeout: 10s
      max_response: 10MiB
    sources:
      - name: passage
        path: /webhooks/passage
        provider: passage
        auth: { scheme: jwt, header: X-Passage-Signature, algorithm: ES256, public_key_file: examples/keys/passage.pem }
      - name: passport
        path: /webhooks/passport
        provider: passport
        mode: sync                    # rules run before the response: 200 when all succeed, 500 otherwise
        auth: { scheme: header, header: Authorization, secret_env: PASSPORT_API_KEY }
      - name: ethpass
        path: /webhooks/ethpass
        provider: ethpass
        auth: { scheme: header, header: Authorization, secret_env: ETHPASS_SECRET }
      - name: passfort
        path: /webhooks/passfort
        provider: passfort
        auth: { scheme: bearer, secret_env: PASSFORT_SECRET, body_field: secret }
        allow_ips: [35.195.138.186/32, 20.74.0.0/16, 20.203.0.0/16]
        order_by: data.profile_id     # per rule, events with the same key run one at a time, in arrival order
    """

@Suite("SPEC §2's example configuration")
struct ConfigExampleTests {
    @Test("every top-level setting reads as written")
    func topLevel() throws {
        let directory = try ConfigScratchDirectory()
        defer { directory.remove() }
        try directory.write("examples/keys/passage.pem", fakePublicKeyPEM)
        let config = try loadConfig(specExample, directory: directory.path)

        #expect(config.server == ServerConfig(listen: ListenAddress(host: "127.0.0.1", port: 8080), maxBody: 1_048_576))
        #expect(config.admin == AdminConfig(listen: ListenAddress(host: "127.0.0.1", port: 9090), tokenEnv: "HOOKD_ADMIN_TOKEN"))
        #expect(config.store == .sqlite(path: "\(directory.path)/data/hookd.sqlite"))
        #expect(config.rulesDirectory == "\(directory.path)/rules/")
        #expect(config.secrets == ["PASSAGE_API_KEY"])
        #expect(config.pidFile == "\(directory.path)/data/hookd.pid")
        #expect(config.retention == .seconds(30 * 86_400))
        #expect(config.retry == RetryPolicy(maxAttempts: 12, backoff: .seconds(30), maxBackoff: .seconds(86_400)))
        #expect(config.limits.instructions == 10_000_000)
        #expect(config.limits.memory == 64 * 1_048_576)
        #expect(config.limits.wallTime == .seconds(30))
        #expect(config.limits.httpCalls == 50)
        #expect(config.outbound.access == .only([
            OutboundHost(pattern: .exactly("api.getpassage.ai")),
            OutboundHost(pattern: .exactly("127.0.0.1"), port: 9000),
        ]))
        #expect(config.outbound.timeout == .seconds(10))
        #expect(config.outbound.maxResponse == 10 * 1_048_576)
        #expect(config.origin.file == "hookd.yaml")
        #expect(config.origin.position(of: "sources[1].auth.secret_env") == ConfigOrigin.Position(line: 34, column: 64))
    }

    @Test("the four sources read as written")
    func sources() throws {
        let directory = try ConfigScratchDirectory()
        defer { directory.remove() }
        let keyPath = try directory.write("examples/keys/passage.pem", fakePublicKeyPEM)
        let config = try loadConfig(specExample, directory: directory.path)

        #expect(config.sources.map(\.name) == ["passage", "passport", "ethpass", "passfort"])
        #expect(config.source(named: "passage") == SourceConfig(
            name: "passage", path: "/webhooks/passage", provider: .passage,
            auth: .jwt(JWTAuth(header: "X-Passage-Signature", algorithm: .es256, key: .publicKeyFile(keyPath)))))
        #expect(config.source(named: "passport") == SourceConfig(
            name: "passport", path: "/webhooks/passport", provider: .passport, mode: .sync,
            auth: .header(name: "Authorization", secret: .environment(["PASSPORT_API_KEY"]))))
        #expect(config.source(servedAt: "/webhooks/ethpass")?.auth == .header(name: "Authorization", secret: .environment(["ETHPASS_SECRET"])))
        let passfort = try #require(config.source(named: "passfort"))
        #expect(passfort.auth == .bearer(secret: .environment(["PASSFORT_SECRET"]), bodyField: "secret"))
        #expect(passfort.allowIPs.map(\.description) == ["35.195.138.186/32", "20.74.0.0/16", "20.203.0.0/16"])
        #expect(passfort.orderBy == FieldPath(components: ["data", "profile_id"]))
        #expect(passfort.allows(IPAddress("20.74.9.1")!))
        #expect(!passfort.allows(IPAddress("20.75.0.1")!))
    }

    @Test("load(path:) reads the file and resolves paths against its directory")
    func loadsFromDisk() throws {
        let directory = try ConfigScratchDirectory()
        defer { directory.remove() }
        try directory.write("examples/keys/passage.pem", fakePublicKeyPEM)
        let file = try directory.write("hookd.yaml", specExample)
        let config = try ConfigLoader.load(path: file)
        #expect(config.origin.file == file)
        #expect(config.origin.directory == directory.path)
        #expect(config.sources.count == 4)
        #expect(config.store == .sqlite(path: "\(directory.path)/data/hookd.sqlite"))
    }

    @Test("a missing file is one error naming it")
    func missingFile() {
        #expect(throws: ConfigErrors([ConfigError(file: "/nonexistent/hookd.yaml", line: nil, column: nil,
                                                  keyPath: "", message: "no such file")])) {
            try ConfigLoader.load(path: "/nonexistent/hookd.yaml")
        }
    }
}
