/// Case-insensitive access to a request's headers, whatever HTTP library holds them.
public protocol HTTPHeaderLookup {
    /// The first value of header `name`, the name compared without regard to case; nil when absent.
    func value(forName name: String) -> String?
}

/// A plain list of header fields: the `HTTPHeaderLookup` of tests, `dry-run --header` and adapters.
public struct HeaderFields: HTTPHeaderLookup, Sendable, Hashable, ExpressibleByDictionaryLiteral {
    /// Names lower-cased, in the order given.
    private var lowercasedNames: [String]
    private var values: [String]

    public init(_ fields: [(name: String, value: String)]) {
        lowercasedNames = fields.map { $0.name.lowercased() }
        values = fields.map(\.value)
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements.map { (name: $0.0, value: $0.1) })
    }

    public func value(forName name: String) -> String? {
        let wanted = name.lowercased()
        return lowercasedNames.firstIndex(of: wanted).map { values[$0] }
    }
}
