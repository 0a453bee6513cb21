import Foundation
import HookdCore
import HookdSQLite
import Testing

/// `hookd dry-run` as a user runs it: the repository's hookd.yaml, rules and examples, and scratch
/// projects for the failure cases.
@Suite("hookd dry-run")
struct DryRunCommandTests {
    static let root = HookdProcess.repositoryRoot

    /// (fixture, source, golden file, exit status) for every example of the repository.
    static let examples: [(String, String, String, Int32)] = [
        ("examples/passage/data_available.json", "passage", "passage_data_available.json", 0),
        ("examples/passage/data_partially_available.json", "passage", "passage_data_partially_available.json", 0),
        ("examples/passage/nothing_ready.json", "passage", "passage_nothing_ready.json", 0),
        ("examples/passage/connected.json", "passage", "passage_connected.json", 0),
        ("examples/passport/user_delete.json", "passport", "passport_user_delete.json", 0),
        ("examples/passport/user_create.json", "passport", "passport_user_create.json", 0),
        ("examples/ethpass/pass_expire.json", "ethpass", "ethpass_pass_expire.json", 0),
        ("examples/passfort/product_status_changed.json", "passfort", "passfort_product_status_changed.json", 0),
        ("examples/passfort/batch_of_3.json", "passfort", "passfort_batch_of_3.json", 0),
    ]

    func dryRun(_ arguments: [String], in directory: URL = root) throws -> (status: Int32, output: String, errors: String) {
        try HookdProcess.run(["dry-run"] + arguments, in: directory, environment: HookdProcess.developmentEnvironment,
                             separateStandardError: true)
    }

    @Test("every example's --format json output is its golden file", arguments: 0..<examples.count)
    func golden(_ index: Int) throws {
        let (fixture, source, golden, expectedStatus) = Self.examples[index]
        let (status, output, errors) = try dryRun([fixture, "--source", source, "--format", "json", "--explain"])
        #expect(status == expectedStatus, "\(errors)")
        let expected = try String(contentsOf: Self.root.appendingPathComponent("Tests/EndToEndTests/Golden/\(golden)"), encoding: .utf8)
        #expect(output == expected, "scripts/update-golden.sh rewrites the golden files; review the diff")
    }

    @Test("the text output shows the event, each rule, each call with its answer, the logs and the result")
    func textOutput() throws {
        let (status, output, _) = try dryRun(["examples/passage/data_available.json", "--source", "passage"])
        #expect(status == 0)
        #expect(output.contains("event evt_9b1f  source passage  type Connection.Updated  status data_available"), "\(output)")
        #expect(output.contains("rule passage-fetch-resources (rules/passage-fetch-resources.lua): ok"), "\(output)")
        #expect(output.contains("GET  https://api.getpassage.ai/connections/123/resources/trip -> 200 (not sent)"), "\(output)")
        #expect(output.contains("POST http://127.0.0.1:9000/ingest/account_info -> 200 (not sent)"), "\(output)")
        #expect(output.contains(#"log info: forwarded resources {"connection_id":"123","count":2}"#), "\(output)")
        #expect(output.contains("result: ok (1 event, 1 run: 1 ok, 0 skipped, 0 failed)"), "\(output)")
        #expect(output.contains("3 rules not matched; --explain says why"), "\(output)")
    }

