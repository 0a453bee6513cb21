import Foundation

/// How the status page writes times: absolute ones in UTC, ages and uptime as short relative text.
///
/// Built on a UTC `Calendar` rather than a shared `DateFormatter`, which is not `Sendable` and
/// would otherwise need a lock or a new formatter per row.
enum StatusPageFormat {
    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// `2026-11-22 10:00:05`, always in UTC so pages from hosts in different zones read alike.
    static func timestamp(_ date: Date) -> String {
        let parts = utc.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d",
                      parts.year ?? 0, parts.month ?? 0, parts.day ?? 0,
                      parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0)
    }

    /// `12 s ago`, `5 min ago`, `3 h ago`, `2 d ago`; `never` for a date that never happened.
    static func age(of date: Date?, now: Date) -> String {
        guard let date else { return "never" }
        // A clock step, or a job finishing while the snapshot is read, can put `date` a little ahead.
        let seconds = max(0, Int(now.timeIntervalSince(date)))
        switch seconds {
        case ..<60: return "\(seconds) s ago"
        case ..<3600: return "\(seconds / 60) min ago"
        case ..<86_400: return "\(seconds / 3600) h ago"
        default: return "\(seconds / 86_400) d ago"
        }
    }

    /// `42 s`, `7 min 3 s`, `5 h 12 min`, `3 d 4 h`: the two largest units are enough at a glance.
    static func duration(from start: Date, to end: Date) -> String {
        let seconds = max(0, Int(end.timeIntervalSince(start)))
        let days = seconds / 86_400, hours = seconds % 86_400 / 3600
        let minutes = seconds % 3600 / 60, rest = seconds % 60
        if days > 0 { return "\(days) d \(hours) h" }
        if hours > 0 { return "\(hours) h \(minutes) min" }
        if minutes > 0 { return "\(minutes) min \(rest) s" }
        return "\(rest) s"
    }
}
