import Foundation

/// Where accepted events live: the seam between the core and its storage (SQLite now, PostgreSQL
/// later). Every method either succeeds or throws `StoreError`; an accept that throws acknowledged
/// nothing, so the server answers 503.
public protocol Store: Sendable {
    /// Stores the events of one request, each only if its (source, id) is not already known, and
    /// returns once what was accepted is durable (committed and synced). Racing deliveries of one id,
    /// from any task or process sharing the store, produce one event: one caller sees it accepted,
    /// the others see a duplicate. Events are considered in order, so an id repeated within the
    /// batch is accepted once and then listed as a duplicate.
    func accept(_ events: [IncomingEvent]) async throws(StoreError) -> AcceptResult

    /// `accept` for a caller that is not async (the NIO listener): `completion` is called, on a
    /// thread of the store's choosing, once the events are durable or the accept failed. A store
    /// with a writer of its own implements it without a task; the default runs `accept` in one.
    func accept(_ events: [IncomingEvent], completion: @escaping @Sendable (Result<AcceptResult, StoreError>) -> Void)

    /// Runs `body` once every completion of the commit now being answered on this thread has been
    /// called: a store that answers a commit's accepts one after another (a group-commit writer)
    /// lets work that each answer would start apart (waking a Lua worker) start once for all of
    /// them. Called anywhere else, `body` runs at once (the default).
    func afterAnswers(_ body: @escaping @Sendable () -> Void)

    /// The event with this id; with `source` nil, an id known in several sources is ambiguous.
    /// Pruned events (tombstones) are not found.
    func event(id: String, source: String?) async throws(StoreError) -> EventLookup

    /// Stored events, newest first, as the filter narrows them. Tombstones are not listed.
    func events(matching filter: EventFilter) async throws(StoreError) -> [StoredEvent]

    /// Deletes finished events as the policy says, never forgetting an id younger than its window.
    func prune(_ policy: RetentionPolicy) async throws(StoreError) -> PruneResult

    // MARK: Jobs (the dispatcher's side)

    /// Events not yet dispatched, oldest first, at most `limit`, leaving out those of the sources
    /// named (the `mode: sync` ones, whose events are dispatched on receipt).
    func undispatchedEvents(limit: Int, excludingSources: Set<String>) async throws(StoreError) -> [StoredEvent]

    /// Inserts one job per rule named and marks the event dispatched, in one transaction (no rules:
    /// dispatched with no jobs, so `done`). The jobs are `pending`, or already `running` (claimed
    /// by the caller, as `mode: sync` runs them at once) when `claimed`. Returns the new jobs' ids
    /// by rule, or nil when the event was already dispatched (or is gone): then nothing changes.
    func dispatch(source: String, eventID: String, rules: [String], claimed: Bool) async throws(StoreError) -> [String: Int64]?

    /// `dispatch` (pending jobs) for several events in one transaction; one answer per request, in order.
    func dispatch(_ requests: [DispatchRequest]) async throws(StoreError) -> [[String: Int64]?]

    /// Claims the jobs of one event that wait to run (`pending`, or `failed` whatever their retry
    /// time), marking them `running`: how a `mode: sync` redelivery runs the failed rules again.
    func claimJobs(source: String, eventID: String, now: Date) async throws(StoreError) -> [ClaimedJob]

    /// Claims up to `limit` due jobs (failed with `next_attempt_at <= now`, the longest due first;
    /// then pending, oldest first), marking them `running` with `claimed_at = now`; a claimed job
    /// is not returned again until `finish` or `resumeInterruptedJobs` puts it back. A job with an `order_by` key is due
    /// only when every earlier-received job of its (source, key, rule) is done or dead.
    func claimDueJobs(now: Date, limit: Int) async throws(StoreError) -> [ClaimedJob]

    /// Records `attempt` (if a run happened) and moves the job as `transition` says, in one transaction.
    func finish(job: Int64, attempt: AttemptRecord?, transition: JobTransition) async throws(StoreError)

    /// `finish` for a caller that need not wait for the record (the dispatcher's loop). `completion`
    /// is called once it is recorded or failed, on a thread of the store's choosing. A store with a
    /// writer of its own queues the write before this returns, so it is recorded before any later
    /// write of the caller's and closing the store waits for it. The default runs `finish` in a task,
    /// in no set order with later writes: a record that misses a closing store leaves its job
    /// `running`, so it runs again after the next start (at least once).
    func finish(job: Int64, attempt: AttemptRecord?, transition: JobTransition,
                completion: @escaping @Sendable (Result<Void, StoreError>) -> Void)

    /// Puts jobs left `running` (by a process that died mid-run) back to `pending`; returns how many.
    /// Call it at start-up, before claiming.
    func resumeInterruptedJobs() async throws(StoreError) -> Int

    /// Resets the selected jobs to attempt 0 and makes them due now, in one transaction: they run
    /// again with a full retry budget, on the rule set in force (no new match), with the same
    /// Idempotency-Keys. Earlier attempts stay recorded (as an earlier replay round).
    func replay(_ selection: ReplaySelection) async throws(StoreError) -> ReplayResult

    /// Every recorded attempt of an event's jobs, by rule then replay round then number.
    func attempts(source: String, eventID: String) async throws(StoreError) -> [StoredAttempt]

    // MARK: Operations (metrics and the status page)

    /// The work waiting per source (sources with nothing waiting are absent).
    func queueOverview() async throws(StoreError) -> QueueOverview

    /// Jobs that are `failed` (waiting to retry) or `dead`, most recently attempted first, at most `limit`.
    func recentFailures(limit: Int) async throws(StoreError) -> [FailedJob]
}

extension Store {
    public func finish(job: Int64, attempt: AttemptRecord?, transition: JobTransition,
                       completion: @escaping @Sendable (Result<Void, StoreError>) -> Void) {
        Self.inTask(completion) { () async throws(StoreError) in
            try await finish(job: job, attempt: attempt, transition: transition)
        }
    }

    public func accept(_ events: [IncomingEvent], completion: @escaping @Sendable (Result<AcceptResult, StoreError>) -> Void) {
        Self.inTask(completion) { () async throws(StoreError) in try await accept(events) }
    }

    public func afterAnswers(_ body: @escaping @Sendable () -> Void) {
        body()
    }

    /// The default of the callback forms: `operation` in a task, its result handed to `completion`.
    private static func inTask<T: Sendable>(_ completion: @escaping @Sendable (Result<T, StoreError>) -> Void,
                                            _ operation: @escaping @Sendable () async throws(StoreError) -> T) {
        Task {
            do throws(StoreError) {
                completion(.success(try await operation()))
            } catch {
                completion(.failure(error))
            }
        }
    }

    /// Pending jobs, for the dispatcher loop.
    public func dispatch(source: String, eventID: String, rules: [String]) async throws(StoreError) -> [String: Int64]? {
        try await dispatch(source: source, eventID: eventID, rules: rules, claimed: false)
    }

    /// Every source's undispatched events.
    public func undispatchedEvents(limit: Int) async throws(StoreError) -> [StoredEvent] {
        try await undispatchedEvents(limit: limit, excludingSources: [])
    }
}
