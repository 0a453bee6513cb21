/// Where a `generic` source finds each event field in the body (`id_from`, `type_from`, …).
public struct GenericFields: Sendable, Hashable {
    /// Where a generic event's id comes from.
    public enum IDSource: Sendable, Hashable {
        /// A dotted path in the body.
        case field(FieldPath)
        /// A request header (`header:Name`).
        case header(String)
    }

    /// nil: the SHA-256 of the raw body.
    public var id: IDSource?
    public var type: FieldPath
    public var status: FieldPath?
    public var timestamp: FieldPath?
    /// nil: the whole body.
    public var data: FieldPath?

    public init(id: IDSource? = nil, type: FieldPath, status: FieldPath? = nil,
                timestamp: FieldPath? = nil, data: FieldPath? = nil) {
        self.id = id
        self.type = type
        self.status = status
        self.timestamp = timestamp
        self.data = data
    }
}
