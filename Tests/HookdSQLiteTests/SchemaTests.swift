import Foundation
import GRDB
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
                #expect(!eventIndexes.contains("events_by_id"), "\(eventIndexes)")
                #expect(eventIndexes.contains("events_undispatched") && eventIndexes.contains("events_by_received_at"), "\(eventIndexes)")
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
