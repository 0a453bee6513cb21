import Foundation
import GRDB
import GRDBSQLite
import HookdCore
@testable import HookdSQLite
import Testing

extension SQLiteStoreTests {
    /// The v4 schema: the same data and answers with fewer index writes per event and job.
    @Suite("schema")
    struct SchemaTests {
        /// Names of the indexes SQLite keeps on `table`, the constraint ones included.
        private func indexes(on table: String, in db: Database) throws -> [String] {
            try String.fetchAll(db, sql: "SELECT name FROM pragma_index_list(?) ORDER BY name", arguments: [table])
        }

        private func plan(_ sql: String, arguments: StatementArguments = [], path: String) throws -> [String] {
            try rawDatabase(path).read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String }
            }
        }

        @Test("a v3 store migrates to v4 with its events, jobs and attempts, and one unique index on ids")
        func migratesFromVersion3() async throws {
            let scratch = try Scratch()
            try FileManager.default.createDirectory(atPath: (scratch.databasePath as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            let old = try DatabaseQueue(path: scratch.databasePath)
            try SQLiteSchema.migrator.migrate(old, upTo: "v3: payloads kept once, pending jobs in order")
            try await old.write { db in
                try db.execute(sql: "INSERT INTO requests (id, body, headers) VALUES (1, x'7b7d', '[]')")
                try db.execute(sql: """
                    INSERT INTO events (seq, source, id, type, status, payload, data_path, received_at, request_id, dispatched, payload_is_body)
                    VALUES (7, 'passage', 'evt_old', 'Connection.Updated', 'data_available', NULL, '["data"]', 1000, 1, 1, 1)
                    """)
                try db.execute(sql: "INSERT INTO jobs (id, event_seq, rule, source, state, attempts, last_error, outcome) VALUES (3, 7, 'fetch', 'passage', 'dead', 2, 'boom', 'dead')")
                try db.execute(sql: """
                    INSERT INTO attempts (job_id, round, number, started_at, duration_us, outcome, error)
                    VALUES (3, 0, 1, 1000, 5, 'failed', 'boom'), (3, 0, 2, 2000, 5, 'failed', 'boom')
                    """)
            }
            try old.close()

            let store = try SQLiteStore(path: scratch.databasePath)
            guard case .found(let event) = try await store.event(id: "evt_old", source: nil) else {
                Issue.record("the migrated event is not found by its id")
                return
            }
            #expect(event.source == "passage")
            #expect(event.jobs.map(\.state) == [.dead])
            #expect(try await store.attempts(source: "passage", eventID: "evt_old").count == 2)
            #expect(try await store.recentFailures(limit: 5).map(\.eventID) == ["evt_old"])
            // The id stays taken: the same id again is a duplicate.
            let again = try await store.accept([incoming("evt_old")])
            #expect(again.duplicates == ["evt_old"])
            #expect(try await store.replay(ReplaySelection(.state(.dead))).replayed.count == 1)
            try await store.close()

            try await rawDatabase(scratch.databasePath).read { db in
                let eventIndexes = try indexes(on: "events", in: db)
                #expect(!eventIndexes.contains("events_by_id") && !eventIndexes.contains("events_by_received_at"), "\(eventIndexes)")
                #expect(eventIndexes.contains("events_undispatched") && eventIndexes.contains("events_by_request"), "\(eventIndexes)")
                let unique = try String.fetchAll(db, sql: """
                    SELECT ii.name FROM pragma_index_list('events') il, pragma_index_info(il.name) ii
                    WHERE il."unique" = 1 AND il.origin = 'u' ORDER BY ii.seqno
                    """)
                #expect(unique == ["id", "source"])
                let jobIndexes = try indexes(on: "jobs", in: db)
                #expect(!jobIndexes.contains("jobs_by_state_rule"), "\(jobIndexes)")
                #expect(jobIndexes.contains("jobs_unfinished") && jobIndexes.contains("jobs_attention"), "\(jobIndexes)")
                #expect(try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").isEmpty)
            }
        }

        @Test("a job that ends ok leaves every index but its table's and (event_seq, rule)")
        func doneJobsLeaveThePartialIndexes() async throws {
            let scratch = try Scratch()
            let store = try SQLiteStore(path: scratch.databasePath)
            _ = try await store.accept((0..<3).map { incoming("evt_\($0)") })
            var made: [Int64] = []
            for n in 0..<3 { made.append(try #require(try await store.dispatch(source: "passage", eventID: "evt_\(n)", rules: ["a"], claimed: true)?["a"])) }
            let jobs = made
            let ok = AttemptRecord(number: 1, startedAt: Date(), duration: .milliseconds(1), outcome: .ok)
            let failed = AttemptRecord(number: 1, startedAt: Date(), duration: .milliseconds(1), outcome: .failed, error: "x")
            try await store.finish(job: jobs[0], attempt: ok, transition: .done)
            try await store.finish(job: jobs[1], attempt: failed, transition: .retry(at: Date().addingTimeInterval(60)))
            try await store.finish(job: jobs[2], attempt: failed, transition: .dead(error: "x"))
            try await store.close()
            try await rawDatabase(scratch.databasePath).read { db in
                let unfinished = try Int64.fetchAll(db, sql: "SELECT id FROM jobs INDEXED BY jobs_unfinished WHERE \(SQLiteSchema.unfinishedJob)")
                #expect(unfinished == [jobs[1]])
                let attention = try Int64.fetchAll(db, sql: "SELECT id FROM jobs INDEXED BY jobs_attention WHERE \(SQLiteSchema.jobNeedingAttention) ORDER BY id")
                #expect(attention == [jobs[1], jobs[2]])
            }
        }

        @Test("attempt 1 of round 0 is kept in the job's row, later ones and replayed rounds in attempts; all read back in order")
        func firstAttemptInline() async throws {
            let scratch = try Scratch()
            let path = scratch.databasePath
            let store = try SQLiteStore(path: path)
            _ = try await store.accept([incoming("evt_1")])
            let job = try #require(try await store.dispatch(source: "passage", eventID: "evt_1", rules: ["r"], claimed: true)?["r"])
            let start = Date(timeIntervalSince1970: 1_700_000_000)
            func attempt(_ number: Int, _ outcome: AttemptRecord.Outcome, at offset: Double) -> AttemptRecord {
                AttemptRecord(number: number, startedAt: start.addingTimeInterval(offset), duration: .milliseconds(number), outcome: outcome,
                              error: outcome == .failed ? "boom \(number)" : nil,
                              calls: [.init(method: "GET", url: "https://x/\(number)", status: 500, durationMilliseconds: 1, sent: true)])
            }
            try await store.finish(job: job, attempt: attempt(1, .failed, at: 0), transition: .retry(at: start))
            #expect(try count("attempts", in: path) == 0)
            try await store.finish(job: job, attempt: attempt(2, .failed, at: 10), transition: .dead(error: "boom 2"))
            #expect(try count("attempts", in: path) == 1)
            #expect(try await store.recentFailures(limit: 5).first?.lastAttemptAt == start.addingTimeInterval(10))
            _ = try await store.replay(ReplaySelection(.events(["evt_1"])))
            _ = try await store.claimDueJobs(now: Date(), limit: 5)
            try await store.finish(job: job, attempt: attempt(1, .ok, at: 20), transition: .done)
            #expect(try count("attempts", in: path) == 2)
            let read = try await store.attempts(source: "passage", eventID: "evt_1")
            #expect(read.map { "\($0.round).\($0.attempt.number)" } == ["0.1", "0.2", "1.1"])
            #expect(read.first?.attempt == attempt(1, .failed, at: 0))
            #expect(read.last?.attempt == attempt(1, .ok, at: 20))
            let inline = try await rawDatabase(path).read { db in
                try Row.fetchOne(db, sql: "SELECT first_started_at, first_outcome, first_error, first_calls FROM jobs WHERE id = ?", arguments: [job])
            }
            #expect(inline?["first_outcome"] as String? == "failed")
            #expect(inline?["first_error"] as String? == "boom 1")
            #expect((inline?["first_calls"] as String?)?.contains(#""GET""#) == true)
        }

        @Test("the writes of every event and job build no ephemeral b-tree (an IN list of three or more constants would)")
        func hotWritesBuildNoEphemeralTable() async throws {
            let scratch = try Scratch()
            try await SQLiteStore(path: scratch.databasePath).close()
            try await rawDatabase(scratch.databasePath).read { db in
                for sql in [EventInsertion.insertEventSQL, EventInsertion.insertJobSQL, JobWriting.updateJobSQL,
                            JobWriting.updateFirstAttemptSQL] {
                    // NULL for every parameter: all a plan needs.
                    let statement = try db.makeStatement(sql: "EXPLAIN " + sql)
                    statement.setUncheckedArguments(StatementArguments(Array(repeating: nil as Int?, count: Int(sqlite3_bind_parameter_count(statement.sqliteStatement)))))
                    let opcodes = try Row.fetchAll(statement).map { $0["opcode"] as String }
                    #expect(!opcodes.contains("OpenEphemeral"), "\(sql)")
                    #expect(opcodes.contains("Insert") || opcodes.contains("IdxInsert"), "no write in the plan of \(sql)")
                }
            }
        }

        @Test("the boundary of the events received before a time is found by bisecting seq, across gaps")
        func receiptOrderBoundary() async throws {
            let scratch = try Scratch()
            let store = try SQLiteStore(path: scratch.databasePath)
            let start = Date(timeIntervalSince1970: 1_700_000_000)
            // Seqs 1...40, received a second apart; then seqs 5...14 deleted (a gap).
            _ = try await store.accept((0..<40).map { incoming("evt_\($0)", receivedAt: start.addingTimeInterval(Double($0))) })
            try await store.close()
            let database = try rawDatabase(scratch.databasePath)
            try await database.write { db in try db.execute(sql: "DELETE FROM events WHERE seq BETWEEN 5 AND 14") }
            let base = ColumnCoding.milliseconds(start)
            try await database.read { db in
                func boundary(_ seconds: Int64) throws -> Int64 {
                    try ReceiptOrder.firstSeq(receivedAtOrAfter: base + seconds * 1000, in: db)
                }
                #expect(try boundary(0) == 1)
                #expect(try boundary(2) == 3)
                // Inside the gap: the first event at or after it is seq 15 (received at +14 s).
                #expect(try boundary(6) == 5 || boundary(6) == 15)
                #expect(try boundary(14) <= 15 && boundary(14) > 4)
                #expect(try boundary(15) == 16)
                #expect(try boundary(39) == 40)
                #expect(try boundary(40) == 41)
                #expect(try boundary(-5) == 1)
                // Every event before the boundary was received before the time; none after it was.
                for seconds: Int64 in [3, 20, 33] {
                    let seq = try boundary(seconds)
                    let time = base + seconds * 1000
                    #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM events WHERE seq < ? AND received_at >= ?", arguments: [seq, time]) == 0)
                    #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM events WHERE seq >= ? AND received_at < ?", arguments: [seq, time]) == 0)
                }
            }
            let empty = try Scratch()
            try await SQLiteStore(path: empty.databasePath).close()
            #expect(try await rawDatabase(empty.databasePath).read { db in try ReceiptOrder.firstSeq(receivedAtOrAfter: 0, in: db) } == 0)
        }

        @Test("listing events received since a time: exactly those, one stored a few seconds out of receipt order too")
        func listingSince() async throws {
            let scratch = try Scratch()
            let store = try SQLiteStore(path: scratch.databasePath)
            let start = Date(timeIntervalSince1970: 1_700_000_000)
            // Received at +0, +10, +20, +30 s; then one received at +25 s stored last.
            for (id, offset) in [("a", 0.0), ("b", 10), ("c", 20), ("d", 30), ("late", 25)] {
                _ = try await store.accept([incoming(id, receivedAt: start.addingTimeInterval(offset))])
            }
            let since = { (offset: Double) in
                try await store.events(matching: EventFilter(since: start.addingTimeInterval(offset))).map(\.id).sorted()
            }
            #expect(try await since(0) == ["a", "b", "c", "d", "late"])
            #expect(try await since(15) == ["c", "d", "late"])
            #expect(try await since(26) == ["d"])
            #expect(try await since(31) == [])
        }

        @Test("lookups by id, resuming, the queue overview and recent failures read an index, not the table")
        func hotQueriesReadIndexes() async throws {
            let scratch = try Scratch()
            let store = try SQLiteStore(path: scratch.databasePath)
            _ = try await store.accept((0..<20).map { incoming("evt_\($0)") })
            try await store.close()
            let path = scratch.databasePath
            let byID = try plan("SELECT seq FROM events WHERE id = ?", arguments: ["evt_1"], path: path)
            #expect(byID.contains { $0.contains("sqlite_autoindex_events") }, "\(byID)")
            let dedupe = try plan("SELECT seq FROM events WHERE source = ? AND id = ?", arguments: ["passage", "evt_1"], path: path)
            #expect(dedupe.contains { $0.contains("sqlite_autoindex_events") }, "\(dedupe)")
            for sql in [JobWriting.resumeRunning, OperationsReading.unfinishedJobsBySource] {
                let steps = try plan(sql, path: path)
                #expect(steps.contains { $0.contains("jobs_unfinished") }, "\(steps)")
            }
            let failures = try plan(OperationsReading.recentFailuresByTime, arguments: [5], path: path)
            #expect(failures.contains { $0.contains("jobs_attention") }, "\(failures)")
        }
    }
}
