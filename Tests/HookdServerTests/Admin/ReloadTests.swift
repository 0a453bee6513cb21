import Foundation
import HookdCore
@testable import HookdServer
import Testing

/// Reload (SPEC §5): a whole generation checked, then swapped; an invalid set keeps the old one.
@Suite("reload", .serialized)
struct ReloadTests {
    @Test("an invalid rule set keeps the old one in force, counted and shown; fixing it and reloading takes effect")
    func invalidThenFixed() async throws {
        let rules = try OpsFixture.rulesDirectory(["steady.lua": OpsFixture.rules["steady.lua"]!])
        let daemon = try await OpsFixture.daemon(rules: rules)
        defer { Task { await daemon.stop() } }
        try "return { on = { source = \"ops\" },\n  handle = function(event) local x = end }"
            .write(to: rules.appendingPathComponent("added.lua"), atomically: true, encoding: .utf8)
        let failed = try await daemon.admin("/api/reload", method: "POST", headers: OpsFixture.bearer)
        #expect(failed.status == 422)
        let report = try AdminAPITests.object(failed.body)
        #expect(report["result"] as? String == "failed")
        #expect(report["generation"] as? Int == 1)
        let errors = try #require(report["errors"] as? [String])
        #expect(errors.count == 1)
        #expect(errors.first?.contains("added.lua:2:") == true, "\(errors)")
        #expect(daemon.daemon.ruleSet.rules.map(\.name) == ["steady"])
        // Still serving, on the old rules.
        #expect(try await OpsFixture.post(daemon, id: "r1", type: "fine").status == 200)
        #expect(try await OpsFixture.eventually { try await daemon.store.event(id: "r1", source: "ops").event?.jobs.map(\.rule) == ["steady"] })
        let page = try await daemon.admin("/", headers: OpsFixture.bearer).body
        #expect(page.contains("added.lua:2:"))
        let snapshot = try await daemon.daemon.statusReader.snapshot()
        #expect(snapshot.lastReload.succeeded == false)
        #expect(snapshot.lastReload.message?.contains("added.lua:2:") == true)

        try "return { on = { source = \"ops\" }, handle = function(event) log.info(\"added ran\") end }"
            .write(to: rules.appendingPathComponent("added.lua"), atomically: true, encoding: .utf8)
        let fixed = try await daemon.admin("/api/reload", method: "POST", headers: OpsFixture.bearer)
        #expect(fixed.status == 200)
        #expect(try AdminAPITests.object(fixed.body)["generation"] as? Int == 2)
        #expect(daemon.daemon.ruleSet.rules.map(\.name).sorted() == ["added", "steady"])
        #expect(try await OpsFixture.post(daemon, id: "r2", type: "fine").status == 200)
        #expect(try await OpsFixture.eventually {
            try await daemon.store.event(id: "r2", source: "ops").event?.jobs.filter { $0.state == .done }.map(\.rule).sorted() == ["added", "steady"]
        })
        let metrics = try await daemon.admin("/metrics").body
        #expect(MetricsTests.value(metrics, #"hookd_reloads_total{result="failed"}"#) == 1)
        #expect(MetricsTests.value(metrics, #"hookd_reloads_total{result="ok"}"#) == 1)
        #expect(try await daemon.daemon.statusReader.snapshot().lastReload.succeeded)
    }

    @Test("the replaced generation's Lua workers are released once no run holds them")
    func oldGenerationReleased() async throws {
        let rules = try OpsFixture.rulesDirectory()
        let daemon = try await OpsFixture.daemon(rules: rules)
        defer { Task { await daemon.stop() } }
        #expect(try await OpsFixture.post(daemon, id: "g1", type: "fine").status == 200)
        #expect(try await OpsFixture.eventually { try await daemon.store.event(id: "g1", source: "ops").event?.jobs.first?.state == .done })
        weak var old = daemon.daemon.live.generation.pool
        #expect(old != nil)
        #expect(try await daemon.admin("/api/reload", method: "POST", headers: OpsFixture.bearer).status == 200)
        #expect(try await OpsFixture.eventually { old == nil })
        // The new generation runs rules.
        #expect(try await OpsFixture.post(daemon, id: "g2", type: "fine").status == 200)
        #expect(try await OpsFixture.eventually { try await daemon.store.event(id: "g2", source: "ops").event?.jobs.first?.state == .done })
    }

    @Test("sources and settings of hookd.yaml reload too; listen addresses and the store are reported as needing a restart")
    func configReload() async throws {
        let rules = try OpsFixture.rulesDirectory()
        let daemon = try await OpsFixture.daemon(rules: rules)
        defer { Task { await daemon.stop() } }
        #expect(try await daemon.send("/webhooks/second", body: Array(#"{"id": "s1", "type": "t"}"#.utf8),
                                      headers: [("X-Token", OpsFixture.secret)]).status == 404)
        var yaml = try String(contentsOf: daemon.configFile, encoding: .utf8)
        yaml = yaml.replacingOccurrences(of: "listen: 127.0.0.1:0\n  max_body", with: "listen: 127.0.0.1:1\n  max_body")
        yaml += "\n" + OpsFixture.source.replacingOccurrences(of: "ops", with: "second") + "\n"
        try yaml.write(to: daemon.configFile, atomically: true, encoding: .utf8)
        let answer = try await daemon.admin("/api/reload", method: "POST", headers: OpsFixture.bearer)
        #expect(answer.status == 200, "\(answer.body)")
        #expect(try AdminAPITests.object(answer.body)["needs_restart"] as? [String] == ["server.listen"])
        #expect(try await daemon.send("/webhooks/second", body: Array(#"{"id": "s1", "type": "t"}"#.utf8),
                                      headers: [("X-Token", OpsFixture.secret)]).status == 200)
        #expect(try await daemon.daemon.statusReader.snapshot().lastReload.needsRestart == ["server.listen"])
    }

    @Test("a source whose secret is missing after the edit fails the reload and keeps the running sources")
    func misconfiguredSourceKeepsOld() async throws {
        let rules = try OpsFixture.rulesDirectory()
        let daemon = try await OpsFixture.daemon(rules: rules)
        defer { Task { await daemon.stop() } }
        var yaml = try String(contentsOf: daemon.configFile, encoding: .utf8)
        yaml += "\n" + OpsFixture.source.replacingOccurrences(of: "ops", with: "third").replacingOccurrences(of: "PASSPORT_API_KEY", with: "NOT_SET_ANYWHERE") + "\n"
        try yaml.write(to: daemon.configFile, atomically: true, encoding: .utf8)
        let answer = try await daemon.admin("/api/reload", method: "POST", headers: OpsFixture.bearer)
        #expect(answer.status == 422)
        #expect(answer.body.contains("sources[third]"), "\(answer.body)")
        #expect(try await OpsFixture.post(daemon, id: "k1", type: "fine").status == 200)
        #expect(try await daemon.send("/webhooks/third", body: Array(#"{"id": "t1", "type": "t"}"#.utf8),
                                      headers: [("X-Token", OpsFixture.secret)]).status == 404)
    }
}
