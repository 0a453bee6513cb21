import Foundation
import HookdCore

/// `hookd events list` and `show` for a person (`--format text`).
enum EventsText {
    static func list(_ events: [StoredEvent]) -> String {
        guard !events.isEmpty else { return "no events\n" }
        return events.map { event in
            let jobs = event.jobs.map { "\($0.rule):\($0.state.rawValue)(\($0.attempts))" }.joined(separator: " ")
            let kind = event.type + (event.status.map { "/" + $0 } ?? "")
            return "\(EventTime.text(event.receivedAt))  \(event.state.rawValue.padding(7))  \(event.source)  \(event.id)  \(kind)"
                + (jobs.isEmpty ? "" : "  " + jobs) + "\n"
        }.joined()
    }

    static func detail(_ event: StoredEvent, attempts: [StoredAttempt]) -> String {
        var lines = [
            "event \(event.id)  source \(event.source)  type \(event.type)" + (event.status.map { "  status \($0)" } ?? ""),
            "received \(EventTime.text(event.receivedAt))  state \(event.state.rawValue)"
                + (event.timestamp.map { "  timestamp \($0)" } ?? ""),
        ]
        if event.jobs.isEmpty { lines.append(event.dispatched ? "no rule matched" : "not dispatched yet") }
        for job in event.jobs {
            var line = "job \(job.rule): \(job.state.rawValue), \(job.attempts) attempt(s)"
            if let next = job.nextAttemptAt { line += ", next at \(EventTime.text(next))" }
            if let error = job.lastError { line += ", last error: \(error)" }
            lines.append(line)
            for stored in attempts where stored.rule == job.rule {
                let attempt = stored.attempt
                let round = stored.round > 0 ? " (replay \(stored.round))" : ""
                let duration = String(format: "%.1f ms", Double(attempt.duration.components.seconds) * 1000
                                      + Double(attempt.duration.components.attoseconds) / 1e15)
                lines.append("  attempt \(attempt.number)\(round) at \(EventTime.text(attempt.startedAt)): \(attempt.outcome.rawValue) in \(duration)"
                             + (attempt.error.map { ": \($0)" } ?? ""))
                for call in attempt.calls {
                    let answer = call.status.map(String.init) ?? ("error" + (call.error.map { " (\($0))" } ?? ""))
                    lines.append("    \(call.method) \(call.url) -> \(answer)")
                }
                for log in attempt.logs { lines.append("    [\(log.level)] \(log.message)") }
            }
        }
        lines.append("request headers:")
        for header in event.request.headers { lines.append("  \(header.name): \(header.value)") }
        lines.append("request body (\(event.request.body.count) bytes):")
        lines.append(String(decoding: event.request.body, as: UTF8.self))
        return lines.joined(separator: "\n") + "\n"
    }
}

private extension String {
    func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}
