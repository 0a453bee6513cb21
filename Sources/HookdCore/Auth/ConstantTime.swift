/// Comparisons of secrets and signatures whose duration does not depend on where the inputs
/// differ, so an attacker cannot find a secret byte by byte from response times.
public enum ConstantTime {
    /// Whether `a` and `b` hold the same bytes. Only the length may leak, which is public anyway
    /// (it is fixed by the scheme, or by the header the attacker wrote).
    public static func equals(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }

    /// Whether `value` equals any of `candidates`. Every candidate is compared, so the time does not
    /// tell which one (or whether one) matched.
    public static func matchesAny(_ value: String, _ candidates: [String]) -> Bool {
        let bytes = Array(value.utf8)
        var matched = false
        for candidate in candidates where equals(bytes, Array(candidate.utf8)) {
            matched = true
        }
        return matched
    }
}
