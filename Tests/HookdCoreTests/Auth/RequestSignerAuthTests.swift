import Foundation
import HookdCore
import Testing

/// The signer's output is compared byte for byte with vectors.py where signing is deterministic
/// (every HMAC scheme), and checked by the verifiers and by decoding where it is not (JWTs).
@Suite("Auth: RequestSigner signs like each provider")
struct RequestSignerAuthTests {
    let clock = AuthClock.fixed(unixSeconds: Int64(AuthVectors.now))

    func sign(_ auth: AuthConfig, secrets: [String] = [AuthVectors.secretTwo], webhookID: String? = nil,
              body: [UInt8] = vectorBody) async throws -> SignedRequest {
        try await RequestSigner(source: "s", auth: auth, secrets: secrets, clock: clock).sign(body, webhookID: webhookID)
    }

    let env = SecretReference.environment(["S"])

    @Test("hmac, github, shopify, basic, header, bearer: exactly the vectors")
    func deterministic() async throws {
        let hmac = { (algorithm: HMACAuth.Algorithm, encoding: HMACAuth.Encoding, prefix: String?) in
            AuthConfig.hmac(HMACAuth(header: "X-Sig", algorithm: algorithm, encoding: encoding, prefix: prefix, secret: self.env))
        }
        #expect(try await sign(hmac(.sha1, .hex, nil)).value(forName: "X-Sig") == AuthVectors.hmacSHA1Hex)
        #expect(try await sign(hmac(.sha256, .hex, "sha256=")).value(forName: "X-Sig") == AuthVectors.hmacSHA256Prefixed)
        #expect(try await sign(hmac(.sha512, .base64, nil)).value(forName: "X-Sig") == AuthVectors.hmacSHA512Base64)
        #expect(try await sign(.github(secret: env)).value(forName: "X-Hub-Signature-256") == AuthVectors.github)
        #expect(try await sign(.shopify(secret: env)).value(forName: "X-Shopify-Hmac-Sha256") == AuthVectors.shopify)
        #expect(try await sign(.basic(user: "ops", secret: env)).value(forName: "Authorization") == AuthVectors.basic)
        #expect(try await sign(.header(name: "X-Key", secret: env)).value(forName: "X-Key") == AuthVectors.secretTwo)
        #expect(try await sign(.bearer(secret: env, bodyField: nil)).value(forName: "Authorization")
                == "Bearer " + AuthVectors.secretTwo)
        #expect(try await sign(.unauthenticated, secrets: []).headers.isEmpty)
    }

    @Test("stripe, slack, standard-webhooks at the fixed clock: exactly the vectors")
    func timestamped() async throws {
        let stripe = try await sign(.stripe(secret: env, tolerance: .seconds(300)), secrets: [AuthVectors.stripeSecret])
        #expect(stripe.value(forName: "Stripe-Signature") == AuthVectors.stripe)
        let slack = try await sign(.slack(secret: env, tolerance: .seconds(300)))
        #expect(slack.value(forName: "X-Slack-Request-Timestamp") == String(AuthVectors.now))
        #expect(slack.value(forName: "X-Slack-Signature") == AuthVectors.slack)
        let sw = try await sign(.standardWebhooks(secret: env, tolerance: .seconds(300)), secrets: [AuthVectors.swSecretTwo],
                                webhookID: "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W")
        #expect(sw.value(forName: "webhook-id") == "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W")
        #expect(sw.value(forName: "webhook-timestamp") == String(AuthVectors.now))
        #expect(sw.value(forName: "webhook-signature") == AuthVectors.swSingle)
    }

    @Test("standard-webhooks without an id: a fresh msg_ id each time, and it verifies")
    func generatedWebhookID() async throws {
        let auth = AuthConfig.standardWebhooks(secret: env, tolerance: .seconds(300))
        let first = try await sign(auth, secrets: [AuthVectors.swSecretTwo])
        let second = try await sign(auth, secrets: [AuthVectors.swSecretTwo])
        let id = try #require(first.value(forName: "webhook-id"))
        #expect(id.hasPrefix("msg_") && id.count == 31)
        #expect(id != second.value(forName: "webhook-id"))
        let verifier = try await VerifierFactory().verifier(source: "s", auth: auth, secrets: [AuthVectors.swSecretTwo])
        expectAccepted(verifier, AuthRequest(body: first.body, headers: first.headerFields, clock: clock))
    }

    @Test("bearer with body_field: the secret replaces the field, or is added, in every batch element")
    func bodyField() async throws {
        let auth = AuthConfig.bearer(secret: env, bodyField: "secret")
        let replaced = try await sign(auth, body: Array(#"{"id":"e","secret":"placeholder","n":1}"#.utf8))
        #expect(String(decoding: replaced.body, as: UTF8.self) == #"{"id":"e","secret":"second-secret-value","n":1}"#)
        let batch = try await sign(auth, body: Array(#"[{"id":"a"},{}, {"id":"c","secret":null}]"#.utf8))
        #expect(String(decoding: batch.body, as: UTF8.self)
                == #"[{"secret":"second-secret-value","id":"a"},{"secret":"second-secret-value"}, {"id":"c","secret":"second-secret-value"}]"#)
        let verifier = BearerVerifier(secrets: [AuthVectors.secretTwo], bodyField: "secret")
        expectAccepted(verifier, AuthRequest(body: batch.body, headers: batch.headerFields, clock: clock))
        await #expect(throws: AuthSetupError.self) { try await sign(auth, body: Array("not json".utf8)) }
    }

    @Test("jwt ES256 with signing_key_file: header alg/typ/kid, iat now, hex body hash; the verifier accepts it")
    func jwtES256() async throws {
        let files = KeyFiles(files: ["pub.pem": DevelopmentKeys.publicPEM, "sign.pem": DevelopmentKeys.privatePEM])
        let auth = AuthConfig.jwt(JWTAuth(header: "X-Passage-Signature", algorithm: .es256, key: .publicKeyFile("pub.pem"),
                                          signingKeyFile: "sign.pem"))
        let signer = try await RequestSigner.load(source: "passage", auth: auth, secrets: [], files: files,
                                                  keyID: "wsk_1", clock: clock)
        let signed = try await signer.sign(vectorBody)
        let token = try #require(signed.value(forName: "X-Passage-Signature"))
        let parts = token.split(separator: ".").map(String.init)
        #expect(parts.count == 3)
        let header = try Self.json(parts[0])
        #expect(header["alg"] as? String == "ES256" && header["typ"] as? String == "JWT" && header["kid"] as? String == "wsk_1")
        let claims = try Self.json(parts[1])
        #expect(claims["iat"] as? Int == AuthVectors.now)
        #expect(claims["request_body_sha256"] as? String == AuthVectors.bodySHA256Hex)
        let verifier = try await VerifierFactory(files: files).verifier(source: "passage", auth: auth, secrets: [])
        expectAccepted(verifier, AuthRequest(body: signed.body, headers: signed.headerFields, clock: clock))
        expectRefused(verifier, AuthRequest(body: tamperedBody, headers: signed.headerFields, clock: clock), .bodyHashMismatch)
    }

    @Test("jwt HS256 signs with the first shared secret")
    func jwtHS256() async throws {
        let auth = AuthConfig.jwt(JWTAuth(header: "X-Sig", algorithm: .hs256, key: .secret(env)))
        let signer = try await RequestSigner.load(source: "s", auth: auth, secrets: [AuthVectors.hsTwo], clock: clock)
        let signed = try await signer.sign(vectorBody)
        let key = try await JWTKey.sharedSecret(AuthVectors.hsTwo, algorithm: .hs256)
        let only = try JWTVerifier(header: "X-Sig", algorithm: .hs256, keys: [key])
        expectAccepted(only, AuthRequest(body: signed.body, headers: signed.headerFields, clock: clock))
    }

    @Test("signing fails closed: no secret, no signing key for a public-key source")
    func refusals() async throws {
        #expect(throws: AuthSetupError.noSecret(source: "s", key: "secret_env")) {
            try RequestSigner(source: "s", auth: .github(secret: env), secrets: [])
        }
        let auth = AuthConfig.jwt(JWTAuth(header: "X-Sig", algorithm: .es256, key: .publicKeyFile("pub.pem")))
        await #expect(throws: AuthSetupError.noSigningKey(source: "s")) {
            try await RequestSigner.load(source: "s", auth: auth, secrets: [])
        }
    }

    private static func json(_ part: String) throws -> [String: Any] {
        var base64 = part.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        let data = try #require(Data(base64Encoded: base64))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }
}
