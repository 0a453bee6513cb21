import Foundation
import HookdCore

/// Everything the status page (`GET /` of the admin listener) shows, read at one moment: the page
/// is a pure rendering of this value, so its content is tested without a daemon.
public struct StatusSnapshot: Sendable {
    /// A source's queue at a glance (SPEC §7).
    public enum QueueState: Sendable, Equatable {
        /// No job of the source waits to run.
        case empty
        /// `pending` jobs wait (or run) and work is being done.
        case waiting(pending: Int)
        /// `pending` jobs wait and none finished for a while.
        case stalled(pending: Int)
    }

    /// One served source.
    public struct SourceStatus: Sendable, Equatable {
        public var name: String
        public var path: String
        public var provider: String
        /// `async` or `sync`.
        public var mode: String
        public var queue: QueueState
        /// When a job of this source last finished (ok, skipped, failed or dead); nil when never.
        public var lastProcessedAt: Date?

        public init(name: String, path: String, provider: String, mode: String, queue: QueueState, lastProcessedAt: Date?) {
            self.name = name
            self.path = path
            self.provider = provider
            self.mode = mode
            self.queue = queue
            self.lastProcessedAt = lastProcessedAt
        }
    }

    /// A loaded rule and what it matches.
    public struct RuleInfo: Sendable, Equatable {
        public var name: String
        public var file: String
        /// One line per `on` table, e.g. `source=passage type=Connection.Updated status=data_available`.
        public var patterns: [String]
        public var hasWhen: Bool

        public init(name: String, file: String, patterns: [String], hasWhen: Bool) {
            self.name = name
            self.file = file
            self.patterns = patterns
            self.hasWhen = hasWhen
        }
    }

    /// The result of the last reload (or of start-up, before any reload).
    public struct ReloadInfo: Sendable, Equatable {
        public var succeeded: Bool
        public var at: Date
        /// The generation in force afterwards (1 at start-up).
        public var generation: Int
        /// On failure, every error (`rules/x.lua:12: …`); on success, nil.
        public var message: String?
        /// Settings that changed in the file but apply only after a restart (e.g. `server.listen`).
        public var needsRestart: [String]

        public init(succeeded: Bool, at: Date, generation: Int, message: String?, needsRestart: [String]) {
            self.succeeded = succeeded
            self.at = at
            self.generation = generation
            self.message = message
            self.needsRestart = needsRestart
        }
    }

    /// A rejected request (SPEC §7).
    public struct RejectionInfo: Sendable, Equatable {
        public var time: Date
        public var source: String?
        public var client: String
        public var status: Int
        public var reason: String

        public init(time: Date, source: String?, client: String, status: Int, reason: String) {
            self.time = time
            self.source = source
            self.client = client
            self.status = status
            self.reason = reason
        }
    }

    public var generatedAt: Date
    public var startedAt: Date
    public var version: String
    public var sources: [SourceStatus]
    /// The ten most recent failures (failed and waiting to retry, or dead), newest first, with
    /// what the Retry button sends back.
    public var failures: [FailedJob]
    public var rules: [RuleInfo]
    public var lastReload: ReloadInfo
    /// The most recent rejections, newest first (the page shows at most 20).
    public var rejections: [RejectionInfo]
    /// Lua workers the watchdog replaced since start (stuck in C code).
    public var abandonedWorkers: Int
    /// Carried by every form of the page; a POST without it is refused.
    public var csrfToken: String

    public init(generatedAt: Date, startedAt: Date, version: String, sources: [SourceStatus], failures: [FailedJob],
                rules: [RuleInfo], lastReload: ReloadInfo, rejections: [RejectionInfo], abandonedWorkers: Int, csrfToken: String) {
        self.generatedAt = generatedAt
        self.startedAt = startedAt
        self.version = version
        self.sources = sources
        self.failures = failures
        self.rules = rules
        self.lastReload = lastReload
        self.rejections = rejections
        self.abandonedWorkers = abandonedWorkers
        self.csrfToken = csrfToken
    }
}
