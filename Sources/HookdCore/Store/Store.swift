/// Where accepted events live: the seam between the core and its storage (SQLite now, PostgreSQL
/// later). Every method either succeeds or throws `StoreError`; an accept that throws acknowledged
/// nothing, so the server answers 503.
public protocol Store: Sendable {
    /// Stores the events of one request, each only if its (source, id) is not already known, and
    /// returns once what was accepted is durable (committed and synced). Racing deliveries of one id,
    /// from any task or process sharing the store, produce one event: one caller sees it accepted,
    /// the others see a duplicate. Events are considered in order, so an id repeated within the
    /// batch is accepted once and then listed as a duplicate.
    func accept(_ events: [IncomingEvent]) async throws(StoreError) -> AcceptResult

    /// The event with this id; with `source` nil, an id known in several sources is ambiguous.
    /// Pruned events (tombstones) are not found.
    func event(id: String, source: String?) async throws(StoreError) -> EventLookup

    /// Stored events, newest first, as the filter narrows them. Tombstones are not listed.
    func events(matching filter: EventFilter) async throws(StoreError) -> [StoredEvent]

    /// Deletes finished events as the policy says, never forgetting an id younger than its window.
    func prune(_ policy: RetentionPolicy) async throws(StoreError) -> PruneResult
}
