/// What `Store.accept` did with a request's events: the ids it stored and the ids it already
/// knew, each in batch order. This is the body of the 200 answer (SPEC §3).
public struct AcceptResult: Sendable, Hashable {
    public var accepted: [String]
    public var duplicates: [String]
    /// Accepted events stored already dispatched (their `rules` were decided at receipt), and the
    /// jobs made for them: the dispatcher has jobs to claim but no event to match.
    public var dispatchedOnReceipt = 0
    public var jobsCreated = 0

    public init(accepted: [String] = [], duplicates: [String] = []) {
        self.accepted = accepted
        self.duplicates = duplicates
    }

    /// Whether accepted events wait for the dispatcher's loop to match them.
    public var leftToDispatch: Bool { accepted.count > dispatchedOnReceipt }
}
