import Foundation

/// The JSON shapes of SPEC §6 for stored events, shared by `hookd events` and the admin API:
/// EVENT (`events list`, `/api/events`) and EVENT with its attempts and raw request (`events show`,
/// `/api/events/{id}`). Keys are sorted, so the same event prints the same text.
extension StoredEvent {
    /// EVENT: id, source, type, status, received_at, state and the jobs.
    public var summaryObject: [String: Any] {
        ["id": id, "source": source, "type": type, "status": status ?? NSNull(),
         "received_at": EventTime.text(receivedAt), "state": state.rawValue,
         "jobs": jobs.map(\.jsonObject)]
    }

    /// EVENT plus `timestamp`, `attempts` (every recorded attempt, by rule, round and number) and
    /// `request` (headers as received, auth headers masked; the body as text).
    public func detailObject(attempts: [StoredAttempt]) -> [String: Any] {
        var object = summaryObject
        object["timestamp"] = timestamp ?? NSNull()
        object["attempts"] = attempts.map(\.jsonObject)
        object["request"] = [
            "headers": request.headers.map { [$0.name, $0.value] },
            "body": String(decoding: request.body, as: UTF8.self),
        ] as [String: Any]
        return object
    }

    /// `{"events": [EVENT, …]}`, in the order given (newest first as the store lists them).
    public static func listJSON(_ events: [StoredEvent]) -> String {
        JSONObjectText.text(["events": events.map(\.summaryObject)])
    }

    public func detailJSON(attempts: [StoredAttempt]) -> String {
        JSONObjectText.text(detailObject(attempts: attempts))
    }
}

extension JobSummary {
    var jsonObject: [String: Any] {
        ["rule": rule, "state": state.rawValue, "attempts": attempts, "last_error": lastError ?? NSNull(),
         "next_attempt_at": nextAttemptAt.map(EventTime.text) ?? NSNull(), "outcome": outcome ?? NSNull()]
    }
}

extension StoredAttempt {
    var jsonObject: [String: Any] {
        [
            "rule": rule, "round": round, "number": attempt.number, "started_at": EventTime.text(attempt.startedAt),
            "duration_ms": DurationText.milliseconds(attempt.duration), "outcome": attempt.outcome.rawValue,
            "error": attempt.error ?? NSNull(),
            "calls": attempt.calls.map { call -> [String: Any] in
                ["method": call.method, "url": call.url, "status": call.status ?? NSNull(), "error": call.error ?? NSNull(),
                 "duration_ms": call.durationMilliseconds, "sent": call.sent]
            },
            "logs": attempt.logs.map { line -> [String: Any] in
                var object: [String: Any] = ["level": line.level, "message": line.message]
                if let fields = line.fields,
                   let decoded = try? JSONSerialization.jsonObject(with: Data(fields.utf8), options: [.fragmentsAllowed]) {
                    object["fields"] = decoded
                }
                return object
            },
        ]
    }
}

/// Pretty, key-sorted JSON text of a Foundation object tree.
enum JSONObjectText {
    static func text(_ object: Any) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}

/// Durations in milliseconds, with microsecond precision.
enum DurationText {
    static func milliseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return (Double(seconds) * 1000 + Double(attoseconds / 1_000_000_000_000) / 1000)
    }
}
