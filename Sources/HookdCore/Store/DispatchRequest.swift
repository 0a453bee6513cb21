/// One event's dispatch in a batch: the rules it matched (none: dispatched with no jobs, `done`).
public struct DispatchRequest: Sendable, Hashable {
    public var source: String
    public var eventID: String
    public var rules: [String]

    public init(source: String, eventID: String, rules: [String]) {
        self.source = source
        self.eventID = eventID
        self.rules = rules
    }
}
