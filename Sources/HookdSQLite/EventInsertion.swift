import Foundation
import GRDB
import HookdCore

/// Inserts one request's events inside the writer's open transaction: insert-if-absent on the
/// unique (source, id), so the database, not memory, decides what is a duplicate.
///
/// The column values are made (`Rows`) before the batch is queued, by the request's own task, so
/// that the one writer thread, which every request waits on, only binds and steps.
enum EventInsertion {
    /// One request's events as column values.
    struct Rows: Sendable {
        struct Event: Sendable {
            var source: String
            var id: String
            var values: StatementArguments
            /// Index into `requests` of the raw request the event came with.
            var request: Int
            /// The rules decided at receipt: the event is stored dispatched, with their jobs.
            var rules: [String]?
            var orderKey: String?
        }

        var events: [Event] = []
        /// (body, headers JSON) of each distinct raw request.
        var requests: [StatementArguments] = []

        init(_ incoming: [IncomingEvent]) {
            var last: RawRequest?
            for event in incoming {
                if event.request != last {
                    requests.append([Data(event.request.body), ColumnCoding.json(event.request.headers)])
                    last = event.request
                }
                events.append(Event(source: event.source, id: event.id, values: [
                    event.source, event.id, event.type, event.status, event.timestamp, Data(event.payload),
                    ColumnCoding.json(event.dataPath), event.orderKey, ColumnCoding.milliseconds(event.receivedAt),
                    event.rules == nil ? 0 : 1,
                ], request: requests.count - 1, rules: event.rules, orderKey: event.orderKey))
            }
        }
    }

    static func insert(_ rows: Rows, in db: Database) throws -> AcceptResult {
        var result = AcceptResult()
        // Events of one batch share their request; it is written once, before its first event (the
        // insert-if-absent needs its id), and removed again when every one of its events was known.
        var written: [Int: Int64] = [:]
        var kept: Set<Int> = []
        for event in rows.events {
            let requestID: Int64
            if let known = written[event.request] {
                requestID = known
            } else {
                requestID = try insertRequest(rows.requests[event.request], in: db)
                written[event.request] = requestID
            }
            if try insertEvent(event.values, requestID: requestID, in: db) {
                kept.insert(event.request)
                result.accepted.append(event.id)
                if let rules = event.rules {
                    result.dispatchedOnReceipt += 1
                    result.jobsCreated += try insertJobs(rules, eventSeq: db.lastInsertedRowID, of: event, in: db)
                }
            } else {
                result.duplicates.append(event.id)
            }
        }
        for (request, id) in written where !kept.contains(request) {
            try db.cachedStatement(sql: "DELETE FROM requests WHERE id = ?").execute(arguments: [id])
        }
        return result
    }

    private static func insertRequest(_ values: StatementArguments, in db: Database) throws -> Int64 {
        let statement = try db.cachedStatement(sql: "INSERT INTO requests (body, headers) VALUES (?, ?)")
        try statement.execute(arguments: values)
        return db.lastInsertedRowID
    }

    /// False when the key was already taken: the unique constraint is the arbiter.
    private static func insertEvent(_ values: StatementArguments, requestID: Int64, in db: Database) throws -> Bool {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO events (source, id, type, status, timestamp, payload, data_path, order_key,
                                received_at, dispatched, request_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (source, id) DO NOTHING
            """)
        try statement.execute(arguments: values + [requestID])
        return db.changesCount == 1
    }

    /// One pending job per rule of an event dispatched at receipt (as `JobWriting.dispatch` makes
    /// them for the loop); how many were made.
    private static func insertJobs(_ rules: [String], eventSeq: Int64, of event: Rows.Event, in db: Database) throws -> Int {
        guard !rules.isEmpty else { return 0 }
        let insert = try db.cachedStatement(sql: """
            INSERT INTO jobs (event_seq, rule, source, order_key) VALUES (?, ?, ?, ?)
            ON CONFLICT (event_seq, rule) DO NOTHING
            """)
        var made = 0
        for rule in rules {
            try insert.execute(arguments: [eventSeq, rule, event.source, event.orderKey])
            made += db.changesCount
        }
        return made
    }
}
