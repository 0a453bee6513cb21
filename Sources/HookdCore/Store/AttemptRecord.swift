import Foundation

/// One attempt of a job as the store records it (SPEC §4): start, duration, outcome, error, the
/// calls made and the log lines.
public struct AttemptRecord: Sendable, Hashable {
    /// How an attempt ended.
    public enum Outcome: String, Sendable, Hashable, Codable {
        case ok, skipped, failed
    }

    /// One outbound call of the attempt.
    public struct Call: Sendable, Hashable, Codable {
        public var method: String
        public var url: String
        /// Nil when the call failed (network error, refusal, timeout).
        public var status: Int?
        public var error: String?
        public var durationMilliseconds: Double
        public var sent: Bool

        public init(method: String, url: String, status: Int?, error: String? = nil, durationMilliseconds: Double, sent: Bool) {
            self.method = method
            self.url = url
            self.status = status
            self.error = error
            self.durationMilliseconds = durationMilliseconds
            self.sent = sent
        }

        enum CodingKeys: String, CodingKey {
            case method, url, status, error, sent
            case durationMilliseconds = "duration_ms"
        }
    }

    /// One log line of the attempt.
    public struct LogLine: Sendable, Hashable, Codable {
        public var level: String
        public var message: String
        /// The `fields` table as JSON text.
        public var fields: String?

        public init(level: String, message: String, fields: String? = nil) {
            self.level = level
            self.message = message
            self.fields = fields
        }
    }

    /// 1 for the first attempt.
    public var number: Int
    public var startedAt: Date
    public var duration: Duration
    public var outcome: Outcome
    public var error: String?
    public var calls: [Call]
    public var logs: [LogLine]

    public init(number: Int, startedAt: Date, duration: Duration, outcome: Outcome, error: String? = nil,
                calls: [Call] = [], logs: [LogLine] = []) {
        self.number = number
        self.startedAt = startedAt
        self.duration = duration
        self.outcome = outcome
        self.error = error
        self.calls = calls
        self.logs = logs
    }
}

/// What becomes of a job once an attempt is recorded (or without one, when its rule is gone or it
/// was released unrun).
public enum JobTransition: Sendable, Hashable {
    /// It succeeded or skipped: never run again.
    case done
    /// It failed and runs again once `at` has come.
    case retry(at: Date)
    /// It failed in `mode: sync`: no backoff retry; it stays `failed` until the provider's
    /// redelivery runs it again (or a replay).
    case awaitRedelivery
    /// No more attempts: kept, listed and replayable, with this error.
    case dead(error: String)
    /// Not attempted (the dispatcher stopped before its run began): back to pending, as it was
    /// before it was claimed, with no attempt recorded.
    case released
}

/// A recorded attempt read back, with the rule of its job.
public struct StoredAttempt: Sendable, Hashable {
    public var rule: String
    /// 0 for the attempts before any replay; each replay of the job starts the next round at attempt 1.
    public var round: Int
    public var attempt: AttemptRecord

    public init(rule: String, round: Int = 0, attempt: AttemptRecord) {
        self.rule = rule
        self.round = round
        self.attempt = attempt
    }
}
