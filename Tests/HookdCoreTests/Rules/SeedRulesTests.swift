import Foundation
import HookdCore
import LuaRuntime
import Testing

/// The rules shipped in the repository's rules/, each driven by its provider's example in examples/
/// (copied verbatim from the provider documentation), with HTTP answered by a mock: the calls each
/// makes are exactly the expected ones.
@Suite("Seed rules")
struct SeedRulesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let examples = root.appendingPathComponent("examples")

    static func ruleSet() throws -> RuleSet {
        try RuleSet(directory: RuleDirectory(path: root.appendingPathComponent("rules").path),
                    secrets: ["PASSAGE_API_KEY": "pk_test_123"])
    }

    /// The event as the host sends it to a run: envelope, raw payload, and the path to data.
    static func event(id: String, source: String, type: String, status: String?, fixture: String, dataPath: [String]) throws -> [UInt8] {
        let payload = try String(contentsOf: examples.appendingPathComponent(fixture), encoding: .utf8)
        let statusJSON = status.map { "\"\($0)\"" } ?? "null"
        let path = dataPath.map { "\"\($0)\"" }.joined(separator: ",")
        return Array(#"{"id":"\#(id)","source":"\#(source)","type":"\#(type)","status":\#(statusJSON),"headers":{},"attempt":1,"data_path":[\#(path)],"payload":\#(payload)}"#.utf8)
    }

    func run(_ name: String, _ event: [UInt8], answer: @escaping (HTTPCallRequest) -> HTTPCallAnswer) throws -> RunResult {
        let set = try Self.ruleSet()
        let rule = try #require(set.rule(named: name))
        return try LuaWorker(program: set.program).run(rule: rule.index, eventJSON: event, limits: .defaults, answer: answer)
    }

    static func json(_ body: [UInt8]) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
    }

    @Test("every seed rule loads and matches its provider's event")
    func seedRulesMatch() throws {
        let set = try Self.ruleSet()
        #expect(set.match(source: "passage", type: "Connection.Updated", status: "data_available").map(\.name) == ["passage-fetch-resources"])
        #expect(set.match(source: "passage", type: "Connection.Updated", status: "data_partially_available").map(\.name) == ["passage-fetch-resources"])
        #expect(set.match(source: "passage", type: "Connection.Updated", status: "pending").isEmpty)
        #expect(set.match(source: "passport", type: "user.delete", status: nil).map(\.name) == ["passport-user-delete"])
        #expect(set.match(source: "ethpass", type: "pass:expire", status: nil).map(\.name) == ["ethpass-pass-expire"])
        #expect(set.match(source: "passfort", type: "PRODUCT_STATUS_CHANGED", status: "CANCELLED").map(\.name) == ["passfort-product-status"])
    }

    @Test("Passage data_available: GET each resource with the API key, POST each to ingest")
    func passage() throws {
        let event = try Self.event(id: "evt_9b1f", source: "passage", type: "Connection.Updated", status: "data_available",
                                   fixture: "passage/data_available.json", dataPath: ["data"])
        let result = try run("passage-fetch-resources", event) { request in
            request.method == "GET" ? .response(status: 200, headers: [], body: Array(#"{"rows":[1,2]}"#.utf8))
                : .response(status: 202, headers: [], body: [])
        }
        #expect(result.outcome == .ok, "\(result.outcome)")
        let calls = result.calls.map(\.request)
        #expect(calls.map(\.method) == ["GET", "POST", "GET", "POST"])
        #expect(calls.map(\.url) == [
            "https://api.getpassage.ai/connections/123/resources/trip", "http://127.0.0.1:9000/ingest/trip",
            "https://api.getpassage.ai/connections/123/resources/account_info", "http://127.0.0.1:9000/ingest/account_info",
        ])
        #expect(calls[0].header("Authorization") == "Bearer pk_test_123")
        let posted = Self.json(calls[1].body)
        #expect(posted["connection_id"] as? String == "123")
        #expect(posted["resource"] as? String == "trip")
        #expect((posted["data"] as? [String: Any])?["rows"] as? [Int] == [1, 2])
    }

    @Test("Passage: a failed fetch fails the run")
    func passageFetchFails() throws {
        let event = try Self.event(id: "evt_9b1f", source: "passage", type: "Connection.Updated", status: "data_available",
                                   fixture: "passage/data_available.json", dataPath: ["data"])
        let result = try run("passage-fetch-resources", event) { _ in .response(status: 503, headers: [], body: []) }
        guard case let .failed(failure) = result.outcome else {
            Issue.record("expected a failure, got \(result.outcome)")
            return
        }
        #expect(failure.message.contains("fetching trip answered 503"), "\(failure.message)")
        #expect(result.calls.count == 1)
    }

    @Test("Passport user.delete: POST the user id to the cleanup endpoint")
    func passport() throws {
        let event = try Self.event(id: "e502168a-b469-45d9-a079-fd45f83e0406", source: "passport", type: "user.delete", status: nil,
                                   fixture: "passport/user_delete.json", dataPath: ["event"])
        let result = try run("passport-user-delete", event) { _ in .response(status: 204, headers: [], body: []) }
        #expect(result.outcome == .ok, "\(result.outcome)")
        let call = try #require(result.calls.first?.request)
        #expect(result.calls.count == 1)
        #expect(call.method == "POST")
        #expect(call.url.hasPrefix("http://127.0.0.1:9000/cleanup/users/"))
        let body = Self.json(call.body)
        #expect(call.url.hasSuffix(body["user_id"] as? String ?? "missing"))
        #expect(body["tenant_id"] as? String == "e872a880-b14f-6d62-c312-cb40f22af465")
    }

    @Test("ethpass pass:expire: notify with the pass, owner, chain and reason")
    func ethpass() throws {
        let event = try Self.event(id: "sha256-of-body", source: "ethpass", type: "pass:expire", status: nil,
                                   fixture: "ethpass/pass_expire.json", dataPath: ["result"])
        let result = try run("ethpass-pass-expire", event) { _ in .response(status: 200, headers: [], body: []) }
        #expect(result.outcome == .ok, "\(result.outcome)")
        let call = try #require(result.calls.first?.request)
        #expect(call.url == "http://127.0.0.1:9000/notify/pass-expired")
        let body = Self.json(call.body)
        #expect(body["pass_id"] as? String == "2f8210ee-4f02-4966-9529-745d80116718")
        #expect(body["owner_address"] as? String == "0xF888f4fAad70F542a80176f8b63438402C937473")
        #expect(body["expire_action"] as? String == "USER_REVOKE")
    }

    @Test("PassFort PRODUCT_STATUS_CHANGED: notify with profile, product and new status")
    func passfort() throws {
        let event = try Self.event(id: "33bae6b8-5689-b96b-143c-06e93ab8527e", source: "passfort", type: "PRODUCT_STATUS_CHANGED",
                                   status: "CANCELLED", fixture: "passfort/product_status_changed.json", dataPath: ["data"])
        let result = try run("passfort-product-status", event) { _ in .response(status: 200, headers: [], body: []) }
        #expect(result.outcome == .ok, "\(result.outcome)")
        let body = Self.json(try #require(result.calls.first?.request).body)
        #expect(body["profile_id"] as? String == "a2c4393a-e219-67a4-5ab4-2186952e9038")
        #expect(body["product"] as? String == "forexo_basic")
        #expect(body["new_status"] as? String == "CANCELLED")
    }
}
