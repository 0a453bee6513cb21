/// What one `Store.prune` removed.
public struct PruneResult: Sendable, Hashable {
    /// Events whose details were dropped, leaving a tombstone that still dedupes.
    public var tombstoned: Int
    /// Events (and tombstones) removed altogether: their ids are forgotten.
    public var forgotten: Int

    public init(tombstoned: Int = 0, forgotten: Int = 0) {
        self.tombstoned = tombstoned
        self.forgotten = forgotten
    }
}
