import Foundation
import HookdCore
@testable import HookdServer
import Testing

/// `/metrics` after a known mix of traffic has exactly SPEC §7's counts.
@Suite("metrics", .serialized)
struct MetricsTests {
    @Test("accepted, duplicate, rejected by reason, rule runs ok and failed, reloads, queue gauges: exact counts")
    func exactCounts() async throws {
        let rules = try OpsFixture.rulesDirectory()
        let daemon = try await OpsFixture.daemon(rules: rules)
        defer { Task { await daemon.stop() } }
        for id in ["a1", "a2", "a3"] { #expect(try await OpsFixture.post(daemon, id: id, type: "fine").status == 200) }
        #expect(try await OpsFixture.post(daemon, id: "a1", type: "fine").status == 200)            // duplicate
        #expect(try await OpsFixture.post(daemon, id: "b1", type: "fail").status == 200)
        #expect(try await OpsFixture.post(daemon, id: "x1", type: "fine", secret: "wrong").status == 401)
        #expect(try await OpsFixture.post(daemon, id: "x2", type: "fine", secret: "wrong").status == 401)
        let notJSON = try await daemon.send("/webhooks/ops", body: Array("{nope".utf8), headers: [("X-Token", OpsFixture.secret)])
        #expect(notJSON.status == 400)
        let noID = try await daemon.send("/webhooks/ops", body: Array(#"{"type": "fine"}"#.utf8), headers: [("X-Token", OpsFixture.secret)])
        #expect(noID.status == 400)
        // "steady" ran on a1 a2 a3 b1; "failing" on b1.
        let steadyRuns = 4
        #expect(try await OpsFixture.eventually {
            let text = try await daemon.admin("/metrics").body
            return Self.value(text, #"hookd_rule_runs_total{rule="steady",outcome="ok"}"#) == Double(steadyRuns)
                && Self.value(text, #"hookd_rule_runs_total{rule="failing",outcome="failed"}"#) == 1
        })
        _ = try await daemon.admin("/api/reload", method: "POST", headers: OpsFixture.bearer)
        try "return {".write(to: rules.appendingPathComponent("broken.lua"), atomically: true, encoding: .utf8)
        _ = try await daemon.admin("/api/reload", method: "POST", headers: OpsFixture.bearer)

        let text = try await daemon.admin("/metrics").body
        #expect(Self.value(text, #"hookd_events_received_total{source="ops",result="accepted"}"#) == 4, "\(text)")
        #expect(Self.value(text, #"hookd_events_received_total{source="ops",result="duplicate"}"#) == 1)
        #expect(Self.value(text, #"hookd_events_received_total{source="ops",result="rejected"}"#) == 4)
        #expect(Self.value(text, #"hookd_rejections_total{source="ops",reason="unauthorized"}"#) == 2)
        #expect(Self.value(text, #"hookd_rejections_total{source="ops",reason="invalid_json"}"#) == 1)
        #expect(Self.value(text, #"hookd_rejections_total{source="ops",reason="invalid_payload"}"#) == 1)
        #expect(Self.value(text, #"hookd_rule_runs_total{rule="steady",outcome="ok"}"#) == Double(steadyRuns))
        #expect(Self.value(text, #"hookd_rule_runs_total{rule="failing",outcome="failed"}"#) == 1)
        #expect(Self.value(text, #"hookd_rule_run_seconds_count"#) == Double(steadyRuns + 1))
        #expect(Self.value(text, #"hookd_reloads_total{result="ok"}"#) == 1)
        #expect(Self.value(text, #"hookd_reloads_total{result="failed"}"#) == 1)
        #expect(Self.value(text, "hookd_queue_depth") == 0)
        #expect(Self.value(text, "hookd_oldest_pending_seconds") == 0)
        #expect(text.contains("# TYPE hookd_rule_run_seconds histogram"))
    }

    @Test("the queue gauges count what waits: undispatched events and jobs waiting to retry")
    func queueGauges() async throws {
        // A rule that fails and retries an hour later keeps its job waiting.
        let rules = try OpsFixture.rulesDirectory([
            "retrying.lua": #"return { on = { source = "ops" }, handle = function(event) error("not yet") end }"#,
        ])
        let daemon = try await OpsFixture.daemon(rules: rules, settings: "retry: { max_attempts: 5, backoff: 1h }")
        defer { Task { await daemon.stop() } }
        for id in ["q1", "q2", "q3"] { #expect(try await OpsFixture.post(daemon, id: id, type: "fine").status == 200) }
        #expect(try await OpsFixture.eventually {
            let text = try await daemon.admin("/metrics").body
            return Self.value(text, #"hookd_rule_runs_total{rule="retrying",outcome="failed"}"#) == 3
        })
        let text = try await daemon.admin("/metrics").body
        #expect(Self.value(text, "hookd_queue_depth") == 3, "\(text)")
        // Jobs waiting out a backoff are not overdue work: the oldest pending age stays 0.
        #expect(Self.value(text, "hookd_oldest_pending_seconds") == 0)
    }

    /// The value of the sample named exactly `series` (name and labels as printed).
    static func value(_ text: String, _ series: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }
}
