/// The `jwt` scheme: a JWT in `header` whose `alg` equals `algorithm`, whose `request_body_sha256`
/// claim matches the raw body and whose `iat` is within `tolerance`.
public struct JWTAuth: Sendable, Hashable {
    /// What verifies the token's signature.
    public enum Key: Sendable, Hashable {
        /// HS*: a shared secret.
        case secret(SecretReference)
        /// RS*, ES*: a PEM public key; the file was readable when the configuration was loaded.
        case publicKeyFile(String)
    }

    public var header: String
    public var algorithm: JWTAlgorithm
    public var key: Key
    /// The PEM private key `hookd send` signs with (RS*, ES* only); production configurations have none.
    public var signingKeyFile: String?
    /// false for providers that send no `iat` (FusionAuth).
    public var requireIssuedAt: Bool
    public var tolerance: Duration

    public init(header: String, algorithm: JWTAlgorithm, key: Key, signingKeyFile: String? = nil,
                requireIssuedAt: Bool = true, tolerance: Duration = AuthConfig.defaultTolerance) {
        self.header = header
        self.algorithm = algorithm
        self.key = key
        self.signingKeyFile = signingKeyFile
        self.requireIssuedAt = requireIssuedAt
        self.tolerance = tolerance
    }
}
