import Foundation
import HookdCore
import HookdServer
import Testing

/// The status page (SPEC §7) rendered from snapshots: what each section shows, the Retry forms, the
/// row limits, and that nothing from outside reaches the HTML unescaped.
@Suite("Status page")
struct StatusPageTests {
    /// 2026-11-22 10:00:00 UTC.
    static let now = Date(timeIntervalSince1970: 1_795_341_600)
    static let hostile = "<script>alert(1)</script>"

    static func snapshot(
        sources: [StatusSnapshot.SourceStatus] = [],
        failures: [FailedJob] = [],
        rules: [StatusSnapshot.RuleInfo] = [],
        reload: StatusSnapshot.ReloadInfo? = nil,
        rejections: [StatusSnapshot.RejectionInfo] = [],
        abandonedWorkers: Int = 0,
        csrfToken: String = "csrf-123"
    ) -> StatusSnapshot {
        StatusSnapshot(
            generatedAt: now, startedAt: now.addingTimeInterval(-(2 * 3600 + 5 * 60 + 7)), version: "0.4.2",
            sources: sources, failures: failures, rules: rules,
            lastReload: reload ?? .init(succeeded: true, at: now.addingTimeInterval(-60), generation: 3,
                                        message: nil, needsRestart: []),
            rejections: rejections, abandonedWorkers: abandonedWorkers, csrfToken: csrfToken)
    }

    static func source(_ name: String, _ queue: StatusSnapshot.QueueState, last: Date? = nil) -> StatusSnapshot.SourceStatus {
        .init(name: name, path: "/webhooks/\(name)", provider: "generic", mode: "async", queue: queue, lastProcessedAt: last)
    }

    static func failure(_ n: Int, source: String = "demo", error: String? = "downstream said no") -> FailedJob {
        .init(source: source, eventID: "evt_\(n)", rule: "rule-\(n)", state: n.isMultiple(of: 2) ? .dead : .failed,
              attempts: n + 1, lastError: error, lastAttemptAt: now.addingTimeInterval(Double(-n)))
    }

    static func rejection(_ n: Int, source: String? = "demo", reason: String = "signature mismatch") -> StatusSnapshot.RejectionInfo {
        .init(time: now.addingTimeInterval(Double(-n)), source: source, client: "10.0.0.\(n)", status: 401,
              reason: "\(reason) #\(n)")
    }

    /// The HTML of `<section id="…">` up to its end, so an assertion cannot be met by another section.
    static func section(_ id: String, of html: String) throws -> String {
        let start = try #require(html.range(of: "<section id=\"\(id)\">"), "no section \(id)")
        let end = try #require(html.range(of: "</section>", range: start.upperBound..<html.endIndex))
        return String(html[start.lowerBound..<end.upperBound])
    }

    static func count(_ needle: String, in html: String) -> Int {
        html.components(separatedBy: needle).count - 1
    }

    @Test("the header gives version, uptime, the generation in force and the UTC time of the snapshot")
    func header() {
        let html = StatusPage.render(Self.snapshot())
        #expect(html.contains("version 0.4.2"))
        #expect(html.contains("up 2 h 5 min"))
        #expect(html.contains("generation 3"))
        #expect(html.contains("generated 2026-11-22 10:00:00 UTC"))
        #expect(!html.contains("<script"), "the page has no JavaScript")
    }

    @Test("each queue state has its own badge: Empty, Waiting N, Stalled (N pending) in red")
    func queueBadges() throws {
        let html = StatusPage.render(Self.snapshot(sources: [
            Self.source("idle", .empty), Self.source("busy", .waiting(pending: 4)), Self.source("stuck", .stalled(pending: 17)),
        ]))
        let sources = try Self.section("sources", of: html)
        #expect(sources.contains(#"<span class="badge queue empty">Empty</span>"#))
        #expect(sources.contains(#"<span class="badge queue waiting">Waiting 4</span>"#))
        #expect(sources.contains(#"<span class="badge queue stalled">Stalled (17 pending)</span>"#))
        #expect(html.contains(".stalled, .failed, .dead { background: #ffebe9; color: #a40e26; }"), "stalled is red")
        #expect(sources.contains("<code>/webhooks/stuck</code>"))
        #expect(Self.count(#"<tr class="source">"#, in: sources) == 3)
    }

