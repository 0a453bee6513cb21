/// The JWT signature algorithms a `jwt` source may pin (`algorithm:`); the token's `alg` must equal it.
public enum JWTAlgorithm: String, Sendable, Hashable, CaseIterable {
    case hs256 = "HS256", hs384 = "HS384", hs512 = "HS512"
    case rs256 = "RS256", rs384 = "RS384", rs512 = "RS512"
    case es256 = "ES256", es384 = "ES384", es512 = "ES512"

    /// HS* verify with a shared secret; RS* and ES* with a public key.
    public var usesSharedSecret: Bool {
        switch self {
        case .hs256, .hs384, .hs512: true
        default: false
        }
    }
}
