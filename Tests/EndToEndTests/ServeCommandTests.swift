import AsyncHTTPClient
import Foundation
import HookdCore
import HookdSQLite
import NIOCore
import Synchronization
import Testing

/// `hookd serve` as a process: start-up checks, durability under SIGKILL, clean SIGTERM.
@Suite("hookd serve", .serialized)
struct ServeCommandTests {
    static let config = """
        server:
          listen: 127.0.0.1:0
        admin:
          listen: 127.0.0.1:0
        store: sqlite:data/hookd.sqlite
        rules: rules/
        pid_file: data/hookd.pid
        sources:
          - name: passport
            path: /webhooks/passport
            provider: passport
            auth: { scheme: header, header: Authorization, secret_env: PASSPORT_API_KEY }
        """

    static func project() throws -> ScratchProject {
        try ScratchProject(files: [
            "hookd.yaml": config,
            "rules/noop.lua": "return { on = { source = 'elsewhere' }, handle = function() end }",
        ])
    }

    static func body(_ id: String) -> [UInt8] {
        Array(#"{"event": {"id": "\#(id)", "type": "user.delete", "createInstant": 1505762615056, "user": {"id": "u-\#(id)"}}}"#.utf8)
    }

    @Test("SIGKILL under load: every event answered 200 is in the store, byte for byte")
    func killUnderLoad() async throws {
        let project = try Self.project()
        defer { project.remove() }
        let serve = try ServeProcess(in: project.directory)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let answered = AnswerCount()
        let acknowledged = try await withThrowingTaskGroup(of: [(String, [UInt8])].self) { group in
            for worker in 0..<8 {
                group.addTask {
                    var done: [(String, [UInt8])] = []
                    for n in 0..<100_000 {
                        let id = "evt-\(worker)-\(n)"
                        var request = HTTPClientRequest(url: "http://127.0.0.1:\(serve.port)/webhooks/passport")
                        request.method = .POST
                        request.headers.add(name: "Authorization", value: "dev-passport-key")
                        request.body = .bytes(ByteBuffer(bytes: Self.body(id)))
                        guard let response = try? await client.execute(request, timeout: .seconds(5)),
                              let answer = try? await response.body.collect(upTo: 1 << 16) else { break }
                        if response.status.code == 200, String(buffer: answer).contains(id) {
                            done.append((id, Self.body(id)))
                            answered.value.add(1, ordering: .relaxed)
                        }
                    }
                    return done
                }
            }
            group.addTask {
                // Killed mid-load: once a few hundred were answered (at most 20 s on a loaded machine).
                let deadline = ContinuousClock.now + .seconds(20)
                try await Task.sleep(for: .milliseconds(500))
                while answered.value.load(ordering: .relaxed) < 300, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(20))
                }
                serve.kill(SIGKILL)
                return []
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        try? await client.shutdown()
        #expect(serve.wait() != nil)
        #expect(acknowledged.count > 50, "only \(acknowledged.count) events were acknowledged before the kill")
        let store = try SQLiteStore(path: project.directory.appendingPathComponent("data/hookd.sqlite").path)
        var missing: [String] = []
        for (id, body) in acknowledged {
            let event = try await store.event(id: id, source: "passport").event
            if event?.payload != body || event?.request.body != body { missing.append(id) }
        }
        #expect(missing.isEmpty, "\(missing.count) of \(acknowledged.count) acknowledged events are not in the store: \(missing.prefix(5))")
        try await store.close()

        // The daemon starts again over the crashed store, and SIGTERM ends it cleanly.
        let again = try ServeProcess(in: project.directory)
        again.kill(SIGTERM)
        #expect(again.wait() == 0, "\(again.log)")
        #expect(!FileManager.default.fileExists(atPath: project.directory.appendingPathComponent("data/hookd.pid").path))
    }

    @Test("a source whose secret is missing stops start-up, naming the source and the key (exit 2)")
    func missingSecret() throws {
        let project = try Self.project()
        defer { project.remove() }
        var environment = HookdProcess.developmentEnvironment
        environment["PASSPORT_API_KEY"] = nil
        let (status, output) = try HookdProcess.run(["serve", "--config", "hookd.yaml"], in: project.directory, environment: environment)
        #expect(status == 2)
        #expect(output.contains("sources[passport].auth.secret_env: PASSPORT_API_KEY is not set"), "\(output)")
        #expect(output.contains("hookd did not start"), "\(output)")
    }

    @Test("scheme none without insecure: true is refused at start-up")
    func noneWithoutInsecure() throws {
        let project = try ScratchProject(files: [
            "hookd.yaml": Self.config.replacingOccurrences(of: "{ scheme: header, header: Authorization, secret_env: PASSPORT_API_KEY }", with: "{ scheme: none }"),
            "rules/noop.lua": "return { on = {}, handle = function() end }",
        ])
        defer { project.remove() }
        let (status, output) = try HookdProcess.run(["serve", "--config", "hookd.yaml"], in: project.directory,
                                                    environment: HookdProcess.developmentEnvironment)
        #expect(status == 2)
        #expect(output.contains("hookd.yaml:") && output.contains("insecure"), "\(output)")
    }
}

/// How many events were answered 200 so far, shared by the load tasks.
final class AnswerCount: Sendable {
    let value = Atomic<Int>(0)
}
