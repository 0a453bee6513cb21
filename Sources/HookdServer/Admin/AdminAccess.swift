import Foundation
import HookdCore

/// Who may use the admin listener (SPEC §3): with `admin.token_env` set, every path but
/// `/healthz`, `/readyz` and `/metrics` needs the token, as `Authorization: Bearer` or as the
/// password of HTTP Basic (any user name) so a browser can open the status page. Forms carry a
/// CSRF token, and a browser's cross-origin POST is refused even without a token configured,
/// since a browser replays Basic credentials on its own.
public struct AdminAccess: Sendable {
    /// nil leaves the admin paths open (the listener binds to loopback by default).
    public let token: String?
    /// Carried by the status page's forms; random per process.
    public let csrfToken: String

    /// Paths open without the token (probes and scrapers).
    public static let openPaths: Set<String> = ["/healthz", "/readyz", "/metrics"]

    public init(token: String?, csrfToken: String = AdminAccess.randomToken()) {
        self.token = token
        self.csrfToken = csrfToken
    }

    public static func randomToken() -> String {
        // SystemRandomNumberGenerator reads the kernel's CSPRNG (getrandom) on Linux.
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    /// Whether the request's credentials (if any are needed) are right.
    public func admits(path: String, authorization: String?) -> Bool {
        guard let token, !Self.openPaths.contains(path) else { return true }
        guard let presented = Self.presentedToken(authorization) else { return false }
        return ConstantTime.equals(Array(presented.utf8), Array(token.utf8))
    }

    /// The token of `Bearer T`, or the password of `Basic base64(user:T)`.
    static func presentedToken(_ authorization: String?) -> String? {
        guard let authorization else { return nil }
        let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2 else { return nil }
        switch parts[0].lowercased() {
        case "bearer":
            return String(parts[1]).trimmingCharacters(in: .whitespaces)
        case "basic":
            guard let data = Data(base64Encoded: String(parts[1]).trimmingCharacters(in: .whitespaces)),
                  let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":") else { return nil }
            return String(text[text.index(after: colon)...])
        default:
            return nil
        }
    }

    /// Whether a POST may come from where it says it comes from: a browser sends `Origin` on
    /// every cross-origin POST, and it must then name this listener's own host.
    public static func isSameOrigin(origin: String?, host: String?, fetchSite: String?) -> Bool {
        if let fetchSite, fetchSite == "cross-site" || fetchSite == "same-site" { return false }
        guard let origin, origin != "null" else { return origin == nil }
        guard let host, let url = URL(string: origin), let originHost = url.host else { return false }
        let originAuthority = url.port.map { "\(originHost):\($0)" } ?? originHost
        return originAuthority.lowercased() == host.lowercased()
    }
}
