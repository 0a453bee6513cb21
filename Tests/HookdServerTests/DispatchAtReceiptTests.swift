import Foundation
import HookdCore
@testable import HookdServer
import HookdSQLite
import Synchronization
import Testing

/// A `ReceiptRunner` that records what the receipt asks of it, with room for `room` jobs.
final class RecordingReceiptRunner: ReceiptRunner {
    private let state: Mutex<(room: Int, reserved: Int, handed: [ClaimedJob])>
    init(room: Int) { state = Mutex((room, 0, [])) }
    var reserved: Int { state.withLock { $0.reserved } }
    var handed: [ClaimedJob] { state.withLock { $0.handed } }
    func reserve(_ count: Int) -> Bool {
        state.withLock { state in
            guard state.reserved + count <= state.room else { return false }
            state.reserved += count
            return true
        }
    }
    func release(_ count: Int) { state.withLock { $0.reserved -= count } }
    func run(claimedAtReceipt jobs: [ClaimedJob]) { state.withLock { $0.handed += jobs } }
}

/// Events whose match needs no Lua are stored already dispatched, with their jobs; the others are
/// left to the dispatcher's loop.
@Suite("Dispatch at receipt", .serialized)
struct DispatchAtReceiptTests {
    @Test("a when-less match of an async source is decided at receipt; order_by, when and sync sources are left to the loop")
    func decidedAtReceipt() async throws {
        let rules = FileManager.default.temporaryDirectory.appendingPathComponent("hookd-rules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: rules, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: rules) }
        try #"return { on = { source = "passport" }, handle = function(e) end }"#.write(to: rules.appendingPathComponent("plain.lua"), atomically: true, encoding: .utf8)
        try #"return { on = { source = "passfort" }, handle = function(e) end }"#.write(to: rules.appendingPathComponent("lane.lua"), atomically: true, encoding: .utf8)
        try #"return { on = { source = "ethpass" }, when = function(e) return true end, handle = function(e) end }"#.write(to: rules.appendingPathComponent("guarded.lua"), atomically: true, encoding: .utf8)
        let daemon = try await TestDaemon(yaml: TestDaemon.yaml(rules: rules.path))
        defer { Task { await daemon.stop() } }
        let sources = daemon.daemon.live.generation.sources
        func decided(_ path: String, _ example: String) throws -> [String]? {
            let source = try #require(sources.byPath[path])
            let events = try source.parser.parse(body: try TestDaemon.example(example), headers: HeaderFields([]))
            return sources.rulesAtReceipt(for: try #require(events.first), of: source.config)
        }
        #expect(try decided("/webhooks/passport", "passport/user_delete.json") == ["plain"])
        #expect(try decided("/webhooks/passage", "passage/data_available.json") == [])
        #expect(try decided("/webhooks/passfort", "passfort/batch_of_3.json") == nil)
        #expect(try decided("/webhooks/ethpass", "ethpass/pass_expire.json") == nil)

        // The receipt alone, with no dispatcher at all: the passport event is stored dispatched with
        // its pending job; the passfort batch (order_by) is left undispatched for the loop.
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("hookd-receipt-\(UUID().uuidString).sqlite")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let store = try SQLiteStore(path: scratch.path)
        let receipt = Receipt(sources: sources, store: store)
        func receive(_ path: String, _ example: String, headers: [(name: String, value: String)]) async throws -> ReceiptAnswer {
            let source = try #require(sources.byPath[path])
            let request = IncomingRequest(method: "POST", path: path, headers: headers, peer: nil)
            return await receipt.receive(request, body: try TestDaemon.example(example), source: source, client: "test")
        }
        let plain = try await receive("/webhooks/passport", "passport/user_delete.json", headers: [(name: "Authorization", value: "dev-passport-key")])
        #expect(plain.status == 200)
        let plainID = try #require(plain.events.first)
        let laned = try await receive("/webhooks/passfort", "passfort/batch_of_3.json", headers: [(name: "Authorization", value: "Bearer yourSecret")])
        #expect(laned.status == 200, "\(laned.body)")
        let storedPlain = try #require(try await store.event(id: plainID, source: "passport").event)
        #expect(storedPlain.dispatched)
        #expect(storedPlain.jobs.map(\.rule) == ["plain"] && storedPlain.jobs.map(\.state) == [.pending])
        #expect(try await store.undispatchedEvents(limit: 10, excludingSources: []).map(\.source) == ["passfort", "passfort", "passfort"])
        try await store.close()

        // Over HTTP: the event is stored with its job, which the dispatcher (woken for jobs) runs.
        let answer = try await daemon.sendSigned("passport", body: try TestDaemon.example("passport/user_delete.json"))
        #expect(answer.status == 200)
        let id = try #require(answer.body.split(separator: "\"").dropFirst(3).first.map(String.init))
        var stored: StoredEvent?
        for _ in 0..<100 {
            stored = try await daemon.store.event(id: id, source: "passport").event
            if stored?.state == .done { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(stored?.dispatched == true)
        #expect(stored?.jobs.map(\.rule) == ["plain"])
        #expect(stored?.state == .done)
    }

    @Test("with a receipt runner that has room, the jobs are stored running and handed over with their event; a duplicate gives its room back; a full runner leaves them pending")
    func claimedAtReceipt() async throws {
        let rules = FileManager.default.temporaryDirectory.appendingPathComponent("hookd-rules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: rules, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: rules) }
        for name in ["one", "two"] {
            try #"return { on = { source = "passport" }, handle = function(e) end }"#.write(to: rules.appendingPathComponent("\(name).lua"), atomically: true, encoding: .utf8)
        }
        let daemon = try await TestDaemon(yaml: TestDaemon.yaml(rules: rules.path))
        defer { Task { await daemon.stop() } }
        let sources = daemon.daemon.live.generation.sources
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("hookd-receipt-\(UUID().uuidString).sqlite")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let store = try SQLiteStore(path: scratch.path)
        let runner = RecordingReceiptRunner(room: 3)
        let receipt = Receipt(sources: sources, store: store, receiptRunner: runner)
        let source = try #require(sources.byPath["/webhooks/passport"])
        let request = IncomingRequest(method: "POST", path: "/webhooks/passport", headers: [(name: "Authorization", value: "dev-passport-key")], peer: nil)
        func receive(_ body: [UInt8]) async -> ReceiptAnswer {
            await receipt.receive(request, body: body, source: source, client: "test")
        }
        let example = try TestDaemon.example("passport/user_delete.json")
        let first = await receive(example)
        #expect(first.status == 200)
        let id = try #require(first.events.first)
        let handed = runner.handed
        #expect(handed.map(\.rule) == ["one", "two"])
        #expect(handed.allSatisfy { $0.event.id == id && $0.event.payload == example && $0.attempts == 0 })
        #expect(runner.reserved == 2, "the room of the two jobs stays taken until they run")
        let stored = try #require(try await store.event(id: id, source: "passport").event)
        #expect(stored.jobs.map(\.state) == [.running, .running])
        #expect(Set(handed.map(\.id)).count == 2)
        // A redelivery is a duplicate: its reserved room is given back and nothing is handed over.
        #expect(await receive(example).status == 200)
        #expect(runner.reserved == 2 && runner.handed.count == 2)
        // One job's room is left: an event with two jobs is stored with them pending, for the loop.
        let other = Array(String(decoding: example, as: UTF8.self).replacingOccurrences(of: id, with: id + "-other").utf8)
        let second = await receive(other)
        #expect(second.status == 200)
        let secondID = try #require(second.events.first)
        #expect(secondID != id)
        #expect(runner.handed.count == 2 && runner.reserved == 2)
        #expect(try await store.event(id: secondID, source: "passport").event?.jobs.map(\.state) == [.pending, .pending])
        try await store.close()
    }
}
