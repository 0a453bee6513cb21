/// Counters of the group-commit writer: how many transactions carried how many requests' events.
/// A figure well below one transaction per request shows that concurrent requests share commits.
public struct CommitStatistics: Sendable, Hashable {
    /// Transactions committed (each one fsync of the WAL).
    public var transactions = 0
    /// Accept calls (requests) answered by those transactions.
    public var batches = 0
    /// Events offered in those transactions, accepted or duplicate.
    public var events = 0
    /// The most events one transaction carried.
    public var largestTransaction = 0
    /// Transactions that failed and were rolled back.
    public var failedTransactions = 0
    /// Times the writer waited for a fuller transaction (`GroupCommitWriter.linger`).
    public var lingers = 0

    public init() {}

    public var eventsPerTransaction: Double {
        transactions == 0 ? 0 : Double(events) / Double(transactions)
    }

    mutating func recordCommit(batches: Int, events: Int) {
        transactions += 1
        self.batches += batches
        self.events += events
        largestTransaction = max(largestTransaction, events)
    }
}
