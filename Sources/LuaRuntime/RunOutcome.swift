/// How a rule run ended (SPEC §4): `ok`, `skipped` with its reason, or `failed`.
public enum RunOutcome: Sendable, Equatable {
    case ok
    case skipped(reason: String)
    case failed(RunFailure)

    /// The outcome's name as SPEC writes it.
    public var name: String {
        switch self {
        case .ok: "ok"
        case .skipped: "skipped"
        case .failed: "failed"
        }
    }
}

/// Why a run failed: the message (already prefixed with `file:line` when Lua gives one), where it
/// was raised, the traceback, and the limit that ended it, if one did.
public struct RunFailure: Sendable, Equatable, Error {
    public var message: String
    public var location: String?
    public var traceback: String
    public var limit: LimitKind?

    public init(message: String, location: String? = nil, traceback: String = "", limit: LimitKind? = nil) {
        self.message = message
        self.location = location
        self.traceback = traceback
        self.limit = limit
    }
}

/// One line a rule logged with `log.*` or `print`.
public struct RuleLogLine: Sendable, Equatable {
    public enum Level: String, Sendable { case debug, info, warn, error }
    public var level: Level
    public var message: String
    /// The `fields` table as JSON text, when the rule gave one.
    public var fieldsJSON: String?

    public init(level: Level, message: String, fieldsJSON: String? = nil) {
        self.level = level
        self.message = message
        self.fieldsJSON = fieldsJSON
    }
}

/// Everything a finished run reports.
public struct RunResult: Sendable {
    public var outcome: RunOutcome
    public var logs: [RuleLogLine]
    public var logsDropped: Int
    public var calls: [HTTPCallRecord]
    /// The JSON value of a `when` or describe run.
    public var value: String?
    public var instructions: UInt64
    public var duration: Duration

    public init(outcome: RunOutcome, logs: [RuleLogLine] = [], logsDropped: Int = 0, calls: [HTTPCallRecord] = [],
                value: String? = nil, instructions: UInt64 = 0, duration: Duration = .zero) {
        self.outcome = outcome
        self.logs = logs
        self.logsDropped = logsDropped
        self.calls = calls
        self.value = value
        self.instructions = instructions
        self.duration = duration
    }
}
