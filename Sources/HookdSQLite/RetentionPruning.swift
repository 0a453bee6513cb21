import Foundation
import GRDB
import HookdCore

/// Deletes finished events as a `RetentionPolicy` says, a chunk per transaction so that pruning a
/// large backlog never holds the writer (and so the requests waiting on it) for long.
enum RetentionPruning {
    static let chunkSize = 500

    /// Dispatched, and no job other than done: pending, running, waiting to retry and dead jobs keep
    /// their event (dead ones stay listed and replayable).
    private static let finished = """
        e.dispatched = 1 AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.event_seq = e.seq AND j.state <> 'done')
        """

    /// Events are read in `seq` order up to where those received before the horizon end
    /// (`ReceiptOrder`); one received earlier but stored past that point goes in a later prune.
    ///
    /// Removes one chunk of events (and tombstones) older than the id window; their jobs and
    /// attempts go with them by cascade. Returns how many were removed.
    static func forgetChunk(_ policy: RetentionPolicy, in db: Database) throws -> Int {
        let horizon = ColumnCoding.milliseconds(policy.rememberIDsAfter)
        let victims = try Row.fetchAll(db, sql: """
            SELECT e.seq, e.request_id FROM events e
            WHERE e.seq < ? AND e.received_at < ? AND (e.pruned_at IS NOT NULL OR (\(finished)))
            LIMIT \(chunkSize)
            """, arguments: [try ReceiptOrder.firstSeq(receivedAtOrAfter: horizon, in: db), horizon])
        guard !victims.isEmpty else { return 0 }
        try db.execute(sql: "DELETE FROM events WHERE seq IN (\(list(victims, "seq")))")
        try deleteUnreferencedRequests(victims, in: db)
        return victims.count
    }

    /// Turns one chunk of finished events older than the details horizon into tombstones: the row
    /// and its unique key stay, payload, request, jobs and attempts go.
    static func tombstoneChunk(_ policy: RetentionPolicy, now: Date, in db: Database) throws -> Int {
        let horizon = ColumnCoding.milliseconds(policy.keepDetailsAfter)
        let victims = try Row.fetchAll(db, sql: """
            SELECT e.seq, e.request_id FROM events e
            WHERE e.seq < ? AND e.received_at < ? AND e.pruned_at IS NULL AND \(finished)
            LIMIT \(chunkSize)
            """, arguments: [try ReceiptOrder.firstSeq(receivedAtOrAfter: horizon, in: db), horizon])
        guard !victims.isEmpty else { return 0 }
        let seqs = list(victims, "seq")
        try db.execute(sql: "DELETE FROM jobs WHERE event_seq IN (\(seqs))")
        try db.execute(sql: "UPDATE events SET payload = NULL, payload_is_body = 0, request_id = NULL, request_body = NULL, request_headers = NULL, pruned_at = ? WHERE seq IN (\(seqs))",
                       arguments: [ColumnCoding.milliseconds(now)])
        try deleteUnreferencedRequests(victims, in: db)
        return victims.count
    }

    /// A batch's request goes once none of its events refers to it any more.
    private static func deleteUnreferencedRequests(_ victims: [Row], in db: Database) throws {
        let requests = list(victims, "request_id")
        guard !requests.isEmpty else { return }
        try db.execute(sql: """
            DELETE FROM requests WHERE id IN (\(requests))
            AND NOT EXISTS (SELECT 1 FROM events WHERE events.request_id = requests.id)
            """)
    }

    /// The integer column of the rows as SQL list text (integers only: nothing to quote).
    private static func list(_ rows: [Row], _ column: String) -> String {
        Set(rows.compactMap { $0[column] as Int64? }).map(String.init).joined(separator: ",")
    }
}
