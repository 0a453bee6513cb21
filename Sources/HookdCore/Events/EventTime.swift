import Foundation

/// Times as hookd prints them: RFC 3339 UTC with milliseconds, `2026-11-22T10:00:00.000Z`.
public enum EventTime {
    public static func text(_ date: Date) -> String {
        let time = CivilTime(epochMilliseconds: Int64((date.timeIntervalSince1970 * 1000).rounded(.down)))
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let millis = time.millisecond < 10 ? "00\(time.millisecond)" : time.millisecond < 100 ? "0\(time.millisecond)" : "\(time.millisecond)"
        let year = String(repeating: "0", count: max(0, 4 - String(time.year).count)) + String(time.year)
        return "\(year)-\(two(time.month))-\(two(time.day))T\(two(time.hour)):\(two(time.minute)):\(two(time.second)).\(millis)Z"
    }
}
