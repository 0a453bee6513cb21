import Foundation
import Testing

/// `hookd check` on the repository's own hookd.yaml and on broken copies of it.
@Suite("hookd check")
struct CheckCommandTests {
    static let root = HookdProcess.repositoryRoot

    /// Runs `hookd check` with none of the dev secrets in the environment but those given.
    func check(_ arguments: [String], in directory: URL = root, environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        var env = ProcessInfo.processInfo.environment
        for key in ["PASSAGE_API_KEY", "PASSPORT_API_KEY", "ETHPASS_SECRET", "PASSFORT_SECRET"] { env[key] = nil }
        env.merge(environment) { $1 }
        return try HookdProcess.run(["check"] + arguments, in: directory, environment: env)
    }

    static let devSecrets = ["PASSAGE_API_KEY": "a", "PASSPORT_API_KEY": "b", "ETHPASS_SECRET": "c", "PASSFORT_SECRET": "d"]

    @Test("the repository's hookd.yaml and rules check clean")
    func repositoryChecks() throws {
        let (status, output) = try check(["--config", "hookd.yaml"], environment: Self.devSecrets)
        #expect(status == 0, "\(output)")
        #expect(output.contains("OK: 4 sources, 4 rules"), "\(output)")
    }

    @Test("missing secrets are warnings, and errors with --strict")
    func missingSecrets() throws {
        let relaxed = try check(["--config", "hookd.yaml"])
        #expect(relaxed.status == 0, "\(relaxed.output)")
        #expect(relaxed.output.contains("warning:") && relaxed.output.contains("PASSPORT_API_KEY"), "\(relaxed.output)")
        let strict = try check(["--config", "hookd.yaml", "--strict"])
        #expect(strict.status == 1, "\(strict.output)")
        #expect(strict.output.contains("error:") && strict.output.contains("PASSPORT_API_KEY"), "\(strict.output)")
    }

    @Test("a rule with a syntax error fails the check with file:line")
    func brokenRule() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hookd-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("rules"), withIntermediateDirectories: true)
        try "return {\n on = {},\n handle = function(e) if then end,\n}".write(
            to: dir.appendingPathComponent("rules/broken.lua"), atomically: true, encoding: .utf8)
        try "rules: rules/\nsources: []\n".write(to: dir.appendingPathComponent("hookd.yaml"), atomically: true, encoding: .utf8)
        let (status, output) = try check(["--config", "hookd.yaml"], in: dir)
        #expect(status == 1)
        #expect(output.contains("rules/broken.lua:3:"), "\(output)")
    }

    @Test("a config error names file, line and key")
    func brokenConfig() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hookd-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try "sources:\n  - name: x\n    path: /x\n    provider: passage\n    auth: { scheme: hamc, secret_env: X }\n".write(
            to: dir.appendingPathComponent("hookd.yaml"), atomically: true, encoding: .utf8)
        let (status, output) = try check(["--config", "hookd.yaml"], in: dir)
        #expect(status == 1)
        #expect(output.contains("hookd.yaml:5:"), "\(output)")
        #expect(output.contains("did you mean 'hmac'"), "\(output)")
    }
}
