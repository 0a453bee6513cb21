import Foundation

/// How far a signed timestamp may lie from now, in either direction: too old is a replay, too
/// new is a clock problem or a pre-signed request, and both are refused.
struct TimestampWindow: Sendable {
    var tolerance: Duration

    /// Throws `timestampSkew` when `unixSeconds` lies more than the tolerance from `now`.
    func check(_ unixSeconds: Double, now: Date) throws(AuthError) {
        let skew = now.timeIntervalSince1970 - unixSeconds
        guard abs(skew) <= seconds else {
            throw .timestampSkew(seconds: Self.rounded(skew), tolerance: Int(seconds))
        }
    }

    /// The tolerance in seconds, with its fraction.
    var seconds: Double {
        let parts = tolerance.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }

    /// A skew in whole seconds, away from zero, so a refused skew never reads as within tolerance.
    private static func rounded(_ skew: Double) -> Int {
        guard skew.isFinite, abs(skew) < Double(Int.max / 2) else { return skew < 0 ? Int.min / 2 : Int.max / 2 }
        return Int(skew.rounded(.awayFromZero))
    }

    /// A decimal Unix timestamp in seconds as a header carries it; nil for anything else.
    static func parseSeconds(_ text: some StringProtocol) -> Double? {
        guard !text.isEmpty, text.count <= 12, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              let value = Int64(text) else { return nil }
        return Double(value)
    }
}
