/// A job the dispatcher has claimed (now `running`) with the event it runs on.
public struct ClaimedJob: Sendable, Hashable {
    /// The store's key of the job, for `Store.finish`.
    public var id: Int64
    public var rule: String
    /// Attempts made before this one; this run is attempt `attempts + 1`.
    public var attempts: Int
    /// The job's event; its `jobs` are not read for a claim (empty).
    public var event: StoredEvent

    public init(id: Int64, rule: String, attempts: Int, event: StoredEvent) {
        self.id = id
        self.rule = rule
        self.attempts = attempts
        self.event = event
    }
}
