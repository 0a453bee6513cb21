import LuaRuntime
import Testing

/// The describe run: a rule file's top level runs, and its table is checked and described.
@Suite("Rule tables")
struct DescribeTests {
    func describe(_ source: String) throws -> RunResult {
        try makeWorker([source]).run(rule: 0, mode: .describe, eventJSON: [], limits: .defaults, answer: ok200)
    }

    @Test("a rule is described with its name, on patterns and when")
    func describesRule() throws {
        let result = try describe("""
            return { name = "fetch", on = { source = "passage", type = { "a", "b*" } }, when = function() return true end,
                     handle = function() end }
            """)
        let value = try #require(result.value)
        #expect(value.contains(#""name":"fetch""#))
        #expect(value.contains(#""source":["passage"]"#))
        #expect(value.contains(#""type":["a","b*"]"#))
        #expect(value.contains(#""has_when":true"#))
        #expect(!value.contains("status"))
    }

    @Test("a list of on tables")
    func onList() throws {
        let value = try #require(try describe("return { on = { { source = 'a' }, { status = 'x' } }, handle = function() end }").value)
        #expect(value.contains(#""on":[{"source":["a"]},{"status":["x"]}]"#))
    }

    @Test("malformed rule tables are refused with the file name", arguments: [
        ("return 42", "must return a rule table"),
        ("return nil", "not nothing"),
        ("return { on = {} }", "'handle' must be a function"),
        ("return { handle = function() end }", "'on' is missing"),
        ("return { on = {}, handle = function() end, hanlde = 1 }", "did you mean 'handle'"),
        ("return { on = { sorce = 'x' }, handle = function() end }", "did you mean 'source'"),
        ("return { on = { type = 5 }, handle = function() end }", "on.type must be a string or a list of strings"),
        ("return { on = { type = {} }, handle = function() end }", "on.type is an empty list"),
        ("return { on = {}, when = 'yes', handle = function() end }", "'when' must be a function"),
        ("return { name = '', on = {}, handle = function() end }", "'name' must be a non-empty string"),
        ("error('boom')", "boom"),
    ])
    func malformed(source: String, words: String) throws {
        let failure = try #require(try describe(source).failure)
        #expect(failure.message.contains("rules/r0.lua"), "\(failure.message)")
        #expect(failure.message.contains(words), "\(failure.message)")
    }
}
