import Foundation
import HookdCore
import LuaRuntime
import Testing

/// A temporary rules/ directory with the given files (path relative to it -> source).
func rulesDirectory(_ files: [String: String]) throws -> String {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("hookd-rules-\(UUID().uuidString)")
    for (path, source) in files {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try source.write(to: url, atomically: true, encoding: .utf8)
    }
    return root.path
}

func loadRules(_ files: [String: String]) throws -> RuleSet {
    try RuleSet(directory: RuleDirectory(path: try rulesDirectory(files)))
}

@Suite("Rule sets and matching")
struct RuleSetTests {
    static let files = [
        "exact.lua": "return { on = { source = 'passage', type = 'Connection.Updated', status = 'data_available' }, handle = function() end }",
        "prefix.lua": "return { name = 'users', on = { source = 'passport', type = 'user.*' }, handle = function() end }",
        "lists.lua": "return { on = { source = { 'a', 'b' }, status = { 'x', 'y' } }, handle = function() end }",
        "any.lua": "return { on = {}, handle = function() end }",
        "several.lua": "return { on = { { source = 'a', type = 't1' }, { type = 't2' } }, handle = function() end }",
        "_disabled.lua": "this is not lua",
        ".hidden.lua": "neither is this",
        "lib/helper.lua": "return { twice = function(x) return x * 2 end }",
        "README.md": "not a rule",
    ]

    @Test("the source-and-type index finds exactly the rules that a look at every rule finds")
    func indexAgreesWithEveryRule() throws {
        var files = Self.files.filter { $0.key.hasSuffix(".lua") && !$0.key.hasPrefix("_") && !$0.key.hasPrefix(".") && !$0.key.hasPrefix("lib/") }
        files["types.lua"] = "return { on = { { source = { 'a', 'passport' }, type = { 't1', 'user.create' } }, { source = 'b*', type = 't3' } }, handle = function() end }"
        files["mixed.lua"] = "return { on = { type = { 't1', 'user.*' }, status = 'x' }, handle = function() end }"
        let set = try loadRules(files)
        for source in ["a", "b", "bb", "passage", "passport", "zzz"] {
            for type in ["t1", "t2", "t3", "user.create", "user.delete", "Connection.Updated", "other"] {
                for status in [nil, "x", "y", "data_available"] as [String?] {
                    let everyRule = set.rules.filter { $0.matches(source: source, type: type, status: status) }.map(\.name)
                    #expect(set.match(source: source, type: type, status: status).map(\.name) == everyRule,
                            "\(source) \(type) \(status ?? "nil")")
                }
            }
        }
    }

    @Test("rules load with their names, files and triggers; _ and . files and lib/ are not rules")
    func loads() throws {
        let set = try loadRules(Self.files)
        #expect(set.rules.map(\.name).sorted() == ["any", "exact", "lists", "several", "users"])
        #expect(set.rule(named: "users")?.file.hasSuffix("/prefix.lua") == true)
        #expect(set.program.modules.keys.sorted() == ["helper"])
    }

    @Test("matching: exact, prefix, lists, missing fields, several on tables", arguments: [
        ("passage", "Connection.Updated", "data_available", ["any", "exact"]),
        ("passage", "Connection.Updated", "pending", ["any"]),
        ("passport", "user.delete", nil, ["any", "users"]),
        ("passport", "usera", nil, ["any"]),
        ("b", "whatever", "y", ["any", "lists"]),
        ("b", "whatever", nil, ["any"]),
        ("a", "t1", nil, ["any", "several"]),
        ("zzz", "t2", nil, ["any", "several"]),
        ("a", "t3", nil, ["any"]),
    ] as [(String, String, String?, [String])])
    func matching(source: String, type: String, status: String?, expected: [String]) throws {
        let set = try loadRules(Self.files)
        #expect(set.match(source: source, type: type, status: status).map(\.name).sorted() == expected)
    }

    @Test("when narrows a match, run under the limits with no host calls")
    func when() throws {
        let set = try loadRules(["big.lua": "return { on = {}, when = function(e) return e.data.amount > 10 end, handle = function() end }"])
        let rule = try #require(set.rules.first)
        #expect(rule.hasWhen)
        let worker = try LuaWorker(program: set.program)
        let yes = worker.run(rule: rule.index, mode: .when, eventJSON: Array(#"{"data":{"amount":11}}"#.utf8), limits: .defaults) { _ in .failure("no") }
        let no = worker.run(rule: rule.index, mode: .when, eventJSON: Array(#"{"data":{"amount":2}}"#.utf8), limits: .defaults) { _ in .failure("no") }
        #expect(yes.value == "true")
        #expect(no.value == "false")
    }

    @Test("the match is decided at receipt only when no matching rule has when")
    func decidedAtReceipt() throws {
        let set = try loadRules([
            "plain.lua": #"return { on = { source = "stripe", type = "invoice.*" }, handle = function() end }"#,
            "also.lua": #"return { on = { source = "stripe" }, handle = function() end }"#,
            "guarded.lua": #"return { on = { source = "stripe", type = "charge.*" }, when = function(e) return true end, handle = function() end }"#,
        ])
        #expect(set.matchDecidedAtReceipt(source: "stripe", type: "invoice.paid", status: nil)?.sorted() == ["also", "plain"])
        #expect(set.matchDecidedAtReceipt(source: "github", type: "push", status: nil) == [])
        #expect(set.matchDecidedAtReceipt(source: "stripe", type: "charge.failed", status: nil) == nil)
    }

    @Test("require loads a lib module")
    func requireLib() throws {
        let set = try loadRules(["uses.lua": "local h = require('helper')\nreturn { on = {}, handle = function(e) log.info(tostring(h.twice(21))) end }",
                                 "lib/helper.lua": "return { twice = function(x) return x * 2 end }"])
        let worker = try LuaWorker(program: set.program)
        let result = worker.run(rule: 0, eventJSON: Array("{}".utf8), limits: .defaults) { _ in .failure("no") }
        #expect(result.logs.map(\.message) == ["42"])
    }

    @Test("malformed rule files are refused with their file name", arguments: [
        ("return {", "bad.lua:1:"),
        ("return 5", "must return a rule table"),
        ("return { on = {} }", "'handle' must be a function"),
        ("return { on = { sorce = 'x' }, handle = function() end }", "did you mean 'source'"),
        ("while true do end", "instruction limit"),
        ("http.get('https://example.com/')\nreturn { on = {}, handle = function() end }", "not allowed here"),
    ])
    func malformed(source: String, words: String) throws {
        do {
            _ = try loadRules(["bad.lua": source])
            Issue.record("expected \(words)")
        } catch let error as RuleLoadError {
            #expect(error.file.hasSuffix("/bad.lua"))
            #expect(error.description.contains("bad.lua"), "\(error)")
            #expect(error.description.contains(words), "\(error)")
        }
    }

    @Test("two rules with one name are refused")
    func duplicateNames() throws {
        do {
            _ = try loadRules(["a.lua": "return { name = 'same', on = {}, handle = function() end }",
                               "b.lua": "return { name = 'same', on = {}, handle = function() end }"])
            Issue.record("expected a duplicate-name error")
        } catch let error as RuleLoadError {
            #expect(error.description.contains("rule name 'same' is already used by"), "\(error)")
        }
    }

    @Test("a missing rules directory is a clear error")
    func missingDirectory() {
        #expect(throws: RuleLoadError.self) { try RuleDirectory(path: "/nonexistent/hookd/rules") }
    }
}
