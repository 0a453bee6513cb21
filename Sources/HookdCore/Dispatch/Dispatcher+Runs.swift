import Foundation
import Logging
import LuaRuntime

extension Dispatcher {
    /// What matching one event found: the rules matched, and the `when` runs that failed (their
    /// rules count as matched; the failure is recorded as the job's first attempt).
    struct Match: Sendable {
        var rules: [String] = []
        var whenFailures: [(rule: String, startedAt: Date, result: RunResult)] = []
    }

    /// Matches one event against the rule set in force (index, then `when`) and stores its jobs;
    /// with `claimed` (`mode: sync`) they are stored running and returned for the caller to run
    /// (a job whose `when` failed is already finished as failed and is not among them). Nil when
    /// the event was dispatched meanwhile.
    @discardableResult
    func dispatch(_ event: StoredEvent, claimed: Bool = false) async throws(StoreError) -> [ClaimedJob]? {
        let match = await self.match(event)
        guard let jobs = try await store.dispatch(source: event.source, eventID: event.id, rules: match.rules, claimed: claimed) else { return nil }
        return try await recordWhenFailures(match, of: event, jobs: jobs, claimed: claimed)
    }

    /// Dispatches several events in one store transaction (the loop's batches of new events); true
    /// when any job was created.
    func dispatch(_ events: [StoredEvent]) async throws(StoreError) -> Bool {
        var matches: [Match] = []
        for event in events { matches.append(await match(event)) }
        let results = try await store.dispatch(zip(events, matches).map { event, match in
            DispatchRequest(source: event.source, eventID: event.id, rules: match.rules)
        })
        var created = false
        for (index, jobs) in results.enumerated() {
            guard let jobs else { continue }
            created = created || !jobs.isEmpty
            _ = try await recordWhenFailures(matches[index], of: events[index], jobs: jobs, claimed: false)
        }
        return created
    }

    func match(_ event: StoredEvent) async -> Match {
        let generation = self.generation()
        // Built only for a rule with `when`: most events match none, and the document costs.
        var document: RunEvent?
        var match = Match()
        for rule in generation.ruleSet.match(source: event.source, type: event.type, status: event.status) {
            guard rule.hasWhen else {
                match.rules.append(rule.name)
                continue
            }
            let keyed = IdempotentHost(base: host, source: event.source, eventID: event.id, rule: rule.name)
            let startedAt = clock()
            if document == nil { document = Self.document(for: event, attempt: 1) }
            let result = await generation.pool.run(rule: rule.index, mode: .when, event: document ?? .none,
                                                   limits: settings.limits, host: keyed)
            switch result.outcome {
            case .failed:
                match.rules.append(rule.name)
                match.whenFailures.append((rule.name, startedAt, result))
            case .ok where result.value == "true":
                match.rules.append(rule.name)
            case .ok, .skipped:
                break
            }
        }
        return match
    }

    /// Records each failed `when` as its job's first attempt; the other jobs, to run.
    private func recordWhenFailures(_ match: Match, of event: StoredEvent, jobs: [String: Int64],
                                    claimed: Bool) async throws(StoreError) -> [ClaimedJob] {
        for failure in match.whenFailures {
            guard let job = jobs[failure.rule] else { continue }
            let attempt = attemptRecord(number: 1, startedAt: failure.startedAt, result: failure.result, stage: "when")
            try await store.finish(job: job, attempt: attempt, transition: transition(after: attempt, synchronous: claimed))
            logRun(event: event, rule: failure.rule, attempt: attempt)
        }
        let failedInWhen = Set(match.whenFailures.map(\.rule))
        return jobs.filter { !failedInWhen.contains($0.key) }.sorted { $0.key < $1.key }.map { rule, id in
            ClaimedJob(id: id, rule: rule, attempts: 0, event: event)
        }
    }

