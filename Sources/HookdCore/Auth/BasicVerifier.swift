import Foundation

/// `scheme: basic`: HTTP Basic (RFC 7617) with the configured user and a candidate secret as password.
public struct BasicVerifier: Verifier {
    public let user: String
    private let secrets: [String]

    public var scheme: AuthScheme { .basic }
    public var credentialHeaders: [String] { ["Authorization"] }

    public init(user: String, secrets: [String]) {
        self.user = user
        self.secrets = secrets
    }

    public func verify(_ request: AuthRequest) throws(AuthError) {
        let value = try request.require("Authorization")
        let parts = value.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "basic",
              let decoded = Data(base64Encoded: String(parts[1]).trimmingCharacters(in: .whitespaces)) else {
            throw .malformedHeader("Authorization", why: "not of the form Basic <base64 user:password>")
        }
        let bytes = Array(decoded)
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else {
            throw .malformedHeader("Authorization", why: "basic credentials without ':'")
        }
        // Both halves are compared every time, so the time does not say which one was wrong.
        let userMatches = ConstantTime.equals(bytes[..<colon], Array(user.utf8))
        let password = String(decoding: bytes[(colon + 1)...], as: UTF8.self)
        let passwordMatches = ConstantTime.matchesAny(password, secrets)
        guard userMatches && passwordMatches else { throw .basicCredentialsMismatch(candidates: secrets.count) }
    }
}
