import GRDB

/// Where in `seq` order the events received before a time end. Events have no index on
/// `received_at` (schema v4: one B-tree insert and a WAL page per commit less): `seq` follows receipt
/// closely, so a bisection over `seq` finds the boundary in a few dozen lookups, and queries that
/// select by time scan `seq` up to it, keeping their exact `received_at` condition.
///
/// Receipt order and `seq` order are close, not equal: two event loops hand requests to the writer,
/// and a clock can be set back. So the boundary only bounds a scan; an event received before the
/// time but stored past the boundary is found by a later scan, once the boundary has moved past it.
enum ReceiptOrder {
    /// The lowest `seq` from which the events were received at or after `time` (milliseconds):
    /// past the highest `seq` when every event is older, the lowest when none is.
    static func firstSeq(receivedAtOrAfter time: Int64, in db: Database) throws -> Int64 {
        guard let bounds = try Row.fetchOne(db, sql: "SELECT min(seq) AS low, max(seq) AS high FROM events"),
              let lowest = bounds["low"] as Int64?, let highest = bounds["high"] as Int64? else { return 0 }
        let probe = try db.cachedStatement(sql: "SELECT seq, received_at FROM events WHERE seq >= ? ORDER BY seq LIMIT 1")
        // The answer lies in low...high; a probe reads the first event at or after mid (seqs have gaps).
        var low = lowest, high = highest + 1
        while low < high {
            let mid = low + (high - low) / 2
            guard let row = try Row.fetchOne(probe, arguments: [mid]) else {
                high = mid
                continue
            }
            let seq: Int64 = row["seq"]
            let receivedAt: Int64 = row["received_at"]
            if receivedAt >= time {
                high = mid
            } else {
                low = seq + 1
            }
        }
        return low
    }
}
