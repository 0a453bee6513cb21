import LuaRuntime
import Testing

/// JSON -> Lua -> JSON round trips through a real run: the event is decoded by the shim, the rule
/// encodes it back with json.encode, and the text comes out through a log line.
@Suite("JSON bridge")
struct JSONBridgeTests {
    static let echo = rule("log.info(json.encode(event.payload))")

    func roundTrip(_ json: String) throws -> RunResult {
        try makeWorker([Self.echo]).run(event: #"{"payload":"# + json + "}")
    }

    @Test("exact round trips", arguments: [
        (#"{"a":{"b":{"c":[1,2,{"d":null}]}}}"#, #"{"a":{"b":{"c":[1,2,{"d":null}]}}}"#),
        (#"[[],{},[{}],{"x":[]}]"#, #"[[],{},[{}],{"x":[]}]"#),
        (#"[null,1,null]"#, #"[null,1,null]"#),
        (#"[9223372036854775807,-9223372036854775808]"#, #"[9223372036854775807,-9223372036854775808]"#),
        (#"[-0.0,0.0,-0,1.5,0.1]"#, #"[-0.0,0.0,0,1.5,0.1]"#),
        (#"[1e300,-1e-300,1E2]"#, #"[1e+300,-1e-300,100.0]"#),
        (#"[9223372036854775808]"#, #"[9.223372036854776e+18]"#),
        (#"["é😀","\ud83d\ude00","\u00e9","a\"b\\c\n\t\u0001"]"#, #"["é😀","😀","é","a\"b\\c\n\t\u0001"]"#),
        (#"  {"k" : [ true , false ] }  "#, #"{"k":[true,false]}"#),
        (#""just a string""#, #""just a string""#),
        ("42", "42"),
    ])
    func exactRoundTrip(input: String, expected: String) throws {
        let result = try roundTrip(input)
        #expect(result.isOK, "\(result.outcome)")
        #expect(result.messages == [expected])
    }

    @Test("integers stay integers and floats stay floats in Lua")
    func numberTypes() throws {
        let result = try makeWorker([rule("log.info(math.type(event.i) .. ' ' .. math.type(event.f) .. ' ' .. tostring(event.n == json.null))")])
            .run(event: #"{"i":9223372036854775807,"f":2.0,"n":null}"#)
        #expect(result.messages == ["integer float true"])
    }

    @Test("invalid input is refused with its reason", arguments: [
        ("[\"\u{FF}\"]", "UTF-8"),
        ("[\"\\ud800\"]", "surrogate"),
        ("[1,]", "invalid JSON"),
        ("{\"a\":1} x", "invalid JSON"),
        ("[\"a\u{01}\"]", "invalid JSON"),
        ("[01]", "invalid JSON"),
        ("[NaN]", "invalid JSON"),
    ])
    func invalidInput(input: String, words: String) throws {
        var bytes = Array(#"{"payload":"#.utf8)
        if input.hasPrefix("[\"") && input.contains("\u{FF}") {
            bytes += [UInt8(ascii: "["), UInt8(ascii: "\""), 0xFF, UInt8(ascii: "\""), UInt8(ascii: "]")]
        } else {
            bytes += Array(input.utf8)
        }
        bytes += Array("}".utf8)
        let result = try makeWorker([Self.echo]).run(rule: 0, eventJSON: bytes, limits: .defaults, answer: ok200)
        let failure = try #require(result.failure)
        #expect(failure.message.lowercased().contains(words.lowercased()), "\(failure.message)")
    }

    @Test("invalid UTF-8 bytes (overlong, surrogate, truncated) are refused", arguments: [
        [0xC0, 0xAF] as [UInt8], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0xF4, 0x90, 0x80, 0x80],
    ])
    func invalidUTF8(bytes: [UInt8]) throws {
        let event = Array(#"{"payload":[""#.utf8) + bytes + Array(#""]}"#.utf8)
        let result = try makeWorker([Self.echo]).run(rule: 0, eventJSON: event, limits: .defaults, answer: ok200)
        #expect(result.failure?.message.contains("UTF-8") == true, "\(result.outcome)")
    }

    @Test("the depth limit is enforced both ways")
    func depthLimit() throws {
        let deep = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        let decoded = try roundTrip(deep)
        #expect(decoded.failure?.message.contains("nest") == true, "\(decoded.outcome)")
        let encoded = try makeWorker([rule("local t = {}\nlocal c = t\nfor i = 1, 200 do c[1] = {}; c = c[1] end\njson.encode(t)")]).run()
        #expect(encoded.failure?.message.contains("nest") == true, "\(encoded.outcome)")
        let cycle = try makeWorker([rule("local t = {}\nt.self = t\njson.encode(t)")]).run()
        #expect(cycle.failure != nil)
    }

    @Test("what JSON cannot say is refused by json.encode")
    func unencodable() throws {
        let worker = try makeWorker([
            rule("json.encode({ f = print })"), rule("json.encode(0/0)"), rule("json.encode(math.huge)"),
            rule(#"json.encode("\xff")"#), rule("json.encode({ [1] = 1, [3] = 3 })"), rule("json.encode({ 1, x = 2 })"),
        ])
        for index in 0..<6 {
            #expect(worker.run(index).failure != nil, "rule \(index) should fail")
        }
    }

    @Test("json.decode and json.encode are usable from rules")
    func fromRules() throws {
        let result = try makeWorker([rule(#"""
            local v = json.decode('{"list":[1,2,3],"empty":[],"obj":{}}')
            log.info(#v.list .. " " .. json.encode(v.empty) .. " " .. json.encode(v.obj))
            log.info(json.encode({ 1, 2, 3 }) .. json.encode({}) .. json.encode({ json.null }))
            """#)]).run()
        #expect(result.isOK, "\(result.outcome)")
        #expect(result.messages == ["3 [] {}", "[1,2,3]{}[null]"])
    }
}

/// Thousands of generated and mutated documents through decode and encode: nothing crashes, every
/// valid document survives encode/decode unchanged (compared in canonical form, keys sorted).
@Suite("JSON fuzz")
struct JSONFuzzTests {
    static let canonical = rule(#"""
        local function canon(v)
          if type(v) == "table" and getmetatable(v) ~= "json.array" and next(v) ~= nil and v[1] == nil then
            local keys = {}
            for k in pairs(v) do keys[#keys + 1] = k end
            table.sort(keys)
            local parts = {}
            for _, k in ipairs(keys) do parts[#parts + 1] = json.encode(k) .. ":" .. canon(v[k]) end
            return "{" .. table.concat(parts, ",") .. "}"
          elseif type(v) == "table" and (getmetatable(v) == "json.array" or v[1] ~= nil) then
            local parts = {}
            for i = 1, #v do parts[i] = canon(v[i]) end
            return "[" .. table.concat(parts, ",") .. "]"
          end
          return json.encode(v)
        end
        local doc = event.payload
        log.info(canon(doc))
        log.info(canon(json.decode(json.encode(doc))))
        """#)

    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
        mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }

        mutating func value(depth: Int) -> String {
            switch int(depth > 4 ? 6 : 8) {
            case 0: return "null"
            case 1: return int(2) == 0 ? "true" : "false"
            case 2: return String(Int64(bitPattern: next()) >> Int64(int(64)))
            case 3: return ["0.5", "-1.25e-7", "3.141592653589793", "1e300", "-0.0", "2.5E+3", "123456789.125"][int(7)]
            case 4, 5: return string()
            case 6: return "[" + (0..<int(5)).map { _ in value(depth: depth + 1) }.joined(separator: ",") + "]"
            default:
                return "{" + (0..<int(5)).map { _ in string() + ":" + value(depth: depth + 1) }.joined(separator: ",") + "}"
            }
        }

        mutating func string() -> String {
            let pieces = ["a", "key", "é", "😀", "\\n", "\\\"", "\\u00e9", "\\ud83d\\ude00", " ", "日本", "\\/", "x1"]
            return "\"" + (0..<int(4)).map { _ in pieces[int(pieces.count)] }.joined() + "\""
        }
    }

    @Test("generated documents survive encode/decode unchanged")
    func generated() throws {
        let worker = try makeWorker([Self.canonical])
        var generator = Generator(state: 0x9E37_79B9_7F4A_7C15)
        for _ in 0..<3000 {
            let doc = generator.value(depth: 0)
            let result = worker.run(event: #"{"payload":"# + doc + "}")
            #expect(result.isOK, "\(doc): \(result.outcome)")
            #expect(result.messages.count == 2 && result.messages[0] == result.messages[1], "\(doc)")
        }
    }

    @Test("mutated documents decode or are refused, never crash")
    func mutated() throws {
        let worker = try makeWorker([Self.canonical])
        var generator = Generator(state: 0xDEAD_BEEF_CAFE_F00D)
        var refused = 0
        for _ in 0..<4000 {
            var bytes = Array(#"{"payload":"#.utf8) + Array(generator.value(depth: 0).utf8) + Array("}".utf8)
            for _ in 0...generator.int(3) {
                let at = generator.int(bytes.count)
                switch generator.int(3) {
                case 0: bytes[at] = UInt8(truncatingIfNeeded: generator.next())
                case 1: bytes.remove(at: at)
                default: bytes.insert([0x22, 0x5C, 0x7B, 0x5D, 0xFF, 0xC3, 0x00, 0x2C][generator.int(8)], at: at)
                }
            }
            let result = worker.run(rule: 0, eventJSON: bytes, limits: .defaults, answer: ok200)
            if let failure = result.failure {
                refused += 1
                #expect(failure.limit == nil)
            } else if result.isOK, result.messages.count == 2 {
                #expect(result.messages[0] == result.messages[1])
            }
        }
        #expect(refused > 1000, "most mutations break the document")
        #expect(worker.run(event: #"{"payload":[1]}"#).messages == ["[1]", "[1]"])
    }
}
