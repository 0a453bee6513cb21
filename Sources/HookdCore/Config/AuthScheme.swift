/// The names `auth.scheme` accepts (SPEC §2's scheme table), with the keys each one takes.
public enum AuthScheme: String, Sendable, Hashable, CaseIterable {
    case header
    case bearer
    case basic
    case hmac
    case github
    case stripe
    case standardWebhooks = "standard-webhooks"
    case shopify
    case slack
    case jwt
    /// `scheme: none`, accepted only with `insecure: true`.
    case unauthenticated = "none"

    /// The keys this scheme takes besides `scheme`.
    var keys: [String] {
        let secret = ["secret_env", "secret_file"]
        switch self {
        case .header: return ["header"] + secret
        case .bearer: return ["body_field"] + secret
        case .basic: return ["user"] + secret
        case .hmac: return ["header", "algorithm", "encoding", "prefix"] + secret
        case .github, .shopify: return secret
        case .stripe, .standardWebhooks, .slack: return ["tolerance"] + secret
        case .jwt:
            return ["header", "algorithm", "public_key_file", "signing_key_file", "require_iat", "tolerance"] + secret
        case .unauthenticated: return ["insecure"]
        }
    }

    /// Every key some scheme takes, to tell "not for this scheme" from "unknown".
    static let allKeys = Set(allCases.flatMap(\.keys))
}