    @Test("a failing mock makes the run fail: exit 1, the error and the mocked call in the output")
    func failingMock() throws {
        let (status, output, _) = try dryRun(["examples/passage/data_available.json", "--source", "passage", "--format", "json",
                                              "--mock", "GET https://api.getpassage.ai/connections/123/resources/trip=502"])
        #expect(status == 1)
        let json = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any]
        let events = try #require(json?["events"] as? [[String: Any]])
        let rule = try #require((events.first?["rules"] as? [[String: Any]])?.first)
        #expect(rule["outcome"] as? String == "failed")
        #expect((rule["error"] as? String)?.contains("rules/passage-fetch-resources.lua:14: fetching trip answered 502") == true, "\(rule)")
        let calls = try #require(rule["calls"] as? [[String: Any]])
        #expect(calls.count == 1)
        #expect(calls[0]["status"] as? Int == 502 && calls[0]["mocked"] as? Bool == true && calls[0]["sent"] as? Bool == false)
    }

    @Test("a file mock's JSON reaches the rule as res.json")
    func fileMock() throws {
        let project = try ScratchProject(files: [
            "hookd.yaml": Self.scratchConfig,
            "rules/echo.lua": """
                return { on = {}, handle = function(e)
                  local res = http.get("https://api.example.com/thing")
                  log.info("got", { answer = res.json.answer, status = res.status })
                end }
                """,
            "thing.json": #"{"answer": 42}"#,
            "fixture.json": #"{"id": "evt_1", "type": "t", "data": {}}"#,
        ])
        defer { project.remove() }
        let (status, output, errors) = try dryRun(["fixture.json", "--source", "hooks", "--mock", "GET https://api.example.com/thing=@thing.json"],
                                                  in: project.directory)
        #expect(status == 0, "\(errors)")
        #expect(output.contains(#"GET https://api.example.com/thing -> 200 (mock)"#), "\(output)")
        #expect(output.contains(#"log info: got {"answer":42,"status":200}"#), "\(output)")
    }

    /// A generic source and no secrets: the scratch projects' hookd.yaml.
    static let scratchConfig = """
        rules: rules/
        secrets: [SCRATCH_API_KEY]
        sources:
          - name: hooks
            path: /hooks
            provider: generic
            id_from: id
            type_from: type
            data_from: data
            auth: { scheme: header, header: X-Key, secret_env: SCRATCH_SOURCE_KEY }
        """

    @Test("usage and configuration errors exit 2 with a clear message", arguments: [
        (["examples/passage/data_available.json"], "--source NAME is required"),
        (["examples/passage/data_available.json", "--source", "nope"], "no source named 'nope'"),
        (["examples/missing.json", "--source", "passage"], "cannot read the fixture examples/missing.json"),
        (["examples/passage/data_available.json", "--source", "passage", "--mock", "GET nowhere"], "expected 'METHOD URL=@FILE'"),
        (["examples/passage/data_available.json", "--source", "passage", "--format", "xml"], "xml"),
        (["examples/passage/data_available.json", "--source", "passage", "--header", "no colon"], "expected 'Name: value'"),
        (["examples/passage/data_available.json", "--source", "passage", "--rule", "rules/nope.lua"], "rules/nope.lua: cannot read the rule file"),
        (["--event", "evt_1", "examples/passage/data_available.json"], "give a FIXTURE or --event ID, not both"),
        (["examples/passport/user_delete.json", "--source", "passage"], "would refuse this fixture with 400 invalid_payload: missing field id"),
        (["examples/passage/data_available.json", "--source", "passage", "--config", "missing.yaml"], "missing.yaml"),
    ])
    func usageErrors(_ arguments: [String], _ message: String) throws {
        let (status, output, errors) = try dryRun(arguments)
        #expect(status == 2, "\(output)\(errors)")
        #expect(errors.contains(message), "\(errors)")
        #expect(output.isEmpty)
    }

    @Test("--rule limits the run to that file")
    func ruleFilter() throws {
        let (status, output, _) = try dryRun(["examples/passage/data_available.json", "--source", "passage", "--format", "json",
                                              "--rule", "rules/passport-user-delete.lua", "--explain"])
        #expect(status == 0)
        #expect(!output.contains("passage-fetch-resources"), "\(output)")
        #expect(output.contains(#""reason" : "source 'passage' is not 'passport'""#), "\(output)")
    }

    @Test("secrets read by rules are *** in every part of the output")
    func masking() throws {
        let project = try ScratchProject(files: [
            "hookd.yaml": Self.scratchConfig,
            "rules/leak.lua": """
                return { on = {}, handle = function(e)
                  print("the key is " .. secret("SCRATCH_API_KEY"))
                  http.post("https://api.example.com/?key=" .. secret("SCRATCH_API_KEY"), { json = { k = secret("SCRATCH_API_KEY") } })
                  error("giving up on " .. secret("SCRATCH_API_KEY"))
                end }
                """,
            "fixture.json": #"{"id": "evt_1", "type": "t", "data": {}}"#,
        ])
        defer { project.remove() }
        var environment = HookdProcess.developmentEnvironment
        environment["SCRATCH_API_KEY"] = "sk_live_very_secret_value"
        for format in ["text", "json"] {
            let result = try HookdProcess.run(["dry-run", "fixture.json", "--source", "hooks", "--format", format], in: project.directory,
                                              environment: environment, separateStandardError: true)
            #expect(result.status == 1)
            #expect(!(result.output + result.errors).contains("sk_live_very_secret_value"), "\(result.output)")
            #expect(result.output.contains("the key is ***"), "\(result.output)")
            #expect(result.output.contains("https://api.example.com/?key=***"), "\(result.output)")
            #expect(result.output.contains("giving up on ***"), "\(result.output)")
        }
    }

    @Test("a rule with a syntax error: exit 2 and file:line")
    func syntaxError() throws {
        let project = try ScratchProject(files: [
            "hookd.yaml": Self.scratchConfig,
            "rules/broken.lua": "return {\n  on = {},\n  handle = function(e) if then end,\n}\n",
            "fixture.json": #"{"id": "evt_1", "type": "t", "data": {}}"#,
        ])
        defer { project.remove() }
        let (status, _, errors) = try dryRun(["fixture.json", "--source", "hooks"], in: project.directory)
        #expect(status == 2)
        #expect(errors.contains("rules/broken.lua:3:"), "\(errors)")
    }

    @Test("--header reaches event.headers; credential headers never do")
    func headers() throws {
        let project = try ScratchProject(files: [
            "hookd.yaml": Self.scratchConfig,
            "rules/headers.lua": """
                return { on = {}, handle = function(e)
                  log.info(e.headers["x-request-id"] .. " " .. tostring(e.headers["x-key"]) .. " " .. tostring(e.headers["authorization"]))
                end }
                """,
            "fixture.json": #"{"id": "evt_1", "type": "t", "data": {}}"#,
        ])
        defer { project.remove() }
        let (status, output, errors) = try dryRun(["fixture.json", "--source", "hooks", "--header", "X-Request-Id: r-42",
                                                   "--header", "X-Key: k", "--header", "Authorization: Bearer t"], in: project.directory)
        #expect(status == 0, "\(errors)")
        #expect(output.contains("log info: r-42 nil nil"), "\(output)")
    }

    @Test("--live sends to an allowed host, and refuses loopback without outbound.allow")
    func live() throws {
        let downstream = try MockDownstream()
        defer { downstream.stop() }
        let rule = """
            return { on = {}, handle = function(e)
              local res = http.post("http://127.0.0.1:\(downstream.port)/ingest", { json = { id = e.id } })
              log.info(res.json.path .. " " .. res.json.idempotency_key)
            end }
            """
        let allowed = try ScratchProject(files: [
            "hookd.yaml": Self.scratchConfig + "\noutbound:\n  allow: [\"127.0.0.1:\(downstream.port)\"]\n",
            "rules/send.lua": rule, "fixture.json": #"{"id": "evt_1", "type": "t", "data": {}}"#,
        ])
        defer { allowed.remove() }
        let sent = try dryRun(["fixture.json", "--source", "hooks", "--live"], in: allowed.directory)
        #expect(sent.status == 0, "\(sent.output)\(sent.errors)")
        #expect(sent.output.contains("http://127.0.0.1:\(downstream.port)/ingest -> 200 (sent)"), "\(sent.output)")
        #expect(sent.output.contains("log info: /ingest hooks:evt_1:send:1"), "\(sent.output)")

        let guarded = try ScratchProject(files: [
            "hookd.yaml": Self.scratchConfig, "rules/send.lua": rule, "fixture.json": #"{"id": "evt_1", "type": "t", "data": {}}"#,
        ])
        defer { guarded.remove() }
        let refused = try dryRun(["fixture.json", "--source", "hooks", "--live"], in: guarded.directory)
        #expect(refused.status == 1, "\(refused.output)")
        #expect(refused.output.contains("which is not a public address"), "\(refused.output)")
        // A refused call never left the machine, so it is not listed as sent.
        #expect(refused.output.contains("(not sent)") && !refused.output.contains("(sent)"), "\(refused.output)")
    }

    @Test("--event runs the rules on a stored event, with its stored headers; unknown ids exit 2")
    func storedEvent() async throws {
        let project = try ScratchProject(files: [
            "hookd.yaml": Self.scratchConfig + "\nstore: sqlite:data/hookd.sqlite\n",
            "rules/show.lua": "return { on = { type = 't' }, handle = function(e) log.info(e.id .. ' ' .. e.headers['x-request-id'] .. ' ' .. tostring(e.headers['x-key'])) end }",
        ])
        defer { project.remove() }
        let noStore = try dryRun(["--event", "evt_stored"], in: project.directory)
        #expect(noStore.status == 2 && noStore.errors.contains("no store at"), "\(noStore.errors)")
        let store = try SQLiteStore(path: project.directory.appendingPathComponent("data/hookd.sqlite").path)
        let payload = Array(#"{"id": "evt_stored", "type": "t", "data": {"n": 1}}"#.utf8)
        _ = try await store.accept([IncomingEvent(
            source: "hooks", id: "evt_stored", type: "t", payload: payload, dataPath: ["data"], receivedAt: Date(),
            request: RawRequest(body: payload, headers: [.init(name: "X-Request-Id", value: "r-7"), .init(name: "X-Key", value: "***")]))])
        try await store.close()
        let found = try dryRun(["--event", "evt_stored"], in: project.directory)
        #expect(found.status == 0, "\(found.errors)")
        #expect(found.output.contains("event evt_stored  source hooks  type t"), "\(found.output)")
        #expect(found.output.contains("log info: evt_stored r-7 nil"), "\(found.output)")
        let missing = try dryRun(["--event", "nope"], in: project.directory)
        #expect(missing.status == 2 && missing.errors.contains("no stored event nope"), "\(missing.errors)")
    }
}
