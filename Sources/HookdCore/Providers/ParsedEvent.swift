/// One event read from a webhook body, before it is stored: what the store and the rules need.
public struct ParsedEvent: Sendable, Hashable {
    /// The provider's event id, the deduplication key within a source.
    public var id: String
    public var type: String
    public var status: String?
    /// RFC 3339 UTC with milliseconds (`2025-01-01T12:34:56.000Z`); nil when absent or unreadable.
    public var timestamp: String?
    /// The JSON element exactly as received: the whole body, or one element of a batch.
    public var payload: [UInt8]
    /// Where `data` sits inside `payload` (object keys, outermost first); `[]` is the whole payload.
    public var dataPath: [String]

    public init(id: String, type: String, status: String? = nil, timestamp: String? = nil,
                payload: [UInt8], dataPath: [String]) {
        self.id = id
        self.type = type
        self.status = status
        self.timestamp = timestamp
        self.payload = payload
        self.dataPath = dataPath
    }

    /// The text at a dotted path of the payload (a string's value or a number's text), as
    /// `order_by` reads its key; nil when absent or of another kind.
    public func value(atPath path: String) -> String? {
        JSONScanner.value(atPath: path, in: payload)
    }

    /// This event with the member at `path` removed from its payload, every other byte unchanged
    /// (the `body_field` secret of a bearer source). Unchanged when there is no such member.
    public func removingPayloadMember(atPath path: [String]) -> ParsedEvent {
        guard let root = try? JSONScanner.scan(payload),
              let stripped = root.removingMember(atPath: path, in: payload) else { return self }
        var event = self
        event.payload = stripped
        return event
    }
}
