import AsyncHTTPClient
import Foundation
import HookdCore
import HookdServer
import HookdSQLite
import Logging
import NIOCore
import NIOHTTP1

/// A daemon on 127.0.0.1 (a free port) for one test: a scratch directory with hookd.yaml, the
/// repository's rules and example keys, and a SQLite store of its own.
final class TestDaemon: @unchecked Sendable {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    let directory: URL
    var daemon: Daemon
    let store: SQLiteStore
    let config: HookdConfig
    private var task: Task<Void, any Error>?
    private(set) var port = 0
    /// The admin listener's port.
    private(set) var adminPort = 0
    /// The configuration file, read again at each reload.
    let configFile: URL
    // The shared client needs no shutdown, so a test that ends while a stop is under way cannot trap.
    let client = HTTPClient.shared

    /// The repository's four seed sources, plus `extraSources` (YAML list items).
    /// `rules` is the rules directory (the repository's by default); `settings` adds top-level keys.
    /// `adminTokenEnv` names the admin token's variable (`admin.token_env`).
    static func yaml(maxBody: String = "1MiB", extraSources: String = "", rules: String? = nil, settings: String = "",
                     adminTokenEnv: String? = nil) -> String {
        """
        server:
          listen: 127.0.0.1:0
          max_body: \(maxBody)
        admin:
          listen: 127.0.0.1:0
        \(adminTokenEnv.map { "  token_env: \($0)" } ?? "")
        \(settings)
        store: sqlite:data/hookd.sqlite
        rules: \(rules ?? root.appendingPathComponent("rules").path)
        pid_file: data/hookd.pid
        secrets: [PASSAGE_API_KEY]
        sources:
          - name: passage
            path: /webhooks/passage
            provider: passage
            auth: { scheme: jwt, header: X-Passage-Signature, algorithm: ES256,
                    public_key_file: \(root.appendingPathComponent("examples/keys/passage.pem").path),
                    signing_key_file: \(root.appendingPathComponent("examples/keys/passage-signing.pem").path) }
          - name: passport
            path: /webhooks/passport
            provider: passport
            auth: { scheme: header, header: Authorization, secret_env: PASSPORT_API_KEY }
          - name: ethpass
            path: /webhooks/ethpass
            provider: ethpass
            auth: { scheme: header, header: Authorization, secret_env: ETHPASS_SECRET }
          - name: passfort
            path: /webhooks/passfort
            provider: passfort
            auth: { scheme: bearer, secret_env: PASSFORT_SECRET, body_field: secret }
            order_by: data.profile_id
        \(extraSources)
        """
    }

    /// Sources of the providers that have no example in examples/ (`otherProviderSources`).
    static let otherProviderSources = """
          - name: sw
            path: /webhooks/sw
            provider: standard-webhooks
            auth: { scheme: standard-webhooks, secret_env: SW_SECRET }
          - name: gh
            path: /webhooks/gh
            provider: github
            auth: { scheme: github, secret_env: GH_SECRET }
          - name: stripe
            path: /webhooks/stripe
            provider: stripe
            auth: { scheme: stripe, secret_env: STRIPE_SECRET }
          - name: shop
            path: /webhooks/shop
            provider: generic
            id_from: header:X-Shopify-Webhook-Id
            type_from: kind
            auth: { scheme: shopify, secret_env: SHOP_SECRET }
          - name: slack
            path: /webhooks/slack
            provider: generic
            id_from: event_id
            type_from: event.type
            auth: { scheme: slack, secret_env: SLACK_SECRET }
          - name: signed
            path: /webhooks/signed
            provider: generic
            id_from: id
            type_from: type
            auth: { scheme: hmac, header: X-Signature, algorithm: sha512, encoding: base64, prefix: "sha512=", secret_env: HMAC_SECRET }
          - name: basic
            path: /webhooks/basic
            provider: generic
            id_from: id
            type_from: type
            auth: { scheme: basic, user: hooks, secret_env: BASIC_SECRET }
        """

    static let otherProviderSecrets = [
        "SW_SECRET": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "GH_SECRET": "gh-secret-value", "STRIPE_SECRET": "whsec_stripe_test_value",
        "SHOP_SECRET": "shop-secret-value", "SLACK_SECRET": "slack-signing-secret", "HMAC_SECRET": "hmac-secret-value",
        "BASIC_SECRET": "basic-password",
    ]

    static let environment = [
        "PASSAGE_API_KEY": "pk_dev_passage_0000", "PASSPORT_API_KEY": "dev-passport-key",
        "ETHPASS_SECRET": "dev-ethpass-secret", "PASSFORT_SECRET": "yourSecret",
    ]

