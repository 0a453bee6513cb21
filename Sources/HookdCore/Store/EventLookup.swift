/// The answer to `Store.event(id:source:)`; the admin API maps it to 200, 404 and 409.
public enum EventLookup: Sendable, Hashable {
    case found(StoredEvent)
    case notFound
    /// No source was given and the id is known in each of these sources (sorted).
    case ambiguous(sources: [String])

    /// The event when it was found.
    public var event: StoredEvent? {
        if case .found(let event) = self { event } else { nil }
    }
}
