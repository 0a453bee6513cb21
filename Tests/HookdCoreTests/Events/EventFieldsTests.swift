import Foundation
import HookdCore
import LuaRuntime
import Testing

@Suite("Event document")
struct EventFieldsTests {
    @Test("the document a run receives: every field, header names lower-cased, a repeated header's first value, the payload byte for byte")
    func document() throws {
        let payload = Array(#"{ "id" : "evt \"1\"",  "data": {"inner": [1, 2.50, null]} }"#.utf8)
        let event = ParsedEvent(id: "evt \"1\"\n", type: "Connection.Updated", status: nil, timestamp: "2026-12-03T12:00:00.000Z",
                                payload: payload, dataPath: ["data", "inner"])
        let headers: [(name: String, value: String)] = [
            ("Content-Type", "application/json"), ("X-Dup", "first"), ("x-dup", "second"), ("X-Odd", "a\"b\\c\u{01}"), ("já", "v"),
        ]
        let bytes = EventFields(source: "passage", event: event, headers: headers, attempt: 3).json
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

    /// Writes a rule's `event` as one canonical line: keys sorted, strings quoted, numbers with
    /// their Lua subtype, json.null, and whether a table carries the decoded-array mark.
    static let canonicalRule = """
        local function canon(v)
          local t = type(v)
          if t == "table" then
            local keys = {}
            for k in pairs(v) do keys[#keys + 1] = k end
            table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
            local parts = {}
            for _, k in ipairs(keys) do parts[#parts + 1] = type(k) .. ":" .. tostring(k) .. "=" .. canon(v[k]) end
            return (getmetatable(v) ~= nil and "[" or "{") .. table.concat(parts, ",") .. "}"
          elseif v == json.null then return "null"
          elseif t == "string" then return string.format("%q", v)
          elseif t == "number" then return math.type(v) .. ":" .. tostring(v)
          else return t .. ":" .. tostring(v) end
        end
        return { on = {}, handle = function(event) log.info(canon(event)) end }
        """

    @Test("a run sees the same event table from the packed fields as from the JSON document", arguments: [
        ParsedEvent(id: "evt \"1\"\n", type: "Connection.Updated", status: nil, timestamp: "2026-12-03T12:00:00.000Z",
                    payload: Array(#"{ "id" : "evt \"1\"",  "data": {"inner": [1, 2.50, null, -0, 1e3, "\u00e9\ud83d\ude00"], "o": {}} }"#.utf8),
                    dataPath: ["data", "inner"]),
        ParsedEvent(id: "42", type: "user.delete", status: "ok", timestamp: nil,
                    payload: Array(#"[{"a": true, "b": false, "c": []}]"#.utf8), dataPath: []),
        ParsedEvent(id: "x", type: "t", status: "", timestamp: "", payload: Array(#"{"data": "not an object"}"#.utf8), dataPath: ["data", "deeper"]),
    ])
    func packedMatchesJSON(event: ParsedEvent) throws {
        let headers: [(name: String, value: String)] = [
            ("Content-Type", "application/json"), ("X-Dup", "first"), ("x-dup", "second"), ("X-Odd", "a\"b\\c\u{01}"), ("já", "v"),
        ]
        let document = EventFields(source: "passage", event: event, headers: headers, attempt: 3)
        let worker = try LuaWorker(program: LuaProgram(rules: [.init(chunkName: "rules/canon.lua", source: Self.canonicalRule)]))
        let fromJSON = worker.run(rule: 0, event: .json(document.json), limits: .defaults) { _ in .failure("no http") }
        let fromFields = worker.run(rule: 0, event: .fields(document), limits: .defaults) { _ in .failure("no http") }
        #expect(fromJSON.outcome == .ok, "\(fromJSON.outcome)")
        #expect(fromFields.outcome == .ok, "\(fromFields.outcome)")
        let line = try #require(fromJSON.logs.first?.message)
        #expect(line.contains("string:id="), "\(line)")
        #expect(fromFields.logs.map(\.message) == [line])
    }

    @Test("a packed event's payload is decoded like any JSON: a payload that is not JSON fails the run")
    func packedPayloadIsChecked() throws {
        let event = ParsedEvent(id: "x", type: "t", status: nil, timestamp: nil, payload: Array("{not json".utf8), dataPath: [])
        let document = EventFields(source: "s", event: event, headers: [], attempt: 1)
        let worker = try LuaWorker(program: LuaProgram(rules: [.init(chunkName: "rules/canon.lua", source: Self.canonicalRule)]))
        let result = worker.run(rule: 0, event: .fields(document), limits: .defaults) { _ in .failure("no http") }
        guard case .failed(let failure) = result.outcome else {
            Issue.record("a payload that is not JSON ran: \(result.outcome)")
            return
        }
        #expect(failure.message.contains("JSON"), "\(failure.message)")
    }
}
