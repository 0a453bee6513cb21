import Foundation
import HookdCore

/// Building the page's view from a snapshot, one section at a time.
extension StatusPageView {
    init(_ snapshot: StatusSnapshot) {
        let now = snapshot.generatedAt
        let reload = snapshot.lastReload
        let sources = snapshot.sources.map { Self.row($0, now: now) }
        let failures = snapshot.failures.prefix(Self.maxFailures).map(Self.row)
        let rules = snapshot.rules.map(Self.row)
        let rejections = snapshot.rejections.prefix(Self.maxRejections).map(Self.row)
        let hidden = snapshot.rejections.count - rejections.count
        self.init(
            version: snapshot.version,
            uptime: StatusPageFormat.duration(from: snapshot.startedAt, to: now),
            generation: String(reload.generation),
            generatedAt: StatusPageFormat.timestamp(now),
            csrfToken: snapshot.csrfToken,
            hasAbandonedWorkers: snapshot.abandonedWorkers > 0,
            abandonedWorkers: String(snapshot.abandonedWorkers),
            sources: sources, hasSources: !sources.isEmpty,
            failures: failures, hasFailures: !failures.isEmpty,
            rules: rules, hasRules: !rules.isEmpty,
            reloadSucceeded: reload.succeeded,
            reloadAt: StatusPageFormat.timestamp(reload.at),
            reloadGeneration: String(reload.generation),
            // A failed reload always shows its box, even if the error text came back empty.
            reloadMessage: reload.succeeded ? nil : (reload.message ?? "(no message)"),
            needsRestart: reload.needsRestart, hasNeedsRestart: !reload.needsRestart.isEmpty,
            rejections: rejections, hasRejections: !rejections.isEmpty,
            rejectionsHidden: hidden > 0 ? String(hidden) : nil
        )
    }

    static func row(_ source: StatusSnapshot.SourceStatus, now: Date) -> SourceRow {
        let (queueClass, queueText) = badge(source.queue)
        return SourceRow(name: source.name, path: source.path, provider: source.provider, mode: source.mode,
                         queueClass: queueClass, queueText: queueText,
                         lastProcessed: StatusPageFormat.age(of: source.lastProcessedAt, now: now))
    }

    /// The queue badge's class (its colour) and text.
    static func badge(_ queue: StatusSnapshot.QueueState) -> (String, String) {
        switch queue {
        case .empty: ("empty", "Empty")
        case .waiting(let pending): ("waiting", "Waiting \(pending)")
        case .stalled(let pending): ("stalled", "Stalled (\(pending) pending)")
        }
    }

    static func row(_ failure: FailedJob) -> FailureRow {
        FailureRow(source: failure.source, eventID: failure.eventID, rule: failure.rule, state: failure.state.rawValue,
                   attempts: String(failure.attempts), error: failure.lastError ?? none,
                   at: failure.lastAttemptAt.map(StatusPageFormat.timestamp) ?? none)
    }

    static func row(_ rule: StatusSnapshot.RuleInfo) -> RuleRow {
        RuleRow(name: rule.name, file: rule.file, patterns: rule.patterns, hasWhen: rule.hasWhen)
    }

    static func row(_ rejection: StatusSnapshot.RejectionInfo) -> RejectionRow {
        RejectionRow(time: StatusPageFormat.timestamp(rejection.time), source: rejection.source ?? none,
                     client: rejection.client, status: String(rejection.status), reason: rejection.reason)
    }
}
