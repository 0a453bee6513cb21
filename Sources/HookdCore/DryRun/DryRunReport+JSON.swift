import Foundation

/// `hookd dry-run --format json` (SPEC §6), with keys sorted so the output is stable.
extension DryRunReport {
    public func jsonText() -> String {
        JSONObjectText.text(["events": events.map(\.jsonObject)])
    }
}

extension DryRunReport.EventReport {
    var jsonObject: [String: Any] {
        ["id": id, "source": source, "type": type, "status": status ?? NSNull(), "timestamp": timestamp ?? NSNull(),
         "rules": rules.map(\.jsonObject),
         "not_matched": notMatched.map { ["rule": $0.rule, "file": $0.file, "reason": $0.reason] }]
    }
}

extension DryRunReport.RuleReport {
    var jsonObject: [String: Any] {
        var object: [String: Any] = [
            "rule": rule, "file": file, "outcome": outcome.rawValue, "error": error ?? NSNull(),
            "calls": calls.map(\.jsonObject), "logs": logs.map(\.jsonObject),
        ]
        if let skipReason { object["skip_reason"] = skipReason }
        if let traceback { object["traceback"] = traceback }
        if logsDropped > 0 { object["logs_dropped"] = logsDropped }
        return object
    }
}

extension DryRunReport.CallReport {
    var jsonObject: [String: Any] {
        ["method": method, "url": url, "status": status ?? NSNull(), "error": error ?? NSNull(), "sent": sent,
         "mocked": mocked, "idempotency_key": idempotencyKey]
    }
}

extension DryRunReport.LogReport {
    var jsonObject: [String: Any] {
        var object: [String: Any] = ["level": level, "message": message]
        if let fieldsJSON, let fields = try? JSONSerialization.jsonObject(with: Data(fieldsJSON.utf8), options: [.fragmentsAllowed]) {
            object["fields"] = fields
        }
        return object
    }
}
