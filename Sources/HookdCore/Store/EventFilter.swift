import Foundation

/// Which events `Store.events(matching:)` lists (newest first).
public struct EventFilter: Sendable, Hashable {
    /// Only events of this source; nil for all.
    public var source: String?
    /// Only events in this state (SPEC §6); nil for every state.
    public var state: EventState?
    /// Only events received at or after this time; nil for all.
    public var since: Date?
    /// At most this many (at least 0).
    public var limit: Int

    public init(source: String? = nil, state: EventState? = nil, since: Date? = nil, limit: Int = 100) {
        self.source = source
        self.state = state
        self.since = since
        self.limit = max(0, limit)
    }
}
