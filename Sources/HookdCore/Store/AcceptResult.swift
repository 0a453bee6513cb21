/// What `Store.accept` did with a request's events: the ids it stored and the ids it already
/// knew, each in batch order. This is the body of the 200 answer (SPEC §3).
public struct AcceptResult: Sendable, Hashable {
    public var accepted: [String]
    public var duplicates: [String]

    public init(accepted: [String] = [], duplicates: [String] = []) {
        self.accepted = accepted
        self.duplicates = duplicates
    }
}
