/// Turns the time forms providers send into one: RFC 3339 UTC with milliseconds
/// (`2025-01-01T12:34:56.000Z`), as rules see it in `event.timestamp`.
///
/// Accepted: ISO 8601 / RFC 3339 date-times with `Z`, `±HH:MM`, `±HHMM` or `±HH` (converted to UTC;
/// without an offset the time is taken as UTC), a `T`, `t` or space between date and time, any
/// number of fraction digits (truncated to milliseconds); epoch seconds or epoch milliseconds as JSON
/// numbers or numeric strings, told apart by magnitude (above 10^11 is milliseconds, i.e. seconds
/// would be after the year 5138). Years outside 0001–9999 and anything else give nil.
public enum EventTimestamp {
    /// Above this magnitude an epoch number counts as milliseconds.
    public static let millisecondsThreshold: Int64 = 100_000_000_000

    /// The normalised form of a string or number node; nil for other kinds or unreadable values.
    public static func normalized(_ node: JSONNode, in input: [UInt8]) -> String? {
        node.text(in: input).flatMap(normalized)
    }

    /// The normalised form of ISO text or a numeric (epoch) string.
    public static func normalized(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        if bytes.allSatisfy(isNumberByte), let milliseconds = epochMilliseconds(fromNumber: text) {
            return format(epochMilliseconds: milliseconds)
        }
        return ISODateTime(bytes).flatMap { format(epochMilliseconds: $0.epochMilliseconds) }
    }

    /// Milliseconds since 1970 from decimal text, seconds or milliseconds by magnitude. Plain
    /// decimals are read exactly (fractions truncated to the millisecond); exponents go through Double.
    static func epochMilliseconds(fromNumber text: String) -> Int64? {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let fraction = parts.count == 2 ? parts[1] : ""
        guard let whole = Int64(parts[0]), fraction.allSatisfy({ ("0"..."9").contains($0) }),
              parts.count == 1 || !fraction.isEmpty else {
            guard let value = Double(text), value.isFinite else { return nil }
            let milliseconds = value.magnitude > Double(millisecondsThreshold) ? value : value * 1000
            return milliseconds.magnitude < 1e15 ? Int64(milliseconds.rounded(.towardZero)) : nil
        }
        if whole.magnitude > UInt64(millisecondsThreshold) { return whole }
        let (seconds, overflow) = whole.multipliedReportingOverflow(by: 1000)
        guard !overflow else { return nil }
        let milliseconds = Int64(String((fraction + "00").prefix(3)))!
        return parts[0].hasPrefix("-") ? seconds - milliseconds : seconds + milliseconds
    }

    private static func isNumberByte(_ byte: UInt8) -> Bool {
        ASCII.isDigit(byte) || byte == ASCII.minus || byte == ASCII.plus || byte == ASCII.dot
            || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
    }

    /// RFC 3339 UTC text with milliseconds; nil outside the years 0001–9999.
    public static func format(epochMilliseconds: Int64) -> String? {
        guard (CivilTime.minimumMilliseconds...CivilTime.maximumMilliseconds).contains(epochMilliseconds) else {
            return nil
        }
        return CivilTime(epochMilliseconds: epochMilliseconds).rfc3339
    }
}
