/// The writer connection's journal and sync modes, as benchmarks and the status page print them
/// (`wal` and `FULL` in a store that acknowledges only what is on disk).
public struct SQLiteDurability: Sendable, Hashable, CustomStringConvertible {
    public var journalMode: String
    /// `OFF`, `NORMAL`, `FULL` or `EXTRA`.
    public var synchronous: String

    public init(journalMode: String, synchronous: String) {
        self.journalMode = journalMode
        self.synchronous = synchronous
    }

    init(journalMode: String, synchronousLevel: Int) {
        let names = ["OFF", "NORMAL", "FULL", "EXTRA"]
        self.init(journalMode: journalMode,
                  synchronous: names.indices.contains(synchronousLevel) ? names[synchronousLevel] : "\(synchronousLevel)")
    }

    public var description: String { "journal_mode=\(journalMode) synchronous=\(synchronous)" }
}
