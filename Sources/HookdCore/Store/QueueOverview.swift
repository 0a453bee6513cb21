import Foundation

/// The dispatcher's work waiting, per source, read in one query: what `hookd_queue_depth`,
/// `hookd_oldest_pending_seconds` and the status page's queue states are made of.
public struct QueueOverview: Sendable, Equatable {
    /// One source's waiting work.
    public struct SourceQueue: Sendable, Equatable {
        /// Events not yet dispatched plus jobs pending, running, or failed and waiting to retry.
        public var waiting: Int
        /// When the oldest event with work due now (undispatched, or a job pending or running) was received.
        public var oldestPendingReceivedAt: Date?

        public init(waiting: Int = 0, oldestPendingReceivedAt: Date? = nil) {
            self.waiting = waiting
            self.oldestPendingReceivedAt = oldestPendingReceivedAt
        }
    }

    public var sources: [String: SourceQueue]

    public init(sources: [String: SourceQueue] = [:]) {
        self.sources = sources
    }

    /// Everything waiting, over all sources.
    public var depth: Int { sources.values.reduce(0) { $0 + $1.waiting } }

    /// The oldest receipt time of work due now, over all sources.
    public var oldestPendingReceivedAt: Date? { sources.values.compactMap(\.oldestPendingReceivedAt).min() }
}

/// A job that failed (and waits to retry) or is dead, for the status page's list of failures.
public struct FailedJob: Sendable, Equatable {
    public var source: String
    public var eventID: String
    public var rule: String
    public var state: JobState
    public var attempts: Int
    public var lastError: String?
    /// When its last recorded attempt started; nil for a job that died without a run.
    public var lastAttemptAt: Date?

    public init(source: String, eventID: String, rule: String, state: JobState, attempts: Int, lastError: String?, lastAttemptAt: Date?) {
        self.source = source
        self.eventID = eventID
        self.rule = rule
        self.state = state
        self.attempts = attempts
        self.lastError = lastError
        self.lastAttemptAt = lastAttemptAt
    }
}
