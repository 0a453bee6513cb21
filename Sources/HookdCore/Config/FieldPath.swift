/// A dotted path into a JSON element, such as `data.profile_id` (`order_by`, the generic `*_from` keys).
public struct FieldPath: Sendable, Hashable, CustomStringConvertible {
    /// The object keys to follow, outermost first.
    public var components: [String]

    public init(components: [String]) {
        self.components = components
    }

    /// Parses `a.b.c`; refuses empty components and white space.
    public init?(_ text: String) {
        let components = text.split(separator: ".", omittingEmptySubsequences: false)
        guard components.allSatisfy({ !$0.isEmpty && !$0.contains(where: \.isWhitespace) }) else { return nil }
        self.init(components: components.map(String.init))
    }

    public var description: String { components.joined(separator: ".") }
}
