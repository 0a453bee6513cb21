/// `scheme: header`: a header's whole value equals one of the candidate secrets (ethpass sends
/// its project secret as `Authorization: <secret>`, Passport an API key).
public struct HeaderVerifier: Verifier {
    public let header: String
    private let secrets: [String]

    public var scheme: AuthScheme { .header }
    public var credentialHeaders: [String] { [header] }

    public init(header: String, secrets: [String]) {
        self.header = header
        self.secrets = secrets
    }

    public func verify(_ request: AuthRequest) throws(AuthError) {
        let value = try request.require(header)
        guard ConstantTime.matchesAny(value, secrets) else {
            throw .secretMismatch(header: header, candidates: secrets.count)
        }
    }
}
