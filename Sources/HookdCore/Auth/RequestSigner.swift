import Foundation
import JWTKit

/// Signs a body the way a source's provider would, for `hookd send`: the same headers, the same
/// signed strings, the same encodings, with the first candidate secret (or, for a `jwt` source
/// verified by a public key, the private key of `signing_key_file`).
public struct RequestSigner: Sendable {
    public let source: String
    public let auth: AuthConfig
    /// The `kid` a signed JWT names; nil sends none.
    public let keyID: String?
    private let secret: String
    private let jwtKey: JWTKey?
    private let clock: AuthClock

    /// A signer with its key material at hand; `load` reads it from the configuration instead.
    /// For `jwt`, `signingKey` is required (the shared secret's or the private key's `JWTKey`).
    public init(source: String, auth: AuthConfig, secrets: [String], signingKey: JWTKey? = nil,
                keyID: String? = nil, clock: AuthClock = .system) throws(AuthSetupError) {
        if let reference = auth.secret, secrets.isEmpty {
            throw .noSecret(source: source, key: reference.configKey)
        }
        if case .jwt(let config) = auth {
            guard let signingKey else { throw .noSigningKey(source: source) }
            guard signingKey.algorithm == config.algorithm else {
                throw .invalidKey(source: source, key: "signing_key_file", path: config.signingKeyFile ?? "",
                                  why: .algorithmMismatch(key: signingKey.algorithm, configured: config.algorithm))
            }
        }
        self.source = source
        self.auth = auth
        self.secret = secrets.first ?? ""
        self.jwtKey = signingKey
        self.keyID = keyID
        self.clock = clock
    }

    /// The signer of a configured source: secrets as `SecretResolver` read them, and for `jwt` the
    /// shared secret or the PEM private key of `signing_key_file`, read through `files`.
    public static func load(source: String, auth: AuthConfig, secrets: [String],
                            files: any SecretFileReader = LocalSecretFiles(), keyID: String? = nil,
                            clock: AuthClock = .system) async throws(AuthSetupError) -> RequestSigner {
        guard case .jwt(let config) = auth else {
            return try RequestSigner(source: source, auth: auth, secrets: secrets, keyID: keyID, clock: clock)
        }
        let key: JWTKey
        switch config.key {
        case .secret(let reference):
            guard let secret = secrets.first else { throw .noSecret(source: source, key: reference.configKey) }
            do { key = try await JWTKey.sharedSecret(secret, algorithm: config.algorithm) } catch {
                throw .invalidSecret(source: source, key: reference.configKey, why: "\(error)")
            }
        case .publicKeyFile:
            guard let path = config.signingKeyFile else { throw .noSigningKey(source: source) }
            let pem = try VerifierFactory(files: files).readKey(path, source: source, key: "signing_key_file")
            do { key = try await JWTKey.privateKey(pem: pem, algorithm: config.algorithm) } catch {
                throw .invalidKey(source: source, key: "signing_key_file", path: path, why: error)
            }
        }
        return try RequestSigner(source: source, auth: auth, secrets: secrets, signingKey: key, keyID: keyID, clock: clock)
    }

