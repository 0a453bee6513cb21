import Crypto
import Foundation
import JWTKit

/// `scheme: jwt`: a JWT in a header, checked and not just verified (DESIGN.md): its `alg` must be
/// the configured one, `typ` (when sent) `JWT`, its `kid` must name a configured key when keys are
/// identified, the signature must verify under jwt-kit, `request_body_sha256` (hex or base64)
/// must be the SHA-256 of the raw body, and `iat` must lie within the tolerance either way.
///
/// Keys without an id (a single `public_key_file`, a rotation list of secrets) cannot be chosen
/// by `kid`, so every one of them is tried; a token's `kid` is only ever matched, never defaulted.
public struct JWTVerifier: Verifier {
    public let header: String
    public let algorithm: JWTAlgorithm
    /// false for providers that send no `iat` (FusionAuth); an `iat` that is sent is still checked.
    public let requireIssuedAt: Bool
    public let tolerance: Duration
    private let keys: [JWTKey]

    public var scheme: AuthScheme { .jwt }
    public var credentialHeaders: [String] { [header] }

    public init(header: String, algorithm: JWTAlgorithm, keys: [JWTKey], requireIssuedAt: Bool = true,
                tolerance: Duration = AuthConfig.defaultTolerance) throws(JWTKeyError) {
        if let stray = keys.first(where: { $0.algorithm != algorithm }) {
            throw .algorithmMismatch(key: stray.algorithm, configured: algorithm)
        }
        self.header = header
        self.algorithm = algorithm
        self.keys = keys
        self.requireIssuedAt = requireIssuedAt
        self.tolerance = tolerance
    }

    public func verify(_ request: AuthRequest) throws(AuthError) {
        let token = Self.token(in: try request.require(header))
        let (jwtHeader, claims, signature) = try Self.parse(token)
        try checkHeader(jwtHeader)
        let candidates = try keys(for: jwtHeader.kid)
        // What the signature covers: `header.payload`, up to the last of the two periods.
        let bytes = Array(token.utf8)
        let signingInput = bytes[..<(bytes.lastIndex(of: UInt8(ascii: ".")) ?? bytes.endIndex)]
        var verified = false
        for key in candidates where (try? key.signer.verify(signature, signs: signingInput)) == true {
            verified = true
        }
        guard verified else { throw .tokenSignatureMismatch(candidates: candidates.count) }
        try checkBodyHash(claims.requestBodySHA256, body: request.body)
        try checkTimes(claims, now: request.now)
    }

    /// The token, without a `Bearer ` scheme word when the header is `Authorization`-style.
    static func token(in value: String) -> String {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        return BearerVerifier.token(in: trimmed) ?? trimmed
    }

    /// jwt-kit's parse of the three parts; nothing in them is trusted until the signature verifies.
    private static func parse(_ token: String) throws(AuthError) -> (JWTHeader, WebhookClaims, Data) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw .malformedToken("\(parts.count) parts, not 3") }
        guard !parts[2].isEmpty else { throw .malformedToken("no signature") }
        do {
            let parsed = try DefaultJWTParser().parse(Array(token.utf8), as: WebhookClaims.self)
            return (parsed.header, parsed.payload, parsed.signature)
        } catch {
            throw .malformedToken("header, claims or signature is not base64url JSON of the expected types")
        }
    }

    private func checkHeader(_ jwtHeader: JWTHeader) throws(AuthError) {
        guard let alg = jwtHeader.alg else { throw .malformedToken("no alg in the header") }
        guard alg == algorithm.rawValue else { throw .tokenAlgorithmMismatch(found: alg, configured: algorithm) }
        if let typ = jwtHeader.fields["typ"] {
            guard let text = typ.asString, text.uppercased() == "JWT" else {
                throw .tokenTypeMismatch(typ.asString ?? "(not a string)")
            }
        }
        // RFC 7515 §4.1.11: extensions marked critical must be understood; we understand none.
        if jwtHeader.fields["crit"] != nil { throw .malformedToken("crit header extensions are not supported") }
    }

    /// The keys a token may be verified with: exactly those its `kid` names when keys are identified.
    private func keys(for kid: String?) throws(AuthError) -> [JWTKey] {
        guard keys.contains(where: { $0.id != nil }) else { return keys }
        guard let kid else { throw .missingKeyID }
        let named = keys.filter { $0.id == kid }
        guard !named.isEmpty else { throw .unknownKeyID(kid) }
        return named
    }

    private func checkBodyHash(_ claim: String?, body: [UInt8]) throws(AuthError) {
        guard let claim else { throw .missingClaim("request_body_sha256") }
        // 64 characters are hex (Passage); 43 or 44 are base64 (FusionAuth): one reading each.
        let expected = claim.utf8.count == 64 ? ByteText.bytes(fromHex: claim) : ByteText.bytes(fromBase64: claim)
        guard let expected, expected.count == 32 else {
            throw .malformedClaim("request_body_sha256", why: "not a hex or base64 SHA-256")
        }
        guard ConstantTime.equals(expected, Array(SHA256.hash(data: body))) else { throw .bodyHashMismatch }
    }

    private func checkTimes(_ claims: WebhookClaims, now: Date) throws(AuthError) {
        let nowSeconds = now.timeIntervalSince1970
        if let issuedAt = claims.issuedAt {
            do {
                try TimestampWindow(tolerance: tolerance).check(issuedAt, now: now)
            } catch {
                if case .timestampSkew(let seconds, let limit) = error { throw .issuedAtSkew(seconds: seconds, tolerance: limit) }
                throw error
            }
        } else if requireIssuedAt {
            throw .missingClaim("iat")
        }
        if let expiresAt = claims.expiresAt, nowSeconds >= expiresAt {
            throw .tokenExpired(secondsAgo: Int(nowSeconds - expiresAt))
        }
        if let notBefore = claims.notBefore, nowSeconds < notBefore {
            throw .tokenNotYetValid(secondsAhead: Int((notBefore - nowSeconds).rounded(.up)))
        }
    }
}
