import Foundation

/// Which jobs `Store.replay` resets to attempt 0 (SPEC §4, §6 `events replay`): the jobs of the
/// events named, or every job in a state; either narrowed by rule, source and time of receipt.
/// Jobs pending or running are never touched (they are about to run anyway).
public struct ReplaySelection: Sendable, Hashable {
    /// What picks the jobs.
    public enum Target: Sendable, Hashable {
        /// The finished jobs (done, failed or dead) of these event ids.
        case events([String])
        /// Every job in this state (`failed` or `dead`).
        case state(JobState)
    }

    public var target: Target
    /// Only jobs of this rule.
    public var rule: String?
    /// Only events of this source (also what makes an id known in several sources unambiguous).
    public var source: String?
    /// Only events received at or after this time.
    public var since: Date?

    public init(_ target: Target, rule: String? = nil, source: String? = nil, since: Date? = nil) {
        self.target = target
        self.rule = rule
        self.source = source
        self.since = since
    }

    /// The jobs of one event, as the status page's Retry button replays them.
    public static func job(eventID: String, source: String, rule: String) -> ReplaySelection {
        ReplaySelection(.events([eventID]), rule: rule, source: source)
    }
}

/// What `Store.replay` did: the jobs reset, and the ids it could not use.
public struct ReplayResult: Sendable, Hashable {
    /// One job put back to pending.
    public struct Job: Sendable, Hashable {
        public var source: String
        public var eventID: String
        public var rule: String

        public init(source: String, eventID: String, rule: String) {
            self.source = source
            self.eventID = eventID
            self.rule = rule
        }
    }

    public var replayed: [Job] = []
    /// Ids of `.events` that name no stored event (in `source`, when given).
    public var notFound: [String] = []
    /// Ids of `.events` known in several sources while no `source` was given, with those sources.
    public var ambiguous: [String: [String]] = [:]

    public init(replayed: [Job] = [], notFound: [String] = [], ambiguous: [String: [String]] = [:]) {
        self.replayed = replayed
        self.notFound = notFound
        self.ambiguous = ambiguous
    }
}
