/// `scheme: shopify`: `X-Shopify-Hmac-Sha256: <base64 HMAC-SHA256 of the body>` (shopify.md).
public struct ShopifyVerifier: Verifier {
    public static let header = "X-Shopify-Hmac-Sha256"
    private let check: HMACVerifier

    public var scheme: AuthScheme { .shopify }
    public var credentialHeaders: [String] { [Self.header, "shopify-hmac-sha256"] }

    public init(secrets: [String]) {
        check = HMACVerifier(header: Self.header, algorithm: .sha256, encoding: .base64, secrets: secrets)
    }

    public func verify(_ request: AuthRequest) throws(AuthError) {
        try check.verify(request)
    }
}