    @Test("last processed reads never, or as the time since, relative to the snapshot")
    func lastProcessed() throws {
        let html = StatusPage.render(Self.snapshot(sources: [
            Self.source("fresh", .empty, last: Self.now.addingTimeInterval(-12)),
            Self.source("older", .empty, last: Self.now.addingTimeInterval(-(5 * 60 + 30))),
            Self.source("days", .empty, last: Self.now.addingTimeInterval(-3 * 86_400)),
            Self.source("unused", .empty, last: nil),
        ]))
        let cells = try Self.section("sources", of: html).components(separatedBy: #"<td class="last-processed">"#).dropFirst()
            .map { String($0.prefix { $0 != "<" }) }
        #expect(cells == ["12 s ago", "5 min ago", "3 d ago", "never"])
    }

    @Test("each failure has a Retry form posting csrf, source, event and rule to /retry")
    func retryForms() throws {
        let html = StatusPage.render(Self.snapshot(failures: [Self.failure(1), Self.failure(2, source: "other")], csrfToken: "tok-9f"))
        let failures = try Self.section("failures", of: html)
        #expect(Self.count(#"<form method="post" action="/retry">"#, in: failures) == 2)
        #expect(Self.count(#"<button type="submit" class="retry">Retry</button>"#, in: failures) == 2)
        #expect(Self.count(#"<input type="hidden" name="csrf" value="tok-9f">"#, in: failures) == 2)
        #expect(failures.contains(#"<input type="hidden" name="source" value="demo"><input type="hidden" name="event" value="evt_1"><input type="hidden" name="rule" value="rule-1">"#))
        #expect(failures.contains(#"<input type="hidden" name="source" value="other"><input type="hidden" name="event" value="evt_2"><input type="hidden" name="rule" value="rule-2">"#))
        #expect(failures.contains(#"<span class="badge failed">failed</span>"#))
        #expect(failures.contains(#"<span class="badge dead">dead</span>"#))
        #expect(failures.contains("downstream said no"))
        #expect(failures.contains("2026-11-22 09:59:59"), "when, in UTC")
        #expect(!failures.contains("No failures."))
    }

    @Test("without failures the section says so and has no Retry button")
    func noFailures() throws {
        let failures = try Self.section("failures", of: StatusPage.render(Self.snapshot()))
        #expect(failures.contains("No failures."))
        #expect(!failures.contains("class=\"retry\""))
    }

    @Test("at most ten failures are shown, the first ten given")
    func failureLimit() throws {
        let html = StatusPage.render(Self.snapshot(failures: (1...14).map { Self.failure($0) }))
        let failures = try Self.section("failures", of: html)
        #expect(Self.count(#"<tr class="failure">"#, in: failures) == 10)
        #expect(failures.contains("value=\"evt_10\""))
        #expect(!failures.contains("evt_11"))
    }

    @Test("rules list their file, one line per match pattern, and a when marker only where there is one")
    func rules() throws {
        let html = StatusPage.render(Self.snapshot(rules: [
            .init(name: "fetch-resources", file: "rules/fetch.lua",
                  patterns: ["source=passage type=Connection.Updated", "source=passfort type=PRODUCT_STATUS_CHANGED"], hasWhen: true),
            .init(name: "audit", file: "rules/audit.lua", patterns: ["source=demo"], hasWhen: false),
        ]))
        let rules = try Self.section("rules", of: html)
        #expect(rules.contains(#"<td class="name">fetch-resources</td><td><code>rules/fetch.lua</code></td>"#))
        #expect(rules.contains(#"<td class="patterns"><div><code>source=passage type=Connection.Updated</code></div><div><code>source=passfort type=PRODUCT_STATUS_CHANGED</code></div></td>"#))
        #expect(rules.contains(#"<td class="patterns"><div><code>source=demo</code></div></td>"#))
        #expect(Self.count(#"class="badge when""#, in: rules) == 1)
        let auditRow = try #require(rules.components(separatedBy: "\n").first { $0.contains(">audit<") })
        #expect(!auditRow.contains("when"))
    }

    @Test("a good reload shows OK with its time and generation, and no error box")
    func reloadOK() throws {
        let reload = try Self.section("reload", of: StatusPage.render(Self.snapshot()))
        #expect(reload.contains(#"<span class="badge ok">OK</span>"#))
        #expect(reload.contains("at 2026-11-22 09:59:00 UTC, generation 3"))
        #expect(!reload.contains("<pre"))
        #expect(!reload.contains("Failed"))
        #expect(!reload.contains("needs-restart"))
    }

    @Test("a failed reload shows Failed and its error in a pre")
    func reloadFailed() throws {
        let html = StatusPage.render(Self.snapshot(reload: .init(
            succeeded: false, at: Self.now, generation: 2, message: "rules/x.lua:12: unexpected symbol near 'end'", needsRestart: [])))
        let reload = try Self.section("reload", of: html)
        #expect(reload.contains(#"<span class="badge failed">Failed</span>"#))
        #expect(reload.contains(#"<pre class="reload-error">rules/x.lua:12: unexpected symbol near &#39;end&#39;</pre>"#))
        #expect(!reload.contains(">OK<"))
    }

    @Test("settings that need a restart are listed")
    func needsRestart() throws {
        let html = StatusPage.render(Self.snapshot(reload: .init(
            succeeded: true, at: Self.now, generation: 4, message: nil, needsRestart: ["server.listen", "store"])))
        let reload = try Self.section("reload", of: html)
        #expect(reload.contains(#"<ul class="needs-restart">"#))
        #expect(reload.contains("<li><code>server.listen</code></li>"))
        #expect(reload.contains("<li><code>store</code></li>"))
    }

    @Test("at most twenty rejections are shown, with a note on the rest; no source reads as a dash")
    func rejections() throws {
        let list = [Self.rejection(0, source: nil)] + (1...24).map { Self.rejection($0) }
        let rejections = try Self.section("rejections", of: StatusPage.render(Self.snapshot(rejections: list)))
        #expect(Self.count(#"<tr class="rejection">"#, in: rejections) == 20)
        #expect(rejections.contains("<td>2026-11-22 10:00:00</td><td>—</td><td><code>10.0.0.0</code></td><td>401</td>"))
        #expect(rejections.contains("signature mismatch #19"))
        #expect(!rejections.contains("signature mismatch #20"))
        #expect(rejections.contains("5 older rejection(s) not shown"))
        #expect(!rejections.contains("No rejections."))
    }

    @Test("without rejections the section says so")
    func noRejections() throws {
        let rejections = try Self.section("rejections", of: StatusPage.render(Self.snapshot()))
        #expect(rejections.contains("No rejections."))
        #expect(!rejections.contains("not shown"))
    }

    @Test("abandoned workers are a warning, shown only when there are some")
    func abandonedWorkers() {
        #expect(!StatusPage.render(Self.snapshot(abandonedWorkers: 0)).contains("id=\"abandoned\""))
        let html = StatusPage.render(Self.snapshot(abandonedWorkers: 3))
        #expect(html.contains(#"<p id="abandoned" class="warning">3 Lua worker(s)"#))
    }

    @Test("hostile values from outside are escaped everywhere, in text and in attributes")
    func escaping() throws {
        let html = StatusPage.render(Self.snapshot(
            sources: [Self.source(Self.hostile, .empty)],
            failures: [.init(source: "demo", eventID: #"evt"><b>x"#, rule: "r", state: .dead, attempts: 1,
                             lastError: Self.hostile, lastAttemptAt: nil)],
            reload: .init(succeeded: false, at: Self.now, generation: 1, message: Self.hostile, needsRestart: [Self.hostile]),
            rejections: [Self.rejection(1, reason: Self.hostile)],
            csrfToken: #"a"b"#))
        #expect(!html.contains(Self.hostile))
        #expect(!html.contains("<script"))
        #expect(!html.contains("<b>x"))
        let escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
        #expect(try Self.section("failures", of: html).contains(#"<td class="error">\#(escaped)</td>"#))
        #expect(try Self.section("rejections", of: html).contains(#"<td class="reason">\#(escaped) #1</td>"#))
        #expect(try Self.section("reload", of: html).contains(#"<pre class="reload-error">\#(escaped)</pre>"#))
        #expect(html.contains(#"name="event" value="evt&quot;&gt;&lt;b&gt;x""#))
        #expect(html.contains(#"name="csrf" value="a&quot;b""#))
    }

    @Test("a failure without error or time shows dashes, not a value from elsewhere on the page")
    func failureWithoutError() throws {
        let failure = FailedJob(source: "demo", eventID: "evt_1", rule: "r", state: .failed, attempts: 1, lastError: nil, lastAttemptAt: nil)
        let failures = try Self.section("failures", of: StatusPage.render(Self.snapshot(failures: [failure])))
        #expect(failures.contains(#"<td class="error">—</td><td>—</td>"#))
    }
}
