import Foundation
import HookdCore
import Testing

/// What `hookd send` and `hookd serve` will do with the repository's own hookd.yaml, dev.env and
/// examples: a round trip, which complements (never replaces) the independent vectors.
@Suite("Auth: the repository's hookd.yaml signs and verifies its own examples")
struct RepositoryAuthTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../..").standardized.path

    /// examples/dev.env as an environment.
    static func developmentEnvironment() throws -> [String: String] {
        let text = try String(contentsOfFile: root + "/examples/dev.env", encoding: .utf8)
        var environment: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { environment[parts[0]] = parts[1] }
        }
        return environment
    }

    @Test("every source: the signed example is accepted, the same request one minute later too, a changed signed body is not")
    func roundTrip() async throws {
        let config = try ConfigLoader.load(path: Self.root + "/hookd.yaml")
        let secrets = SecretResolver(environment: try Self.developmentEnvironment()).resolve(config, for: .serving)
        #expect(secrets.errors.isEmpty)
        let verifiers = try await VerifierFactory().verifiers(for: config, secrets: secrets)
        let clock = AuthClock.fixed(unixSeconds: Int64(AuthVectors.now))
        for source in config.sources {
            let directory = Self.root + "/examples/" + source.name
            let fixture = try #require(try FileManager.default.contentsOfDirectory(atPath: directory).first { $0.hasSuffix(".json") })
            let body = Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/" + fixture)))
            let signer = try await RequestSigner.load(source: source.name, auth: source.auth,
                                                      secrets: secrets.sourceSecrets[source.name] ?? [], clock: clock)
            let signed = try await signer.sign(body)
            let verifier = try #require(verifiers[source.name])
            expectAccepted(verifier, AuthRequest(body: signed.body, headers: signed.headerFields, now: vectorTime(60)))
            // Only signing schemes cover the body; header and bearer secrets do not.
            let signsBody: Set<AuthScheme> = [.jwt, .hmac, .github, .stripe, .standardWebhooks, .shopify, .slack]
            guard signsBody.contains(source.auth.scheme) else { continue }
            var changed = signed.body
            changed[changed.count / 2] ^= 0x01
            #expect(refusal(verifier, AuthRequest(body: changed, headers: signed.headerFields, now: vectorTime())) != nil,
                    "\(source.name) accepted a changed body")
        }
    }
}
