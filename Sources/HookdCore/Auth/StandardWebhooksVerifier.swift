/// `scheme: standard-webhooks`: `webhook-id`, `webhook-timestamp` and `webhook-signature`, a
/// space-separated list of `v1,<base64 HMAC-SHA256>` entries over `<id>.<timestamp>.<body>`, keyed
/// with the base64-decoded part of a `whsec_` secret (standard-webhooks.md). Entries of other
/// versions (`v1a`, future ones) are skipped; any `v1` entry under any key verifies.
public struct StandardWebhooksVerifier: Verifier {
    public static let idHeader = "webhook-id"
    public static let timestampHeader = "webhook-timestamp"
    public static let signatureHeader = "webhook-signature"
    public static let secretPrefix = "whsec_"

    public let tolerance: Duration
    private let keys: [[UInt8]]

    public var scheme: AuthScheme { .standardWebhooks }
    /// `webhook-id` is the event id the provider parser reads, so it stays.
    public var credentialHeaders: [String] { [Self.signatureHeader] }

    /// `keys` are decoded secrets; `key(fromSecret:)` decodes one.
    public init(keys: [[UInt8]], tolerance: Duration = AuthConfig.defaultTolerance) {
        self.keys = keys
        self.tolerance = tolerance
    }

    /// The HMAC key a secret stands for: the base64 after `whsec_` (the prefix is optional, as in
    /// every reference library); nil when that is not base64 or decodes to nothing.
    public static func key(fromSecret secret: String) -> [UInt8]? {
        let encoded = secret.hasPrefix(secretPrefix) ? secret.dropFirst(secretPrefix.count) : Substring(secret)
        guard let key = ByteText.bytes(fromBase64: encoded), !key.isEmpty else { return nil }
        return key
    }

    public func verify(_ request: AuthRequest) throws(AuthError) {
        let id = try request.require(Self.idHeader)
        let timestamp = try request.require(Self.timestampHeader)
        let header = try request.require(Self.signatureHeader)
        guard let seconds = TimestampWindow.parseSeconds(timestamp) else {
            throw .malformedTimestamp(header: Self.timestampHeader)
        }
        let signatures = Self.signatures(in: header)
        guard !signatures.isEmpty else { throw .noSignatureOfVersion("v1", header: Self.signatureHeader) }
        let signed = Array("\(id).\(timestamp).".utf8) + request.body
        guard MessageAuthenticator(.sha256).isValid(anyOf: signatures, for: signed, keys: keys) else {
            throw .signatureMismatch(candidates: keys.count)
        }
        try TimestampWindow(tolerance: tolerance).check(seconds, now: request.now)
    }

    /// The decodable `v1` signatures of a `webhook-signature` value.
    static func signatures(in header: String) -> [[UInt8]] {
        header.split(separator: " ").compactMap { entry in
            let parts = entry.split(separator: ",", maxSplits: 1)
            guard parts.count == 2, parts[0] == "v1" else { return nil }
            return ByteText.bytes(fromBase64: parts[1])
        }
    }
}
