import Foundation
import GRDB
import HookdCore
import HookdSQLite
import Testing

extension SQLiteStoreTests {
    @Suite("SQLiteStore: retention pruning")
    struct RetentionTests {
        static let day: TimeInterval = 86_400

        /// What the dispatcher will do: mark an event dispatched, with jobs in the given states.
        func dispatch(_ id: String, jobs: [String] = [], in path: String) throws {
            try rawDatabase(path).write { db in
                try db.execute(sql: "UPDATE events SET dispatched = 1 WHERE id = ?", arguments: [id])
                let seq = try Int64.fetchOne(db, sql: "SELECT seq FROM events WHERE id = ?", arguments: [id])
                for (n, state) in jobs.enumerated() {
                    try db.execute(sql: "INSERT INTO jobs (event_seq, rule, source, state) VALUES (?, ?, 'passage', ?)",
                                   arguments: [seq, "rule-\(n)", state])
                    try db.execute(sql: """
                        INSERT INTO attempts (job_id, number, started_at, duration_us, outcome)
                        VALUES (?, 1, 0, 10, 'ok')
                        """, arguments: [db.lastInsertedRowID])
                }
            }
        }

        @Test("finished events lose their details inside the window but still dedupe; outside it they are forgotten")
        func pruning() async throws {
            let scratch = try Scratch()
            let path = scratch.databasePath
            let store = try SQLiteStore(path: path)
            let now = Date()
            let ages: [(String, TimeInterval)] = [
                ("old-done", 40), ("old-pending", 40), ("old-dead", 40),
                ("mid-done", 10), ("mid-retrying", 10), ("new-done", 1),
            ]
            for (id, age) in ages {
                _ = try await store.accept([incoming(id, receivedAt: now.addingTimeInterval(-age * Self.day))])
            }
            try dispatch("old-done", jobs: ["done"], in: path)
            try dispatch("old-dead", jobs: ["done", "dead"], in: path)
            try dispatch("mid-done", jobs: ["done", "done"], in: path)
            try dispatch("mid-retrying", jobs: ["failed"], in: path)
            try dispatch("new-done", in: path)

            let policy = RetentionPolicy(window: 30 * Self.day, keepingDetailsFor: 7 * Self.day, now: now)
            #expect(try await store.prune(policy) == PruneResult(tombstoned: 1, forgotten: 1))

            // Kept: unfinished work whatever its age, and what is younger than the details horizon.
            let listed = Set(try await store.events(matching: EventFilter()).map(\.id))
            #expect(listed == ["old-pending", "old-dead", "mid-retrying", "new-done"])
            // The tombstone is not found but still dedupes; the forgotten id is new again.
            #expect(try await store.event(id: "mid-done", source: nil) == .notFound)
            #expect(try await store.accept([incoming("mid-done"), incoming("old-done")])
                == AcceptResult(accepted: ["old-done"], duplicates: ["mid-done"]))
            // Jobs and attempts of pruned events went; the others' stayed. Requests follow their events.
            #expect(try count("jobs", in: path) == 3)
            #expect(try count("attempts", in: path) == 3)
            #expect(try count("events", in: path) == 6)
            // Each came alone in its body: the requests are in the events' rows, and the
            // tombstone's is gone with its payload.
            #expect(try count("requests", in: path) == 0)
            let tombstoneRequest = try await rawDatabase(path).read { db in
                try Row.fetchOne(db, sql: "SELECT request_body, request_headers, payload FROM events WHERE id = 'mid-done'")
            }
            #expect(tombstoneRequest?["request_body"] as Data? == nil)
            #expect(tombstoneRequest?["request_headers"] as String? == nil)
            #expect(tombstoneRequest?["payload"] as Data? == nil)
            let keptRequest = try await rawDatabase(path).read { db in
                try String.fetchOne(db, sql: "SELECT request_headers FROM events WHERE id = 'new-done'")
            }
            #expect(keptRequest != nil)

            // Pruning again removes nothing more; once outside the window, the tombstone goes too.
            #expect(try await store.prune(policy) == PruneResult())
            let later = RetentionPolicy(window: 30 * Self.day, now: now.addingTimeInterval(25 * Self.day))
            _ = try await store.prune(later)
            #expect(try await store.accept([incoming("mid-done")]) == AcceptResult(accepted: ["mid-done"]))
        }

