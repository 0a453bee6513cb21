/// Where a `generic` source finds each event field (`id_from`, `type_from`, `status_from`,
/// `timestamp_from`, `data_from` in hookd.yaml).
public struct GenericFieldPaths: Sendable, Hashable {
    /// nil: the lower-case hex SHA-256 of the body, so a redelivery of the same bytes is a duplicate.
    public var idFrom: FieldSource?
    public var typeFrom: FieldSource
    public var statusFrom: FieldSource?
    public var timestampFrom: FieldSource?
    /// Object keys to `data`; nil is the whole body. When set, the field must be present.
    public var dataFrom: [String]?

    public init(idFrom: FieldSource? = nil, typeFrom: FieldSource, statusFrom: FieldSource? = nil,
                timestampFrom: FieldSource? = nil, dataFrom: [String]? = nil) {
        self.idFrom = idFrom
        self.typeFrom = typeFrom
        self.statusFrom = statusFrom
        self.timestampFrom = timestampFrom
        self.dataFrom = dataFrom
    }

    /// From the config's text (`"header:X-Request-Id"`, `"event.type"`); nil when one is malformed
    /// or `dataFrom` names a header.
    public init?(idFrom: String?, typeFrom: String, statusFrom: String? = nil, timestampFrom: String? = nil,
                 dataFrom: String? = nil) {
        func source(_ text: String?) -> FieldSource?? {
            guard let text else { return .some(nil) }
            return FieldSource(text).map { .some($0) }
        }
        guard let id = source(idFrom), let type = FieldSource(typeFrom), let status = source(statusFrom),
              let timestamp = source(timestampFrom), let data = source(dataFrom) else { return nil }
        let dataPath: [String]?
        switch data {
        case nil: dataPath = nil
        case .path(let keys)?: dataPath = keys
        case .header?: return nil
        }
        self.init(idFrom: id, typeFrom: type, statusFrom: status, timestampFrom: timestamp, dataFrom: dataPath)
    }

    /// The envelope these paths describe.
    var layout: EnvelopeLayout {
        EnvelopeLayout(id: idFrom, type: typeFrom, status: statusFrom, timestamp: timestampFrom,
                       data: dataFrom ?? [], dataRule: dataFrom == nil ? .optional : .required,
                       bodyMustBeObject: false)
    }
}
