/// Runs jobs claimed at receipt (the seam between the receipt and the dispatcher). When the runner
/// has room, the receipt offers an event's jobs `claimedAtReceipt`: the accept's own transaction
/// stores them `running`, and after the commit the receipt hands them over with their event, which
/// is still in memory. The dispatcher's loop neither claims them nor reads their event back.
public protocol ReceiptRunner: Sendable {
    /// Reserves room for `count` jobs; false when the runner is full or not ready (the jobs are then
    /// stored pending, for the loop).
    func reserve(_ count: Int) -> Bool
    /// Gives back room reserved for jobs that were not made (duplicates, a failed commit).
    func release(_ count: Int)
    /// Runs jobs the store made `running` at receipt, room for which was reserved.
    func run(claimedAtReceipt jobs: [ClaimedJob])
}
