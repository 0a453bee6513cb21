import Foundation
import HookdCore
import Testing

@Suite("JSON text")
struct JSONTextTests {
    @Test("strings are quoted, with quotes, backslashes and control characters escaped and everything else kept", arguments: [
        ("evt_1", #""evt_1""#),
        ("", #""""#),
        (#"say "hi"\now"#, #""say \"hi\"\\now""#),
        ("a\nb\rc\td", #""a\nb\rc\td""#),
        ("\u{01}\u{1F}", #""\u0001\u001f""#),
        ("café ☕ 𝄞", #""café ☕ 𝄞""#),
    ])
    func escapes(value: String, expected: String) throws {
        #expect(JSONText.string(value) == expected)
        // Independent check: Foundation's parser reads the literal back as the original.
        let parsed = try JSONSerialization.jsonObject(with: Data("[\(JSONText.string(value))]".utf8)) as? [String]
        #expect(parsed == [value])
    }
}
