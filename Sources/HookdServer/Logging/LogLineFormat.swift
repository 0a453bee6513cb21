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
        String(decoding: bytes(time: time, level: level, label: label, message: message, metadata: metadata), as: UTF8.self)
    }

    /// `line` as UTF-8 bytes, written without intermediate strings (every request and run logs one).
    func bytes(time: Date, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata) -> [UInt8] {
        bytes(time: time, level: level, label: label, message: message,
              sortedFields: metadata.sorted { $0.key < $1.key }.map { ($0.key, $0.value.description) })
    }

    /// `bytes` for fields already sorted by key (`OrderedFieldLogging`).
    func bytes(time: Date, level: Logger.Level, label: String, message: String, sortedFields fields: [LogField]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(192)
        switch self {
        case .text:
            EventTime.append(time, to: &out)
            out.append(UInt8(ascii: " "))
            out += level.rawValue.utf8
            out.append(UInt8(ascii: " "))
            out += label.utf8
            out += ": ".utf8
            out += message.utf8
            for (key, value) in fields {
                out.append(UInt8(ascii: " "))
                out += key.utf8
                out.append(UInt8(ascii: "="))
                if Self.isPlain(value) { out += value.utf8 } else { JSONText.append(value, to: &out) }
            }
        case .json:
            let fixed = [("time", EventTime.text(time)), ("level", level.rawValue), ("label", label), ("message", message)]
            let reserved = Set(fixed.map(\.0))
            let all = fixed + fields.filter { !reserved.contains($0.key) }
            out.append(UInt8(ascii: "{"))
            for (index, (key, value)) in all.enumerated() {
                if index > 0 { out += ", ".utf8 }
                JSONText.append(key, to: &out)
                out += ": ".utf8
                JSONText.append(value, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "\n"))
        return out
    }

    /// A value written as it is: not empty, and no space, quote, control character or DEL.
    static func isPlain(_ value: String) -> Bool {
        !value.isEmpty && !value.utf8.contains { $0 <= 0x20 || $0 == UInt8(ascii: "\"") || $0 == 0x7F }
    }
}
