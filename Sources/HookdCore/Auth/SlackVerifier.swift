/// `scheme: slack`: `X-Slack-Signature: v0=<hex HMAC-SHA256>` over `v0:<timestamp>:<body>`, with
/// `X-Slack-Request-Timestamp` within the tolerance (slack.md).
public struct SlackVerifier: Verifier {
    public static let signatureHeader = "X-Slack-Signature"
    public static let timestampHeader = "X-Slack-Request-Timestamp"
    public let tolerance: Duration
    private let keys: [[UInt8]]

    public var scheme: AuthScheme { .slack }
    public var credentialHeaders: [String] { [Self.signatureHeader] }

    public init(secrets: [String], tolerance: Duration = AuthConfig.defaultTolerance) {
        self.keys = secrets.map { Array($0.utf8) }
        self.tolerance = tolerance
    }

    public func verify(_ request: AuthRequest) throws(AuthError) {
        let timestamp = try request.require(Self.timestampHeader)
        let header = try request.require(Self.signatureHeader)
        guard let seconds = TimestampWindow.parseSeconds(timestamp) else {
            throw .malformedTimestamp(header: Self.timestampHeader)
        }
        guard header.hasPrefix("v0=") else { throw .noSignatureOfVersion("v0", header: Self.signatureHeader) }
        guard let signature = ByteText.bytes(fromHex: header.dropFirst(3)) else {
            throw .malformedHeader(Self.signatureHeader, why: "signature is not hex")
        }
        let signed = Array("v0:\(timestamp):".utf8) + request.body
        guard MessageAuthenticator(.sha256).isValid(anyOf: [signature], for: signed, keys: keys) else {
            throw .signatureMismatch(candidates: keys.count)
        }
        try TimestampWindow(tolerance: tolerance).check(seconds, now: request.now)
    }
}