        @Test("with one horizon (the retention window) nothing inside it is touched")
        func singleWindow() async throws {
            let scratch = try Scratch()
            let store = try SQLiteStore(path: scratch.databasePath)
            let now = Date()
            _ = try await store.accept([incoming("a", receivedAt: now.addingTimeInterval(-29 * Self.day))])
            _ = try await store.accept([incoming("b", receivedAt: now.addingTimeInterval(-31 * Self.day))])
            try dispatch("a", in: scratch.databasePath)
            try dispatch("b", in: scratch.databasePath)
            #expect(try await store.prune(RetentionPolicy(window: 30 * Self.day, now: now)) == PruneResult(forgotten: 1))
            #expect(try await store.event(id: "a", source: nil).event != nil)
            #expect(try await store.accept([incoming("a"), incoming("b")])
                == AcceptResult(accepted: ["b"], duplicates: ["a"]))
        }

        @Test("a batch's shared request stays while one of its events keeps its details, and goes with the last")
        func batchRequest() async throws {
            let scratch = try Scratch()
            let path = scratch.databasePath
            let store = try SQLiteStore(path: path)
            let now = Date()
            let raw = request(#"[{"id":"kept"},{"id":"gone"}]"#)
            _ = try await store.accept(["kept", "gone"].map { incoming($0, receivedAt: now.addingTimeInterval(-40 * Self.day), request: raw) })
            try dispatch("kept", jobs: ["dead"], in: path)
            try dispatch("gone", in: path)
            #expect(try await store.prune(RetentionPolicy(window: 30 * Self.day, now: now)) == PruneResult(forgotten: 1))
            #expect(try count("requests", in: path) == 1)
            #expect(try await store.event(id: "kept", source: nil).event?.request == raw)
            // Its dead job replayed to done: now it goes too, and the request with it.
            try await rawDatabase(path).write { db in try db.execute(sql: "UPDATE jobs SET state = 'done'") }
            #expect(try await store.prune(RetentionPolicy(window: 30 * Self.day, now: now)) == PruneResult(forgotten: 1))
            #expect(try count("requests", in: path) == 0)
        }

        @Test("retention scans seq up to the boundary but keeps its exact time condition: an event out of receipt order is never pruned early")
        func retentionOutOfOrder() async throws {
            let scratch = try Scratch()
            let path = scratch.databasePath
            let store = try SQLiteStore(path: path)
            let now = Date()
            // Stored in this order: old, young, old, young (a clock set back between them).
            for (id, age) in [("old-1", 40.0), ("young-1", 1.0), ("old-2", 41.0), ("young-2", 2.0)] {
                _ = try await store.accept([incoming(id, receivedAt: now.addingTimeInterval(-age * Self.day))])
            }
            try await rawDatabase(path).write { db in try db.execute(sql: "UPDATE events SET dispatched = 1") }
            var forgotten = 0
            for _ in 0..<3 { forgotten += try await store.prune(RetentionPolicy(window: 30 * Self.day, now: now)).forgotten }
            #expect(try await store.event(id: "young-1", source: nil).event != nil)
            #expect(try await store.event(id: "young-2", source: nil).event != nil)
            #expect(try await store.event(id: "old-1", source: nil) == .notFound)
            #expect(forgotten >= 1 && forgotten <= 2)
        }

        @Test("a large backlog is pruned in several chunks, all of it")
        func chunks() async throws {
            let scratch = try Scratch()
            let store = try SQLiteStore(path: scratch.databasePath)
            let old = Date().addingTimeInterval(-40 * Self.day)
            let raw = request("[...]")
            _ = try await store.accept((0..<1_200).map { incoming("e\($0)", receivedAt: old, request: raw) })
            try await rawDatabase(scratch.databasePath).write { db in try db.execute(sql: "UPDATE events SET dispatched = 1") }
            #expect(try await store.prune(RetentionPolicy(window: 30 * Self.day)) == PruneResult(forgotten: 1_200))
            #expect(try count("events", in: scratch.databasePath) == 0)
            #expect(try count("requests", in: scratch.databasePath) == 0)
        }
    }
}
