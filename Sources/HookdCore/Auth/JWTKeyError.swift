/// Why a JWT key cannot be used; `VerifierFactory` adds the source and the key that named it.
public enum JWTKeyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The PEM text is not a key of the kind the algorithm needs (`kind`: "ES256 public key"…).
    case notAKey(kind: String, why: String)
    /// RSA keys under 2048 bits are refused, as RFC 7518 §3.3 requires.
    case weakRSAKey
    /// An HS* secret shorter than the hash output (RFC 7518 §3.2 requires at least that much).
    case shortSharedSecret(bytes: Int, needed: Int)
    /// A shared secret for RS*/ES*, or a PEM key for HS*.
    case wrongKeyKind(JWTAlgorithm)
    /// A key made for one algorithm given to a verifier or signer of another.
    case algorithmMismatch(key: JWTAlgorithm, configured: JWTAlgorithm)

    public var description: String {
        switch self {
        case .notAKey(let kind, let why): "not a PEM \(kind): \(why)"
        case .weakRSAKey: "RSA key is shorter than 2048 bits"
        case .shortSharedSecret(let bytes, let needed):
            "secret is \(bytes) bytes; this algorithm needs at least \(needed) (RFC 7518 §3.2)"
        case .wrongKeyKind(let algorithm):
            algorithm.usesSharedSecret ? "\(algorithm.rawValue) needs a shared secret, not a PEM key"
                : "\(algorithm.rawValue) needs a PEM key, not a shared secret"
        case .algorithmMismatch(let key, let configured):
            "the key is for \(key.rawValue), the source is configured for \(configured.rawValue)"
        }
    }
}
