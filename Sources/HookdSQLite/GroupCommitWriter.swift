import Dispatch
import Foundation
import GRDB
import HookdCore
import NIOConcurrencyHelpers

/// The one writer of the store: accepted events and the dispatcher's job writes. Writes that arrive
/// while a transaction is being written queue for the next one, so concurrent requests (and the
/// dispatcher's claims and outcomes) share one transaction and one fsync; each caller is answered
/// only once the transaction holding its write has committed.
///
/// The transactions are written on a serial dispatch queue of the writer's own, not on Swift's
/// cooperative pool: a commit blocks its thread for the fsync, and callers that are not async (the
/// NIO listener) hand their batch over and are called back, without a task or an actor hop.
final class GroupCommitWriter: Sendable {
    private struct PendingBatch: Sendable {
        /// Events the write offers (0 for a job write), for sizing transactions and statistics.
        let events: Int
        let isAccept: Bool
        let apply: @Sendable (Database) throws -> any Sendable
        let answer: @Sendable (Result<any Sendable, StoreError>) -> Void
    }

    private struct PendingFinish: Sendable {
        let row: FinishRow
        let answer: @Sendable (Result<Void, StoreError>) -> Void
    }

    private struct State: Sendable {
        var queue: [PendingBatch] = []
        /// Finished runs, recorded together in the next transaction.
        var finishes: [PendingFinish] = []
        var isWriting = false
        var isClosed = false
        var idleWaiters: [@Sendable () -> Void] = []
        var statistics = CommitStatistics()
    }

    private let pool: DatabasePool
    private let maximumEventsPerTransaction: Int
    /// A plain pthread mutex (NIO's box), not Swift's `Mutex`: the event loops (every accept), the Lua
    /// workers (every finished run) and the writer all take it, and under contention `Mutex`, a
    /// priority-inheritance futex, spins and then goes through the kernel's rt-mutex code (`make
    /// bench-runs`: a fifth of the Lua workers' time as a `Mutex`, 1 % as this). The other locks that
    /// every request or run takes are NIO's boxes for the same reason.
    private let state = NIOLockedValueBox(State())
    private let queue = DispatchQueue(label: "hookd.store.writer", qos: .userInitiated)
    /// Marks `queue`, so `afterAnswers` knows it is called by an answer.
    private let onQueue = DispatchSpecificKey<Void>()
    /// The work `afterAnswers` deferred while a commit's answers are being called; nil between
    /// them. Only ever touched on `queue`.
    nonisolated(unsafe) private var deferredAfterAnswers: [@Sendable () -> Void]?

    /// Under load (a transaction straight after another), fewer than this many events waiting make
    /// the writer wait `linger` before it takes them: a transaction costs an fsync and rewrites its
    /// index pages whatever it holds, and on 2 cores the event loops need the time to parse the
    /// requests that would join it. A writer woken from idle never waits.
    static let lingerBelowEvents = 16
    static let linger: Duration = .microseconds(300)

    init(pool: DatabasePool, maximumEventsPerTransaction: Int) {
        self.pool = pool
        self.maximumEventsPerTransaction = maximumEventsPerTransaction
        queue.setSpecific(key: onQueue, value: ())
    }

    /// Whether the writer waits `linger` before its next transaction: only straight after one
    /// (`afterCommit`), and only when some events but fewer than `lingerBelowEvents` wait (job
    /// writes alone never wait: a finish or a claim is not worth delaying).
    static func shouldLinger(queuedEvents: Int, afterCommit: Bool) -> Bool {
        afterCommit && queuedEvents > 0 && queuedEvents < lingerBelowEvents
    }

    /// `Store.afterAnswers`: inside an answer, `body` runs after the last answer of its commit;
    /// anywhere else, at once.
    func afterAnswers(_ body: @escaping @Sendable () -> Void) {
        guard DispatchQueue.getSpecific(key: onQueue) != nil, deferredAfterAnswers != nil else { return body() }
        deferredAfterAnswers?.append(body)
    }

    var statistics: CommitStatistics { state.withLockedValue { $0.statistics } }

    /// Queues one request's events; `answer` is called on the writer's queue once they are durable.
    func accept(_ rows: EventInsertion.Rows, answer: @escaping @Sendable (Result<AcceptResult, StoreError>) -> Void) {
        submit(events: rows.events.count, isAccept: true, { db in try EventInsertion.insert(rows, in: db) }, answer: answer)
    }

    func accept(_ rows: EventInsertion.Rows) async -> Result<AcceptResult, StoreError> {
        await withCheckedContinuation { continuation in
            accept(rows) { continuation.resume(returning: $0) }
        }
    }

    /// Runs `body` inside the next group transaction (never alone in one of its own unless it fails).
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async -> Result<T, StoreError> {
        await withCheckedContinuation { continuation in
            submit(events: 0, isAccept: false, body) { continuation.resume(returning: $0) }
        }
    }

