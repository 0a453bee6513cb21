import Foundation
import GRDB
import HookdCore

/// The queries behind metrics and the status page: small aggregates over the partial indexes, so
/// reading them every few seconds costs little however many finished events the store keeps.
enum OperationsReading {
    /// INDEXED BY: left to itself, SQLite could read the whole table (before v4, through the
    /// (source, id) index) to group by source, which takes seconds once millions of events are kept.
    static let undispatchedBySource = """
        SELECT source, COUNT(*) AS waiting, MIN(received_at) AS oldest FROM events INDEXED BY events_undispatched
        WHERE dispatched = 0 AND pruned_at IS NULL GROUP BY source
        """

    /// Read through `jobs_unfinished`: finished jobs are not in it.
    static let unfinishedJobsBySource = """
        SELECT j.source, COUNT(*) AS waiting,
               MIN(CASE WHEN j.state IN ('pending', 'running') THEN e.received_at END) AS oldest
        FROM jobs j JOIN events e ON e.seq = j.event_seq
        WHERE j.\(SQLiteSchema.unfinishedJob) GROUP BY j.source
        """

    /// Read through `jobs_attention`.
    static let recentFailuresByTime = """
        SELECT j.source, e.id, j.rule, j.state, j.attempts, j.last_error,
               coalesce((SELECT MAX(a.started_at) FROM attempts a WHERE a.job_id = j.id AND a.round = j.round),
                        CASE WHEN j.round = 0 THEN j.first_started_at END) AS last_at
        FROM jobs j JOIN events e ON e.seq = j.event_seq
        WHERE j.\(SQLiteSchema.jobNeedingAttention)
        ORDER BY COALESCE(last_at, 0) DESC, j.id DESC LIMIT ?
        """

    static func queueOverview(in db: Database) throws -> QueueOverview {
        var overview = QueueOverview()
        for row in try Row.fetchAll(db, sql: undispatchedBySource) {
            let oldest: Int64? = row["oldest"]
            overview.sources[row["source"]] = .init(waiting: row["waiting"], oldestPendingReceivedAt: oldest.map(ColumnCoding.date(milliseconds:)))
        }
        for row in try Row.fetchAll(db, sql: unfinishedJobsBySource) {
            let source: String = row["source"]
            let oldest: Int64? = row["oldest"]
            var queue = overview.sources[source] ?? .init()
            queue.waiting += row["waiting"] as Int
            let jobOldest = oldest.map(ColumnCoding.date(milliseconds:))
            queue.oldestPendingReceivedAt = [queue.oldestPendingReceivedAt, jobOldest].compactMap { $0 }.min()
            overview.sources[source] = queue
        }
        return overview
    }

    static func recentFailures(limit: Int, in db: Database) throws -> [FailedJob] {
        try Row.fetchAll(db, sql: recentFailuresByTime, arguments: [max(0, limit)]).map { row in
            let last: Int64? = row["last_at"]
            return FailedJob(source: row["source"], eventID: row["id"], rule: row["rule"],
                             state: JobState(rawValue: row["state"]) ?? .failed, attempts: row["attempts"],
                             lastError: row["last_error"], lastAttemptAt: last.map(ColumnCoding.date(milliseconds:)))
        }
    }
}
