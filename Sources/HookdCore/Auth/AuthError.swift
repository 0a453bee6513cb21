/// Why a request was refused (401), each case a sentence, each `reason` precise enough for the
/// rejections log of SPEC §7 and free of secrets and full signatures.
///
/// Values the sender controls (a `kid`, an `alg`) are shown shortened and with unprintable
/// characters replaced, so a hostile header cannot forge log lines.
public enum AuthError: Error, Sendable, Hashable, CustomStringConvertible {
    case missingHeader(String)
    /// The header is there but cannot be read: `why` says what is wrong with it.
    case malformedHeader(String, why: String)
    /// A `header` or `bearer` secret matched none of the candidates.
    case secretMismatch(header: String, candidates: Int)
    case basicCredentialsMismatch(candidates: Int)
    /// `body_field` is configured and the body is not JSON.
    case bodyIsNotJSON(String)
    /// `body_field` is absent from the body, or from element `element` of a batch.
    case missingBodyField(String, element: Int?)
    case bodyFieldMismatch(String, element: Int?, candidates: Int)
    /// No signature in the header verified under any candidate secret.
    case signatureMismatch(candidates: Int)
    /// The header holds signatures, none of the version this verifier accepts (`v1`, `v0`).
    case noSignatureOfVersion(String, header: String)
    case malformedTimestamp(header: String)
    /// The signed timestamp is `seconds` old (negative: in the future), beyond the tolerance.
    case timestampSkew(seconds: Int, tolerance: Int)
    case malformedToken(String)
    case tokenAlgorithmMismatch(found: String, configured: JWTAlgorithm)
    case tokenTypeMismatch(String)
    /// The token names a key id that no configured key has; it is never tried against another key.
    case unknownKeyID(String)
    /// The configured keys are identified and the token names none.
    case missingKeyID
    case tokenSignatureMismatch(candidates: Int)
    case missingClaim(String)
    case malformedClaim(String, why: String)
    /// `request_body_sha256` is not the SHA-256 of the body received.
    case bodyHashMismatch
    /// `iat` is `seconds` old (negative: in the future), beyond the tolerance.
    case issuedAtSkew(seconds: Int, tolerance: Int)
    case tokenExpired(secondsAgo: Int)
    case tokenNotYetValid(secondsAhead: Int)

    /// The sentence the rejections log and the status page show.
    public var reason: String {
        switch self {
        case .missingHeader(let name): "missing header \(name)"
        case .malformedHeader(let name, let why): "malformed header \(name): \(why)"
        case .secretMismatch(let header, let count): "secret mismatch in \(header): \(Self.count(count, "candidate secret"))"
        case .basicCredentialsMismatch(let count): "basic credentials mismatch: \(Self.count(count, "candidate secret"))"
        case .bodyIsNotJSON(let why): "body is not JSON (\(why)), so body field cannot be checked"
        case .missingBodyField(let field, let element): "missing body field \(field)\(Self.at(element))"
        case .bodyFieldMismatch(let field, let element, let count):
            "body field \(field) mismatch\(Self.at(element)): \(Self.count(count, "candidate secret"))"
        case .signatureMismatch(let count): "signature mismatch: \(Self.count(count, "candidate secret"))"
        case .noSignatureOfVersion(let version, let header): "no \(version) signature in \(header)"
        case .malformedTimestamp(let header): "malformed timestamp in \(header)"
        case .timestampSkew(let seconds, let tolerance): "timestamp skew \(Self.skew(seconds)) (tolerance \(tolerance)s)"
        case .malformedToken(let why): "malformed jwt: \(why)"
        case .tokenAlgorithmMismatch(let found, let configured):
            "jwt alg \(Self.shown(found)) is not the configured \(configured.rawValue)"
        case .tokenTypeMismatch(let typ): "jwt typ \(Self.shown(typ)) is not JWT"
        case .unknownKeyID(let kid): "unknown kid \"\(Self.shown(kid))\""
        case .missingKeyID: "jwt has no kid and the configured keys are identified"
        case .tokenSignatureMismatch(let count): "jwt signature mismatch: \(Self.count(count, "candidate key"))"
        case .missingClaim(let claim): "jwt has no \(claim) claim"
        case .malformedClaim(let claim, let why): "jwt claim \(claim) is malformed: \(why)"
        case .bodyHashMismatch: "jwt request_body_sha256 does not match the body"
        case .issuedAtSkew(let seconds, let tolerance): "jwt iat skew \(Self.skew(seconds)) (tolerance \(tolerance)s)"
        case .tokenExpired(let seconds): "jwt expired \(seconds)s ago"
        case .tokenNotYetValid(let seconds): "jwt not valid for another \(seconds)s"
        }
    }

    public var description: String { reason }

    private static func count(_ count: Int, _ noun: String) -> String {
        "\(count) \(noun)\(count == 1 ? "" : "s")"
    }

    private static func at(_ element: Int?) -> String {
        element.map { " in batch element \($0)" } ?? ""
    }

    private static func skew(_ seconds: Int) -> String {
        seconds < 0 ? "\(-seconds)s in the future" : "\(seconds)s"
    }

    /// A sender-controlled value, at most 40 characters, printable ASCII only.
    static func shown(_ text: String) -> String {
        let printable = text.unicodeScalars.prefix(41).map { scalar -> Character in
            (0x20..<0x7F).contains(scalar.value) && scalar != "\"" ? Character(scalar) : "?"
        }
        return printable.count > 40 ? String(printable.prefix(40)) + "…" : String(printable)
    }
}
