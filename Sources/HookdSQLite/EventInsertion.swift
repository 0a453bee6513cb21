import Foundation
import GRDB
import HookdCore

/// Inserts one request's events inside the writer's open transaction: insert-if-absent on the
/// unique (id, source), so the database, not memory, decides what is a duplicate. The raw request
/// of an event that came alone is kept in its row; a batch's is one `requests` row they share.
///
/// The column values are made (`Rows`) before the batch is queued, by the request's own thread,
/// so that the one writer thread, which every request waits on, only binds and steps (through the
/// SQLite C API: `RawStatement`).
enum EventInsertion {
    /// One request's events as column values.
    struct Rows: Sendable {
        struct Event: Sendable {
            var source: String
            var id: String
            var type: String
            var status: String?
            var timestamp: String?
            var payload: [UInt8]
            /// `data_path` as JSON text.
            var dataPath: String
            var orderKey: String?
            var receivedAt: Int64
            /// Index into `requests` of the raw request the event came with.
            var request: Int
            /// The rules decided at receipt: the event is stored dispatched, with their jobs.
            var rules: [String]?
            /// Its jobs are stored running, claimed by the receipt (`IncomingEvent.claimedAtReceipt`).
            var claimed: Bool
        }

        struct Request: Sendable {
            var body: [UInt8]
            /// The headers as JSON text.
            var headers: String
            /// How many of `events` came with it: the request of a single event is kept in the
            /// event's own row, a batch's in `requests`.
            var events = 0
        }

        var events: [Event] = []
        /// Each distinct raw request of the events.
        var requests: [Request] = []

        init(_ incoming: [IncomingEvent]) {
            var last: RawRequest?
            events.reserveCapacity(incoming.count)
            for event in incoming {
                if event.request != last {
                    requests.append(Request(body: event.request.body, headers: ColumnCoding.json(event.request.headers)))
                    last = event.request
                }
                requests[requests.count - 1].events += 1
                events.append(Event(source: event.source, id: event.id, type: event.type, status: event.status,
                                    timestamp: event.timestamp, payload: event.payload, dataPath: ColumnCoding.json(event.dataPath),
                                    orderKey: event.orderKey, receivedAt: ColumnCoding.milliseconds(event.receivedAt),
                                    request: requests.count - 1, rules: event.rules,
                                    claimed: event.rules != nil && event.claimedAtReceipt))
            }
        }
    }

    static let insertEventSQL = """
        INSERT INTO events (source, id, type, status, timestamp, payload, data_path, order_key,
                            received_at, dispatched, request_id, payload_is_body, request_body, request_headers)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (id, source) DO NOTHING
        """
    static let insertJobSQL = """
        INSERT INTO jobs (event_seq, rule, source, order_key, state, claimed_at) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (event_seq, rule) DO NOTHING
        """

    static func insert(_ rows: Rows, in db: Database) throws -> AcceptResult {
        var result = AcceptResult()
        // Events of one batch share their request; it is written once, before its first event (the
        // insert-if-absent needs its id), and removed again when every one of its events was known.
        // An event alone in its request keeps the request in its own row (`request_body`).
        var written: [Int: Int64] = [:]
        var kept: Set<Int> = []
        var jobInsert: RawStatement?
        let insertRequest = try RawStatement(sql: "INSERT INTO requests (body, headers) VALUES (?, ?)", in: db)
        let insertEvent = try RawStatement(sql: insertEventSQL, in: db)
        for (index, event) in rows.events.enumerated() {
            let request = rows.requests[event.request]
            let alone = request.events == 1
            let requestID: Int64?
            if alone {
                requestID = nil
            } else if let known = written[event.request] {
                requestID = known
            } else {
                insertRequest.bind(1, blob: request.body)
                insertRequest.bind(2, request.headers)
                try insertRequest.run()
                requestID = db.lastInsertedRowID
                written[event.request] = requestID
            }
            insertEvent.bind(1, event.source)
            insertEvent.bind(2, event.id)
            insertEvent.bind(3, event.type)
            insertEvent.bind(4, event.status)
            insertEvent.bind(5, event.timestamp)
            // A payload that is the whole body is read from the request (`payload_is_body`).
            let payloadIsBody = event.payload == request.body
            insertEvent.bind(6, blob: payloadIsBody ? [] : event.payload)
            insertEvent.bind(7, event.dataPath)
            insertEvent.bind(8, event.orderKey)
            insertEvent.bind(9, event.receivedAt)
            insertEvent.bind(10, event.rules == nil ? 0 : 1)
            insertEvent.bind(11, requestID)
            insertEvent.bind(12, payloadIsBody ? 1 : 0)
            if alone {
                insertEvent.bind(13, blob: request.body)
                insertEvent.bind(14, request.headers)
            } else {
                insertEvent.bind(13, blob: [])
                insertEvent.bind(14, nil as String?)
            }
            // No change: the key was already taken; the unique constraint is the arbiter.
            guard try insertEvent.run() == 1 else {
                result.duplicates.append(event.id)
                continue
            }
            if !alone { kept.insert(event.request) }
            result.accepted.append(event.id)
            if let rules = event.rules {
                result.dispatchedOnReceipt += 1
                let statement = try jobInsert ?? insertJob(in: db)
                jobInsert = statement
                let made = try insertJobs(rules, eventSeq: db.lastInsertedRowID, of: event, with: statement, in: db)
                result.jobsCreated += made.count
                if event.claimed {
                    result.claimed += made.map { AcceptResult.ClaimedAtReceipt(job: $0.id, rule: $0.rule, event: index) }
                }
            }
        }
        for (request, id) in written where !kept.contains(request) {
            try db.cachedStatement(sql: "DELETE FROM requests WHERE id = ?").execute(arguments: [id])
        }
        return result
    }

    /// The job insert of `insertJobs`, prepared once per transaction.
    private static func insertJob(in db: Database) throws -> RawStatement {
        try RawStatement(sql: insertJobSQL, in: db)
    }

    /// One job per rule of an event dispatched at receipt (as `JobWriting.dispatch` makes them for
    /// the loop): pending, or running when the receipt claimed them; the jobs made.
    private static func insertJobs(_ rules: [String], eventSeq: Int64, of event: Rows.Event,
                                   with insert: RawStatement, in db: Database) throws -> [(id: Int64, rule: String)] {
        guard !rules.isEmpty else { return [] }
        var made: [(id: Int64, rule: String)] = []
        for rule in rules {
            insert.bind(1, eventSeq)
            insert.bind(2, rule)
            insert.bind(3, event.source)
            insert.bind(4, event.orderKey)
            insert.bind(5, event.claimed ? JobState.running.rawValue : JobState.pending.rawValue)
            insert.bind(6, event.claimed ? event.receivedAt : nil)
            if try insert.run() == 1 { made.append((db.lastInsertedRowID, rule)) }
        }
        return made
    }
}
