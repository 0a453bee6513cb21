/// The seam between a source and its authentication: one conforming type per `auth.scheme`, built
/// once per configuration generation by `VerifierFactory` and called for every request.
///
/// A verifier looks only at the raw body bytes, the headers and the time the request carries, so
/// the server, `hookd dry-run` and tests can all drive it the same way. It returns when the
/// request is authentic and throws the precise reason (for the rejections log) when it is not.
public protocol Verifier: Sendable {
    /// The scheme this verifier implements, for logs and metrics labels.
    var scheme: AuthScheme { get }

    /// The headers that carry credentials or signatures: the server masks them in the stored raw
    /// request and removes them from the `event.headers` rules see (SPEC §4).
    var credentialHeaders: [String] { get }

    /// Returns when `request` is authentic; throws why not.
    func verify(_ request: AuthRequest) throws(AuthError)
}
