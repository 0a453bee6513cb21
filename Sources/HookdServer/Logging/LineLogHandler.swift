import Foundation
import Logging

/// The daemon's log handler: each message as one line in `format`, handed to a `LogSink`.
public struct LineLogHandler: LogHandler {
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
}
