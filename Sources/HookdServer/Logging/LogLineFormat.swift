import Foundation
import HookdCore
import Logging

/// How a log message becomes one line: `text` (the default) or `json` (`--log-format json`).
public enum LogLineFormat: String, Sendable, CaseIterable {
    /// `2026-12-03T07:00:00.000Z info hookd: request source=passage status=200 …`: time, level,
    /// label, message, then the metadata as sorted key=value; a value with spaces, quotes or line
    /// breaks is written as a JSON string, so a line stays one line.
    case text
    /// One JSON object per line with `time`, `level`, `label`, `message` and every metadata field
    /// as a string (sorted, so lines diff well), for log shippers.
    case json

    public func line(time: Date, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata) -> String {
        let fields = metadata.sorted { $0.key < $1.key }
        switch self {
        case .text:
            var line = ""
            line.reserveCapacity(160)
            line.append(EventTime.text(time))
            line.append(" ")
            line.append(level.rawValue)
            line.append(" ")
            line.append(label)
            line.append(": ")
            line.append(message)
            for (key, value) in fields {
                line.append(" ")
                line.append(key)
                line.append("=")
                line.append(Self.quotedIfNeeded(value.description))
            }
            line.append("\n")
            return line
        case .json:
            let fixed = [("time", EventTime.text(time)), ("level", level.rawValue), ("label", label), ("message", message)]
            let reserved = Set(fixed.map(\.0))
            let all = fixed + fields.filter { !reserved.contains($0.key) }.map { ($0.key, $0.value.description) }
            return "{" + all.map { JSONText.string($0.0) + ": " + JSONText.string($0.1) }.joined(separator: ", ") + "}\n"
        }
    }

    static func quotedIfNeeded(_ value: String) -> String {
        let plain = !value.isEmpty && !value.utf8.contains { $0 <= 0x20 || $0 == UInt8(ascii: "\"") || $0 == 0x7F }
        return plain ? value : JSONText.string(value)
    }
}
