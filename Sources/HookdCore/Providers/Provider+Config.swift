/// From a source of hookd.yaml to its parser.
extension Provider {
    /// The parser of a configured source: its `provider:` and, for `generic`, its `*_from` keys.
    /// Nil only for `generic` without fields, which the config decoder already refuses.
    public static func parser(for source: SourceConfig) -> (any ProviderParser)? {
        parser(named: source.provider.rawValue, generic: source.genericFields.map(GenericFieldPaths.init))
    }
}

extension GenericFieldPaths {
    /// The `*_from` keys of a `generic` source as the config decoder read them.
    public init(_ fields: GenericFields) {
        let id: FieldSource? = switch fields.id {
        case .field(let path)?: .path(path.components)
        case .header(let name)?: .header(name)
        case nil: nil
        }
        self.init(idFrom: id, typeFrom: .path(fields.type.components),
                  statusFrom: fields.status.map { .path($0.components) },
                  timestampFrom: fields.timestamp.map { .path($0.components) },
                  dataFrom: fields.data?.components)
    }
}
