import Foundation
import HookdCore
import Logging

/// The default log format: `2026-12-03T07:00:00.000Z info hookd: request source=passage status=200 …`
/// (time, level, label, message, then the metadata as key=value, sorted), one line per message.
public struct TextLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    private let label: String
    private let sink: LogSink

    public init(label: String, sink: LogSink = .standardError) {
        self.label = label
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        sink.write(Self.line(time: Date(), level: event.level, label: label, message: event.message.description,
                             metadata: metadata.merging(event.metadata ?? [:]) { $1 }))
    }

    public static func line(time: Date, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata) -> String {
        var line = EventTime.text(time) + " " + level.rawValue + " " + label + ": " + message
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            line += " " + key + "=" + quotedIfNeeded(value.description)
        }
        return line + "\n"
    }

    /// Values with spaces, quotes or line breaks are written as JSON strings, so a line stays one line.
    static func quotedIfNeeded(_ value: String) -> String {
        let plain = !value.isEmpty && !value.utf8.contains { $0 <= 0x20 || $0 == UInt8(ascii: "\"") || $0 == 0x7F }
        return plain ? value : JSONText.string(value)
    }
}
