import Foundation
import HookdCore
@testable import HookdServer
import Testing

/// The admin listener (SPEC §3, §6): the token on every path but the probes and metrics, and each
/// endpoint's JSON.
@Suite("admin API", .serialized)
struct AdminAPITests {
    @Test("with admin.token_env, every path but /healthz, /readyz and /metrics needs the token, Bearer or Basic password")
    func tokenRequired() async throws {
        let rules = try OpsFixture.rulesDirectory()
        let daemon = try await OpsFixture.daemon(rules: rules)
        defer { Task { await daemon.stop() } }
        for path in ["/healthz", "/readyz", "/metrics"] {
            #expect(try await daemon.admin(path).status == 200, "\(path)")
        }
        for path in ["/", "/api/events", "/api/events/x", "/api/rejections"] {
            let refused = try await daemon.admin(path)
            #expect(refused.status == 401, "\(path)")
            #expect(refused.headers.first(name: "WWW-Authenticate")?.hasPrefix("Basic") == true)
            #expect(try await daemon.admin(path, headers: [("Authorization", "Bearer wrong-token")]).status == 401)
            #expect(try await daemon.admin(path, headers: [("Authorization", "Bearer \(OpsFixture.token)x")]).status == 401)
        }
        #expect(try await daemon.admin("/api/reload", method: "POST").status == 401)
        #expect(try await daemon.admin("/api/events", headers: OpsFixture.bearer).status == 200)
        let basic = "Basic " + Data("anyone:\(OpsFixture.token)".utf8).base64EncodedString()
        #expect(try await daemon.admin("/", headers: [("Authorization", basic)]).status == 200)
        let wrongBasic = "Basic " + Data("anyone:nope".utf8).base64EncodedString()
        #expect(try await daemon.admin("/", headers: [("Authorization", wrongBasic)]).status == 401)
    }

