import Foundation
@testable import HookdServer

/// A daemon with one generic source, `ops`, and rules written for the test: the set-up of the
/// admin, metrics, status and reload tests.
enum OpsFixture {
    static let token = "admin-token-for-tests-0123456789"
    static let secret = "dev-passport-key"

    static let source = """
          - name: ops
            path: /webhooks/ops
            provider: generic
            id_from: id
            type_from: type
            auth: { scheme: header, header: X-Token, secret_env: PASSPORT_API_KEY }
        """

    /// One rule that fails on type `fail`, one that succeeds on every ops event.
    static let rules = [
        "failing.lua": #"return { on = { source = "ops", type = "fail" }, handle = function(event) error("downstream said no") end }"#,
        "steady.lua": #"return { on = { source = "ops" }, handle = function(event) log.info("steady ran") end }"#,
    ]

    /// Writes `rules` into a fresh directory.
    static func rulesDirectory(_ rules: [String: String] = OpsFixture.rules) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hookd-ops-rules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (name, text) in rules { try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return directory
    }

    static func daemon(rules: URL, token: Bool = true, settings: String = "retry: { max_attempts: 1, backoff: 10ms }") async throws -> TestDaemon {
        var environment = TestDaemon.environment
        if token { environment["HOOKD_ADMIN_TOKEN"] = Self.token }
        return try await TestDaemon(yaml: TestDaemon.yaml(extraSources: source, rules: rules.path, settings: settings,
                                                          adminTokenEnv: token ? "HOOKD_ADMIN_TOKEN" : nil),
                                    environment: environment)
    }

    static func post(_ daemon: TestDaemon, id: String, type: String, secret: String = OpsFixture.secret) async throws -> (status: Int, body: String) {
        try await daemon.send("/webhooks/ops", body: Array(#"{"id": "\#(id)", "type": "\#(type)"}"#.utf8),
                              headers: [("X-Token", secret), ("Content-Type", "application/json")])
    }

    /// Posts an event of type `fail` and waits until its failing job is dead (`max_attempts: 1`).
    static func postUntilDead(_ daemon: TestDaemon, id: String) async throws -> Bool {
        guard try await post(daemon, id: id, type: "fail").status == 200 else { return false }
        return try await eventually {
            try await daemon.store.event(id: id, source: "ops").event?.jobs.contains { $0.state == .dead } == true
        }
    }

    static let bearer = [("Authorization", "Bearer \(token)")]

    /// Polls `condition` every 20 ms for up to `seconds`.
    static func eventually(seconds: Double = 10, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return try await condition()
    }
}
