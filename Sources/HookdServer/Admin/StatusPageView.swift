import Foundation

/// What the status page template reads: a `StatusSnapshot` turned into display strings and flags.
///
/// The template stays logic-free, so every decision (which badge, how many rows, what an absent
/// value reads as) is made here, in Swift, where the tests can reach it. Rows hold no optionals:
/// Mustache looks a missing name up in the enclosing context, so a nil field in a row could show a
/// value of the page instead. For the same reason the `has…` flags are stored, not computed:
/// Mustache reads values through `Mirror`, which sees stored properties only.
struct StatusPageView {
    /// The page lists the ten most recent failures (SPEC §7).
    static let maxFailures = 10
    /// Rejections beyond these are only in `GET /api/rejections`.
    static let maxRejections = 20
    /// Shown where a value is absent.
    static let none = "—"

    struct SourceRow {
        var name, path, provider, mode: String
        /// `empty`, `waiting` or `stalled`: the badge's colour.
        var queueClass: String
        var queueText: String
        var lastProcessed: String
    }

    struct FailureRow {
        var source, eventID, rule, state, attempts, error, at: String
    }

    struct RuleRow {
        var name, file: String
        var patterns: [String]
        var hasWhen: Bool
    }

    struct RejectionRow {
        var time, source, client, status, reason: String
    }

    var version, uptime, generation, generatedAt, csrfToken: String
    var hasAbandonedWorkers: Bool
    var abandonedWorkers: String
    var sources: [SourceRow]
    var hasSources: Bool
    var failures: [FailureRow]
    var hasFailures: Bool
    var rules: [RuleRow]
    var hasRules: Bool
    var reloadSucceeded: Bool
    var reloadAt, reloadGeneration: String
    var reloadMessage: String?
    var needsRestart: [String]
    var hasNeedsRestart: Bool
    var rejections: [RejectionRow]
    var hasRejections: Bool
    /// How many rejections were left off, nil when none were.
    var rejectionsHidden: String?
}
