import Foundation

/// One job of a stored event as `events list` and `events show` print it (SPEC §6).
public struct JobSummary: Sendable, Hashable {
    public var rule: String
    public var state: JobState
    /// Attempts made so far.
    public var attempts: Int
    public var lastError: String?
    /// When a job waiting to retry (`failed`) is due.
    public var nextAttemptAt: Date?
    /// `ok`, `skipped` or `failed` of the last attempt; `dead` for a job that died without a run
    /// (its rule was removed); nil before the first attempt.
    public var outcome: String?

    public init(rule: String, state: JobState, attempts: Int = 0, lastError: String? = nil,
                nextAttemptAt: Date? = nil, outcome: String? = nil) {
        self.rule = rule
        self.state = state
        self.attempts = attempts
        self.lastError = lastError
        self.nextAttemptAt = nextAttemptAt
        self.outcome = outcome
    }
}
