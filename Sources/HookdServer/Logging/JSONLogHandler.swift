import Foundation
import HookdCore
import Logging
import Synchronization

/// `--log-format json`: one JSON object per line on standard error, with `time`, `level`,
/// `label`, `message` and every metadata field as a string, for log shippers.
public struct JSONLogHandler: LogHandler {
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

    /// The JSON line for one message (fields sorted, so lines diff well).
    public static func line(time: Date, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata) -> String {
        var fields = [("time", EventTime.text(time)),
                      ("level", level.rawValue), ("label", label), ("message", message)]
        let reserved = Set(fields.map(\.0))
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) where !reserved.contains(key) {
            fields.append((key, value.description))
        }
        return "{" + fields.map { JSONText.string($0.0) + ": " + JSONText.string($0.1) }.joined(separator: ", ") + "}\n"
    }
}
