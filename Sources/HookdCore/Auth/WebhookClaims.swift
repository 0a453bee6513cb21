import JWTKit

/// The claims a webhook JWT carries (Passage: `iat` and hex `request_body_sha256`; FusionAuth:
/// base64 `request_body_sha256` only). Times are Unix seconds. `JWTVerifier` checks them itself
/// against the request's clock, so `verify(using:)` has nothing to do.
struct WebhookClaims: JWTPayload, Equatable {
    var issuedAt: Double?
    var expiresAt: Double?
    var notBefore: Double?
    var requestBodySHA256: String?

    enum CodingKeys: String, CodingKey {
        case issuedAt = "iat"
        case expiresAt = "exp"
        case notBefore = "nbf"
        case requestBodySHA256 = "request_body_sha256"
    }

    func verify(using algorithm: some JWTKit.JWTAlgorithm) async throws {}

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        // Whole seconds, as providers send them, rather than Double's `1700000000.0`.
        try container.encodeIfPresent(issuedAt.map { Int64($0) }, forKey: .issuedAt)
        try container.encodeIfPresent(expiresAt.map { Int64($0) }, forKey: .expiresAt)
        try container.encodeIfPresent(notBefore.map { Int64($0) }, forKey: .notBefore)
        try container.encodeIfPresent(requestBodySHA256, forKey: .requestBodySHA256)
    }
}
