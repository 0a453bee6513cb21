import Foundation
import HookdCore
import Logging

/// The daemon's log handler: each message as one line in `format`, handed to a `LogSink`.
public struct LineLogHandler: OrderedFieldLogging {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    private let label: String
    private let format: LogLineFormat
    private let sink: LogSink

    public init(label: String, format: LogLineFormat = .text, sink: LogSink = .standardError) {
        self.label = label
        self.format = format
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        sink.write(format.bytes(time: Date(), level: event.level, label: label, message: event.message.description,
                               metadata: metadata.isEmpty ? event.metadata ?? [:] : metadata.merging(event.metadata ?? [:]) { $1 }))
    }

    public func log(level: Logger.Level, message: String, orderedFields fields: [LogField]) {
        guard level >= logLevel else { return }
        assert(zip(fields, fields.dropFirst()).allSatisfy { $0.key < $1.key }, "log fields not sorted by key: \(fields.map(\.key))")
        guard metadata.isEmpty else {
            // Rare (a logger given metadata of its own): merged and sorted as any other line.
            var merged = metadata
            for field in fields { merged[field.key] = .string(field.value) }
            return sink.write(format.bytes(time: Date(), level: level, label: label, message: message, metadata: merged))
        }
        sink.write(format.bytes(time: Date(), level: level, label: label, message: message, sortedFields: fields))
    }
}
