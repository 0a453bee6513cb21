import Foundation
import GRDB
import HookdCore

/// Reads stored events (never tombstones) back into `StoredEvent`s, each with its jobs.
enum EventReading {
    private static let selection = """
        SELECT e.seq, e.source, e.id, e.type, e.status, e.timestamp,
               CASE WHEN e.payload_is_body = 1 THEN coalesce(e.request_body, r.body) ELSE e.payload END AS payload,
               e.data_path, e.order_key, e.received_at, e.dispatched,
               coalesce(e.request_body, r.body) AS body, coalesce(e.request_headers, r.headers) AS headers
        FROM events e LEFT JOIN requests r ON r.id = e.request_id
        WHERE e.pruned_at IS NULL
        """

    static func lookup(id: String, source: String?, in db: Database) throws -> EventLookup {
        let sql = selection + " AND e.id = ?" + (source == nil ? "" : " AND e.source = ?") + " ORDER BY e.source"
        let arguments: StatementArguments = source.map { [id, $0] } ?? [id]
        let events = try withJobs(Row.fetchAll(db, sql: sql, arguments: arguments), in: db).map(\.event)
        switch events.count {
        case 0: return .notFound
        case 1: return .found(events[0])
        default: return .ambiguous(sources: events.map(\.source))
        }
    }

    static func events(matching filter: EventFilter, in db: Database) throws -> [StoredEvent] {
        var sql = selection
        var arguments: StatementArguments = []
        if let source = filter.source {
            sql += " AND e.source = ?"
            arguments += [source]
        }
        if let since = filter.since {
            // The scan stops a minute of receipt before `since` (`ReceiptOrder`): receipt order and
            // seq order differ by far less, unless the clock was set back.
            let time = ColumnCoding.milliseconds(since)
            sql += " AND e.seq >= ? AND e.received_at >= ?"
            arguments += [try ReceiptOrder.firstSeq(receivedAtOrAfter: time - 60_000, in: db), time]
        }
        if let state = filter.state { sql += " AND " + condition(for: state) }
        sql += " ORDER BY e.seq DESC LIMIT ?"
        arguments += [filter.limit]
        return try withJobs(Row.fetchAll(db, sql: sql, arguments: arguments), in: db).map(\.event)
    }

    /// The SQL form of `EventState`'s derivation, for the event `e`.
    private static func condition(for state: EventState) -> String {
        func any(_ states: String) -> String {
            "EXISTS (SELECT 1 FROM jobs j WHERE j.event_seq = e.seq AND j.state IN (\(states)))"
        }
        switch state {
        case .dead: return any("'dead'")
        case .failed: return "NOT \(any("'dead'")) AND \(any("'failed'"))"
        case .pending: return "NOT \(any("'dead', 'failed'")) AND (e.dispatched = 0 OR \(any("'pending', 'running'")))"
        case .done: return "e.dispatched = 1 AND NOT \(any("'dead', 'failed', 'pending', 'running'"))"
        }
    }

    /// Not yet dispatched, oldest first (they have no jobs yet).
    static func undispatched(limit: Int, excludingSources: Set<String>, in db: Database) throws -> [StoredEvent] {
        let excluded = excludingSources.sorted()
        let exclusion = excluded.isEmpty ? "" : " AND e.source NOT IN (" + excluded.map { _ in "?" }.joined(separator: ",") + ")"
        let rows = try Row.fetchAll(db, sql: selection + " AND e.dispatched = 0" + exclusion + " ORDER BY e.seq LIMIT ?",
                                    arguments: StatementArguments(excluded) + [max(0, limit)])
        return try rows.map(storedEvent)
    }

    /// The events of `seqs` by seq, without their jobs (a claimed job's run does not read them).
    static func events(seqs: Set<Int64>, in db: Database) throws -> [Int64: StoredEvent] {
        guard !seqs.isEmpty else { return [:] }
        let list = seqs.map(String.init).joined(separator: ",")
        let rows = try Row.fetchAll(db, sql: selection + " AND e.seq IN (\(list))")
        return Dictionary(try rows.map { ($0["seq"] as Int64, try storedEvent($0)) }, uniquingKeysWith: { first, _ in first })
    }

    static func attempts(source: String, eventID: String, in db: Database) throws -> [StoredAttempt] {
        // Attempt 1 of round 0 is in the job's row (schema v4), the others in attempts.
        try Row.fetchAll(db, sql: """
            SELECT j.rule, a.round, a.number, a.started_at, a.duration_us, a.outcome, a.error, a.calls, a.logs
            FROM attempts a JOIN jobs j ON j.id = a.job_id JOIN events e ON e.seq = j.event_seq
            WHERE e.source = ?1 AND e.id = ?2
            UNION ALL
            SELECT j.rule, 0, 1, j.first_started_at, j.first_duration_us, j.first_outcome, j.first_error,
                   j.first_calls, j.first_logs
            FROM jobs j JOIN events e ON e.seq = j.event_seq
            WHERE e.source = ?1 AND e.id = ?2 AND j.first_started_at IS NOT NULL
            ORDER BY 1, 2, 3
            """, arguments: [source, eventID]).map { row in
            StoredAttempt(rule: row["rule"], round: row["round"], attempt: AttemptRecord(
                number: row["number"], startedAt: ColumnCoding.date(milliseconds: row["started_at"]),
                duration: ColumnCoding.duration(microseconds: row["duration_us"]),
                outcome: AttemptRecord.Outcome(rawValue: row["outcome"]) ?? .failed, error: row["error"],
                calls: try ColumnCoding.values(json: row["calls"]), logs: try ColumnCoding.values(json: row["logs"])))
        }
    }

    /// The events of `rows`, their jobs read in one query.
    private static func withJobs(_ rows: [Row], in db: Database) throws -> [(seq: Int64, event: StoredEvent)] {
        var events = try rows.map { (seq: $0["seq"] as Int64, event: try storedEvent($0)) }
        guard !events.isEmpty else { return [] }
        let list = events.map { String($0.seq) }.joined(separator: ",")
        var jobs: [Int64: [JobSummary]] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT event_seq, rule, state, attempts, last_error, next_attempt_at, outcome FROM jobs
            WHERE event_seq IN (\(list)) ORDER BY rule
            """) {
            let next: Int64? = row["next_attempt_at"]
            jobs[row["event_seq"], default: []].append(JobSummary(
                rule: row["rule"], state: JobState(rawValue: row["state"]) ?? .pending, attempts: row["attempts"],
                lastError: row["last_error"], nextAttemptAt: next.map(ColumnCoding.date(milliseconds:)),
                outcome: row["outcome"]))
        }
        for index in events.indices { events[index].event.jobs = jobs[events[index].seq] ?? [] }
        return events
    }

    private static func storedEvent(_ row: Row) throws -> StoredEvent {
        let payload: Data? = row["payload"]
        let body: Data? = row["body"]
        let headers: String? = row["headers"]
        return StoredEvent(
            source: row["source"], id: row["id"], type: row["type"], status: row["status"],
            timestamp: row["timestamp"], payload: payload.map { [UInt8]($0) } ?? [],
            dataPath: try ColumnCoding.strings(json: row["data_path"]), orderKey: row["order_key"],
            receivedAt: ColumnCoding.date(milliseconds: row["received_at"]), dispatched: row["dispatched"],
            request: RawRequest(body: body.map { [UInt8]($0) } ?? [],
                                headers: try headers.map(ColumnCoding.headers(json:)) ?? []))
    }
}
