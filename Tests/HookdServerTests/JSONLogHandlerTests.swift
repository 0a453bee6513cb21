import Foundation
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
        let sink = JSONLogSink { line in lines.withLock { $0.append(line) } }
        var logger = Logger(label: "hookd.test") { JSONLogHandler(label: $0, sink: sink) }
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