    /// `body` signed as the provider would send it. `webhookID` is the Standard Webhooks
    /// `webhook-id`; one is generated when nil.
    public func sign(_ body: [UInt8], webhookID: String? = nil) async throws(AuthSetupError) -> SignedRequest {
        let timestamp = String(Int64(clock.now().timeIntervalSince1970.rounded(.down)))
        let key = Array(secret.utf8)
        switch auth {
        case .header(let name, _):
            return SignedRequest(body: body, headers: [(name, secret)])
        case .bearer(_, let bodyField):
            return try bearer(body, bodyField: bodyField)
        case .basic(let user, _):
            return SignedRequest(body: body, headers: [("Authorization", "Basic " + ByteText.base64(Array("\(user):\(secret)".utf8)))])
        case .hmac(let config):
            let code = MessageAuthenticator(config.algorithm).code(for: body, key: key)
            let text = config.encoding == .hex ? ByteText.hex(code) : ByteText.base64(code)
            return SignedRequest(body: body, headers: [(config.header, (config.prefix ?? "") + text)])
        case .github:
            let code = MessageAuthenticator(.sha256).code(for: body, key: key)
            return SignedRequest(body: body, headers: [(GitHubVerifier.header, GitHubVerifier.prefix + ByteText.hex(code))])
        case .shopify:
            let code = MessageAuthenticator(.sha256).code(for: body, key: key)
            return SignedRequest(body: body, headers: [(ShopifyVerifier.header, ByteText.base64(code))])
        case .stripe:
            let code = MessageAuthenticator(.sha256).code(for: Array("\(timestamp).".utf8) + body, key: key)
            return SignedRequest(body: body, headers: [(StripeVerifier.header, "t=\(timestamp),v1=\(ByteText.hex(code))")])
        case .standardWebhooks(let reference, _):
            return try standardWebhooks(body, id: webhookID ?? Self.makeWebhookID(), timestamp: timestamp,
                                        key: reference.configKey)
        case .slack:
            let code = MessageAuthenticator(.sha256).code(for: Array("v0:\(timestamp):".utf8) + body, key: key)
            return SignedRequest(body: body, headers: [(SlackVerifier.timestampHeader, timestamp),
                                                       (SlackVerifier.signatureHeader, "v0=" + ByteText.hex(code))])
        case .jwt(let config):
            return SignedRequest(body: body, headers: [(config.header, try await token(for: body))])
        case .unauthenticated:
            return SignedRequest(body: body, headers: [])
        }
    }

    private func bearer(_ body: [UInt8], bodyField: String?) throws(AuthSetupError) -> SignedRequest {
        var body = body
        if let bodyField {
            do { body = try BodyFieldStamp.stamp(body, field: bodyField, value: secret) } catch {
                throw .signingFailed(source: source, why: "body_field \(bodyField): \(error)")
            }
        }
        return SignedRequest(body: body, headers: [("Authorization", "Bearer " + secret)])
    }

    private func standardWebhooks(_ body: [UInt8], id: String, timestamp: String,
                                  key configKey: String) throws(AuthSetupError) -> SignedRequest {
        let keys = try VerifierFactory.standardWebhooksKeys([secret], source: source, key: configKey)
        let code = MessageAuthenticator(.sha256).code(for: Array("\(id).\(timestamp).".utf8) + body, key: keys[0])
        return SignedRequest(body: body, headers: [
            (StandardWebhooksVerifier.idHeader, id),
            (StandardWebhooksVerifier.timestampHeader, timestamp),
            (StandardWebhooksVerifier.signatureHeader, "v1," + ByteText.base64(code)),
        ])
    }

    /// A JWT as Passage sends it: header `alg`, `typ: JWT` (and `kid` when set), claims `iat` and
    /// the hex SHA-256 of the body.
    private func token(for body: [UInt8]) async throws(AuthSetupError) -> String {
        guard let jwtKey else { throw .noSigningKey(source: source) }
        let claims = WebhookClaims(issuedAt: clock.now().timeIntervalSince1970.rounded(.down),
                                   requestBodySHA256: SHA256Digest.hex(body))
        var header = JWTHeader()
        header.alg = jwtKey.algorithm.rawValue
        header.typ = "JWT"
        if let keyID { header.kid = keyID }
        do {
            return try await jwtKey.collection.sign(claims, header: header)
        } catch {
            throw .signingFailed(source: source, why: "jwt-kit could not sign: \(error)")
        }
    }

    /// A Standard Webhooks message id: `msg_` and 27 random base62 characters, like the spec's examples.
    static func makeWebhookID() -> String {
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        var generator = SystemRandomNumberGenerator()
        return "msg_" + String((0..<27).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
    }
}