    /// One attempt of a claimed job, on the rule of that name in force now; true when it ended ok
    /// or skipped. `synchronous` (`mode: sync`): a failure waits for the provider's redelivery
    /// instead of a backoff retry. The attempt is recorded before it returns.
    @discardableResult
    func run(_ job: ClaimedJob, synchronous: Bool = false) async -> Bool {
        let generation = self.generation()
        guard let rule = generation.ruleSet.rule(named: job.rule) else {
            await finish(job, attempt: nil, transition: .dead(error: "rule removed"))
            noteRemoved(job)
            return false
        }
        let number = job.attempts + 1
        let keyed = IdempotentHost(base: host, source: job.event.source, eventID: job.event.id, rule: rule.name)
        let startedAt = clock()
        let result = await generation.pool.run(rule: rule.index, event: Self.document(for: job.event, attempt: number),
                                               limits: settings.limits, host: keyed)
        let attempt = attemptRecord(number: number, startedAt: startedAt, result: result)
        await finish(job, attempt: attempt, transition: transition(after: attempt, synchronous: synchronous))
        logRun(event: job.event, rule: rule.name, attempt: attempt)
        return attempt.outcome != .failed
    }

    /// One attempt of a claimed job, handed to the worker pool without a task: the rule of that
    /// name in force when a worker takes it runs, and the attempt is queued for the store's writer
    /// from the worker's thread, without waiting for its commit (the job stays `running`, never
    /// claimed again, until it is recorded). `ended` is called once the attempt is queued.
    func submit(_ job: ClaimedJob, ended: @escaping @Sendable () -> Void) {
        let pool = generation().pool
        pool.submit(poolRun(job, in: pool, ended: ended))
    }

    /// `submit` for several jobs, queued at once.
    func submit(_ jobs: [ClaimedJob], ended: @escaping @Sendable (ClaimedJob) -> Void) {
        let pool = generation().pool
        pool.submit(jobs.map { job in poolRun(job, in: pool) { ended(job) } })
    }

    private func poolRun(_ job: ClaimedJob, in pool: WorkerPool, ended: @escaping @Sendable () -> Void) -> PoolRun {
        PoolRun { [self] in
            // The generation is read once per run: every read takes a lock.
            let generation = self.generation()
            // A reload while the job waited: it runs on the rules in force now, in their pool.
            guard generation.pool === pool else {
                submit(job, ended: ended)
                return nil
            }
            // Stopping: a run not begun is not begun; the job goes back to pending for the next start.
            guard !isStopping else {
                record(job, attempt: nil, transition: .released)
                ended()
                return nil
            }
            guard let rule = generation.ruleSet.rule(named: job.rule) else {
                record(job, attempt: nil, transition: .dead(error: "rule removed"))
                noteRemoved(job)
                ended()
                return nil
            }
            let number = job.attempts + 1
            let settings = settings(in: generation)
            let mask = mask(in: generation)
            let keyed = IdempotentHost(base: host(in: generation), source: job.event.source, eventID: job.event.id, rule: rule.name)
            let startedAt = clock()
            return PoolRun.Start(rule: rule.index, event: Self.document(for: job.event, attempt: number),
                                 limits: settings.limits, host: keyed) { [self] result in
                let attempt = attemptRecord(number: number, startedAt: startedAt, result: result, mask: mask)
                record(job, attempt: attempt, transition: transition(after: attempt, settings: settings))
                logRun(event: job.event, rule: rule.name, attempt: attempt, mask: mask)
                ended()
            }
        }
    }

    /// Queues an attempt for the store's writer without waiting for its commit.
    private func record(_ job: ClaimedJob, attempt: AttemptRecord?, transition: JobTransition) {
        store.finish(job: job.id, attempt: attempt, transition: transition) { [logger, mask] result in
            if case .failure(let error) = result {
                // The job stays `running` and runs again after the next start (at least once).
                logger.error("cannot record an attempt of \(job.rule) on \(mask(job.event.id)): \(error)")
            }
        }
    }

