import Crypto
import Foundation

/// HMAC of a message with one of the hashes the `hmac` scheme offers, computed and checked with
/// swift-crypto (whose `isValidAuthenticationCode` compares in constant time).
struct MessageAuthenticator: Sendable {
    var algorithm: HMACAuth.Algorithm

    init(_ algorithm: HMACAuth.Algorithm = .sha256) {
        self.algorithm = algorithm
    }

    /// The authentication code of `message` under `key`.
    func code(for message: some DataProtocol, key: [UInt8]) -> [UInt8] {
        let key = SymmetricKey(data: key)
        switch algorithm {
        case .sha1: return Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: key))
        case .sha256: return Array(HMAC<SHA256>.authenticationCode(for: message, using: key))
        case .sha512: return Array(HMAC<SHA512>.authenticationCode(for: message, using: key))
        }
    }

    /// Whether `code` authenticates `message` under `key`.
    func isValid(_ code: [UInt8], for message: some DataProtocol, key: [UInt8]) -> Bool {
        let key = SymmetricKey(data: key)
        switch algorithm {
        case .sha1: return HMAC<Insecure.SHA1>.isValidAuthenticationCode(code, authenticating: message, using: key)
        case .sha256: return HMAC<SHA256>.isValidAuthenticationCode(code, authenticating: message, using: key)
        case .sha512: return HMAC<SHA512>.isValidAuthenticationCode(code, authenticating: message, using: key)
        }
    }

    /// Whether any of `codes` authenticates `message` under any of `keys`. Every pair is checked,
    /// so the time taken does not say which key matched.
    func isValid(anyOf codes: [[UInt8]], for message: [UInt8], keys: [[UInt8]]) -> Bool {
        var matched = false
        for key in keys {
            for code in codes where isValid(code, for: message, key: key) {
                matched = true
            }
        }
        return matched
    }
}
