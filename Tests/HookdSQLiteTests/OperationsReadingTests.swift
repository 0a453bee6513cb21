import Foundation
import GRDB
import HookdCore
@testable import HookdSQLite
import Testing

extension SQLiteStoreTests {
    /// The queries behind metrics and the status page stay cheap however many events are kept.
    @Suite("operations queries")
    struct OperationsReadingTests {
        @Test("counting undispatched events reads the partial index, not the whole table")
        func undispatchedUsesPartialIndex() async throws {
            let scratch = try Scratch()
            let store = try SQLiteStore(path: scratch.databasePath)
            _ = try await store.accept((0..<50).map { incoming("evt_\($0)", source: $0 % 2 == 0 ? "passage" : "other") })
            _ = try await store.dispatch((0..<40).map { DispatchRequest(source: $0 % 2 == 0 ? "passage" : "other", eventID: "evt_\($0)", rules: []) })
            let overview = try await store.queueOverview()
            #expect(overview.sources["passage"]?.waiting == 5)
            #expect(overview.sources["other"]?.waiting == 5)
            #expect(overview.depth == 10)
            try await store.close()
            let plan = try await rawDatabase(scratch.databasePath).read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + OperationsReading.undispatchedBySource).map { $0["detail"] as String }
            }
            #expect(plan.contains { $0.contains("events_undispatched") }, "\(plan)")
            #expect(!plan.contains { $0.contains("autoindex") }, "\(plan)")
        }

        @Test("a claim reads pending jobs oldest first through their index, without sorting the backlog")
        func claimDoesNotSortTheBacklog() async throws {
            let scratch = try Scratch()
            let store = try SQLiteStore(path: scratch.databasePath)
            _ = try await store.accept((0..<50).map { incoming("evt_\($0)") })
            for n in 0..<50 { _ = try await store.dispatch(source: "passage", eventID: "evt_\(n)", rules: ["a"]) }
            #expect(try await store.claimDueJobs(now: Date(), limit: 5).map(\.event.id) == (0..<5).map { "evt_\($0)" })
            try await store.close()
            for sql in [JobWriting.claimPending, JobWriting.claimDue] {
                let plan = try await rawDatabase(scratch.databasePath).read { db in
                    try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: sql == JobWriting.claimDue ? [0, 5] : [5])
                        .map { $0["detail"] as String }
                }
                #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "\(plan)")
            }
        }
    }
}
