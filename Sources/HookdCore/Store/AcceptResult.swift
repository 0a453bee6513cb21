/// What `Store.accept` did with a request's events: the ids it stored and the ids it already
/// knew, each in batch order. This is the body of the 200 answer (SPEC §3).
public struct AcceptResult: Sendable, Hashable {
    public var accepted: [String]
    public var duplicates: [String]
    /// Accepted events stored already dispatched (their `rules` were decided at receipt), and the
    /// jobs made for them: the dispatcher has jobs to claim but no event to match.
    public var dispatchedOnReceipt = 0
    public var jobsCreated = 0
    /// The jobs made `running` for events offered `claimedAtReceipt` (part of `jobsCreated`), for
    /// the receipt to hand to the runner that reserved them.
    public var claimed: [ClaimedAtReceipt] = []

    /// A job stored running at receipt: its id, its rule, and the index of its event in the batch
    /// offered to `Store.accept`.
    public struct ClaimedAtReceipt: Sendable, Hashable {
        public var job: Int64
        public var rule: String
        public var event: Int

        public init(job: Int64, rule: String, event: Int) {
            self.job = job
            self.rule = rule
            self.event = event
        }
    }

    public init(accepted: [String] = [], duplicates: [String] = []) {
        self.accepted = accepted
        self.duplicates = duplicates
    }

    /// Whether accepted events wait for the dispatcher's loop to match them.
    public var leftToDispatch: Bool { accepted.count > dispatchedOnReceipt }

    /// Whether jobs were made pending, for the dispatcher's loop to claim.
    public var leftToClaim: Bool { jobsCreated > claimed.count }
}
