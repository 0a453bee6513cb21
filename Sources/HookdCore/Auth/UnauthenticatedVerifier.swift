/// `scheme: none` (with `insecure: true` only): accepts every request. Start-up warns about it.
public struct UnauthenticatedVerifier: Verifier {
    public var scheme: AuthScheme { .unauthenticated }
    public var credentialHeaders: [String] { [] }

    public init() {}

    public func verify(_ request: AuthRequest) throws(AuthError) {}
}
