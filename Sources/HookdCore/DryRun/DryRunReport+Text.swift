import Foundation

/// `hookd dry-run`'s text output, for a person at a terminal: each event, each matched rule with its
/// calls and log lines, and the outcome.
extension DryRunReport {
    public func text(explain: Bool) -> String {
        var lines: [String] = []
        for event in events {
            var head = "event \(event.id)  source \(event.source)  type \(event.type)"
            head += "  status \(event.status ?? "(none)")"
            if let timestamp = event.timestamp { head += "  at \(timestamp)" }
            lines.append(head)
            if event.rules.isEmpty { lines.append("  no rule matched") }
            for rule in event.rules { lines += rule.textLines }
            if explain {
                for skipped in event.notMatched {
                    lines.append("  - \(skipped.rule) (\(skipped.file)): not matched: \(skipped.reason)")
                }
            } else if !event.notMatched.isEmpty {
                lines.append("  (\(event.notMatched.count) rule\(event.notMatched.count == 1 ? "" : "s") not matched; --explain says why)")
            }
            lines.append("")
        }
        lines.append(summary)
        return lines.joined(separator: "\n") + "\n"
    }

    /// `result: ok (2 rules ran: 1 ok, 1 skipped)` or `result: FAILED (…)`.
    var summary: String {
        let runs = events.flatMap(\.rules)
        let count = { (outcome: Outcome) in runs.filter { $0.outcome == outcome }.count }
        let events = "\(self.events.count) event\(self.events.count == 1 ? "" : "s")"
        guard !runs.isEmpty else { return "result: ok (\(events), no rule matched)" }
        let detail = "\(events), \(runs.count) run\(runs.count == 1 ? "" : "s"): \(count(.ok)) ok, \(count(.skipped)) skipped, \(count(.failed)) failed"
        return anyRuleFailed ? "result: FAILED (\(detail))" : "result: ok (\(detail))"
    }
}

extension DryRunReport.RuleReport {
    var textLines: [String] {
        var head = "  rule \(rule) (\(file)): \(outcome.rawValue)"
        if let skipReason { head += ": \(skipReason)" }
        head += String(format: "  [%.1f ms]", durationMilliseconds)
        var lines = [head]
        if let error { lines.append("    error: \(error)") }
        if let traceback {
            lines += traceback.split(separator: "\n").map { "      \($0)" }
        }
        let width = calls.map(\.method.count).max() ?? 0
        for call in calls {
            let method = call.method.padding(toLength: width, withPad: " ", startingAt: 0)
            let answer = call.status.map { "\($0)" } ?? "error: \(call.error ?? "failed")"
            let how = call.mocked ? "mock" : call.sent ? "sent" : "not sent"
            lines.append("    \(method) \(call.url) -> \(answer) (\(how))")
        }
        for log in logs {
            lines.append("    log \(log.level): \(log.message)" + (log.sortedFieldsJSON.map { " \($0)" } ?? ""))
        }
        if logsDropped > 0 { lines.append("    (\(logsDropped) log lines dropped)") }
        return lines
    }
}

extension DryRunReport.LogReport {
    /// The fields with their keys sorted, so the same run prints the same line (Lua's table order varies).
    var sortedFieldsJSON: String? {
        guard let fieldsJSON else { return nil }
        guard let object = try? JSONSerialization.jsonObject(with: Data(fieldsJSON.utf8), options: [.fragmentsAllowed]),
              let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed])
        else { return fieldsJSON }
        return String(decoding: data, as: UTF8.self)
    }
}
