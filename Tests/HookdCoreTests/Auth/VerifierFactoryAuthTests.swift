import Foundation
import HookdCore
import Testing

@Suite("Auth: VerifierFactory builds every scheme and fails closed at start-up")
struct VerifierFactoryAuthTests {
    let env = SecretReference.environment(["S"])
    let files = KeyFiles(files: [
        "passage.pem": DevelopmentKeys.publicPEM,
        "weak.pem": AuthVectors.weakRSAPublicPEM,
        "rsa.pem": AuthVectors.rsaPublicPEM,
        "junk.pem": "-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----\n",
    ])

    func make(_ auth: AuthConfig, secrets: [String] = [AuthVectors.secretTwo]) async throws -> any Verifier {
        try await VerifierFactory(files: files).verifier(source: "src", auth: auth, secrets: secrets)
    }

    @Test("each scheme gets its verifier, which accepts the provider's vector")
    func everyScheme() async throws {
        let schemes: [(AuthConfig, AuthScheme)] = [
            (.header(name: "X-Key", secret: env), .header), (.bearer(secret: env, bodyField: nil), .bearer),
            (.basic(user: "ops", secret: env), .basic), (.hmac(HMACAuth(header: "X-Sig", secret: env)), .hmac),
            (.github(secret: env), .github), (.shopify(secret: env), .shopify),
            (.stripe(secret: env, tolerance: .seconds(300)), .stripe), (.slack(secret: env, tolerance: .seconds(300)), .slack),
            (.standardWebhooks(secret: env, tolerance: .seconds(300)), .standardWebhooks), (.unauthenticated, .unauthenticated),
        ]
        for (auth, scheme) in schemes {
            let secrets = scheme == .standardWebhooks ? [AuthVectors.swSecretTwo] : [AuthVectors.secretTwo]
            let verifier = try await make(auth, secrets: secrets)
            #expect(verifier.scheme == scheme)
            #expect(verifier.credentialHeaders.isEmpty == (scheme == .unauthenticated))
        }
        #expect(try await make(.standardWebhooks(secret: env, tolerance: .seconds(300)), secrets: [AuthVectors.swSecretTwo])
            .credentialHeaders == ["webhook-signature"])
        #expect(try await make(.basic(user: "ops", secret: env)).credentialHeaders == ["Authorization"])
        let github = try await make(.github(secret: env), secrets: [AuthVectors.secretOne, AuthVectors.secretTwo])
        expectAccepted(github, authRequest([("X-Hub-Signature-256", AuthVectors.github)]))
        let passage = try await make(.jwt(JWTAuth(header: "X-Passage-Signature", algorithm: .es256,
                                                  key: .publicKeyFile("passage.pem"))), secrets: [])
        expectAccepted(passage, authRequest([("X-Passage-Signature", AuthVectors.jwtES256)]))
        let rsa = try await make(.jwt(JWTAuth(header: "X-Sig", algorithm: .rs256, key: .publicKeyFile("rsa.pem"))), secrets: [])
        expectAccepted(rsa, authRequest([("X-Sig", AuthVectors.jwtRS256)]))
    }

    @Test("no secret: refused, naming the source and key")
    func noSecret() async {
        await #expect(throws: AuthSetupError.noSecret(source: "src", key: "secret_env")) {
            try await make(.github(secret: env), secrets: [])
        }
        let error = AuthSetupError.noSecret(source: "src", key: "secret_file")
        #expect(error.description.hasPrefix("sources[src].auth.secret_file: "))
    }

    @Test("key files: unreadable, not a key, RSA under 2048 bits, ES key for RS256")
    func keyFiles() async throws {
        let jwt = { (file: String, algorithm: JWTAlgorithm) in
            AuthConfig.jwt(JWTAuth(header: "X-Sig", algorithm: algorithm, key: .publicKeyFile(file)))
        }
        await #expect(throws: AuthSetupError.unreadableKeyFile(source: "src", key: "public_key_file", path: "gone.pem",
                                                               why: "no such file")) {
            try await make(jwt("gone.pem", .es256), secrets: [])
        }
        await #expect(throws: AuthSetupError.invalidKey(source: "src", key: "public_key_file", path: "weak.pem", why: .weakRSAKey)) {
            try await make(jwt("weak.pem", .rs256), secrets: [])
        }
        for (file, algorithm) in [("junk.pem", JWTAlgorithm.es256), ("passage.pem", .rs256), ("rsa.pem", .es256)] {
            do {
                _ = try await make(jwt(file, algorithm), secrets: [])
                Issue.record("\(file) accepted for \(algorithm)")
            } catch let error as AuthSetupError {
                #expect(error.description.hasPrefix("sources[src].auth.public_key_file: \(file): not a PEM"))
            }
        }
        let weak = AuthSetupError.invalidKey(source: "passage", key: "public_key_file", path: "k.pem", why: .weakRSAKey)
        #expect(weak.description == "sources[passage].auth.public_key_file: k.pem: RSA key is shorter than 2048 bits")
    }

    @Test("secrets that cannot be keys: a non-base64 whsec_, a short HS256 secret")
    func invalidSecrets() async {
        await #expect(throws: AuthSetupError.invalidSecret(source: "src", key: "secret_env",
                                                           why: "candidate 2 is not whsec_ followed by base64")) {
            try await make(.standardWebhooks(secret: env, tolerance: .seconds(300)), secrets: [AuthVectors.swSecretTwo, "whsec_%%%"])
        }
        await #expect(throws: AuthSetupError.self) {
            try await make(.jwt(JWTAuth(header: "X-Sig", algorithm: .hs256, key: .secret(env))), secrets: ["short"])
        }
    }

    @Test("a whole configuration: one verifier per source, by name")
    func wholeConfig() async throws {
        let config = try loadConfig("""
            sources:
              - name: hub
                path: /hub
                provider: github
                auth: { scheme: github, secret_env: HUB }
              - name: open
                path: /open
                provider: github
                auth: { scheme: none, insecure: true }
            """)
        var secrets = SecretResolution()
        secrets.sourceSecrets["hub"] = [AuthVectors.secretTwo]
        let verifiers = try await VerifierFactory().verifiers(for: config, secrets: secrets)
        #expect(verifiers["hub"]?.scheme == .github)
        #expect(verifiers["open"]?.scheme == .unauthenticated)
        secrets.sourceSecrets = [:]
        await #expect(throws: AuthSetupError.noSecret(source: "hub", key: "secret_env")) {
            try await VerifierFactory().verifiers(for: config, secrets: secrets)
        }
    }
}
