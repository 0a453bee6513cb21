import AsyncHTTPClient
import Foundation
import HookdCore
import HookdSQLite
import NIOCore
import Synchronization
import Testing

/// SPEC §5 and §7 with the built binary: SIGHUP reloads under load, SIGTERM drains.
@Suite("live operations", .serialized)
struct LiveOperationsTests {
    static func config(downstream: Int? = nil) -> String {
        """
        server:
          listen: 127.0.0.1:0
        admin:
          listen: 127.0.0.1:0
        store: sqlite:data/hookd.sqlite
        rules: rules/
        pid_file: data/hookd.pid
        \(downstream.map { "outbound:\n  allow: [\"127.0.0.1:\($0)\"]" } ?? "")
        sources:
          - name: passport
            path: /webhooks/passport
            provider: passport
            auth: { scheme: header, header: Authorization, secret_env: PASSPORT_API_KEY }
        """
    }

    /// The rule `tag` in one of two versions, each logging its name.
    static func tagRule(_ version: String) -> String {
        #"return { name = "tag", on = { source = "passport" }, handle = function(event) log.info("version \#(version)") end }"#
    }

    /// Posts events with unique ids from `workers` tasks until `stop` is set; the ids answered 200
    /// and the count of every other answer (non-200 statuses and transport errors).
    static func load(port: Int, workers: Int, prefix: String, stop: StopFlag) async -> (ok: [String], other: [String]) {
        await withTaskGroup(of: (ok: [String], other: [String]).self) { group in
            for worker in 0..<workers {
                group.addTask {
                    var ok: [String] = [], other: [String] = []
                    var n = 0
                    while !stop.value.load(ordering: .relaxed) {
                        let id = "\(prefix)-\(worker)-\(n)"
                        n += 1
                        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/webhooks/passport")
                        request.method = .POST
                        request.headers.add(name: "Authorization", value: "dev-passport-key")
                        request.body = .bytes(ByteBuffer(bytes: ServeCommandTests.body(id)))
                        do {
                            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
                            _ = try await response.body.collect(upTo: 1 << 16)
                            if response.status.code == 200 { ok.append(id) } else { other.append("\(id): \(response.status.code)") }
                        } catch {
                            other.append("\(id): \(error)")
                        }
                    }
                    return (ok, other)
                }
            }
            return await group.reduce(into: (ok: [String](), other: [String]())) { $0.ok += $1.ok; $0.other += $1.other }
        }
    }

