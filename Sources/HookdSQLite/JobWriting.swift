import Foundation
import GRDB
import HookdCore

/// The dispatcher's writes, each run inside the writer's open transaction: dispatching an event,
/// claiming due jobs, recording an attempt with the job's next state, and resuming after a crash.
enum JobWriting {
    static func dispatch(source: String, eventID: String, rules: [String], claimed: Bool, in db: Database) throws -> [String: Int64]? {
        // Cached statements: the loop dispatches every accepted event through here.
        let find = try db.cachedStatement(sql: """
            SELECT seq, order_key FROM events WHERE source = ? AND id = ? AND dispatched = 0 AND pruned_at IS NULL
            """)
        guard let row = try Row.fetchOne(find, arguments: [source, eventID]) else { return nil }
        let seq: Int64 = row["seq"]
        let orderKey: String? = row["order_key"]
        try db.cachedStatement(sql: "UPDATE events SET dispatched = 1 WHERE seq = ?").execute(arguments: [seq])
        let insert = try db.cachedStatement(sql: """
            INSERT INTO jobs (event_seq, rule, source, order_key, state, claimed_at) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (event_seq, rule) DO NOTHING
            """)
        let state = claimed ? JobState.running.rawValue : JobState.pending.rawValue
        let claimedAt: Int64? = claimed ? ColumnCoding.milliseconds(Date()) : nil
        var ids: [String: Int64] = [:]
        for rule in rules where ids[rule] == nil {
            try insert.execute(arguments: [seq, rule, source, orderKey, state, claimedAt])
            if db.changesCount == 1 { ids[rule] = db.lastInsertedRowID }
        }
        return ids
    }

    /// A job whose `order_by` lane has no unfinished job received before it.
    private static let laneIsFree = """
        (order_key IS NULL OR NOT EXISTS (
            SELECT 1 FROM jobs AS earlier
            WHERE earlier.source = job.source AND earlier.rule = job.rule AND earlier.order_key = job.order_key
              AND earlier.event_seq < job.event_seq
              AND earlier.state IN ('pending', 'running', 'failed')))
        """
    static let claimPending = """
        SELECT id, rule, attempts, event_seq FROM jobs AS job INDEXED BY jobs_pending
        WHERE state = 'pending' AND \(laneIsFree) ORDER BY id LIMIT ?
        """
    static let claimDue = """
        SELECT id, rule, attempts, event_seq FROM jobs AS job INDEXED BY jobs_due
        WHERE state = 'failed' AND next_attempt_at <= ? AND \(laneIsFree) ORDER BY next_attempt_at LIMIT ?
        """

    /// Due retries first (longest due first), then pending jobs oldest first, within the `order_by` lanes (SPEC §2): a job with an order key is claimable
    /// only when no job of its lane (source, order key, rule) received before it is unfinished, so a
    /// lane runs one job at a time in receipt order and a job waiting to retry holds it until it is
    /// done or dead. Jobs without a key are claimable as soon as they are due.
    static func claim(now: Date, limit: Int, in db: Database) throws -> [ClaimedJob] {
        guard limit > 0 else { return [] }
        let nowMilliseconds = ColumnCoding.milliseconds(now)
        // Due retries (the longest due first) and then pending jobs (the oldest first) are read apart,
        // each in the order of its own index: one query with OR sorted the whole backlog on every claim.
        let pending = try Row.fetchAll(try db.cachedStatement(sql: claimPending), arguments: [limit])
        let due = try Row.fetchAll(try db.cachedStatement(sql: claimDue), arguments: [nowMilliseconds, limit])
        return try claimRows(Array((due + pending).prefix(limit)), now: nowMilliseconds, in: db)
    }

