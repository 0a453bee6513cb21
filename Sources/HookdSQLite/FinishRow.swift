import HookdCore

/// A job's attempt and next state as column values, made on the caller's thread (a Lua worker's)
/// before it is queued, so the one writer thread only binds and steps; the writer records every
/// finish queued since its last transaction in its next one.
struct FinishRow: Sendable {
    struct Attempt: Sendable {
        var number: Int64
        var startedAt: Int64
        var durationMicroseconds: Int64
        var outcome: String
        var error: String?
        /// JSON text.
        var calls: String
        var logs: String
    }

    var job: Int64
    var attempt: Attempt?
    var state: String
    var nextAttemptAt: Int64?
    var lastError: String?
    /// The job's `outcome` column: the attempt's, or dead.
    var outcome: String
    /// `JobTransition.released`: only the state goes back to pending.
    var isRelease = false

    init(job: Int64, attempt: AttemptRecord?, transition: JobTransition) throws {
        self.job = job
        if let attempt {
            self.attempt = Attempt(number: Int64(attempt.number), startedAt: ColumnCoding.milliseconds(attempt.startedAt),
                                   durationMicroseconds: ColumnCoding.microseconds(attempt.duration),
                                   outcome: attempt.outcome.rawValue, error: attempt.error,
                                   calls: attempt.calls.isEmpty ? "[]" : try ColumnCoding.json(attempt.calls),
                                   logs: attempt.logs.isEmpty ? "[]" : try ColumnCoding.json(attempt.logs))
        }
        lastError = attempt?.error
        switch transition {
        case .done:
            state = JobState.done.rawValue
        case .retry(let at):
            state = JobState.failed.rawValue
            nextAttemptAt = ColumnCoding.milliseconds(at)
        case .awaitRedelivery:
            state = JobState.failed.rawValue
        case .dead(let reason):
            state = JobState.dead.rawValue
            lastError = reason
        case .released:
            state = JobState.pending.rawValue
            isRelease = true
        }
        outcome = attempt?.outcome.rawValue ?? "dead"
    }
}
