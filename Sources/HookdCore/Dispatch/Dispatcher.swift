import Foundation
import Logging
import LuaRuntime
import Synchronization

/// Runs the rules of stored events (SPEC §4, §6): one loop that dispatches new events (matching
/// them against the rule set in force, index first, then `when`), claims due jobs and runs each on
/// the worker pool, at most as many at once as the pool has workers, recording every attempt with
/// the job's next state (done, retry at a time with backoff and jitter, or dead).
///
/// The loop wakes on `notify()` (the server calls it after an accept) and otherwise polls every
/// `pollInterval` for retries that came due. Jobs left running by a crash are put back to pending
/// when the loop starts, so delivery to rules is at least once.
///
/// A `when` that fails counts as its rule matching: the job is created and its first attempt is
/// recorded as failed (`in when: …`, with the calls and logs of the `when` run), so it retries with
/// backoff like any failed run; retries run `handle` (the match was decided at dispatch).
///
/// `order_by` lanes are the store's: `Store.claimDueJobs` holds back a job while an earlier job of
/// its (source, order key, rule) is unfinished, so the loop needs no lane bookkeeping of its own.
public final class Dispatcher: Sendable {
    /// What the loop works within.
    public struct Settings: Sendable {
        public var limits: RunLimits
        public var retry: RetryPolicy
        /// How often the loop looks for due retries when nothing wakes it.
        public var pollInterval: Duration
        /// At most this many new events are read per pass.
        public var dispatchBatch: Int
        /// A retry waits its backoff plus up to this fraction of it more.
        public var maximumJitter: Double
        /// Jobs claimed at most per Lua worker: claimed jobs wait for a worker inside the pool, so
        /// one claim (a write) serves many runs instead of one.
        public var claimedPerWorker: Int
        /// Jobs claimed at receipt (`ReceiptRunner`) at most waiting for a worker or running, per
        /// Lua worker; beyond that the receipt stores jobs pending, for the loop. Enough that short
        /// runs never wait for room, few enough that slow runs (an HTTP call each) leave the backlog
        /// pending in the store rather than claimed in memory.
        public var claimedAtReceiptPerWorker: Int

        public init(limits: RunLimits = .defaults, retry: RetryPolicy = RetryPolicy(), pollInterval: Duration = .milliseconds(200),
                    dispatchBatch: Int = 100, maximumJitter: Double = 0.1, claimedPerWorker: Int = 16,
                    claimedAtReceiptPerWorker: Int = 64) {
            self.limits = limits
            self.retry = retry
            self.pollInterval = pollInterval
            self.dispatchBatch = max(1, dispatchBatch)
            self.maximumJitter = max(0, maximumJitter)
            self.claimedPerWorker = max(1, claimedPerWorker)
            self.claimedAtReceiptPerWorker = max(0, claimedAtReceiptPerWorker)
        }
    }

    private struct LoopState {
        var task: Task<Void, Never>?
        var stopping = false
        /// Jobs the loop claimed that have not run to their end (queued in the pool or running).
        var inFlight = 0
    }

    let store: any Store
    let generation: @Sendable () -> RuleGeneration
    /// The settings, host and mask given at creation; a generation may carry its own (a reload of
    /// `hookd.yaml` changes them for the runs that start afterwards).
    private let initialSettings: Settings
    private let initialHost: any HostCalls
    private let initialMask: SecretMask
    let metrics: HookdMetrics
    let clock: @Sendable () -> Date
    /// A number in 0...1: the share of the maximum jitter a retry gets.
    let jitter: @Sendable () -> Double
    let logger: Logger
    /// The `mode: sync` sources now: their events are dispatched on receipt, not by the loop.
    let synchronousSources: @Sendable () -> Set<String>
    /// The `mode: sync` runs under way, by event, so a duplicate waits for the run in progress.
    let syncRuns = SyncRunRegistry()
    private let wake = WakeSignal()
    private let state = Mutex(LoopState())
    /// Set when jobs may have become due since the loop last claimed.
    private let claimNeeded = Atomic<Bool>(true)
    /// Set when events were accepted since the loop last read the undispatched ones.
    private let dispatchNeeded = Atomic<Bool>(true)
    /// Jobs claimed at receipt (reserved, queued in the pool or running) not yet run to their end.
    let claimedAtReceipt = Atomic<Int>(0)
    /// Set once the loop has resumed the jobs an earlier process left running: a job claimed at
    /// receipt before then would be put back to pending and run twice.
    let resumedInterrupted = Atomic<Bool>(false)
    /// Jobs handed over by the answers of the commit being answered, queued in the pool together
    /// once its last answer has been given (`Store.afterAnswers`).
    let handedOver = Mutex<[ClaimedJob]>([])
    /// When a job of each source last finished, since this process started.
    private let lastFinished = Mutex<[String: Date]>([:])
    /// `LoopState.stopping`, readable without the lock: every request (`reserve`) and every run asks.
    private let stopping = Atomic<Bool>(false)

