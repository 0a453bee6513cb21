/// Which request headers carry credentials, so that rules never see them (`event.headers`) and the
/// stored raw request keeps them masked.
extension AuthConfig {
    /// Headers that carry credentials whatever the scheme; never handed to rules.
    public static let alwaysCredentialHeaders: Set<String> = ["authorization", "proxy-authorization", "cookie"]

    /// The lower-case names of the headers this scheme reads its credential or signature from,
    /// plus `alwaysCredentialHeaders`.
    public var credentialHeaders: Set<String> {
        var names = Self.alwaysCredentialHeaders
        switch self {
        case .header(let name, _): names.insert(name.lowercased())
        case .hmac(let hmac): names.insert(hmac.header.lowercased())
        case .jwt(let jwt): names.insert(jwt.header.lowercased())
        case .github: names.formUnion(["x-hub-signature-256", "x-hub-signature"])
        case .stripe: names.insert("stripe-signature")
        case .standardWebhooks: names.insert("webhook-signature")
        case .shopify: names.insert("x-shopify-hmac-sha256")
        case .slack: names.insert("x-slack-signature")
        case .bearer, .basic, .unauthenticated: break
        }
        return names
    }

    /// `headers` without the credential headers of this scheme, names lower-cased.
    public func headersForRules(_ headers: [(name: String, value: String)]) -> [(name: String, value: String)] {
        let hidden = credentialHeaders
        return headers.map { (name: $0.name.lowercased(), value: $0.value) }.filter { !hidden.contains($0.name) }
    }
}
