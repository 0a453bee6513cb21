import Foundation
import GRDB
import HookdCore

/// The dispatcher's writes, each run inside the writer's open transaction: dispatching an event,
/// claiming due jobs, recording an attempt with the job's next state, and resuming after a crash.
enum JobWriting {
    static func dispatch(source: String, eventID: String, rules: [String], in db: Database) throws -> [String: Int64]? {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT seq, order_key FROM events WHERE source = ? AND id = ? AND dispatched = 0 AND pruned_at IS NULL
            """, arguments: [source, eventID]) else { return nil }
        let seq: Int64 = row["seq"]
        let orderKey: String? = row["order_key"]
        try db.execute(sql: "UPDATE events SET dispatched = 1 WHERE seq = ?", arguments: [seq])
        let insert = try db.cachedStatement(sql: """
            INSERT INTO jobs (event_seq, rule, source, order_key) VALUES (?, ?, ?, ?)
            ON CONFLICT (event_seq, rule) DO NOTHING
            """)
        var ids: [String: Int64] = [:]
        for rule in rules where ids[rule] == nil {
            try insert.execute(arguments: [seq, rule, source, orderKey])
            if db.changesCount == 1 { ids[rule] = db.lastInsertedRowID }
        }
        return ids
    }

    /// Oldest job first. The `order_by` lanes (one running job per (source, order key, rule)) will
    /// narrow this selection; until then every due job is claimable.
    static func claim(now: Date, limit: Int, in db: Database) throws -> [ClaimedJob] {
        guard limit > 0 else { return [] }
        let nowMilliseconds = ColumnCoding.milliseconds(now)
        let rows = try Row.fetchAll(db, sql: """
            SELECT id, rule, attempts, event_seq FROM jobs
            WHERE state = 'pending' OR (state = 'failed' AND next_attempt_at <= ?)
            ORDER BY id LIMIT ?
            """, arguments: [nowMilliseconds, limit])
        guard !rows.isEmpty else { return [] }
        let ids = rows.map { String($0["id"] as Int64) }.joined(separator: ",")
        try db.execute(sql: "UPDATE jobs SET state = 'running', claimed_at = ? WHERE id IN (\(ids))",
                       arguments: [nowMilliseconds])
        let events = try EventReading.events(seqs: Set(rows.map { $0["event_seq"] as Int64 }), in: db)
        return rows.compactMap { row in
            guard let event = events[row["event_seq"]] else { return nil }
            return ClaimedJob(id: row["id"], rule: row["rule"], attempts: row["attempts"], event: event)
        }
    }

    static func finish(job: Int64, attempt: AttemptRecord?, transition: JobTransition, in db: Database) throws {
        if let attempt {
            try db.execute(sql: """
                INSERT INTO attempts (job_id, number, started_at, duration_us, outcome, error, calls, logs)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (job_id, number) DO UPDATE SET started_at = excluded.started_at,
                    duration_us = excluded.duration_us, outcome = excluded.outcome, error = excluded.error,
                    calls = excluded.calls, logs = excluded.logs
                """, arguments: [
                    job, attempt.number, ColumnCoding.milliseconds(attempt.startedAt),
                    ColumnCoding.microseconds(attempt.duration), attempt.outcome.rawValue, attempt.error,
                    try ColumnCoding.json(attempt.calls), try ColumnCoding.json(attempt.logs),
                ])
        }
        let state: JobState
        var nextAttemptAt: Int64?
        var error = attempt?.error
        switch transition {
        case .done:
            state = .done
        case .retry(let at):
            state = .failed
            nextAttemptAt = ColumnCoding.milliseconds(at)
        case .dead(let reason):
            state = .dead
            error = reason
        }
        try db.execute(sql: """
            UPDATE jobs SET state = ?, attempts = coalesce(?, attempts), next_attempt_at = ?, claimed_at = NULL,
                last_error = ?, outcome = ?
            WHERE id = ?
            """, arguments: [state.rawValue, attempt?.number, nextAttemptAt, error,
                             attempt?.outcome.rawValue ?? "dead", job])
    }

    static func resume(in db: Database) throws -> Int {
        try db.execute(sql: "UPDATE jobs SET state = 'pending', claimed_at = NULL WHERE state = 'running'")
        return db.changesCount
    }
}