    /// The jobs of one event waiting to run (pending, or failed whatever their retry time).
    static func claim(source: String, eventID: String, now: Date, in db: Database) throws -> [ClaimedJob] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT j.id, j.rule, j.attempts, j.event_seq FROM jobs j JOIN events e ON e.seq = j.event_seq
            WHERE e.source = ? AND e.id = ? AND j.state IN ('pending', 'failed') ORDER BY j.id
            """, arguments: [source, eventID])
        return try claimRows(rows, now: ColumnCoding.milliseconds(now), in: db)
    }

    /// Marks the jobs of `rows` (id, rule, attempts, event_seq) running, with their events.
    private static func claimRows(_ rows: [Row], now nowMilliseconds: Int64, in db: Database) throws -> [ClaimedJob] {
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

    /// A finished job's next state, with attempt 1 of round 0 in its row (schema v4).
    static let updateJobSQL = """
        UPDATE jobs SET state = ?1, attempts = coalesce(?2, attempts), next_attempt_at = ?3, claimed_at = NULL,
            last_error = ?4, outcome = ?5,
            first_started_at = CASE WHEN round = 0 AND ?2 = 1 THEN ?7 ELSE first_started_at END,
            first_duration_us = CASE WHEN round = 0 AND ?2 = 1 THEN ?8 ELSE first_duration_us END,
            first_outcome = CASE WHEN round = 0 AND ?2 = 1 THEN ?9 ELSE first_outcome END,
            first_error = CASE WHEN round = 0 AND ?2 = 1 THEN ?10 ELSE first_error END,
            first_calls = CASE WHEN round = 0 AND ?2 = 1 THEN ?11 ELSE first_calls END,
            first_logs = CASE WHEN round = 0 AND ?2 = 1 THEN ?12 ELSE first_logs END
        WHERE id = ?6
        """

    /// `updateJobSQL` for the common finish: attempt 1 of round 0 (the job's first run), written
    /// into the job's row without the CASE of every `first_*` column. No row changes when the job
    /// is in a later round (or gone): the general statements then decide.
    static let updateFirstAttemptSQL = """
        UPDATE jobs SET state = ?1, attempts = 1, next_attempt_at = ?3, claimed_at = NULL,
            last_error = ?4, outcome = ?5, first_started_at = ?7, first_duration_us = ?8, first_outcome = ?9,
            first_error = ?10, first_calls = ?11, first_logs = ?12
        WHERE id = ?6 AND round = 0
        """

    /// Records attempts and moves their jobs to their next state, in the open transaction.
    static func finish(_ rows: [FinishRow], in db: Database) throws {
        // Bound and stepped through the C API: every run ends here, on the one writer's thread.
        // Attempt 1 of round 0 is kept in the job's row (schema v4), written by the job's update;
        // any other goes to the attempts table, in the job's round. Not `UPDATE … RETURNING round`:
        // SQLite collects returned rows in an ephemeral table, a pager opened and zeroed per finish.
        let insertAttempt = try RawStatement(sql: """
            INSERT INTO attempts (job_id, round, number, started_at, duration_us, outcome, error, calls, logs)
            SELECT ?1, round, ?2, ?3, ?4, ?5, ?6, ?7, ?8 FROM jobs WHERE id = ?1 AND NOT (round = 0 AND ?2 = 1)
            ON CONFLICT (job_id, round, number) DO UPDATE SET started_at = excluded.started_at,
                duration_us = excluded.duration_us, outcome = excluded.outcome, error = excluded.error,
                calls = excluded.calls, logs = excluded.logs
            """, in: db)
        let updateJob = try RawStatement(sql: updateJobSQL, in: db)
        let updateFirst = try RawStatement(sql: updateFirstAttemptSQL, in: db)
        let release = try RawStatement(sql: "UPDATE jobs SET state = 'pending', claimed_at = NULL WHERE id = ? AND state = 'running'", in: db)
        for row in rows {
            if row.isRelease {
                release.bind(1, row.job)
                try release.run()
                continue
            }
            // Attempt 1 of round 0: one update, and no attempts row to consider.
            if let attempt = row.attempt, attempt.number == 1 {
                bindState(of: row, to: updateFirst)
                bindRecord(of: attempt, from: 7, to: updateFirst)
                if try updateFirst.run() == 1 { continue }
            }
            bindState(of: row, to: updateJob)
            updateJob.bind(2, row.attempt?.number)
            if let attempt = row.attempt { bindRecord(of: attempt, from: 7, to: updateJob) }
            // No row changed: the job is gone (pruned, or its event forgotten); nothing to record.
            // Attempt 1 of round 0 was stored by an update: the insert's condition leaves it out.
            guard try updateJob.run() == 1, let attempt = row.attempt else { continue }
            insertAttempt.bind(1, row.job)
            insertAttempt.bind(2, attempt.number)
            bindRecord(of: attempt, from: 3, to: insertAttempt)
            try insertAttempt.run()
        }
    }

    /// A finish's next state, last error and outcome, and its job, bound to ?1 and ?3…?6 of
    /// `updateJobSQL` or `updateFirstAttemptSQL`.
    private static func bindState(of row: FinishRow, to statement: RawStatement) {
        statement.bind(1, row.state)
        statement.bind(3, row.nextAttemptAt)
        statement.bind(4, row.lastError)
        statement.bind(5, row.outcome)
        statement.bind(6, row.job)
    }

    /// An attempt's start, duration, outcome, error, calls and logs, bound to six parameters in a row.
    private static func bindRecord(of attempt: FinishRow.Attempt, from first: Int32, to statement: RawStatement) {
        statement.bind(first, attempt.startedAt)
        statement.bind(first + 1, attempt.durationMicroseconds)
        statement.bind(first + 2, attempt.outcome)
        statement.bind(first + 3, attempt.error)
        statement.bind(first + 4, attempt.calls)
        statement.bind(first + 5, attempt.logs)
    }

    /// The jobs `selection` picks, reset to attempt 0 in a new round and due now.
    static func replay(_ selection: ReplaySelection, in db: Database) throws -> ReplayResult {
        var result = ReplayResult()
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let rule = selection.rule {
            conditions.append("j.rule = ?")
            arguments += [rule]
        }
        if let source = selection.source {
            conditions.append("e.source = ?")
            arguments += [source]
        }
        if let since = selection.since {
            conditions.append("e.received_at >= ?")
            arguments += [ColumnCoding.milliseconds(since)]
        }
        var targets: [Int64] = []
        switch selection.target {
        case .state(let state):
            // Failed and dead jobs (what `replay --state` takes) are read from their partial index.
            let attention = state == .failed || state == .dead ? " AND j.\(SQLiteSchema.jobNeedingAttention)" : ""
            targets = try Int64.fetchAll(db, sql: """
                SELECT j.id FROM jobs j JOIN events e ON e.seq = j.event_seq
                WHERE e.pruned_at IS NULL AND j.state = ?\(attention)\(conditions.map { " AND " + $0 }.joined())
                ORDER BY j.id
                """, arguments: [state.rawValue] + arguments)
        case .events(let ids):
            for id in ids {
                var eventArguments: StatementArguments = [id]
                var eventSQL = "SELECT seq, source FROM events WHERE id = ? AND pruned_at IS NULL"
                if let source = selection.source {
                    eventSQL += " AND source = ?"
                    eventArguments += [source]
                }
                let rows = try Row.fetchAll(db, sql: eventSQL + " ORDER BY source", arguments: eventArguments)
                guard !rows.isEmpty else {
                    result.notFound.append(id)
                    continue
                }
                guard rows.count == 1 else {
                    result.ambiguous[id] = rows.map { $0["source"] }
                    continue
                }
                let seq: Int64 = rows[0]["seq"]
                targets += try Int64.fetchAll(db, sql: """
                    SELECT j.id FROM jobs j JOIN events e ON e.seq = j.event_seq
                    WHERE j.event_seq = ? AND j.state IN ('done', 'failed', 'dead')\(conditions.map { " AND " + $0 }.joined())
                    ORDER BY j.id
                    """, arguments: [seq] + arguments)
            }
        }
        let reset = try db.cachedStatement(sql: """
            UPDATE jobs SET state = 'pending', attempts = 0, round = round + 1, next_attempt_at = NULL, claimed_at = NULL
            WHERE id = ? AND state IN ('done', 'failed', 'dead')
            """)
        for job in targets {
            try reset.execute(arguments: [job])
            guard db.changesCount == 1, let row = try Row.fetchOne(db, sql: """
                SELECT e.source, e.id, j.rule FROM jobs j JOIN events e ON e.seq = j.event_seq WHERE j.id = ?
                """, arguments: [job]) else { continue }
            result.replayed.append(ReplayResult.Job(source: row["source"], eventID: row["id"], rule: row["rule"]))
        }
        return result
    }

    /// Read through `jobs_unfinished`, not the whole table.
    static let resumeRunning = "UPDATE jobs SET state = 'pending', claimed_at = NULL WHERE \(SQLiteSchema.unfinishedJob) AND state = 'running'"

    static func resume(in db: Database) throws -> Int {
        try db.execute(sql: resumeRunning)
        return db.changesCount
    }
}
