import Foundation

/// `scheme: hmac`: an HMAC of the raw body, hex or base64, after an optional prefix, in a header.
/// GitHub and Shopify are fixed settings of this check (`GitHubVerifier`, `ShopifyVerifier`).
public struct HMACVerifier: Verifier {
    public let header: String
    public let algorithm: HMACAuth.Algorithm
    public let encoding: HMACAuth.Encoding
    public let prefix: String
    private let keys: [[UInt8]]

    public var scheme: AuthScheme { .hmac }
    public var credentialHeaders: [String] { [header] }

    public init(header: String, algorithm: HMACAuth.Algorithm = .sha256, encoding: HMACAuth.Encoding = .hex,
                prefix: String? = nil, secrets: [String]) {
        self.header = header
        self.algorithm = algorithm
        self.encoding = encoding
        self.prefix = prefix ?? ""
        self.keys = secrets.map { Array($0.utf8) }
    }

    public init(_ config: HMACAuth, secrets: [String]) {
        self.init(header: config.header, algorithm: config.algorithm, encoding: config.encoding,
                  prefix: config.prefix, secrets: secrets)
    }

    public func verify(_ request: AuthRequest) throws(AuthError) {
        let value = try request.require(header).trimmingCharacters(in: .whitespaces)
        guard value.hasPrefix(prefix) else {
            throw .malformedHeader(header, why: "does not start with \(prefix)")
        }
        let text = value.dropFirst(prefix.count)
        let decoded = encoding == .hex ? ByteText.bytes(fromHex: text) : ByteText.bytes(fromBase64: text)
        guard let code = decoded else {
            throw .malformedHeader(header, why: "signature is not \(encoding.rawValue)")
        }
        guard MessageAuthenticator(algorithm).isValid(anyOf: [code], for: request.body, keys: keys) else {
            throw .signatureMismatch(candidates: keys.count)
        }
    }
}
