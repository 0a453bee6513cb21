import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

/// `hookd events list|show|replay` against the store of a running `hookd serve` (SPEC §6).
@Suite("hookd events", .serialized)
struct EventsCommandTests {
    static func config(downstream: Int) -> String {
        """
        server:
          listen: 127.0.0.1:0
        admin:
          listen: 127.0.0.1:0
        store: sqlite:data/hookd.sqlite
        rules: rules/
        pid_file: data/hookd.pid
        retry: { max_attempts: 2, backoff: 50ms, max_backoff: 100ms }
        outbound:
          allow: ["127.0.0.1:\(downstream)"]
        sources:
          - name: passport
            path: /webhooks/passport
            provider: passport
            auth: { scheme: header, header: Authorization, secret_env: PASSPORT_API_KEY }
        """
    }

    /// Fails twice (dead after max_attempts 2), then the downstream answers 200.
    static func rule(downstream: Int) -> String {
        """
        return { name = "cleanup", on = { source = "passport", type = "user.delete" }, handle = function(event)
          local res = http.post("http://127.0.0.1:\(downstream)/flaky/2/" .. event.id, { json = { user = event.data.user.id } })
          if res.status ~= 200 then error("cleanup answered " .. res.status) end
        end }
        """
    }

    static let body = #"{"event": {"id": "evt_7", "type": "user.delete", "createInstant": 1505762615056, "user": {"id": "u-7"}}}"#

    func post(_ port: Int) async throws -> UInt {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/webhooks/passport")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "dev-passport-key")
        request.body = .bytes(ByteBuffer(string: Self.body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        return UInt(response.status.code)
    }

    func json(_ arguments: [String], in project: ScratchProject) throws -> [String: Any] {
        let result = try HookdProcess.run(arguments + ["--format", "json"], in: project.directory, environment: nil, separateStandardError: true)
        #expect(result.status == 0, "\(arguments): \(result.errors)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any], "\(result.output)")
    }

    /// `events list --format json` until the event is in `state` (at most 15 s); the event's object.
    func waitFor(_ state: String, in project: ScratchProject) async throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(15)
        var last: [String: Any] = [:]
        while Date() < deadline {
            let events = try json(["events", "list"], in: project)["events"] as? [[String: Any]] ?? []
            if let event = events.first { last = event }
            if last["state"] as? String == state { return last }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("event did not become \(state): \(last)")
        return last
    }

    @Test("a dead job is listed by state, shown with its attempts and raw request, and replayed to done")
    func listShowReplay() async throws {
        let downstream = try MockDownstream()
        defer { downstream.stop() }
        let project = try ScratchProject(files: [
            "hookd.yaml": Self.config(downstream: downstream.port),
            "rules/cleanup.lua": Self.rule(downstream: downstream.port),
        ])
        defer { project.remove() }
        let serve = try ServeProcess(in: project.directory)
        defer { serve.kill(SIGTERM); _ = serve.wait() }
        #expect(try await post(serve.port) == 200)

        let dead = try await waitFor("dead", in: project)
        #expect(dead["id"] as? String == "evt_7")
        #expect(dead["source"] as? String == "passport")
        #expect(dead["type"] as? String == "user.delete")
        #expect((dead["received_at"] as? String)?.hasSuffix("Z") == true)
        let job = try #require((dead["jobs"] as? [[String: Any]])?.first)
        #expect(job["rule"] as? String == "cleanup")
        #expect(job["state"] as? String == "dead")
        #expect(job["attempts"] as? Int == 2)
        #expect(job["outcome"] as? String == "failed")
        #expect((job["last_error"] as? String)?.contains("cleanup answered 500") == true)
        #expect(job.keys.contains("next_attempt_at"))

        // --state narrows the list.
        let failedOnly = try json(["events", "list", "--state", "done"], in: project)["events"] as? [[String: Any]]
        #expect(failedOnly?.isEmpty == true)

        let shown = try json(["events", "show", "evt_7"], in: project)
        let attempts = try #require(shown["attempts"] as? [[String: Any]])
        #expect(attempts.map { $0["number"] as? Int } == [1, 2])
        #expect(attempts.allSatisfy { ($0["calls"] as? [[String: Any]])?.first?["status"] as? Int == 500 })
        let request = try #require(shown["request"] as? [String: Any])
        #expect(request["body"] as? String == Self.body)
        let headers = try #require(request["headers"] as? [[String]])
        #expect(headers.contains { $0.first?.lowercased() == "authorization" && $0.last == "***" })
        #expect(!String(describing: shown).contains("dev-passport-key"))

        let replay = try HookdProcess.run(["events", "replay", "evt_7"], in: project.directory)
        #expect(replay.status == 0, "\(replay.output)")
        #expect(replay.output.contains("replayed passport evt_7 cleanup"))
        let done = try await waitFor("done", in: project)
        #expect((done["jobs"] as? [[String: Any]])?.first?["attempts"] as? Int == 1)
        let rounds = try json(["events", "show", "evt_7"], in: project)["attempts"] as? [[String: Any]] ?? []
        #expect(rounds.map { "\($0["round"] ?? "?").\($0["number"] ?? "?")" } == ["0.1", "0.2", "1.1"])
    }

    @Test("unknown ids and bad flags: exit 1 and 2 with a clear message")
    func errors() async throws {
        let project = try ScratchProject(files: [
            "hookd.yaml": Self.config(downstream: 9),
            "rules/cleanup.lua": Self.rule(downstream: 9),
        ])
        defer { project.remove() }
        // No store yet.
        let missing = try HookdProcess.run(["events", "list"], in: project.directory)
        #expect(missing.status == 2 && missing.output.contains("no store at"), "\(missing.output)")
        let serve = try ServeProcess(in: project.directory)
        serve.kill(SIGTERM)
        #expect(serve.wait() == 0)
        let unknown = try HookdProcess.run(["events", "show", "nope"], in: project.directory)
        #expect(unknown.status == 1 && unknown.output.contains("no stored event nope"), "\(unknown.output)")
        let replayUnknown = try HookdProcess.run(["events", "replay", "nope"], in: project.directory)
        #expect(replayUnknown.status == 1 && replayUnknown.output.contains("no stored event nope"), "\(replayUnknown.output)")
        let both = try HookdProcess.run(["events", "replay", "x", "--state", "dead"], in: project.directory)
        #expect(both.status == 2, "\(both.output)")
        let badState = try HookdProcess.run(["events", "replay", "--state", "done"], in: project.directory)
        #expect(badState.status == 2 && badState.output.contains("failed or dead"), "\(badState.output)")
        let badSince = try HookdProcess.run(["events", "replay", "--state", "dead", "--since", "yesterday"], in: project.directory)
        #expect(badSince.status == 2 && badSince.output.contains("--since"), "\(badSince.output)")
        let empty = try HookdProcess.run(["events", "replay", "--state", "dead", "--since", "2h"], in: project.directory)
        #expect(empty.status == 0 && empty.output.contains("0 job(s) replayed"), "\(empty.output)")
    }
}
