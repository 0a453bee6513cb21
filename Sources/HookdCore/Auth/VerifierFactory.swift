import Foundation

/// Builds each source's `Verifier` from its `AuthConfig` and the candidate secrets
/// `SecretResolver` read, loading and checking PEM keys, so that every misconfiguration stops
/// start-up (or a reload) with a message naming the source and key.
public struct VerifierFactory: Sendable {
    /// Reads `public_key_file` and `signing_key_file`; tests substitute it.
    public var files: any SecretFileReader

    public init(files: any SecretFileReader = LocalSecretFiles()) {
        self.files = files
    }

    /// The verifier of every source of `config`, by source name.
    public func verifiers(for config: HookdConfig,
                          secrets: SecretResolution) async throws(AuthSetupError) -> [String: any Verifier] {
        var verifiers: [String: any Verifier] = [:]
        for source in config.sources {
            verifiers[source.name] = try await verifier(source: source.name, auth: source.auth,
                                                        secrets: secrets.sourceSecrets[source.name] ?? [])
        }
        return verifiers
    }

    /// The verifier of one source; `secrets` are its candidates in the order written (any verifies).
    public func verifier(source: String, auth: AuthConfig,
                         secrets: [String]) async throws(AuthSetupError) -> any Verifier {
        if let reference = auth.secret, secrets.isEmpty {
            throw .noSecret(source: source, key: reference.configKey)
        }
        switch auth {
        case .header(let name, _): return HeaderVerifier(header: name, secrets: secrets)
        case .bearer(_, let bodyField): return BearerVerifier(secrets: secrets, bodyField: bodyField)
        case .basic(let user, _): return BasicVerifier(user: user, secrets: secrets)
        case .hmac(let config): return HMACVerifier(config, secrets: secrets)
        case .github: return GitHubVerifier(secrets: secrets)
        case .shopify: return ShopifyVerifier(secrets: secrets)
        case .stripe(_, let tolerance): return StripeVerifier(secrets: secrets, tolerance: tolerance)
        case .slack(_, let tolerance): return SlackVerifier(secrets: secrets, tolerance: tolerance)
        case .standardWebhooks(let reference, let tolerance):
            let keys = try Self.standardWebhooksKeys(secrets, source: source, key: reference.configKey)
            return StandardWebhooksVerifier(keys: keys, tolerance: tolerance)
        case .jwt(let config):
            return try await jwtVerifier(config, source: source, secrets: secrets)
        case .unauthenticated:
            return UnauthenticatedVerifier()
        }
    }

    static func standardWebhooksKeys(_ secrets: [String], source: String,
                                     key: String) throws(AuthSetupError) -> [[UInt8]] {
        var keys: [[UInt8]] = []
        for (index, secret) in secrets.enumerated() {
            guard let decoded = StandardWebhooksVerifier.key(fromSecret: secret) else {
                throw .invalidSecret(source: source, key: key,
                                     why: "candidate \(index + 1) is not whsec_ followed by base64")
            }
            keys.append(decoded)
        }
        return keys
    }

    private func jwtVerifier(_ config: JWTAuth, source: String,
                             secrets: [String]) async throws(AuthSetupError) -> JWTVerifier {
        var keys: [JWTKey] = []
        switch config.key {
        case .secret(let reference):
            for (index, secret) in secrets.enumerated() {
                do {
                    keys.append(try await JWTKey.sharedSecret(secret, algorithm: config.algorithm))
                } catch {
                    throw .invalidSecret(source: source, key: reference.configKey,
                                         why: "candidate \(index + 1): \(error)")
                }
            }
        case .publicKeyFile(let path):
            let pem = try readKey(path, source: source, key: "public_key_file")
            do {
                keys.append(try await JWTKey.publicKey(pem: pem, algorithm: config.algorithm))
            } catch {
                throw .invalidKey(source: source, key: "public_key_file", path: path, why: error)
            }
        }
        do {
            return try JWTVerifier(header: config.header, algorithm: config.algorithm, keys: keys,
                                   requireIssuedAt: config.requireIssuedAt, tolerance: config.tolerance)
        } catch {
            throw .invalidKey(source: source, key: "algorithm", path: "", why: error)
        }
    }

    /// A PEM file's text, read now (the file may have changed since the configuration was loaded).
    func readKey(_ path: String, source: String, key: String) throws(AuthSetupError) -> String {
        do {
            return String(decoding: try files.contents(ofFile: path), as: UTF8.self)
        } catch {
            throw .unreadableKeyFile(source: source, key: key, path: path, why: "\(error)")
        }
    }
}
