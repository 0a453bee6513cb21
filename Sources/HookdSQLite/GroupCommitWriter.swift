import GRDB
import HookdCore

/// The one writer of accepted events. Requests that arrive while a transaction is being written
/// queue for the next one, so concurrent requests share one transaction and one fsync; each caller
/// is answered only once the transaction holding its batch has committed.
actor GroupCommitWriter {
    private struct PendingBatch {
        let events: [IncomingEvent]
        let continuation: CheckedContinuation<Result<AcceptResult, StoreError>, Never>
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

    func accept(_ events: [IncomingEvent]) async -> Result<AcceptResult, StoreError> {
        guard !isClosed else { return .failure(.unavailable(.storeIsClosed, detail: "")) }
        return await withCheckedContinuation { continuation in
            queue.append(PendingBatch(events: events, continuation: continuation))
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
            let outcomes = await commit(group.map(\.events))
            for (batch, outcome) in zip(group, outcomes) {
                batch.continuation.resume(returning: outcome)
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
        while count < queue.count, count == 0 || events + queue[count].events.count <= maximumEventsPerTransaction {
            events += queue[count].events.count
            count += 1
        }
        defer { queue.removeFirst(count) }
        return Array(queue.prefix(count))
    }

    /// One transaction for all the batches. When it fails for a reason of one batch's own (not a
    /// full disk, a lock or the like, which would fail any batch), each batch is retried in a
    /// transaction of its own so one bad batch cannot fail its neighbours.
    private func commit(_ batches: [[IncomingEvent]]) async -> [Result<AcceptResult, StoreError>] {
        do {
            let results = try await pool.write { db in
                try batches.map { try EventInsertion.insert($0, in: db) }
            }
            statistics.recordCommit(batches: batches.count, events: batches.reduce(0) { $0 + $1.count })
            return results.map { .success($0) }
        } catch {
            statistics.failedTransactions += 1
            let failure = StoreError(sqlite: error)
            guard batches.count > 1, !failure.isEnvironmental else {
                return Array(repeating: .failure(failure), count: batches.count)
            }
            var outcomes: [Result<AcceptResult, StoreError>] = []
            for batch in batches {
                outcomes += await commit([batch])
            }
            return outcomes
        }
    }
}