    @Test("SIGHUP 10 times under load, alternating two rule sets: no answer but 200, every event ran exactly one version")
    func reloadUnderLoad() async throws {
        let project = try ScratchProject(files: ["hookd.yaml": Self.config(), "rules/tag.lua": Self.tagRule("A")])
        defer { project.remove() }
        let serve = try ServeProcess(in: project.directory)
        let stop = StopFlag()
        let rule = project.directory.appendingPathComponent("rules/tag.lua")
        async let answers = Self.load(port: serve.port, workers: 4, prefix: "hup", stop: stop)
        for round in 1...10 {
            try await Task.sleep(for: .milliseconds(250))
            // Written to a new file and renamed over the old one, as editors save.
            try Self.tagRule(round % 2 == 1 ? "B" : "A").write(to: rule, atomically: true, encoding: .utf8)
            serve.kill(SIGHUP)
        }
        try await Task.sleep(for: .milliseconds(400))
        stop.value.store(true, ordering: .relaxed)
        let (ok, other) = await answers
        #expect(other.isEmpty, "\(other.count) answers were not 200: \(other.prefix(5))")
        #expect(ok.count >= 100, "only \(ok.count) events were sent during the reloads")
        #expect(serve.log.components(separatedBy: "in force").count - 1 == 10, "\(serve.log.suffix(3000))")
        #expect(serve.log.contains("generation 11 in force"))

        let store = try SQLiteStore(path: project.directory.appendingPathComponent("data/hookd.sqlite").path)
        defer { Task { try? await store.close() } }
        let deadline = Date().addingTimeInterval(60)
        var done = 0
        while Date() < deadline {
            done = try await store.events(matching: .init(source: "passport", state: .done, limit: 1_000_000)).count
            if done >= ok.count { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(done == ok.count)
        var versions: [String: Int] = [:]
        var wrong: [String] = []
        for id in ok {
            let attempts = try await store.attempts(source: "passport", eventID: id)
            let messages = attempts.flatMap { $0.attempt.logs.map(\.message) }
            if attempts.count != 1 || messages.count != 1 || !["version A", "version B"].contains(messages[0]) {
                wrong.append("\(id): \(attempts.count) attempts, logs \(messages)")
            } else {
                versions[messages[0], default: 0] += 1
            }
        }
        #expect(wrong.isEmpty, "\(wrong.count) events did not run exactly one version: \(wrong.prefix(5))")
        #expect(versions.count == 2, "both versions ran: \(versions)")
        serve.kill(SIGTERM)
        #expect(serve.wait() == 0)
    }

    @Test("SIGTERM under load: exit 0 in time, pid file removed; after restart nothing accepted is lost and pending jobs run")
    func terminateUnderLoad() async throws {
        let downstream = try MockDownstream()
        defer { downstream.stop() }
        let slow = """
            return { name = "slow", on = { source = "passport" }, handle = function(event)
              local res = http.post("http://127.0.0.1:\(downstream.port)/sleep/50/" .. event.id, { body = event.id })
              if res.status ~= 200 then error("answered " .. res.status) end
            end }
            """
        let project = try ScratchProject(files: ["hookd.yaml": Self.config(downstream: downstream.port), "rules/slow.lua": slow])
        defer { project.remove() }
        let serve = try ServeProcess(in: project.directory)
        let stop = StopFlag()
        async let answers = Self.load(port: serve.port, workers: 4, prefix: "term", stop: stop)
        try await Task.sleep(for: .milliseconds(700))
        let signalled = Date()
        serve.kill(SIGTERM)
        let status = serve.wait(timeout: 20)
        let took = Date().timeIntervalSince(signalled)
        stop.value.store(true, ordering: .relaxed)
        let (ok, _) = await answers
        #expect(status == 0, "\(serve.log.suffix(2000))")
        // The grace for runs under way is 5 s; draining the listener and flushing the store add little.
        #expect(took < 10, "took \(took) s")
        #expect(!FileManager.default.fileExists(atPath: project.directory.appendingPathComponent("data/hookd.pid").path))
        #expect(ok.count >= 20, "only \(ok.count) accepted before SIGTERM")

        let path = project.directory.appendingPathComponent("data/hookd.sqlite").path
        let pendingAfterStop = try await Self.events(path, state: .pending).count
        #expect(pendingAfterStop > 0, "some jobs should still wait after the stop (50 ms each on 4 workers)")
        let again = try ServeProcess(in: project.directory)
        let deadline = Date().addingTimeInterval(60)
        var done: [StoredEvent] = []
        while Date() < deadline {
            done = try await Self.events(path, state: .done)
            if done.count >= ok.count { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        let doneIDs = Set(done.map(\.id))
        let lost = ok.filter { !doneIDs.contains($0) }
        #expect(lost.isEmpty, "\(lost.count) of \(ok.count) accepted events are not done after the restart: \(lost.prefix(5))")
        again.kill(SIGTERM)
        #expect(again.wait() == 0)
    }

    @Test("--log-format json: every line is a JSON object; one line per request and per rule run; no secret in any")
    func jsonLogs() async throws {
        let project = try ScratchProject(files: ["hookd.yaml": Self.config(), "rules/tag.lua": Self.tagRule("A")])
        defer { project.remove() }
        let serve = try ServeProcess(in: project.directory, arguments: ["--log-format", "json"])
        for (id, key) in [("log-1", "dev-passport-key"), ("log-2", "a-wrong-key-value")] {
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(serve.port)/webhooks/passport")
            request.method = .POST
            request.headers.add(name: "Authorization", value: key)
            request.body = .bytes(ByteBuffer(bytes: ServeCommandTests.body(id)))
            _ = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        }
        try await Task.sleep(for: .milliseconds(500))
        serve.kill(SIGTERM)
        #expect(serve.wait() == 0)
        let lines = serve.log.split(separator: "\n").map(String.init)
        let objects = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String] }
        #expect(objects.count == lines.count, "lines that are not JSON objects: \(lines.filter { !$0.hasPrefix("{") }.prefix(3))")
        let requests = objects.filter { $0["message"] == "request" }
        #expect(requests.map { $0["status"] } == ["200", "401"])
        #expect(requests.first?["event"] == "log-1")
        #expect(requests.allSatisfy { $0["source"] == "passport" && $0["client"] == "127.0.0.1" && $0["duration_ms"] != nil })
        let runs = objects.filter { $0["message"] == "rule run" }
        #expect(runs.count == 1)
        #expect(runs.first?["rule"] == "tag" && runs.first?["outcome"] == "ok" && runs.first?["event"] == "log-1")
        #expect(!serve.log.contains("dev-passport-key") && !serve.log.contains("a-wrong-key-value"))
    }

    static func events(_ path: String, state: EventState) async throws -> [StoredEvent] {
        let store = try SQLiteStore(path: path, options: SQLiteStoreOptions(access: .readOnly))
        defer { Task { try? await store.close() } }
        return try await store.events(matching: .init(source: "passport", state: state, limit: 1_000_000))
    }
}

/// Tells the load tasks to stop.
final class StopFlag: Sendable {
    let value = Atomic<Bool>(false)
}
