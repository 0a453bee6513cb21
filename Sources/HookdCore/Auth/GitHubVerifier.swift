/// `scheme: github`: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>` (github.md).
public struct GitHubVerifier: Verifier {
    public static let header = "X-Hub-Signature-256"
    public static let prefix = "sha256="
    private let check: HMACVerifier

    public var scheme: AuthScheme { .github }
    /// The legacy SHA-1 `X-Hub-Signature` is masked too, though it is not checked.
    public var credentialHeaders: [String] { [Self.header, "X-Hub-Signature"] }

    public init(secrets: [String]) {
        check = HMACVerifier(header: Self.header, algorithm: .sha256, encoding: .hex, prefix: Self.prefix, secrets: secrets)
    }

    public func verify(_ request: AuthRequest) throws(AuthError) {
        try check.verify(request)
    }
}
