import Foundation

/// Where verifiers and `RequestSigner` read the current time: the system clock in production, a
/// fixed instant in tests of stale and future timestamps.
public struct AuthClock: Sendable {
    public let now: @Sendable () -> Date

    public init(_ now: @escaping @Sendable () -> Date) {
        self.now = now
    }

    /// The system's wall clock.
    public static let system = AuthClock { Date() }

    /// A clock that always reads `instant`.
    public static func fixed(_ instant: Date) -> AuthClock {
        AuthClock { instant }
    }

    /// A clock that always reads `seconds` after the Unix epoch.
    public static func fixed(unixSeconds seconds: Int64) -> AuthClock {
        fixed(Date(timeIntervalSince1970: TimeInterval(seconds)))
    }
}
