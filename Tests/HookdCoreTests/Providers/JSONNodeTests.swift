import HookdCore
import Testing

extension ProviderTests {
    @Suite("JSONNode: values, paths and member removal")
    struct JSONNodeTests {
        @Test("string escapes decode, surrogate pairs included", arguments: [
            (#""a\"b\\c\/d""#, "a\"b\\c/d"),
            (#""\b\f\n\r\t""#, "\u{8}\u{C}\n\r\t"),
            (#""caf\u00e9 \u20AC""#, "café €"),
            (#""\uD83D\uDE00!""#, "😀!"),
            (#""\u0000""#, "\u{0}"),
            (#""plain é""#, "plain é"),
            ("\"\"", ""),
        ] as [(String, String)])
        func stringEscapes(literal: String, expected: String) throws {
            let bytes = Array(literal.utf8)
            let node = try JSONScanner.scan(bytes)
            #expect(node.string(in: bytes) == expected)
        }

        @Test("escaped keys are decoded for lookup")
        func escapedKeys() throws {
            let bytes = Array(#"{"\u0069d":"x","a\nb":1}"#.utf8)
            let root = try JSONScanner.scan(bytes)
            #expect(root.member("id")?.string(in: bytes) == "x")
            #expect(root.member("a\nb")?.integer(in: bytes) == 1)
        }

        @Test("numbers give their text, integer and double values")
        func numbers() throws {
            let bytes = Array(#"[42, -0, 1.5e3, 12345678901234567890, 1e300, "7"]"#.utf8)
            let items = try JSONScanner.scan(bytes).elements
            #expect(items.map { $0.numberText(in: bytes) } == ["42", "-0", "1.5e3", "12345678901234567890", "1e300", nil])
            #expect(items.map { $0.integer(in: bytes) } == [42, 0, nil, nil, nil, nil])
            #expect(items[2].double(in: bytes) == 1500)
            #expect(items[3].double(in: bytes) == 12345678901234567890.0)
            #expect(items[4].double(in: bytes) == 1e300)
            #expect(items.map { $0.text(in: bytes) } == ["42", "-0", "1.5e3", "12345678901234567890", "1e300", "7"])
        }

        @Test("booleans and null")
        func literals() throws {
            let bytes = Array("[true, false, null]".utf8)
            let items = try JSONScanner.scan(bytes).elements
            #expect(items.map { $0.bool(in: bytes) } == [true, false, nil])
            #expect(items.map(\.kind) == [.bool, .bool, .null])
            #expect(items.map { $0.text(in: bytes) } == [nil, nil, nil])
        }

        @Test("dotted paths find nested members; anything else is nil")
        func paths() throws {
            let bytes = Array(#"{"data":{"profile_id":"p1","n":7,"obj":{},"list":[1]},"top":"t"}"#.utf8)
            let root = try JSONScanner.scan(bytes)
            #expect(root.node(atDottedPath: "data.profile_id")?.string(in: bytes) == "p1")
            #expect(root.node(atPath: ["data", "n"])?.text(in: bytes) == "7")
            #expect(root.node(atDottedPath: "top")?.text(in: bytes) == "t")
            #expect(root.node(atDottedPath: "data.missing") == nil)
            #expect(root.node(atDottedPath: "top.deeper") == nil)
            #expect(root.node(atDottedPath: "data.list.0") == nil)
            #expect(root.node(atPath: [String]()) == root)
            #expect(JSONScanner.value(atPath: "data.profile_id", in: bytes) == "p1")
            #expect(JSONScanner.value(atPath: "data.n", in: bytes) == "7")
            #expect(JSONScanner.value(atPath: "data.obj", in: bytes) == nil)
            #expect(JSONScanner.value(atPath: "data.profile_id", in: Array("not json".utf8)) == nil)
        }

        @Test("removing a member keeps every other byte as received", arguments: [
            (#"{"secret":"s","a":1}"#, "{\"a\":1}"),
            (#"{"a":1, "secret" : "s" , "b":2}"#, #"{"a":1, "b":2}"#),
            (#"{"a":1,"secret":"s"}"#, #"{"a":1}"#),
            (#"{ "secret": "s" }"#, "{  }"),
            ("{\n  \"id\": \"x\",\n  \"secret\": \"s\"\n}\n", "{\n  \"id\": \"x\"\n}\n"),
            ("{\n  \"secret\": {\"nested\": [1, 2]},\n  \"id\": \"x\"\n}", "{\n  \"id\": \"x\"\n}"),
        ] as [(String, String)])
        func removal(text: String, expected: String) throws {
            let bytes = Array(text.utf8)
            let stripped = try #require(try JSONScanner.scan(bytes).removingMember("secret", in: bytes))
            #expect(String(decoding: stripped, as: UTF8.self) == expected)
            let rescanned = try JSONScanner.scan(stripped)
            #expect(rescanned.member("secret") == nil)
        }

        @Test("removing a nested member, and an absent one")
        func nestedRemoval() throws {
            let bytes = Array(#"{"a":{"x":1,"secret":"s"},"b":[1, 2]}"#.utf8)
            let root = try JSONScanner.scan(bytes)
            let stripped = try #require(root.removingMember(atPath: ["a", "secret"], in: bytes))
            #expect(String(decoding: stripped, as: UTF8.self) == #"{"a":{"x":1},"b":[1, 2]}"#)
            #expect(root.removingMember("absent", in: bytes) == nil)
            #expect(root.removingMember(atPath: ["b", "0"], in: bytes) == nil)
            #expect(root.removingMember(atPath: [], in: bytes) == nil)
        }

        @Test("raw bytes of an element are exactly the input's")
        func elementBytes() throws {
            let text = #"[ {"a" : 1}  ,"x\u0041" ]"#
            let bytes = Array(text.utf8)
            let elements = try JSONScanner.scan(bytes).elements
            #expect(elements.map { String(decoding: $0.bytes(in: bytes), as: UTF8.self) } == [#"{"a" : 1}"#, #""x\u0041""#])
        }
    }
}
