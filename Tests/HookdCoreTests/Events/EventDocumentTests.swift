import Foundation
import HookdCore
import Testing

@Suite("Event document")
struct EventDocumentTests {
    @Test("the document a run receives: every field, header names lower-cased, a repeated header's first value, the payload byte for byte")
    func document() throws {
        let payload = Array(#"{ "id" : "evt \"1\"",  "data": {"inner": [1, 2.50, null]} }"#.utf8)
        let event = ParsedEvent(id: "evt \"1\"\n", type: "Connection.Updated", status: nil, timestamp: "2026-12-03T12:00:00.000Z",
                                payload: payload, dataPath: ["data", "inner"])
        let headers: [(name: String, value: String)] = [
            ("Content-Type", "application/json"), ("X-Dup", "first"), ("x-dup", "second"), ("X-Odd", "a\"b\\c\u{01}"), ("já", "v"),
        ]
        let bytes = EventDocument(source: "passage", event: event, headers: headers, attempt: 3).json
        // The payload is copied unchanged, spacing and number forms included, as the last member.
        #expect(Array(bytes.suffix(payload.count + 1)) == payload + [UInt8(ascii: "}")])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        #expect(object["id"] as? String == "evt \"1\"\n")
        #expect(object["source"] as? String == "passage")
        #expect(object["type"] as? String == "Connection.Updated")
        #expect(object["status"] is NSNull)
        #expect(object["timestamp"] as? String == "2026-12-03T12:00:00.000Z")
        #expect(object["attempt"] as? Int == 3)
        #expect(object["data_path"] as? [String] == ["data", "inner"])
        #expect(object["headers"] as? [String: String] == [
            "content-type": "application/json", "x-dup": "first", "x-odd": "a\"b\\c\u{01}", "já": "v",
        ])
        // Headers keep the order received (the first of a repeated name in its first place).
        let text = String(decoding: bytes, as: UTF8.self)
        let places = try ["\"content-type\"", "\"x-dup\"", "\"x-odd\"", "\"já\""].map { name in
            try #require(text.range(of: name)).lowerBound
        }
        #expect(places == places.sorted(), "headers out of order: \(text)")
        #expect(text.contains(#""headers":{"content-type":"#))
    }
}
