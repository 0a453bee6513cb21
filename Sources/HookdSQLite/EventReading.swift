import Foundation
import GRDB
import HookdCore

/// Reads stored events (never tombstones) back into `StoredEvent`s.
enum EventReading {
    private static let selection = """
        SELECT e.source, e.id, e.type, e.status, e.timestamp, e.payload, e.data_path, e.order_key,
               e.received_at, e.dispatched, r.body, r.headers
        FROM events e LEFT JOIN requests r ON r.id = e.request_id
        WHERE e.pruned_at IS NULL
        """

    static func lookup(id: String, source: String?, in db: Database) throws -> EventLookup {
        let sql = selection + " AND e.id = ?" + (source == nil ? "" : " AND e.source = ?") + " ORDER BY e.source"
        let arguments: StatementArguments = source.map { [id, $0] } ?? [id]
        let events = try Row.fetchAll(db, sql: sql, arguments: arguments).map(storedEvent)
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
        sql += " ORDER BY e.seq DESC LIMIT ?"
        arguments += [filter.limit]
        return try Row.fetchAll(db, sql: sql, arguments: arguments).map(storedEvent)
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