    /// `write` for a caller that need not wait: `answer` is called on the writer's queue once the
    /// transaction holding `body` has committed (or failed).
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T,
                            answer: @escaping @Sendable (Result<T, StoreError>) -> Void) {
        submit(events: 0, isAccept: false, body, answer: answer)
    }

    /// Queues a finished run's record; `answer` is called on the writer's queue once it is durable.
    /// Every finish queued meanwhile is written by one statement pair each, in one batch of the next
    /// transaction: no closure or result of its own per run.
    func finish(_ row: FinishRow, answer: @escaping @Sendable (Result<Void, StoreError>) -> Void) {
        enqueue({ $0.finishes.append(PendingFinish(row: row, answer: answer)) }, refused: { answer(.failure($0)) })
    }

    private func submit<T: Sendable>(events: Int, isAccept: Bool, _ body: @escaping @Sendable (Database) throws -> T,
                                     answer: @escaping @Sendable (Result<T, StoreError>) -> Void) {
        let batch = PendingBatch(events: events, isAccept: isAccept, apply: { db in try body(db) }, answer: { result in
            // The value is the one `body` returned, so the cast cannot fail.
            answer(result.map { $0 as! T })
        })
        enqueue({ $0.queue.append(batch) }, refused: { batch.answer(.failure($0)) })
    }

    /// Adds to the queue and starts the writer when it is idle; `refused` once the writer is closed.
    private func enqueue(_ add: (inout State) -> Void, refused: (StoreError) -> Void) {
        let start = state.withLockedValue { state -> Bool? in
            guard !state.isClosed else { return nil }
            add(&state)
            guard !state.isWriting else { return false }
            state.isWriting = true
            return true
        }
        switch start {
        case nil: refused(.unavailable(.storeIsClosed, detail: ""))
        case true?: queue.async { self.writeUntilIdle() }
        case false?: break
        }
    }

    /// Refuses new batches and returns once every queued one has been answered.
    func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let idle = state.withLockedValue { state -> Bool in
                state.isClosed = true
                guard state.isWriting else { return true }
                state.idleWaiters.append { continuation.resume() }
                return false
            }
            if idle { continuation.resume() }
        }
    }

    private func writeUntilIdle() {
        var afterCommit = false
        while true {
            let lingers = afterCommit && state.withLockedValue { state in
                guard Self.shouldLinger(queuedEvents: Self.events(in: state.queue), afterCommit: true) else { return false }
                state.statistics.lingers += 1
                return true
            }
            if lingers { Thread.sleep(forTimeInterval: Double(Self.linger.components.attoseconds) / 1e18) }
            afterCommit = true
            let group = state.withLockedValue { state -> [PendingBatch] in
                var group = takeGroup(from: &state.queue)
                if !state.finishes.isEmpty {
                    group.insert(Self.batch(of: state.finishes), at: 0)
                    state.finishes.removeAll(keepingCapacity: true)
                }
                if group.isEmpty { state.isWriting = false }
                return group
            }
            if group.isEmpty { break }
            let outcomes = commit(group)
            deferredAfterAnswers = []
            for (batch, outcome) in zip(group, outcomes) {
                batch.answer(outcome)
            }
            let deferred = deferredAfterAnswers ?? []
            deferredAfterAnswers = nil
            for body in deferred { body() }
        }
        let waiters = state.withLockedValue { state -> [@Sendable () -> Void] in
            guard !state.isWriting else { return [] }
            defer { state.idleWaiters = [] }
            return state.idleWaiters
        }
        for waiter in waiters { waiter() }
    }

    /// The events the queued batches offer.
    private static func events(in queue: [PendingBatch]) -> Int {
        var events = 0
        for batch in queue { events += batch.events }
        return events
    }

    /// The finishes queued since the last transaction, as one batch.
    private static func batch(of finishes: [PendingFinish]) -> PendingBatch {
        let rows = finishes.map(\.row)
        return PendingBatch(events: 0, isAccept: false, apply: { db in try JobWriting.finish(rows, in: db) }, answer: { result in
            let outcome = result.map { _ in () }
            for finish in finishes { finish.answer(outcome) }
        })
    }

    /// The oldest queued batches (possibly none), as many as fit in one transaction (always at least one).
    private func takeGroup(from queue: inout [PendingBatch]) -> [PendingBatch] {
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
    private func commit(_ batches: [PendingBatch]) -> [Result<any Sendable, StoreError>] {
        do {
            let results = try pool.write { db in
                try batches.map { try $0.apply(db) }
            }
            let accepts = batches.reduce(0) { $0 + ($1.isAccept ? 1 : 0) }
            let events = batches.reduce(0) { $0 + $1.events }
            state.withLockedValue { $0.statistics.recordCommit(batches: accepts, events: events) }
            return results.map { .success($0) }
        } catch {
            state.withLockedValue { $0.statistics.failedTransactions += 1 }
            let failure = StoreError(sqlite: error)
            guard batches.count > 1, !failure.isEnvironmental else {
                return Array(repeating: .failure(failure), count: batches.count)
            }
            return batches.flatMap { commit([$0]) }
        }
    }
}
