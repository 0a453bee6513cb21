import Foundation
import HookdCore
import LuaRuntime
import Testing

/// The dry-run engine on the repository's rules and examples, and on small rule sets written here.
@Suite("dry-run")
struct DryRunTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static func example(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: root.appendingPathComponent("examples/\(name)")))
    }

    /// A rules directory holding `rules` (file name to text), removed after the test.
    static func rules(_ rules: [String: String]) throws -> RuleDirectory {
        let dir = NSTemporaryDirectory() + "hookd-dryrun-" + UUID().uuidString
        for (name, text) in rules {
            let path = dir + "/" + name
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }
        return try RuleDirectory(path: dir)
    }

    static let passage = SourceConfig(name: "passage", path: "/webhooks/passage", provider: .passage,
                                      auth: .header(name: "X-Key", secret: .environment(["K"])))
    static let passfort = SourceConfig(name: "passfort", path: "/webhooks/passfort", provider: .passfort,
                                       auth: .bearer(secret: .environment(["PF"]), bodyField: "secret"))

    func dryRun(source: SourceConfig = passage, directory: RuleDirectory, secrets: [String: String?] = [:],
                mocks: [HTTPMock] = [], mask: SecretMask = .none, body: [UInt8], headers: [(name: String, value: String)] = []) async throws -> DryRunReport {
        let set = try RuleSet(directory: directory, secrets: secrets)
        let pool = try WorkerPool(program: set.program, size: 1)
        defer { pool.close() }
        let run = DryRun(source: source, ruleSet: set, limits: .defaults, host: DryRunHost(mocks: mocks), mask: mask)
        return try await run.run(body: body, headers: headers, pool: pool)
    }

    static var seedRules: RuleDirectory {
        get throws { try RuleDirectory(path: root.appendingPathComponent("rules").path) }
    }

    @Test("Passage example: the seed rule fetches and forwards both resources; nothing is sent")
    func passageExample() async throws {
        let report = try await dryRun(directory: Self.seedRules, secrets: ["PASSAGE_API_KEY": "pk_test_secret"],
                                      body: Self.example("passage/data_available.json"))
        let event = try #require(report.events.first)
        #expect(report.events.count == 1)
        #expect(event.id == "evt_9b1f" && event.type == "Connection.Updated" && event.status == "data_available")
        #expect(event.timestamp == "2025-01-01T12:34:56.000Z")
        #expect(event.rules.map(\.rule) == ["passage-fetch-resources"])
        let run = try #require(event.rules.first)
        #expect(run.outcome == .ok, "\(run.error ?? "")")
        #expect(run.calls.map(\.method) == ["GET", "POST", "GET", "POST"])
        #expect(run.calls.allSatisfy { !$0.sent && !$0.mocked && $0.status == 200 })
        #expect(run.calls.map(\.idempotencyKey) == (1...4).map { "passage:evt_9b1f:passage-fetch-resources:\($0)" })
        #expect(run.logs.map(\.message) == ["forwarded resources"])
        #expect(!report.anyRuleFailed)
        #expect(Set(event.notMatched.map(\.rule)) == ["passport-user-delete", "ethpass-pass-expire", "passfort-product-status"])
        #expect(event.notMatched.first { $0.rule == "passport-user-delete" }?.reason == "source 'passage' is not 'passport'")
    }

    @Test("a mock answering 503 fails the run, and the report says the run failed")
    func mockedFailure() async throws {
        let report = try await dryRun(directory: Self.seedRules, secrets: ["PASSAGE_API_KEY": "k"],
                                      mocks: [HTTPMock(method: "GET", url: "https://api.getpassage.ai/*", status: 503)],
                                      body: Self.example("passage/data_available.json"))
        let run = try #require(report.events.first?.rules.first)
        #expect(run.outcome == .failed)
        #expect(run.error?.contains("fetching trip answered 503") == true, "\(run.error ?? "")")
        #expect(run.calls.count == 1 && run.calls[0].mocked && run.calls[0].status == 503)
        #expect(report.anyRuleFailed)
        #expect(report.text(explain: false).contains("result: FAILED"))
    }

    @Test("secret values never reach the report: logs, URLs and errors show ***")
    func masking() async throws {
        let dir = try Self.rules(["leak.lua": """
            return { on = {}, handle = function(e)
              log.info("key is " .. secret("API_KEY"), { key = secret("API_KEY") })
              http.get("https://a.example/?k=" .. secret("API_KEY"))
              error("failed with " .. secret("API_KEY"))
            end }
            """])
        let report = try await dryRun(directory: dir, secrets: ["API_KEY": "sk_live_0123456789"],
                                      mask: SecretMask(secrets: ["sk_live_0123456789"]),
                                      body: Self.example("passage/data_available.json"))
        let run = try #require(report.events.first?.rules.first)
        let json = report.jsonText()
        #expect(!json.contains("sk_live_0123456789"))
        #expect(!report.text(explain: true).contains("sk_live_0123456789"))
        #expect(run.logs.first?.message == "key is ***")
        #expect(run.logs.first?.fieldsJSON == #"{"key":"***"}"#)
        #expect(run.calls.first?.url == "https://a.example/?k=***")
        #expect(run.error?.hasSuffix("failed with ***") == true, "\(run.error ?? "")")
    }

    @Test("when: false is listed as not matched, an error in when fails the rule")
    func when() async throws {
        let dir = try Self.rules([
            "a-no.lua": "return { on = {}, when = function(e) return e.status == 'other' end, handle = function() end }",
            "b-yes.lua": "return { on = {}, when = function(e) return e.data.connectionId == '123' end, handle = function() skip('nothing to do') end }",
            "c-broken.lua": "return { on = {}, when = function(e) return e.data.missing.field end, handle = function() end }",
        ])
        let report = try await dryRun(directory: dir, body: Self.example("passage/data_available.json"))
        let event = try #require(report.events.first)
        #expect(event.notMatched.map(\.rule) == ["a-no"])
        #expect(event.notMatched.first?.reason == "when returned false")
        #expect(event.rules.map(\.rule) == ["b-yes", "c-broken"])
        #expect(event.rules[0].outcome == .skipped && event.rules[0].skipReason == "nothing to do")
        #expect(event.rules[1].outcome == .failed)
        #expect(event.rules[1].error?.hasPrefix("in when: ") == true, "\(event.rules[1].error ?? "")")
        #expect(event.rules[1].error?.contains("c-broken.lua:1:") == true, "\(event.rules[1].error ?? "")")
    }

    @Test("--explain reasons: the first field that differs, per on table")
    func explain() async throws {
        let dir = try Self.rules([
            "status.lua": "return { on = { source = 'passage', status = { 'pending', 'x*' } }, handle = function() end }",
            "two.lua": "return { on = { { type = 'user.*' }, { source = 'github' } }, handle = function() end }",
        ])
        let report = try await dryRun(directory: dir, body: Self.example("passage/data_available.json"))
        let reasons = Dictionary(uniqueKeysWithValues: try #require(report.events.first).notMatched.map { ($0.rule, $0.reason) })
        #expect(reasons["status"] == "status 'data_available' is not 'pending' or 'x*'")
        #expect(reasons["two"] == "on[1]: type 'Connection.Updated' is not 'user.*'; on[2]: source 'passage' is not 'github'")
    }

    @Test("a PassFort batch of 3 runs 3 events, and the body_field secret is gone from what rules see")
    func passfortBatch() async throws {
        let element = String(decoding: try Self.example("passfort/product_status_changed.json"), as: UTF8.self)
        let batch = "[" + (1...3).map { element.replacingOccurrences(of: "33bae6b8-5689-b96b-143c-06e93ab8527e", with: "evt-\($0)") }
            .joined(separator: ",") + "]"
        let dir = try Self.rules(["check.lua": """
            return { on = { source = 'passfort' }, handle = function(e)
              if e.payload.secret ~= nil then error('the secret reached the rule') end
              log.info(e.id)
            end }
            """])
        let report = try await dryRun(source: Self.passfort, directory: dir, body: Array(batch.utf8))
        #expect(report.events.map(\.id) == ["evt-1", "evt-2", "evt-3"])
        #expect(report.events.allSatisfy { $0.rules.first?.outcome == .ok })
        #expect(report.events.compactMap { $0.rules.first?.logs.first?.message } == ["evt-1", "evt-2", "evt-3"])
    }

    @Test("a fixture the source would refuse is an error with the 400 code and reason")
    func refusedFixture() async throws {
        await #expect(throws: DryRunError.self) {
            _ = try await dryRun(directory: try Self.seedRules, body: Array(#"{"type":"Connection.Updated","data":{}}"#.utf8))
        }
        do {
            _ = try await dryRun(directory: try Self.seedRules, body: Array("not json".utf8))
        } catch let error as DryRunError {
            #expect(error.description.contains("400 invalid_json"), "\(error)")
        }
    }

    @Test("--rule: only the chosen files run; a file outside the directory is loaded with lib modules")
    func selection() async throws {
        let dir = try Self.rules([
            "one.lua": "return { on = {}, handle = function() log.info('one') end }",
            "two.lua": "return { on = {}, handle = function() log.info(require('greet').hello) end }",
            "lib/greet.lua": "return { hello = 'hi from lib' }",
        ])
        let outside = NSTemporaryDirectory() + "hookd-outside-\(UUID().uuidString).lua"
        try "return { name = 'draft', on = {}, handle = function() log.info(require('greet').hello .. ' (draft)') end }"
            .write(toFile: outside, atomically: true, encoding: .utf8)
        let selected = try dir.selecting(files: [dir.path + "/two.lua", outside])
        let report = try await dryRun(directory: selected, body: Self.example("passage/data_available.json"))
        let runs = try #require(report.events.first).rules
        #expect(runs.map(\.rule) == ["two", "draft"])
        #expect(runs.map { $0.logs.first?.message } == ["hi from lib", "hi from lib (draft)"])
        #expect(throws: RuleLoadError.self) { try dir.selecting(files: ["/nonexistent/rule.lua"]) }
    }
}
