import Foundation

/// `scheme: stripe`: `Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>…]`, each `v1` a hex
/// HMAC-SHA256 of `<t>.<body>` keyed with the endpoint secret used verbatim (`whsec_…` included,
/// stripe.md). Only `v1` counts: `v0` and unknown schemes are ignored, against downgrades.
public struct StripeVerifier: Verifier {
    public static let header = "Stripe-Signature"
    public let tolerance: Duration
    private let keys: [[UInt8]]

    public var scheme: AuthScheme { .stripe }
    public var credentialHeaders: [String] { [Self.header] }

    public init(secrets: [String], tolerance: Duration = AuthConfig.defaultTolerance) {
        self.keys = secrets.map { Array($0.utf8) }
        self.tolerance = tolerance
    }

    public func verify(_ request: AuthRequest) throws(AuthError) {
        let (timestamp, signatures) = try Self.parse(try request.require(Self.header))
        guard let seconds = TimestampWindow.parseSeconds(timestamp) else {
            throw .malformedTimestamp(header: Self.header)
        }
        let signed = Array(timestamp.utf8) + [UInt8(ascii: ".")] + request.body
        guard MessageAuthenticator(.sha256).isValid(anyOf: signatures, for: signed, keys: keys) else {
            throw .signatureMismatch(candidates: keys.count)
        }
        try TimestampWindow(tolerance: tolerance).check(seconds, now: request.now)
    }

    /// The `t` text and the decodable `v1` signatures of a header, as stripe-go reads it: comma
    /// separated `key=value` pairs, unknown keys and non-hex `v1` values skipped.
    static func parse(_ value: String) throws(AuthError) -> (timestamp: String, signatures: [[UInt8]]) {
        var timestamp: String?
        var signatures: [[UInt8]] = []
        for pair in value.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = pair.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { throw .malformedHeader(header, why: "a pair is not key=value") }
            switch parts[0] {
            case "t":
                guard timestamp == nil else { throw .malformedHeader(header, why: "more than one t=") }
                timestamp = String(parts[1])
            case "v1":
                if let signature = ByteText.bytes(fromHex: parts[1]) { signatures.append(signature) }
            default:
                continue
            }
        }
        guard let timestamp else { throw .malformedHeader(header, why: "no t= timestamp") }
        guard !signatures.isEmpty else { throw .noSignatureOfVersion("v1", header: header) }
        return (timestamp, signatures)
    }
}
