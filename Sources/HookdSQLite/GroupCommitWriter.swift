import GRDB
import HookdCore

/// The one writer of the store: accepted events and the dispatcher's job writes. Writes that arrive
/// while a transaction is being written queue for the next one, so concurrent requests (and the
/// dispatcher's claims and outcomes) share one transaction and one fsync; each caller is answered
/// only once the transaction holding its write has committed.
actor GroupCommitWriter {
    private struct PendingBatch {
        /// Events the write offers (0 for a job write), for sizing transactions and statistics.
        let events: Int
        let isAccept: Bool
        let apply: @Sendable (Database) throws -> any Sendable
        let answer: @Sendable (Result<any Sendable, StoreError>) -> Void
    }

    private let pool: DatabasePool
    private let maximumEventsPerTransaction: Int
    private var queue: [PendingBatch] = []
    private var isWriting = false
    private var isClosed = false
    private var idleWaiters: [CheckedContinuation<Void, Never>] = []
    private(set) var statistics = CommitStatistics()

    init(pool: DatabasePool, maximumEventsPerTransaction: Int) {
        self.pool = pool
        self.maximumEventsPerTransaction = maximumEventsPerTransaction
    }

    func accept(_ rows: EventInsertion.Rows) async -> Result<AcceptResult, StoreError> {
        await enqueue(events: rows.events.count, isAccept: true) { db in try EventInsertion.insert(rows, in: db) }
    }

    /// Runs `body` inside the next group transaction (never alone in one of its own unless it fails).
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async -> Result<T, StoreError> {
        await enqueue(events: 0, isAccept: false, body)
    }

    private func enqueue<T: Sendable>(events: Int, isAccept: Bool,
                                      _ body: @escaping @Sendable (Database) throws -> T) async -> Result<T, StoreError> {
        guard !isClosed else { return .failure(.unavailable(.storeIsClosed, detail: "")) }
        return await withCheckedContinuation { continuation in
            let batch = PendingBatch(events: events, isAccept: isAccept, apply: { db in try body(db) }, answer: { result in
                // The value is the one `body` returned, so the cast cannot fail.
                continuation.resume(returning: result.map { $0 as! T })
            })
            queue.append(batch)
            if !isWriting {
                isWriting = true
                // A task of its own, so no caller's cancellation can stop a commit others wait on.
                Task { await self.writeUntilIdle() }
            }
        }
    }

    /// Refuses new batches and returns once every queued one has been answered.
    func close() async {
        isClosed = true
        guard isWriting else { return }
        await withCheckedContinuation { idleWaiters.append($0) }
    }

    private func writeUntilIdle() async {
        while !queue.isEmpty {
            let group = takeGroup()
            let outcomes = await commit(group)
            for (batch, outcome) in zip(group, outcomes) {
                batch.answer(outcome)
            }
        }
        isWriting = false
        for waiter in idleWaiters { waiter.resume() }
        idleWaiters = []
    }

    /// The oldest queued batches, as many as fit in one transaction (always at least one).
    private func takeGroup() -> [PendingBatch] {
        var count = 0
        var events = 0
        while count < queue.count, count == 0 || events + queue[count].events <= maximumEventsPerTransaction {
            events += queue[count].events
            count += 1
        }
        defer { queue.removeFirst(count) }
        return Array(queue.prefix(count))
    }

    /// One transaction for all the batches. When it fails for a reason of one batch's own (not a
    /// full disk, a lock or the like, which would fail any batch), each batch is retried in a
    /// transaction of its own so one bad batch cannot fail its neighbours.
    private func commit(_ batches: [PendingBatch]) async -> [Result<any Sendable, StoreError>] {
        let writes = batches.map(\.apply)
        do {
            let results = try await pool.write { db in
                try writes.map { try $0(db) }
            }
            statistics.recordCommit(batches: batches.filter(\.isAccept).count, events: batches.reduce(0) { $0 + $1.events })
            return results.map { .success($0) }
        } catch {
            statistics.failedTransactions += 1
            let failure = StoreError(sqlite: error)
            guard batches.count > 1, !failure.isEnvironmental else {
                return Array(repeating: .failure(failure), count: batches.count)
            }
            var outcomes: [Result<any Sendable, StoreError>] = []
            for batch in batches {
                outcomes += await commit([batch])
            }
            return outcomes
        }
    }
}
