import Foundation
import HookdCore
@testable import HookdServer
import Logging
import Synchronization
import Testing

/// `--log-format json`: one parseable JSON object per line.
@Suite("JSON log lines")
struct JSONLogHandlerTests {
    @Test("each message is one line of JSON with time, level, label, message and the metadata as strings")
    func oneObjectPerLine() throws {
        let lines = Mutex<[String]>([])
        let sink = LogSink(buffered: false) { bytes in lines.withLock { $0.append(String(decoding: bytes, as: UTF8.self)) } }
        var logger = Logger(label: "hookd.test") { LineLogHandler(label: $0, format: .json, sink: sink) }
        logger[metadataKey: "generation"] = "3"
        logger.info("rule run", metadata: ["rule": "passage-fetch", "error": "line one\nline \"two\""])
        logger.debug("not at info")
        let written = lines.withLock { $0 }
        #expect(written.count == 1)
        let line = try #require(written.first)
        #expect(line.hasSuffix("}\n"))
        #expect(line.dropLast().contains("\n") == false)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(object["level"] == "info")
        #expect(object["label"] == "hookd.test")
        #expect(object["message"] == "rule run")
        #expect(object["rule"] == "passage-fetch")
        #expect(object["error"] == "line one\nline \"two\"")
        #expect(object["generation"] == "3")
        #expect(object["time"]?.hasSuffix("Z") == true)
    }
}

/// The default text format and the buffered sink.
@Suite("text log lines")
struct TextLogHandlerTests {
    @Test("time, level, label, message, then sorted key=value; values with spaces or line breaks are quoted")
    func format() {
        let line = LogLineFormat.text.line(time: Date(timeIntervalSince1970: 0), level: .info, label: "hookd", message: "request",
                                       metadata: ["status": "200", "error": "two words\nand a line"])
        #expect(line == #"1970-01-01T00:00:00.000Z info hookd: request error="two words\nand a line" status=200"# + "\n")
    }

    @Test("the buffered sink writes every line in order, on a flush or within its interval")
    func buffering() async throws {
        let written = Mutex<[UInt8]>([])
        let sink = LogSink { bytes in written.withLock { $0 += bytes } }
        var logger = Logger(label: "t") { LineLogHandler(label: $0, format: .text, sink: sink) }
        logger.logLevel = .info
        for n in 0..<100 { logger.info("line \(n)") }
        sink.flush()
        let text = String(decoding: written.withLock { $0 }, as: UTF8.self)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 100)
        #expect(lines.enumerated().allSatisfy { $0.element.hasSuffix("line \($0.offset)") })
        logger.info("late")
        try await Task.sleep(for: .milliseconds(300))
        #expect(String(decoding: written.withLock { $0 }, as: UTF8.self).hasSuffix("t: late\n"))
    }
}

/// The lines every event logs skip swift-log's metadata dictionary and come out the same.
@Suite("ordered log fields")
struct OrderedFieldLoggingTests {
    private func capture(_ format: LogLineFormat, _ body: (inout Logger) -> Void) -> [String] {
        let lines = Mutex<[String]>([])
        let sink = LogSink(buffered: false) { bytes in lines.withLock { $0.append(String(decoding: bytes, as: UTF8.self)) } }
        var logger = Logger(label: "hookd") { LineLogHandler(label: $0, format: format, sink: sink) }
        body(&logger)
        // The time differs between two lines; the rest must not.
        return lines.withLock { $0 }.map { line in
            format == .text ? String(line.drop { $0 != " " }) : line.replacing(/"time": "[^"]*"/, with: "")
        }
    }

    @Test("a line with ordered fields is the line the same metadata makes, in text and in JSON")
    func sameLine() {
        let fields: [LogField] = [("attempt", "1"), ("error", "two words\nand \"quotes\""), ("event", "evt_1"), ("source", "passage")]
        for format in LogLineFormat.allCases {
            let lines = capture(format) { logger in
                logger.info("rule run", orderedFields: fields)
                logger.info("rule run", metadata: ["source": "passage", "event": "evt_1", "attempt": "1", "error": "two words\nand \"quotes\""])
            }
            #expect(lines.count == 2)
            #expect(lines.first == lines.last, "\(format): \(lines)")
        }
    }

    @Test("the handler's own metadata is merged in, and the level is respected")
    func mergesAndFilters() {
        let lines = capture(.text) { logger in
            logger[metadataKey: "generation"] = "3"
            logger.info("request", orderedFields: [("status", "200")])
            logger.logLevel = .warning
            logger.info("request", orderedFields: [("status", "500")])
        }
        #expect(lines == [" info hookd: request generation=3 status=200\n"])
    }

    @Test("under another handler the fields reach it as metadata")
    func otherHandler() {
        final class Seen: Sendable {
            let lines = Mutex<[Logger.Metadata]>([])
        }
        let seen = Seen()
        struct Recorder: LogHandler {
            let seen: Seen
            var logLevel: Logger.Level = .info
            var metadata: Logger.Metadata = [:]
            subscript(metadataKey key: String) -> Logger.Metadata.Value? {
                get { metadata[key] }
                set { metadata[key] = newValue }
            }
            func log(event: LogEvent) { seen.lines.withLock { $0.append(event.metadata ?? [:]) } }
        }
        let recorder = Recorder(seen: seen)
        let logger = Logger(label: "t") { _ in recorder }
        logger.info("request", orderedFields: [("client", "127.0.0.1"), ("status", "200")])
        #expect(seen.lines.withLock { $0 } == [["client": "127.0.0.1", "status": "200"]])
    }
}
