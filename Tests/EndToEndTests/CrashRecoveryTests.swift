import AsyncHTTPClient
import Foundation
import NIOCore
import HookdSQLite
import Testing

/// SPEC §7: after `kill -9` while rules run, the next start runs every job that had not finished,
/// and none that had finished runs again.
@Suite("crash recovery of rule runs", .serialized)
struct CrashRecoveryTests {
    static func config(downstream: Int) -> String {
        """
        server:
          listen: 127.0.0.1:0
        admin:
          listen: 127.0.0.1:0
        store: sqlite:data/hookd.sqlite
        rules: rules/
        pid_file: data/hookd.pid
        outbound:
          allow: ["127.0.0.1:\(downstream)"]
        sources:
          - name: passport
            path: /webhooks/passport
            provider: passport
            auth: { scheme: header, header: Authorization, secret_env: PASSPORT_API_KEY }
        """
    }

    static func rule(downstream: Int) -> String {
        """
        return { on = { source = "passport", type = "user.delete" }, handle = function(event)
          local res = http.post("http://127.0.0.1:\(downstream)/sleep/150/" .. event.id, { body = event.id })
          if res.status ~= 200 then error("answered " .. res.status) end
        end }
        """
    }

    static func body(_ id: String) -> String {
        #"{"event": {"id": "\#(id)", "type": "user.delete", "createInstant": 1505762615056, "user": {"id": "u-\#(id)"}}}"#
    }

    @Test("SIGKILL while jobs run: after restart every job is done, and those done before the kill ran exactly once")
    func killWhileRunning() async throws {
        let downstream = try MockDownstream()
        defer { downstream.stop() }
        let project = try ScratchProject(files: [
            "hookd.yaml": Self.config(downstream: downstream.port),
            "rules/slow.lua": Self.rule(downstream: downstream.port),
        ])
        defer { project.remove() }
        let ids = (0..<40).map { "crash-\($0)" }
        let serve = try ServeProcess(in: project.directory)
        for id in ids {
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(serve.port)/webhooks/passport")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "dev-passport-key")
            request.body = .bytes(ByteBuffer(string: Self.body(id)))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            #expect(response.status.code == 200)
        }
        // 40 runs of 150 ms on 4 workers take about 1.5 s: kill in the middle.
        let store = project.directory.appendingPathComponent("data/hookd.sqlite").path
        let deadline = Date().addingTimeInterval(20)
        var doneBefore: Set<String> = []
        while Date() < deadline {
            doneBefore = try await Self.doneIDs(store)
            if doneBefore.count >= 8 { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        serve.kill(SIGKILL)
        #expect(serve.wait() != nil)
        doneBefore = try await Self.doneIDs(store)
        #expect(doneBefore.count >= 8 && doneBefore.count < ids.count, "\(doneBefore.count) done before the kill")

        let again = try ServeProcess(in: project.directory)
        let finish = Date().addingTimeInterval(30)
        var done: Set<String> = []
        while Date() < finish {
            done = try await Self.doneIDs(store)
            if done.count == ids.count { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        again.kill(SIGTERM)
        #expect(again.wait() == 0)
        #expect(done == Set(ids))
        var calls: [String: Int] = [:]
        for request in try await downstream.requests() { calls[request["body"] as? String ?? "?", default: 0] += 1 }
        for id in ids { #expect((calls[id] ?? 0) >= 1, "\(id) never ran") }
        for id in doneBefore { #expect(calls[id] == 1, "\(id) had finished before the kill but ran \(calls[id] ?? 0) times") }
    }

    /// Events whose jobs are all done, read from a read-only copy of the store's view.
    static func doneIDs(_ path: String) async throws -> Set<String> {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        let store = try SQLiteStore(path: path, options: SQLiteStoreOptions(access: .readOnly))
        defer { Task { try? await store.close() } }
        let events = try await store.events(matching: .init(state: .done, limit: 1000))
        return Set(events.filter { !$0.jobs.isEmpty }.map(\.id))
    }
}
