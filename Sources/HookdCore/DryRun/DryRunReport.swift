import LuaRuntime

/// What `hookd dry-run` found: for each event of the fixture, the rules that matched and what each
/// run did, and (for `--explain`) the rules that did not match and why. Secrets already masked.
public struct DryRunReport: Sendable {
    public var events: [EventReport]

    /// True when some matched rule failed: the exit status is then 1.
    public var anyRuleFailed: Bool {
        events.contains { $0.rules.contains { $0.outcome == .failed } }
    }

    public init(events: [EventReport]) {
        self.events = events
    }
}

extension DryRunReport {
    /// One event of the fixture.
    public struct EventReport: Sendable {
        public var id: String
        public var source: String
        public var type: String
        public var status: String?
        public var timestamp: String?
        public var rules: [RuleReport]
        public var notMatched: [NotMatched]
    }

    /// How a run ended, as SPEC writes it.
    public enum Outcome: String, Sendable {
        case ok, skipped, failed
    }

    /// One matched rule's run.
    public struct RuleReport: Sendable {
        public var rule: String
        public var file: String
        public var outcome: Outcome
        /// The failure message (with `file:line`), or nil.
        public var error: String?
        /// The rule's own frames, when it failed.
        public var traceback: String?
        /// The reason given to `skip()`, when skipped.
        public var skipReason: String?
        public var calls: [CallReport]
        public var logs: [LogReport]
        public var logsDropped: Int
        public var durationMilliseconds: Double
    }

    /// One call a run made.
    public struct CallReport: Sendable {
        public var method: String
        public var url: String
        /// nil when the call failed (`error` says why).
        public var status: Int?
        public var error: String?
        public var sent: Bool
        /// True when a `--mock` answered.
        public var mocked: Bool
        public var idempotencyKey: String
    }

    /// One line a run logged.
    public struct LogReport: Sendable {
        public var level: String
        public var message: String
        /// The `fields` table as JSON text.
        public var fieldsJSON: String?
    }

    /// A rule that did not run for this event, and why.
    public struct NotMatched: Sendable {
        public var rule: String
        public var file: String
        public var reason: String
    }
}
