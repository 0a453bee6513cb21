import Foundation

/// An event offered to `Store.accept`: a parsed event with what the store adds to it (its source,
/// `order_by` key, time of receipt and the request it came in).
public struct IncomingEvent: Sendable, Hashable {
    /// The source's name; (source, id) is the deduplication key.
    public var source: String
    public var id: String
    public var type: String
    public var status: String?
    /// RFC 3339 UTC with milliseconds, or nil (see `EventTimestamp`).
    public var timestamp: String?
    /// The JSON element exactly as received.
    public var payload: [UInt8]
    /// Where `data` sits inside `payload`; `[]` is the whole payload.
    public var dataPath: [String]
    /// The `order_by` key's value, or nil when the source has none or the element lacks it.
    public var orderKey: String?
    public var receivedAt: Date
    /// Events of one batch carry the same request; a store keeps one copy of it.
    public var request: RawRequest
    /// The rules the event's match comes to, when the receipt could decide it without running Lua
    /// (`RuleSet.matchDecidedAtReceipt`): the store then inserts the event already dispatched, with a
    /// pending job per rule, in the accept's own transaction. nil leaves the event to the
    /// dispatcher's loop (`Store.undispatchedEvents`).
    public var rules: [String]?
    /// With `rules`: the jobs are stored already `running` (claimed by the receipt for a runner
    /// that took them, `ReceiptRunner`) and listed in `AcceptResult.claimed`, instead of pending
    /// for the loop to claim.
    public var claimedAtReceipt: Bool

    public init(source: String, id: String, type: String, status: String? = nil,
                timestamp: String? = nil, payload: [UInt8], dataPath: [String],
                orderKey: String? = nil, receivedAt: Date, request: RawRequest, rules: [String]? = nil,
                claimedAtReceipt: Bool = false) {
        self.source = source
        self.id = id
        self.type = type
        self.status = status
        self.timestamp = timestamp
        self.payload = payload
        self.dataPath = dataPath
        self.orderKey = orderKey
        self.receivedAt = receivedAt
        self.request = request
        self.rules = rules
        self.claimedAtReceipt = claimedAtReceipt
    }

    /// The event of a parsed body element, received now or at `receivedAt`.
    public init(_ parsed: ParsedEvent, source: String, orderKey: String? = nil,
                receivedAt: Date = Date(), request: RawRequest, rules: [String]? = nil) {
        self.init(source: source, id: parsed.id, type: parsed.type, status: parsed.status,
                  timestamp: parsed.timestamp, payload: parsed.payload, dataPath: parsed.dataPath,
                  orderKey: orderKey, receivedAt: receivedAt, request: request, rules: rules)
    }

    /// The event as the store holds it once accepted with its `rules`: dispatched, no job read.
    public var stored: StoredEvent {
        StoredEvent(source: source, id: id, type: type, status: status, timestamp: timestamp, payload: payload,
                    dataPath: dataPath, orderKey: orderKey, receivedAt: receivedAt, dispatched: rules != nil, request: request)
    }
}