    /// `generation` is read for every match and every attempt, so a reload only has to change what
    /// it returns. `host` performs the rules' calls (an `Idempotency-Key` is added to each);
    /// `mask` hides secret values in what is recorded.
    public init(store: any Store, generation: @escaping @Sendable () -> RuleGeneration, settings: Settings = Settings(),
                host: any HostCalls, mask: SecretMask = .none, clock: @escaping @Sendable () -> Date = { Date() },
                jitter: @escaping @Sendable () -> Double = { Double.random(in: 0...1) },
                synchronousSources: @escaping @Sendable () -> Set<String> = { [] }, metrics: HookdMetrics = .discarding,
                logger: Logger = Logger(label: "hookd.dispatcher")) {
        self.synchronousSources = synchronousSources
        self.store = store
        self.generation = generation
        initialSettings = settings
        initialHost = host
        initialMask = mask
        self.metrics = metrics
        self.clock = clock
        self.jitter = jitter
        self.logger = logger
    }

    /// The settings in force: the generation's limits and retry policy when it has its own.
    var settings: Settings { settings(in: generation()) }

    /// The settings of `generation` (read once by a run, for all it needs).
    func settings(in generation: RuleGeneration) -> Settings {
        var settings = initialSettings
        if let limits = generation.limits { settings.limits = limits }
        if let retry = generation.retry { settings.retry = retry }
        return settings
    }

    /// Performs the rules' calls: the generation's outbound client when it has its own.
    var host: any HostCalls { generation().host ?? initialHost }
    func host(in generation: RuleGeneration) -> any HostCalls { generation.host ?? initialHost }

    /// Hides secret values in what is recorded and logged.
    var mask: SecretMask { generation().mask ?? initialMask }
    func mask(in generation: RuleGeneration) -> SecretMask { generation.mask ?? initialMask }

    /// When a job of each source last finished (ok, skipped, failed or dead), since start.
    public var lastProcessed: [String: Date] { lastFinished.withLock { $0 } }

    func noteFinished(source: String) {
        let now = clock()
        // Skipped when another run holds the lock: that run notes its own source now, and this
        // source's next run notes it again (a time for the status page, not a count). Waiting for
        // the lock cost every run on the Lua threads more than the run itself.
        _ = lastFinished.withLockIfAvailable { $0[source] = now }
    }

    /// New events were accepted: dispatch them now rather than at the next poll.
    public func notify() {
        dispatchNeeded.store(true, ordering: .releasing)
        wake.signal()
    }

    /// Jobs were made due outside the loop (a replay): claim them now rather than at the next poll.
    public func notifyJobsChanged() {
        claimNeeded.store(true, ordering: .releasing)
        wake.signal()
    }

    /// Starts the loop (once): resumes interrupted jobs, then dispatches and runs until `stop`.
    public func start() {
        state.withLock { state in
            guard state.task == nil, !state.stopping else { return }
            state.task = Task { await self.loop() }
        }
    }

