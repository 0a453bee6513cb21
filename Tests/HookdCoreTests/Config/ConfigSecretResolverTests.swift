import Foundation
import HookdCore
import Testing

/// Secret files held in memory, so that tests need not touch the disk.
private struct InMemoryFiles: SecretFileReader {
    struct NotFound: Error, CustomStringConvertible {
        var description: String { "no such file" }
    }

    var files: [String: String]

    func contents(ofFile path: String) throws -> Data {
        guard let text = files[path] else { throw NotFound() }
        return Data(text.utf8)
    }
}

private let yaml = """
    admin: { token_env: HOOKD_ADMIN_TOKEN }
    secrets: [PASSAGE_API_KEY, OTHER_KEY]
    sources:
      - name: passport
        path: /passport
        provider: passport
        auth: { scheme: header, header: Authorization, secret_env: PASSPORT_API_KEY }
      - name: rotating
        path: /rotating
        provider: github
        auth: { scheme: github, secret_env: [NEW_GITHUB_SECRET, OLD_GITHUB_SECRET] }
      - name: filed
        path: /filed
        provider: stripe
        auth: { scheme: stripe, secret_file: [/run/secrets/stripe-new, /run/secrets/stripe-old] }
      - name: open
        path: /open
        provider: github
        auth: { scheme: none, insecure: true }
    """

@Suite("SecretResolver")
struct ConfigSecretResolverTests {
    let config: HookdConfig

    init() throws {
        config = try loadConfig(yaml)
    }

    @Test("resolves every source's secrets, rotation lists in order, and the rule and admin secrets")
    func resolvesEverything() {
        let resolver = SecretResolver(
            environment: ["PASSPORT_API_KEY": "pk", "NEW_GITHUB_SECRET": "new", "OLD_GITHUB_SECRET": "old",
                          "PASSAGE_API_KEY": "pa", "OTHER_KEY": "ok", "HOOKD_ADMIN_TOKEN": "admin"],
            files: InMemoryFiles(files: ["/run/secrets/stripe-new": "whsec_new\n", "/run/secrets/stripe-old": "  whsec_old  "]))
        let resolution = resolver.resolve(config, for: .serving)
        #expect(resolution.errors.isEmpty)
        #expect(resolution.warnings.isEmpty)
        #expect(resolution.sourceSecrets == [
            "passport": ["pk"], "rotating": ["new", "old"], "filed": ["whsec_new", "whsec_old"],
        ])
        #expect(resolution.ruleSecrets == ["PASSAGE_API_KEY": "pa", "OTHER_KEY": "ok"])
        #expect(resolution.adminToken == "admin")
    }

    @Test("a missing secret names the file, line, source and key; serving makes it an error")
    func missingSecretWhenServing() {
        let resolver = SecretResolver(
            environment: ["NEW_GITHUB_SECRET": "new", "PASSAGE_API_KEY": "pa", "OTHER_KEY": "", "HOOKD_ADMIN_TOKEN": "t"],
            files: InMemoryFiles(files: ["/run/secrets/stripe-old": "\n"]))
        let resolution = resolver.resolve(config, for: .serving)
        #expect(resolution.errors.map(\.description) == [
            "hookd.yaml:7:64: sources[passport].auth.secret_env: PASSPORT_API_KEY is not set",
            "hookd.yaml:15:43: sources[filed].auth.secret_file: cannot read /run/secrets/stripe-new: no such file",
            "hookd.yaml:15:68: sources[filed].auth.secret_file: /run/secrets/stripe-old is empty",
        ])
        #expect(resolution.warnings.map(\.description) == [
            "hookd.yaml:2:28: secrets: OTHER_KEY is set but empty; rules calling secret(\"OTHER_KEY\") will fail",
            "hookd.yaml:11:61: sources[rotating].auth.secret_env: OLD_GITHUB_SECRET is not set",
        ])
        #expect(resolution.sourceSecrets == ["rotating": ["new"]])
        #expect(resolution.ruleSecrets == ["PASSAGE_API_KEY": "pa"])
    }

    @Test("check makes every missing secret a warning; check --strict an error")
    func checking() {
        let resolver = SecretResolver(environment: [:], files: InMemoryFiles(files: [:]))
        let lenient = resolver.resolve(config, for: .checking)
        #expect(lenient.errors.isEmpty)
        #expect(lenient.warnings.count == 8)
        #expect(lenient.warnings.first?.description == "hookd.yaml:1:21: admin.token_env: HOOKD_ADMIN_TOKEN is not set")
        let strict = resolver.resolve(config, for: .checkingStrictly)
        #expect(strict.warnings.isEmpty)
        #expect(strict.errors.map(\.description) == lenient.warnings.map(\.description))
        let serving = resolver.resolve(config, for: .serving)
        #expect(serving.errors.count == 6)
        #expect(serving.warnings.map(\.keyPath) == ["secrets", "secrets"])
    }

    @Test("secret_file reads real files, trimming the trailing newline")
    func readsFiles() throws {
        let directory = try ConfigScratchDirectory()
        defer { directory.remove() }
        try directory.write("secrets/hmac", "s3cret\n")
        try FileManager.default.createDirectory(atPath: directory.path + "/secrets/dir", withIntermediateDirectories: true)
        let config = try loadConfig("""
            sources:
              - name: a
                path: /a
                provider: github
                auth: { scheme: github, secret_file: [secrets/hmac, secrets/missing, secrets/dir] }
            """, directory: directory.path)
        let resolution = SecretResolver(environment: [:]).resolve(config, for: .serving)
        #expect(resolution.sourceSecrets == ["a": ["s3cret"]])
        #expect(resolution.errors.isEmpty)
        #expect(resolution.warnings.map(\.message) == [
            "cannot read \(directory.path)/secrets/missing: no such file",
            "cannot read \(directory.path)/secrets/dir: it is a directory",
        ])
    }

    @Test("a JWT checked with a public key needs no secret")
    func publicKeyNeedsNoSecret() throws {
        let directory = try ConfigScratchDirectory()
        defer { directory.remove() }
        try directory.write("k.pem", fakePublicKeyPEM)
        let config = try loadConfig("""
            sources:
              - { name: j, path: /j, provider: passage, auth: { scheme: jwt, header: X, algorithm: ES256, public_key_file: k.pem } }
            """, directory: directory.path)
        let resolution = SecretResolver(environment: [:]).resolve(config, for: .serving)
        #expect(resolution.errors.isEmpty && resolution.warnings.isEmpty && resolution.sourceSecrets.isEmpty)
    }
}
