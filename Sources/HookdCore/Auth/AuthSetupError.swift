/// Why a source's auth cannot be set up, found at start-up or reload (fail closed: the source is
/// never served unauthenticated). Each names the source and the key:
/// `sources[passage].auth.public_key_file: examples/keys/weak.pem: RSA key is shorter than 2048 bits`.
public enum AuthSetupError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No candidate secret could be read for a scheme that needs one.
    case noSecret(source: String, key: String)
    /// A secret was read but cannot be a key of this scheme (`whsec_` not base64, HS* too short).
    case invalidSecret(source: String, key: String, why: String)
    case unreadableKeyFile(source: String, key: String, path: String, why: String)
    case invalidKey(source: String, key: String, path: String, why: JWTKeyError)
    /// `hookd send` for a `jwt` source verified by a public key, and no `signing_key_file`.
    case noSigningKey(source: String)
    /// `hookd send` could not produce the request (`why` never contains the secret).
    case signingFailed(source: String, why: String)

    public var description: String {
        switch self {
        case .noSecret(let source, let key):
            "sources[\(source)].auth.\(key): no secret could be read; the source cannot verify requests"
        case .invalidSecret(let source, let key, let why):
            "sources[\(source)].auth.\(key): \(why)"
        case .unreadableKeyFile(let source, let key, let path, let why):
            "sources[\(source)].auth.\(key): cannot read \(path): \(why)"
        case .invalidKey(let source, let key, let path, let why):
            "sources[\(source)].auth.\(key): \(path): \(why)"
        case .noSigningKey(let source):
            "sources[\(source)].auth.signing_key_file: needed to sign as this source (its public key only verifies)"
        case .signingFailed(let source, let why):
            "sources[\(source)]: cannot sign the request: \(why)"
        }
    }
}