    /// Stops claiming and waits for the runs under way to finish and be recorded, at most `grace`.
    /// Returns false when some were still running then (they stay `running` in the store and run
    /// again after the next start).
    @discardableResult
    public func stop(grace: Duration = .seconds(5)) async -> Bool {
        let task = state.withLock { state -> Task<Void, Never>? in
            state.stopping = true
            stopping.store(true, ordering: .releasing)
            return state.task
        }
        wake.signal()
        guard let task else { return true }
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask { await task.value; return true }
            group.addTask { try? await Task.sleep(for: grace); return false }
            let finished = await group.next() ?? false
            group.cancelAll()
            return finished
        }
    }

    var isStopping: Bool { stopping.load(ordering: .acquiring) }

    private func loop() async {
        do {
            let resumed = try await store.resumeInterruptedJobs()
            if resumed > 0 { logger.warning("resumed \(resumed) job(s) left running by an earlier process") }
        } catch {
            logger.error("dispatcher: cannot resume interrupted jobs: \(error)")
        }
        resumedInterrupted.store(true, ordering: .releasing)
        var lastClaim = ContinuousClock.now - settings.pollInterval
        var lastDispatch = lastClaim
        var moreToDispatch = true
        while !isStopping {
            var busy = false
            do {
                // A read of new events only after an accept, after a full batch, or once per poll
                // interval (another process may share the store): finished runs wake the loop too.
                var dispatched = (full: false, createdJobs: false)
                if moreToDispatch || dispatchNeeded.exchange(false, ordering: .acquiringAndReleasing)
                    || ContinuousClock.now - lastDispatch >= settings.pollInterval {
                    lastDispatch = .now
                    dispatched = try await dispatchNewEvents()
                }
                moreToDispatch = dispatched.full
                busy = dispatched.full
                // A claim is a write: only when jobs may have become due (new jobs, a finished
                // run, a replay), or once per poll interval for retries whose time came.
                if dispatched.createdJobs || claimNeeded.load(ordering: .acquiring)
                    || ContinuousClock.now - lastClaim >= settings.pollInterval, let room = roomToClaim() {
                    claimNeeded.store(false, ordering: .releasing)
                    lastClaim = .now
                    run(claimed: try await store.claimDueJobs(now: clock(), limit: room))
                }
            } catch {
                logger.error("dispatcher: store error: \(error)")
                busy = false
            }
            if !busy { await wake.wait(timeout: settings.pollInterval) }
        }
        // Stopping: the runs under way end (each ended run signals), or `stop`'s grace runs out.
        while state.withLock({ $0.inFlight }) > 0 || claimedAtReceipt.load(ordering: .acquiring) > 0 {
            await wake.wait(timeout: .milliseconds(50))
        }
    }

    /// How many jobs to claim now (claimed jobs queue for a worker in the pool), or nil to wait.
    private func roomToClaim() -> Int? {
        let maximum = generation().pool.size * settings.claimedPerWorker
        let inFlight = state.withLock { $0.inFlight }
        // Refilled in batches: one claim per half a batch of finished runs, not one per run.
        guard !isStopping, inFlight == 0 || maximum - inFlight >= maximum / 2 else { return nil }
        return maximum - inFlight
    }

    /// Hands the claimed jobs to the worker pool, where they queue for a free worker and run
    /// without a task each (a task per job, waiting for a worker, cost more than a short run).
    private func run(claimed jobs: [ClaimedJob]) {
        guard !jobs.isEmpty else { return }
        let maximum = generation().pool.size * settings.claimedPerWorker
        state.withLock { $0.inFlight += jobs.count }
        submit(jobs) { [self] job in
            let left = state.withLock { state -> Int in
                state.inFlight -= 1
                return state.inFlight
            }
            claimNeeded.store(true, ordering: .releasing)
            // The loop is woken when it can claim again (a batch's worth of room, or none left in
            // flight) or when the job may have held an `order_by` lane; not once per run.
            if left == 0 || left == maximum / 2 || job.event.orderKey != nil { wake.signal() }
        }
    }

    /// Dispatches the oldest undispatched events, in one store transaction: whether a full batch
    /// was read (more may wait), and whether any job was created.
    private func dispatchNewEvents() async throws(StoreError) -> (full: Bool, createdJobs: Bool) {
        let events = try await store.undispatchedEvents(limit: settings.dispatchBatch, excludingSources: synchronousSources())
        guard !events.isEmpty, !isStopping else { return (false, false) }
        let created = try await dispatch(events)
        return (events.count == settings.dispatchBatch, created)
    }
}
