import Foundation

/// An event as the store holds it, read back for the admin API, `hookd events` and the dispatcher.
public struct StoredEvent: Sendable, Hashable {
    public var source: String
    public var id: String
    public var type: String
    public var status: String?
    public var timestamp: String?
    public var payload: [UInt8]
    public var dataPath: [String]
    public var orderKey: String?
    /// As stored: milliseconds since 1970 (sub-millisecond parts are dropped).
    public var receivedAt: Date
    /// Whether the dispatcher has matched it against the rules and created its jobs.
    public var dispatched: Bool
    public var request: RawRequest
    /// Its jobs, one per matched rule, in rule-name order (empty before dispatch).
    public var jobs: [JobSummary]

    /// As SPEC §6 derives it from `dispatched` and the jobs.
    public var state: EventState { EventState(dispatched: dispatched, jobs: jobs.map(\.state)) }

    public init(source: String, id: String, type: String, status: String?, timestamp: String?,
                payload: [UInt8], dataPath: [String], orderKey: String?, receivedAt: Date,
                dispatched: Bool, request: RawRequest, jobs: [JobSummary] = []) {
        self.source = source
        self.id = id
        self.type = type
        self.status = status
        self.timestamp = timestamp
        self.payload = payload
        self.dataPath = dataPath
        self.orderKey = orderKey
        self.receivedAt = receivedAt
        self.dispatched = dispatched
        self.request = request
        self.jobs = jobs
    }

    /// The event as its provider's parser gave it, for building a run's `EventFields`.
    public var parsed: ParsedEvent {
        ParsedEvent(id: id, type: type, status: status, timestamp: timestamp, payload: payload, dataPath: dataPath)
    }
}
