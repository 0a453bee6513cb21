import Foundation
import GRDB
import HookdCore

/// Inserts one request's events inside the writer's open transaction: insert-if-absent on the
/// unique (source, id), so the database, not memory, decides what is a duplicate.
enum EventInsertion {
    static func insert(_ events: [IncomingEvent], in db: Database) throws -> AcceptResult {
        var result = AcceptResult()
        // Events of one batch share their request; it is written once, and only when an event is new.
        var written: (request: RawRequest, rowID: Int64)?
        for event in events {
            if try isKnown(event, in: db) {
                result.duplicates.append(event.id)
                continue
            }
            let requestID: Int64
            if let written, written.request == event.request {
                requestID = written.rowID
            } else {
                requestID = try insertRequest(event.request, in: db)
                written = (event.request, requestID)
            }
            if try insertEvent(event, requestID: requestID, in: db) {
                result.accepted.append(event.id)
            } else {
                result.duplicates.append(event.id)
            }
        }
        return result
    }

    private static func isKnown(_ event: IncomingEvent, in db: Database) throws -> Bool {
        let statement = try db.cachedStatement(sql: "SELECT 1 FROM events WHERE source = ? AND id = ?")
        return try Int.fetchOne(statement, arguments: [event.source, event.id]) != nil
    }

    private static func insertRequest(_ request: RawRequest, in db: Database) throws -> Int64 {
        let statement = try db.cachedStatement(sql: "INSERT INTO requests (body, headers) VALUES (?, ?)")
        try statement.execute(arguments: [Data(request.body), try ColumnCoding.json(request.headers)])
        return db.lastInsertedRowID
    }

    /// False when the key was already taken (the unique constraint is the arbiter, even though the
    /// writer's own check above normally answers first).
    private static func insertEvent(_ event: IncomingEvent, requestID: Int64, in db: Database) throws -> Bool {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO events (source, id, type, status, timestamp, payload, data_path, order_key,
                                received_at, request_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (source, id) DO NOTHING
            """)
        try statement.execute(arguments: [
            event.source, event.id, event.type, event.status, event.timestamp, Data(event.payload),
            try ColumnCoding.json(event.dataPath), event.orderKey,
            ColumnCoding.milliseconds(event.receivedAt), requestID,
        ])
        return db.changesCount == 1
    }
}
