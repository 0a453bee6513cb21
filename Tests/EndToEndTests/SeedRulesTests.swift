import Foundation
import Testing

/// The repository's seed rules in `hookd serve`, driven by each provider's example (signed by
/// `hookd send`), against a mock downstream over real HTTP: each makes exactly the calls its
/// dry-run golden file lists (method, path, Idempotency-Key), with the bodies the rule builds.
@Suite("seed rules in the daemon", .serialized)
struct SeedRulesTests {
    static let root = HookdProcess.repositoryRoot

    /// (fixture, source, golden file). user_create is left out: it shares user_delete's event id.
    static let examples = DryRunCommandTests.examples.filter { !$0.0.hasSuffix("user_create.json") }.map { ($0.0, $0.1, $0.2) }

    static func config(downstream: Int) -> String {
        """
        server:
          listen: 127.0.0.1:0
        admin:
          listen: 127.0.0.1:0
        store: sqlite:data/hookd.sqlite
        rules: rules/
        secrets: [PASSAGE_API_KEY]
        pid_file: data/hookd.pid
        retry: { max_attempts: 3, backoff: 100ms, max_backoff: 200ms }
        outbound:
          allow: ["127.0.0.1:\(downstream)"]
        sources:
          - name: passage
            path: /webhooks/passage
            provider: passage
            auth: { scheme: jwt, header: X-Passage-Signature, algorithm: ES256, public_key_file: keys/passage.pem,
                    signing_key_file: keys/passage-signing.pem }
          - name: passport
            path: /webhooks/passport
            provider: passport
            auth: { scheme: header, header: Authorization, secret_env: PASSPORT_API_KEY }
          - name: ethpass
            path: /webhooks/ethpass
            provider: ethpass
            auth: { scheme: header, header: Authorization, secret_env: ETHPASS_SECRET }
          - name: passfort
            path: /webhooks/passfort
            provider: passfort
            auth: { scheme: bearer, secret_env: PASSFORT_SECRET, body_field: secret }
            order_by: data.profile_id
        """
    }

    /// The repository's files with the production hosts pointed at the mock downstream.
    static func project(downstream: Int) throws -> ScratchProject {
        let base = "http://127.0.0.1:\(downstream)"
        var files = ["hookd.yaml": config(downstream: downstream)]
        func read(_ path: String) throws -> String {
            try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
        }
        for rule in try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("rules").path) where rule.hasSuffix(".lua") {
            files["rules/" + rule] = try read("rules/" + rule).replacingOccurrences(of: "http://127.0.0.1:9000", with: base)
        }
        for (fixture, _, _) in examples {
            files[fixture] = try read(fixture).replacingOccurrences(of: "https://api.getpassage.ai", with: base)
        }
        files["keys/passage.pem"] = try read("examples/keys/passage.pem")
        files["keys/passage-signing.pem"] = try read("examples/keys/passage-signing.pem")
        return try ScratchProject(files: files)
    }

    /// (method, path, Idempotency-Key) of every call the golden file lists, by event id.
    static func expectedCalls(golden: String, downstream: Int) throws -> [String: [String]] {
        let data = try Data(contentsOf: root.appendingPathComponent("Tests/EndToEndTests/Golden/" + golden))
        let report = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        var calls: [String: [String]] = [:]
        for event in report["events"] as? [[String: Any]] ?? [] {
            let id = try #require(event["id"] as? String)
            for rule in event["rules"] as? [[String: Any]] ?? [] {
                for call in rule["calls"] as? [[String: Any]] ?? [] {
                    let text = try #require(call["url"] as? String)
                    let url = try #require(URL(string: text))
                    calls[id, default: []].append("\(call["method"] ?? "?") \(url.path) \(call["idempotency_key"] ?? "?")")
                }
            }
            if calls[id] == nil { calls[id] = [] }
        }
        return calls
    }

    @Test("every seed rule, driven by its provider's example, makes exactly the expected calls")
    func seedRules() async throws {
        let downstream = try MockDownstream()
        defer { downstream.stop() }
        let project = try Self.project(downstream: downstream.port)
        defer { project.remove() }
        let serve = try ServeProcess(in: project.directory)
        defer { serve.kill(SIGTERM); _ = serve.wait() }

        var expected: [String: [String]] = [:]
        for (fixture, source, golden) in Self.examples {
            let sent = try HookdProcess.run(["send", fixture, "--source", source, "--to", "http://127.0.0.1:\(serve.port)/webhooks/\(source)"],
                                            in: project.directory, environment: HookdProcess.developmentEnvironment)
            #expect(sent.status == 0, "\(fixture): \(sent.output)")
            expected.merge(try Self.expectedCalls(golden: golden, downstream: downstream.port)) { $0 + $1 }
        }

        // Every event ends done (or skipped, which is done too).
        let deadline = Date().addingTimeInterval(20)
        var events: [[String: Any]] = []
        while Date() < deadline {
            let listed = try HookdProcess.run(["events", "list", "--format", "json", "--limit", "100"], in: project.directory,
                                              environment: nil, separateStandardError: true)
            events = (try? JSONSerialization.jsonObject(with: Data(listed.output.utf8)) as? [String: Any])?["events"] as? [[String: Any]] ?? []
            if events.count == expected.count, events.allSatisfy({ $0["state"] as? String == "done" }) { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(events.count == expected.count)
        #expect(events.allSatisfy { $0["state"] as? String == "done" }, "\(events)")

        let recorded = try await downstream.requests()
        var actual: [String: [String]] = [:]
        for request in recorded {
            let key = request["idempotency_key"] as? String ?? "-"
            // <source>:<event id>:<rule>:<n>
            let id = key.split(separator: ":").dropFirst().first.map(String.init) ?? "-"
            actual[id, default: []].append("\(request["method"] ?? "?") \(request["path"] ?? "?") \(key)")
        }
        for (id, calls) in expected {
            #expect(actual[id] ?? [] == calls, "event \(id)")
        }
        #expect(Set(actual.keys).isSubset(of: Set(expected.keys)), "calls for unexpected events: \(actual.keys)")

        // What the rules put in the bodies and headers.
        let cleanup = try #require(recorded.first { ($0["path"] as? String)?.hasPrefix("/cleanup/users/") == true })
        let cleanupBody = try #require(try JSONSerialization.jsonObject(with: Data((cleanup["body"] as? String ?? "").utf8)) as? [String: Any])
        #expect(cleanup["path"] as? String == "/cleanup/users/\(cleanupBody["user_id"] as? String ?? "?")")
        #expect(cleanupBody["event_id"] as? String == "e502168a-b469-45d9-a079-fd45f83e0406")
        let fetch = try #require(recorded.first { ($0["path"] as? String)?.hasPrefix("/connections/") == true })
        #expect(fetch["authorization"] as? String == "Bearer pk_dev_passage_0000")
        let ingest = try #require(recorded.first { ($0["path"] as? String) == "/ingest/trip" })
        let ingestBody = try #require(try JSONSerialization.jsonObject(with: Data((ingest["body"] as? String ?? "").utf8)) as? [String: Any])
        #expect(ingestBody["event_id"] as? String == "evt_9b1f")
        #expect((ingestBody["data"] as? [String: Any])?["path"] as? String == "/connections/123/resources/trip")
        // The secret travelled to the downstream but is not in the daemon's log.
        #expect(!serve.log.contains("pk_dev_passage_0000"))
    }
}
