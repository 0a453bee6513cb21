/// Where one event field is read from: a dotted path in the JSON element, or a request header.
public enum FieldSource: Sendable, Hashable, CustomStringConvertible {
    /// Object keys, outermost first (`data.status` is `["data", "status"]`).
    case path([String])
    /// A request header, by name (`header:X-GitHub-Delivery` in the config).
    case header(String)

    /// Reads `a.b.c` or `header:Name`; nil for an empty path component or header name.
    public init?(_ text: String) {
        if text.hasPrefix("header:") {
            let name = String(text.dropFirst("header:".count))
            guard !name.isEmpty, !name.contains(where: { $0 == " " || $0 == ":" }) else { return nil }
            self = .header(name)
        } else {
            let keys = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard !keys.contains(where: \.isEmpty) else { return nil }
            self = .path(keys)
        }
    }

    public var description: String {
        switch self {
        case .path(let keys): keys.joined(separator: ".")
        case .header(let name): "header:\(name)"
        }
    }
}
