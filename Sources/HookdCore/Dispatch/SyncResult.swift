/// What the rules of one `mode: sync` delivery came to (SPEC §3): 200 when `succeeded`, else 500
/// `rule_failed` with `rules`.
public struct SyncResult: Sendable, Hashable {
    /// Rules that failed (or could not run), sorted, without repeats.
    public var failedRules: [String]
    /// Rules not finished when `sync_timeout` passed (they go on running and are recorded).
    public var unfinishedRules: [String]
    /// True when `sync_timeout` passed before every run ended.
    public var timedOut: Bool

    public init(failedRules: [String] = [], unfinishedRules: [String] = [], timedOut: Bool = false) {
        self.failedRules = Array(Set(failedRules)).sorted()
        self.unfinishedRules = Array(Set(unfinishedRules)).sorted()
        self.timedOut = timedOut
    }

    public var succeeded: Bool { failedRules.isEmpty && unfinishedRules.isEmpty && !timedOut }

    /// The rules a 500 names: the failed ones, then those cut off by the timeout.
    public var rules: [String] { failedRules + unfinishedRules.filter { !failedRules.contains($0) } }
}

/// Runs the rules of `mode: sync` deliveries before the answer: the seam between receipt and the
/// dispatcher.
public protocol SynchronousRunner: Sendable {
    /// Runs what each event still needs (its match on first receipt; the failed rules again on a
    /// redelivery; nothing once all succeeded), waiting for a run of the same event already under
    /// way, for at most `timeout`.
    func runSynchronously(source: String, eventIDs: [String], timeout: Duration) async -> SyncResult
}