    private func noteRemoved(_ job: ClaimedJob) {
        noteFinished(source: job.event.source)
        logger.warning("rule removed: job dead", metadata: ["source": "\(job.event.source)", "event": "\(mask(job.event.id))", "rule": "\(job.rule)"])
    }

    private func finish(_ job: ClaimedJob, attempt: AttemptRecord?, transition: JobTransition) async {
        do {
            try await store.finish(job: job.id, attempt: attempt, transition: transition)
        } catch {
            // The job stays `running` and runs again after the next start (at least once).
            logger.error("cannot record an attempt of \(job.rule) on \(mask(job.event.id)): \(error)")
        }
    }

    /// Done after ok or skipped; after a failure, dead once `max_attempts` are spent, else a retry
    /// after the backoff plus jitter, or (`synchronous`) a wait for the provider's redelivery.
    func transition(after attempt: AttemptRecord, synchronous: Bool = false, settings: Settings? = nil) -> JobTransition {
        guard attempt.outcome == .failed else { return .done }
        let settings = settings ?? self.settings
        if synchronous { return .awaitRedelivery }
        guard attempt.number < settings.retry.maxAttempts else { return .dead(error: attempt.error ?? "failed") }
        let delay = settings.retry.delay(beforeRetry: attempt.number)
        let seconds = Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18
        let jittered = seconds * (1 + settings.maximumJitter * min(max(jitter(), 0), 1))
        return .retry(at: clock().addingTimeInterval(jittered))
    }

    func attemptRecord(number: Int, startedAt: Date, result: RunResult, stage: String? = nil, mask: SecretMask? = nil) -> AttemptRecord {
        let mask = mask ?? self.mask
        var outcome = AttemptRecord.Outcome.ok
        var error: String?
        switch result.outcome {
        case .ok: break
        case .skipped(let reason):
            outcome = .skipped
            error = reason.isEmpty ? nil : mask(reason)
        case .failed(let failure):
            outcome = .failed
            error = (stage.map { "in \($0): " } ?? "") + mask(failure.message)
        }
        let calls = result.calls.map { call in
            AttemptRecord.Call(method: call.request.method, url: mask(call.request.url), status: call.status,
                               error: mask(call.error), durationMilliseconds: call.duration.milliseconds,
                               sent: call.sent && call.status != nil)
        }
        let logs = result.logs.map { AttemptRecord.LogLine(level: $0.level.rawValue, message: mask($0.message), fields: mask($0.fieldsJSON)) }
        return AttemptRecord(number: number, startedAt: startedAt, duration: result.duration, outcome: outcome,
                             error: error, calls: calls, logs: logs)
    }

    private func logRun(event: StoredEvent, rule: String, attempt: AttemptRecord, mask: SecretMask? = nil) {
        let mask = mask ?? self.mask
        // Sorted by key.
        var fields: [LogField] = [("attempt", String(attempt.number)), ("duration_ms", String(attempt.duration.milliseconds))]
        fields.reserveCapacity(7)
        if let error = attempt.error { fields.append(("error", error)) }
        fields += [("event", mask(event.id)), ("outcome", attempt.outcome.rawValue), ("rule", rule), ("source", event.source)]
        logger.info("rule run", orderedFields: fields)
        noteFinished(source: event.source)
        metrics.ruleRun(rule: rule, outcome: attempt.outcome.rawValue, duration: attempt.duration)
        for call in attempt.calls where call.sent || call.error != nil {
            metrics.outboundRequest(host: URLComponents(string: call.url)?.host ?? "invalid", status: call.status)
        }
    }

    /// The event as a run sees it: stored headers whose value was masked as credentials are left out.
    static func document(for event: StoredEvent, attempt: Int) -> RunEvent {
        var headers: [(name: String, value: String)] = []
        headers.reserveCapacity(event.request.headers.count)
        for header in event.request.headers where header.value != "***" { headers.append((header.name, header.value)) }
        return .fields(EventFields(source: event.source, event: event.parsed, headers: headers, attempt: attempt))
    }
}