    init(yaml: String = TestDaemon.yaml(), environment: [String: String] = TestDaemon.environment,
         storeOptions: SQLiteStoreOptions = SQLiteStoreOptions(), readDeadline: Duration = .seconds(10),
         idleTimeout: TimeAmount = .seconds(30)) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hookd-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("hookd.yaml")
        configFile = file
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        config = try ConfigLoader.load(path: file.path)
        var opened: SQLiteStore?
        daemon = try await Daemon.prepare(config: config, configPath: file.path, store: { location throws(DaemonError) in
            guard case .sqlite(let path) = location else { throw DaemonError("sqlite only") }
            do {
                if storeOptions.access == .readOnly { try Self.create(path) }
                let store = try SQLiteStore(path: path, options: storeOptions)
                opened = store
                return store
            } catch { throw DaemonError("\(error)") }
        }, environment: environment, logger: Logger(label: "test"))
        store = opened!
        daemon.readDeadline = readDeadline
        daemon.idleTimeout = idleTimeout
        let ready = AsyncStream<(admin: Bool, port: Int)>.makeStream()
        task = Task { [daemon] in
            try await daemon.run(gracefulShutdownSignals: [], reloadSignals: [],
                                 onListening: { ready.continuation.yield((false, $0)) },
                                 onAdminListening: { ready.continuation.yield((true, $0)) })
        }
        for await bound in ready.stream {
            if bound.admin { adminPort = bound.port } else { port = bound.port }
            if port != 0, adminPort != 0 { break }
        }
    }

    /// Shows redirects as they are (the Retry form answers 303); lives as long as the test process.
    static let adminClient = HTTPClient(eventLoopGroupProvider: .singleton,
                                        configuration: HTTPClient.Configuration(redirectConfiguration: .disallow))

    /// A request to the admin listener; answers status, headers and body text.
    func admin(_ path: String, method: String = "GET", headers: [(String, String)] = [], body: String = "") async throws
        -> (status: Int, headers: HTTPHeaders, body: String) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(adminPort)\(path)")
        request.method = .init(rawValue: method)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if !body.isEmpty { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await Self.adminClient.execute(request, timeout: .seconds(30))
        let answer = try await response.body.collect(upTo: 4 << 20)
        return (Int(response.status.code), response.headers, String(buffer: answer))
    }

    /// Creates an empty store at `path`, so that it can then be opened read-only.
    static func create(_ path: String) throws {
        _ = try SQLiteStore(path: path)
    }

    func stop() async {
        task?.cancel()
        _ = await task?.result
        try? await store.close()
        try? FileManager.default.removeItem(at: directory)
    }

    /// POSTs (or sends `method`) to `path`; answers status and body text.
    func send(_ path: String, body: [UInt8], headers: [(String, String)] = [], method: String = "POST") async throws -> (status: Int, body: String) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = .init(rawValue: method)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await client.execute(request, timeout: .seconds(30))
        let answer = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), String(buffer: answer))
    }

    /// Signs `body` as `source`'s provider would and POSTs it to the source's path.
    func sendSigned(_ source: String, body: [UInt8], headers extra: [(String, String)] = []) async throws -> (status: Int, body: String) {
        let sourceConfig = config.source(named: source)!
        let secrets = SecretResolver(environment: Self.environment.merging(Self.otherProviderSecrets) { $1 }).resolve(config, for: .serving)
        let signer = try await RequestSigner.load(source: source, auth: sourceConfig.auth, secrets: secrets.sourceSecrets[source] ?? [])
        let signed = try await signer.sign(body)
        return try await send(sourceConfig.path, body: signed.body, headers: signed.headers + extra + [("Content-Type", "application/json")])
    }

    /// Writes `request` to a raw TCP connection (a Python child process, so the bytes are exactly
    /// these) and reads until a whole JSON answer arrived, the daemon closed the connection, or
    /// `seconds` passed: what it answered, and how long that took.
    /// The exchange blocks a thread for up to `seconds`: it runs on one of its own, not on Swift's
    /// cooperative pool (2 threads on 2 cores), which the other tests running meanwhile need.
    func raw(_ request: String, seconds: Double = 5) async throws -> (answer: String, elapsed: Double) {
        try await offPool { try self.blockingRaw(request, seconds: seconds, untilClosed: false) }
    }

    /// `raw`, reading on after the answer until the daemon closes the connection (or `seconds`).
    func rawUntilClosed(_ request: String, seconds: Double = 5) async throws -> (answer: String, elapsed: Double) {
        try await offPool { try self.blockingRaw(request, seconds: seconds, untilClosed: true) }
    }

    private func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }

    private func blockingRaw(_ request: String, seconds: Double, untilClosed: Bool) throws -> (answer: String, elapsed: Double) {
        let script = """
            import socket, sys, time
            s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
            s.settimeout(float(sys.argv[2]))
            start = time.time()
            s.sendall(sys.stdin.buffer.read())
            data = b""
            try:
                while True:
                    chunk = s.recv(65536)
                    if not chunk: break
                    data += chunk
                    if sys.argv[3] == "0" and b"\\r\\n\\r\\n" in data and b"}" in data: break
            except socket.timeout:
                pass
            print("%.3f" % (time.time() - start))
            sys.stdout.write(data.decode("latin-1"))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, String(port), String(seconds), untilClosed ? "1" : "0"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(request.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        let firstLine = text.prefix { $0 != "\n" }
        return (String(text.dropFirst(firstLine.count + 1)), Double(firstLine) ?? -1)
    }

    static func example(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: root.appendingPathComponent("examples/\(name)")))
    }
}
