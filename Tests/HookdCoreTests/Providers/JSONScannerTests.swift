import HookdCore
import Testing

extension ProviderTests {
    @Suite("JSONScanner: what it accepts and refuses")
    struct JSONScannerTests {
        @Test("valid documents scan, with every node's range covering exactly its text", arguments: [
            #"{}"#, #"[]"#, #"0"#, #"-0"#, "\"\"", #"true"#, #"false"#, #"null"#, " \t\r\n{ } \n",
            #"{"a":[1,2.5,-3e+2,{"b":null}],"c":"d\u00e9\n","e":true}"#, #"[[[[]]]]"#, #"1E-7"#,
        ])
        func validDocuments(text: String) throws {
            let bytes = Array(text.utf8)
            let root = try JSONScanner.scan(bytes)
            #expect(String(decoding: bytes[root.range], as: UTF8.self) == text.trimmingJSONWhitespace)
        }

        @Test("children keep their ranges and order")
        func childRanges() throws {
            let bytes = Array(#"{ "a" : [ 1 , "x" ] , "b":{} }"#.utf8)
            let root = try JSONScanner.scan(bytes)
            #expect(root.kind == .object)
            #expect(root.members.map(\.key) == ["a", "b"])
            let array = try #require(root.member("a"))
            #expect(array.kind == .array)
            #expect(String(decoding: bytes[array.range], as: UTF8.self) == #"[ 1 , "x" ]"#)
            #expect(array.elements.map(\.kind) == [.number, .string])
            #expect(String(decoding: bytes[root.members[0].keyRange], as: UTF8.self) == #""a""#)
            #expect(root.member("b")?.members.isEmpty == true)
        }

        @Test("malformed documents are refused with the offset and reason", arguments: [
            ("", 0, "empty input"),
            ("  \n", 3, "only white space"),
            ("{} x", 3, "unexpected 'x' after the JSON value"),
            ("{}{}", 2, "unexpected '{' after the JSON value"),
            (#"{"a":1,}"#, 7, "expected a string key, found '}'"),
            ("[1,]", 3, "expected a value, found ']'"),
            (#"{"a" 1}"#, 5, "expected ':' after an object key, found '1'"),
            (#"{"a":1 "b":2}"#, 7, "expected ',' or '}' after an object member, found '\"'"),
            ("[1 2]", 3, "expected ',' or ']' after an array element, found '2'"),
            (#"{'a':1}"#, 1, "expected a string key, found '''"),
            ("01", 0, "a number cannot start with 0 followed by digits"),
            ("-", 1, "unexpected end of input, expected a digit"),
            ("1.", 2, "unexpected end of input, expected a digit after '.'"),
            ("1e+", 3, "unexpected end of input, expected a digit after an exponent"),
            (".5", 0, "expected a value, found '.'"),
            ("+1", 0, "expected a value, found '+'"),
            ("NaN", 0, "expected a value, found 'N'"),
            ("tru", 3, "unexpected end of input, expected true"),
            ("nul1", 3, "expected null, found '1'"),
            (#"{"a":1}/"#, 7, "unexpected '/' after the JSON value"),
            (#""abc"#, 0, "unterminated string"),
            (#""a\x""#, 2, #"invalid escape \x"#),
            (#""\u12G4""#, 1, #"\u must be followed by four hex digits"#),
            (#"{"a":1,"a":2}"#, 7, #"duplicate key "a""#),
            (#"{"a":1,"\u0061":2}"#, 7, #"duplicate key "a""#),
            ("[1e400]", 1, "number out of range"),
            ("-1.5E+309", 0, "number out of range"),
            (String(repeating: "9", count: 400), 0, "number out of range"),
        ] as [(String, Int, String)])
        func malformed(text: String, offset: Int, reason: String) {
            #expect(syntaxError(text) == JSONSyntaxError(offset: offset, reason: reason))
        }

        @Test("a raw control character inside a string must be escaped")
        func controlCharacter() {
            #expect(syntaxError("\"a\tb\"") == JSONSyntaxError(offset: 2, reason: "byte 0x09 in a string must be escaped"))
            #expect(syntaxError("\"a\u{0}b\"")?.offset == 2)
        }

        @Test("lone surrogates are refused; pairs are accepted", arguments: [
            (#""\uD800""#, 1), (#""\uDBFF\u0041""#, 1), (#""\uDC00""#, 1), (#""a\uDFFF\uD800""#, 2),
            (#""\uD83D\uD83D""#, 1),
        ] as [(String, Int)])
        func loneSurrogates(text: String, offset: Int) throws {
            let error = try #require(syntaxError(text))
            #expect(error.offset == offset)
            #expect(error.reason.hasPrefix("lone surrogate"))
        }

        @Test("invalid UTF-8 is refused wherever it is", arguments: [
            [0x22, 0xC3, 0x28, 0x22],             // bad continuation
            [0x22, 0xC0, 0x80, 0x22],             // overlong NUL
            [0x22, 0xE0, 0x80, 0x80, 0x22],       // overlong three-byte
            [0x22, 0xED, 0xA0, 0x80, 0x22],       // an encoded surrogate
            [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], // above U+10FFFF
            [0x22, 0xF5, 0x80, 0x80, 0x80, 0x22], // no such lead byte
            [0x22, 0xE2, 0x82],                   // cut short at the end
            [0x22, 0x80, 0x22],                   // a lone continuation byte
        ] as [[UInt8]])
        func invalidUTF8(bytes: [UInt8]) throws {
            let error = try #require(syntaxError(bytes))
            #expect(error.offset == 1)
            #expect(error.reason.hasPrefix("invalid UTF-8"))
        }

        @Test("non-ASCII outside a string and a byte order mark are refused")
        func strayBytes() {
            #expect(syntaxError([0x5B, 0xC3, 0xA9, 0x5D]) == JSONSyntaxError(offset: 1, reason: "expected a value, found byte 0xC3"))
            #expect(syntaxError([0xEF, 0xBB, 0xBF, 0x7B, 0x7D]) == JSONSyntaxError(offset: 0, reason: "a byte order mark is not allowed"))
        }

        @Test("valid multi-byte UTF-8 passes through unchanged")
        func validUTF8() throws {
            let text = #"["é", "€", "😀", "\#u{10FFFF}"]"#
            let bytes = Array(text.utf8)
            let root = try JSONScanner.scan(bytes)
            #expect(root.elements.compactMap { $0.string(in: bytes) } == ["é", "€", "😀", "\u{10FFFF}"])
        }

        @Test("nesting: 128 levels scan, 129 and 200 are refused")
        func depthLimit() throws {
            #expect(JSONScanner.maximumDepth == 128)
            _ = try JSONScanner.scan(nestedArrays(128))
            #expect(syntaxError(nestedArrays(129)) == JSONSyntaxError(offset: 128, reason: "nesting deeper than 128 levels"))
            #expect(syntaxError(nestedArrays(200))?.reason == "nesting deeper than 128 levels")
            let objects = Array((String(repeating: #"{"a":"#, count: 129) + "1" + String(repeating: "}", count: 129)).utf8)
            #expect(syntaxError(objects)?.reason == "nesting deeper than 128 levels")
        }

        @Test("numbers just inside Double's range scan")
        func largeNumbers() throws {
            _ = try JSONScanner.scan(Array("[1.7976931348623157e308, -1e-400, 0e999999]".utf8))
            _ = try JSONScanner.scan(Array(String(repeating: "9", count: 300).utf8))
        }

        @Test("the depth limit can be lowered")
        func customDepth() throws {
            _ = try JSONScanner.scan(nestedArrays(3), maximumDepth: 3)
            #expect(syntaxError(nestedArrays(4), maximumDepth: 3)?.reason == "nesting deeper than 3 levels")
        }

        @Test("an object of many keys is checked for duplicates in linear time, and refused on one")
        func manyKeys() throws {
            let members = (0..<20_000).map { #""k\#($0)":\#($0)"# }
            let body = "{" + members.joined(separator: ",") + "}"
            let root = try JSONScanner.scan(Array(body.utf8))
            #expect(root.members.count == 20_000)
            let duplicated = "{" + (members + [#""k19999":0"#]).joined(separator: ",") + "}"
            #expect(syntaxError(duplicated)?.reason == #"duplicate key "k19999""#)
        }
    }
}

private extension String {
    var trimmingJSONWhitespace: String {
        let blanks: Set<Character> = [" ", "\t", "\n", "\r", "\r\n"]
        return String(drop { blanks.contains($0) }.reversed().drop { blanks.contains($0) }.reversed())
    }
}
