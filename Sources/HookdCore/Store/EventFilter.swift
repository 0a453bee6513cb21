/// Which events `Store.events(matching:)` lists (newest first).
public struct EventFilter: Sendable, Hashable {
    /// Only events of this source; nil for all.
    public var source: String?
    /// At most this many (at least 0).
    public var limit: Int

    public init(source: String? = nil, limit: Int = 100) {
        self.source = source
        self.limit = max(0, limit)
    }
}
