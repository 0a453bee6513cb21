import CSQLiteTuning
import Foundation
import GRDB
import HookdCore
import Synchronization

/// The `Store` of `store: sqlite:PATH`: one file in WAL mode with `synchronous=FULL`, so a commit
/// is on disk when it returns. Accepts go through one group-commit writer; reads use the pool's
/// reader connections and never wait for it.
///
/// Checkpoints are SQLite's automatic ones (every 1,000 WAL pages, PASSIVE, run by the writer
/// after the commit that crosses the mark); closing the store checkpoints and removes the WAL.
public final class SQLiteStore: Store {
    /// The database file.
    public let path: String
    private let pool: DatabasePool
    private let writer: GroupCommitWriter
    private let isClosed = Atomic<Bool>(false)

    /// Opens (creating it and its parent directories when missing, unless read-only) and migrates
    /// the database at `path`.
    public init(path: String, options: SQLiteStoreOptions = SQLiteStoreOptions()) throws(StoreError) {
        self.path = path
        _ = Self.processSettings
        do {
            if options.access == .readWrite { try Self.createParentDirectory(of: path) }
            pool = try DatabasePool(path: path, configuration: Self.configuration(options))
            try Self.prepare(pool, options: options)
        } catch {
            throw StoreError(sqlite: error)
        }
        writer = GroupCommitWriter(pool: pool, maximumEventsPerTransaction: options.maximumEventsPerTransaction)
    }

    /// SQLite's process-wide settings, made once, before the first connection opens (after it they
    /// are refused, harmlessly: a store opened later only goes without them).
    private static let processSettings: Void = {
        _ = hk_sqlite_disable_memory_statistics()
        _ = hk_malloc_keep_freed_memory()
    }()

    public func accept(_ events: [IncomingEvent]) async throws(StoreError) -> AcceptResult {
        try checkOpen()
        guard !events.isEmpty else { return AcceptResult() }
        return try await writer.accept(EventInsertion.Rows(events)).get()
    }

    public func accept(_ events: [IncomingEvent], completion: @escaping @Sendable (Result<AcceptResult, StoreError>) -> Void) {
        if isClosed.load(ordering: .acquiring) { return completion(.failure(.unavailable(.storeIsClosed, detail: path))) }
        guard !events.isEmpty else { return completion(.success(AcceptResult())) }
        writer.accept(EventInsertion.Rows(events), answer: completion)
    }

    public func afterAnswers(_ body: @escaping @Sendable () -> Void) {
        writer.afterAnswers(body)
    }

    public func event(id: String, source: String?) async throws(StoreError) -> EventLookup {
        try await read { db in try EventReading.lookup(id: id, source: source, in: db) }
    }

    public func events(matching filter: EventFilter) async throws(StoreError) -> [StoredEvent] {
        try await read { db in try EventReading.events(matching: filter, in: db) }
    }

    public func prune(_ policy: RetentionPolicy) async throws(StoreError) -> PruneResult {
        try checkOpen()
        var result = PruneResult()
        let now = Date()
        do {
            // Chunks in transactions of their own: accepts queued meanwhile get the writer in between.
            var removed: Int
            repeat {
                removed = try await pool.write { db in try RetentionPruning.forgetChunk(policy, in: db) }
                result.forgotten += removed
            } while removed > 0
            repeat {
                removed = try await pool.write { db in try RetentionPruning.tombstoneChunk(policy, now: now, in: db) }
                result.tombstoned += removed
            } while removed > 0
        } catch {
            throw StoreError(sqlite: error)
        }
        return result
    }

    public func undispatchedEvents(limit: Int, excludingSources: Set<String>) async throws(StoreError) -> [StoredEvent] {
        try await read { db in try EventReading.undispatched(limit: limit, excludingSources: excludingSources, in: db) }
    }

    public func dispatch(source: String, eventID: String, rules: [String], claimed: Bool) async throws(StoreError) -> [String: Int64]? {
        try await write { db in try JobWriting.dispatch(source: source, eventID: eventID, rules: rules, claimed: claimed, in: db) }
    }

    public func dispatch(_ requests: [DispatchRequest]) async throws(StoreError) -> [[String: Int64]?] {
        guard !requests.isEmpty else { return [] }
        return try await write { db in
            try requests.map { try JobWriting.dispatch(source: $0.source, eventID: $0.eventID, rules: $0.rules, claimed: false, in: db) }
        }
    }

    public func claimJobs(source: String, eventID: String, now: Date) async throws(StoreError) -> [ClaimedJob] {
        try await write { db in try JobWriting.claim(source: source, eventID: eventID, now: now, in: db) }
    }

    public func claimDueJobs(now: Date, limit: Int) async throws(StoreError) -> [ClaimedJob] {
        try await write { db in try JobWriting.claim(now: now, limit: limit, in: db) }
    }

    public func finish(job: Int64, attempt: AttemptRecord?, transition: JobTransition) async throws(StoreError) {
        try checkOpen()
        try await withCheckedContinuation { continuation in
            finish(job: job, attempt: attempt, transition: transition) { continuation.resume(returning: $0) }
        }.get()
    }

    public func finish(job: Int64, attempt: AttemptRecord?, transition: JobTransition,
                       completion: @escaping @Sendable (Result<Void, StoreError>) -> Void) {
        if isClosed.load(ordering: .acquiring) { return completion(.failure(.unavailable(.storeIsClosed, detail: path))) }
        let row: FinishRow
        do {
            row = try FinishRow(job: job, attempt: attempt, transition: transition)
        } catch {
            return completion(.failure(StoreError(sqlite: error)))
        }
        writer.finish(row, answer: completion)
    }

    public func resumeInterruptedJobs() async throws(StoreError) -> Int {
        try await write { db in try JobWriting.resume(in: db) }
    }

    public func replay(_ selection: ReplaySelection) async throws(StoreError) -> ReplayResult {
        try await write { db in try JobWriting.replay(selection, in: db) }
    }

    public func attempts(source: String, eventID: String) async throws(StoreError) -> [StoredAttempt] {
        try await read { db in try EventReading.attempts(source: source, eventID: eventID, in: db) }
    }

    public func queueOverview() async throws(StoreError) -> QueueOverview {
        try await read { db in try OperationsReading.queueOverview(in: db) }
    }

    public func recentFailures(limit: Int) async throws(StoreError) -> [FailedJob] {
        try await read { db in try OperationsReading.recentFailures(limit: limit, in: db) }
    }

    /// How the group-commit writer has batched so far.
    public var commitStatistics: CommitStatistics { writer.statistics }

    /// What the writer connection runs with (read from the connection itself, not from the options).
    public func durability() async throws(StoreError) -> SQLiteDurability {
        try checkOpen()
        do {
            return try await pool.writeWithoutTransaction { db in
                SQLiteDurability(journalMode: try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "?",
                                 synchronousLevel: try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1)
            }
        } catch {
            throw StoreError(sqlite: error)
        }
    }

    /// Answers every accept already queued, then closes the file. Later calls throw
    /// `StoreError.unavailable(.storeIsClosed, …)`.
    public func close() async throws(StoreError) {
        guard !isClosed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        await writer.close()
        do {
            try pool.close()
        } catch {
            throw StoreError(sqlite: error)
        }
    }

    private func checkOpen() throws(StoreError) {
        if isClosed.load(ordering: .acquiring) { throw .unavailable(.storeIsClosed, detail: path) }
    }

    private func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        try checkOpen()
        return try await writer.write(body).get()
    }

    private func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        try checkOpen()
        do {
            return try await pool.read(body)
        } catch {
            throw StoreError(sqlite: error)
        }
    }
}
