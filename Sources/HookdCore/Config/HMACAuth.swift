/// The `hmac` scheme: an HMAC of the raw body, sent in a header.
public struct HMACAuth: Sendable, Hashable {
    /// The hash the HMAC uses (`algorithm:`).
    public enum Algorithm: String, Sendable, Hashable, CaseIterable {
        case sha1, sha256, sha512
    }

    /// How the signature is written in the header (`encoding:`).
    public enum Encoding: String, Sendable, Hashable, CaseIterable {
        case hex, base64
    }

    public var header: String
    /// Default sha256.
    public var algorithm: Algorithm
    /// Default hex.
    public var encoding: Encoding
    /// Text before the signature in the header, such as `sha256=`.
    public var prefix: String?
    public var secret: SecretReference

    public init(header: String, algorithm: Algorithm = .sha256, encoding: Encoding = .hex,
                prefix: String? = nil, secret: SecretReference) {
        self.header = header
        self.algorithm = algorithm
        self.encoding = encoding
        self.prefix = prefix
        self.secret = secret
    }
}