    @Test("a start-up with admin.token_env naming an unset variable is refused")
    func unsetTokenRefused() async throws {
        let rules = try OpsFixture.rulesDirectory()
        let error = await #expect(throws: DaemonError.self) {
            _ = try await TestDaemon(yaml: TestDaemon.yaml(extraSources: OpsFixture.source, rules: rules.path, adminTokenEnv: "HOOKD_ADMIN_TOKEN"))
        }
        #expect(error?.description.contains("admin.token_env") == true, "\(String(describing: error))")
        #expect(error?.description.contains("HOOKD_ADMIN_TOKEN") == true)
    }

    @Test("/api/events, /api/events/{id}, replay and /api/rejections answer SPEC §6's shapes")
    func endpoints() async throws {
        let rules = try OpsFixture.rulesDirectory()
        let daemon = try await OpsFixture.daemon(rules: rules)
        defer { Task { await daemon.stop() } }
        #expect(try await OpsFixture.post(daemon, id: "e-ok", type: "fine").status == 200)
        #expect(try await OpsFixture.post(daemon, id: "e-bad", type: "fail").status == 200)
        #expect(try await OpsFixture.post(daemon, id: "e-x", type: "fine", secret: "wrong").status == 401)
        #expect(try await OpsFixture.eventually {
            try await daemon.store.event(id: "e-bad", source: "ops").event?.jobs.contains { $0.state == .dead } == true
        })

        let dead = try Self.object(try await daemon.admin("/api/events?state=dead", headers: OpsFixture.bearer).body)
        let deadEvents = try #require(dead["events"] as? [[String: Any]])
        #expect(deadEvents.map { $0["id"] as? String } == ["e-bad"])
        #expect(deadEvents.first?["state"] as? String == "dead")
        let jobs = try #require(deadEvents.first?["jobs"] as? [[String: Any]])
        #expect(Set(jobs.compactMap { $0["rule"] as? String }) == ["failing", "steady"])
        let failing = try #require(jobs.first { $0["rule"] as? String == "failing" })
        #expect((failing["last_error"] as? String)?.contains("failing.lua:1: downstream said no") == true, "\(failing)")
        #expect(failing["attempts"] as? Int == 1)

        let all = try Self.object(try await daemon.admin("/api/events?source=ops&limit=1", headers: OpsFixture.bearer).body)
        #expect((all["events"] as? [Any])?.count == 1)
        #expect(try await daemon.admin("/api/events?state=sideways", headers: OpsFixture.bearer).status == 400)

        let shown = try await daemon.admin("/api/events/e-bad", headers: OpsFixture.bearer)
        #expect(shown.status == 200)
        let event = try Self.object(shown.body)
        #expect(event["id"] as? String == "e-bad")
        #expect(event["source"] as? String == "ops")
        #expect(event["type"] as? String == "fail")
        #expect((event["jobs"] as? [Any])?.count == 2)
        #expect(try await daemon.admin("/api/events/nope", headers: OpsFixture.bearer).status == 404)

        let replayed = try await daemon.admin("/api/events/e-bad/replay?rule=failing", method: "POST", headers: OpsFixture.bearer)
        #expect(replayed.status == 200)
        let replay = try Self.object(replayed.body)
        #expect((replay["replayed"] as? [[String: Any]])?.map { $0["rule"] as? String } == ["failing"])
        #expect(try await OpsFixture.eventually {
            try await daemon.store.attempts(source: "ops", eventID: "e-bad").filter { $0.rule == "failing" }.count == 2
        })
        #expect(try await daemon.admin("/api/events/nope/replay", method: "POST", headers: OpsFixture.bearer).status == 404)

        let rejections = try Self.object(try await daemon.admin("/api/rejections", headers: OpsFixture.bearer).body)
        let list = try #require(rejections["rejections"] as? [[String: Any]])
        #expect(list.count == 1)
        #expect(list.first?["source"] as? String == "ops")
        #expect(list.first?["status"] as? Int == 401)
        #expect((list.first?["reason"] as? String)?.isEmpty == false)
        #expect(list.first?["client"] as? String == "127.0.0.1")
        #expect(list.first?["time"] is String)
    }

    @Test("an id stored by two sources is ambiguous (409) until ?source= names one")
    func ambiguousID() async throws {
        let rules = try OpsFixture.rulesDirectory()
        let daemon = try await OpsFixture.daemon(rules: rules)
        defer { Task { await daemon.stop() } }
        let body = try TestDaemon.example("passport/user_delete.json")
        #expect(try await daemon.sendSigned("passport", body: body).status == 200)
        #expect(try await OpsFixture.post(daemon, id: "e502168a-b469-45d9-a079-fd45f83e0406", type: "fine").status == 200)
        #expect(try await daemon.admin("/api/events/e502168a-b469-45d9-a079-fd45f83e0406", headers: OpsFixture.bearer).status == 409)
        let one = try await daemon.admin("/api/events/e502168a-b469-45d9-a079-fd45f83e0406?source=ops", headers: OpsFixture.bearer)
        #expect(one.status == 200)
        #expect(try Self.object(one.body)["source"] as? String == "ops")
    }

    @Test("the Retry form needs the page's CSRF token; a cross-origin POST is refused even with the token")
    func retryForm() async throws {
        let rules = try OpsFixture.rulesDirectory()
        let daemon = try await OpsFixture.daemon(rules: rules)
        defer { Task { await daemon.stop() } }
        #expect(try await OpsFixture.postUntilDead(daemon, id: "e-bad"))
        let form = [("Content-Type", "application/x-www-form-urlencoded")] + OpsFixture.bearer
        let csrf = daemon.daemon.access.csrfToken
        let stale = try await daemon.admin("/retry", method: "POST", headers: form, body: "csrf=nope&source=ops&event=e-bad&rule=failing")
        #expect(stale.status == 403)
        let crossSite = try await daemon.admin("/retry", method: "POST", headers: form + [("Origin", "https://evil.example")],
                                               body: "csrf=\(csrf)&source=ops&event=e-bad&rule=failing")
        #expect(crossSite.status == 403)
        #expect(try await daemon.admin("/api/reload", method: "POST", headers: OpsFixture.bearer + [("Origin", "https://evil.example")]).status == 403)
        #expect(try await daemon.store.attempts(source: "ops", eventID: "e-bad").filter { $0.rule == "failing" }.count == 1)

        let page = try await daemon.admin("/", headers: OpsFixture.bearer)
        #expect(page.body.contains(csrf))
        let retried = try await daemon.admin("/retry", method: "POST", headers: form + [("Origin", "http://127.0.0.1:\(daemon.adminPort)")],
                                             body: "csrf=\(csrf)&source=ops&event=e-bad&rule=failing")
        #expect(retried.status == 303)
        #expect(retried.headers.first(name: "Location") == "/")
        #expect(try await OpsFixture.eventually {
            try await daemon.store.attempts(source: "ops", eventID: "e-bad").filter { $0.rule == "failing" }.count == 2
        })
    }

    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }
}
