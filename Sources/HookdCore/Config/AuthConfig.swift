/// How a source's requests are authenticated (`auth:`), one case per scheme, each with exactly the
/// settings that scheme uses.
public enum AuthConfig: Sendable, Hashable {
    /// A header equals the secret.
    case header(name: String, secret: SecretReference)
    /// `Authorization: Bearer <secret>`; with `bodyField`, that JSON field must equal the secret too.
    case bearer(secret: SecretReference, bodyField: String?)
    /// HTTP Basic with this user and the secret as password.
    case basic(user: String, secret: SecretReference)
    case hmac(HMACAuth)
    /// `X-Hub-Signature-256`.
    case github(secret: SecretReference)
    /// `Stripe-Signature` with a timestamp tolerance.
    case stripe(secret: SecretReference, tolerance: Duration)
    /// `webhook-id`, `webhook-timestamp`, `webhook-signature` with `whsec_` secrets.
    case standardWebhooks(secret: SecretReference, tolerance: Duration)
    /// `X-Shopify-Hmac-Sha256`.
    case shopify(secret: SecretReference)
    /// `X-Slack-Signature` with `X-Slack-Request-Timestamp`.
    case slack(secret: SecretReference, tolerance: Duration)
    case jwt(JWTAuth)
    /// `scheme: none, insecure: true`: nothing is checked; start-up logs a warning.
    case unauthenticated

    /// The tolerance a scheme uses when the file gives none.
    public static let defaultTolerance: Duration = .seconds(300)

    public var scheme: AuthScheme {
        switch self {
        case .header: .header
        case .bearer: .bearer
        case .basic: .basic
        case .hmac: .hmac
        case .github: .github
        case .stripe: .stripe
        case .standardWebhooks: .standardWebhooks
        case .shopify: .shopify
        case .slack: .slack
        case .jwt: .jwt
        case .unauthenticated: .unauthenticated
        }
    }

    /// The secret this scheme verifies with; nil for `none` and for JWTs checked with a public key.
    public var secret: SecretReference? {
        switch self {
        case .header(_, let secret), .bearer(let secret, _), .basic(_, let secret), .github(let secret),
             .stripe(let secret, _), .standardWebhooks(let secret, _), .shopify(let secret), .slack(let secret, _):
            return secret
        case .hmac(let hmac):
            return hmac.secret
        case .jwt(let jwt):
            if case .secret(let secret) = jwt.key { return secret }
            return nil
        case .unauthenticated:
            return nil
        }
    }
}
