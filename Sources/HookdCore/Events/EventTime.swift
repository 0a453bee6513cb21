import Foundation

/// Times as hookd prints them: RFC 3339 UTC with milliseconds, `2026-11-22T10:00:00.000Z`.
public enum EventTime {
    public static func text(_ date: Date) -> String {
        CivilTime(epochMilliseconds: Int64((date.timeIntervalSince1970 * 1000).rounded(.down))).rfc3339
    }

    /// Appends `text(date)`'s bytes to `bytes` (every log line starts with one).
    public static func append(_ date: Date, to bytes: inout [UInt8]) {
        CivilTime(epochMilliseconds: Int64((date.timeIntervalSince1970 * 1000).rounded(.down))).appendRFC3339(to: &bytes)
    }
}
