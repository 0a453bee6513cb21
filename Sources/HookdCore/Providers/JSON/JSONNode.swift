/// One JSON value of a scanned document: its kind, where its bytes lie, and its children.
///
/// A node holds byte ranges, not decoded values, so a value can be handed on exactly as it was
/// received; `string(in:)`, `integer(in:)` and friends decode on demand from the same bytes.
public struct JSONNode: Sendable, Hashable {
    /// The six JSON value kinds.
    public enum Kind: String, Sendable, Hashable {
        case object, array, string, number, bool, null
    }

    public let kind: Kind
    /// The value's bytes in the scanned input, quotes and brackets included.
    public let range: Range<Int>
    /// An object's members in document order; empty for every other kind.
    public let members: [JSONMember]
    /// An array's elements in document order; empty for every other kind.
    public let elements: [JSONNode]
    /// A string without escapes decodes by copying its bytes.
    let hasEscapes: Bool

    init(kind: Kind, range: Range<Int>, members: [JSONMember] = [], elements: [JSONNode] = [],
         hasEscapes: Bool = false) {
        self.kind = kind
        self.range = range
        self.members = members
        self.elements = elements
        self.hasEscapes = hasEscapes
    }

    /// The value of an object's member `key`; nil when absent or when this is not an object.
    public func member(_ key: String) -> JSONNode? {
        members.first { $0.key == key }?.value
    }

    /// Follows object keys from this node, outermost first; nil when any step is missing.
    public func node(atPath path: some Sequence<String>) -> JSONNode? {
        var current = self
        for key in path {
            guard let next = current.member(key) else { return nil }
            current = next
        }
        return current
    }

    /// Follows a dotted path such as `data.profile_id` (see `node(atPath:)` for key lists).
    public func node(atDottedPath path: String) -> JSONNode? {
        node(atPath: path.split(separator: ".", omittingEmptySubsequences: false).map(String.init))
    }
}

/// One `"key": value` pair of a JSON object.
public struct JSONMember: Sendable, Hashable {
    /// The decoded key.
    public let key: String
    /// The key's bytes in the input, quotes included.
    public let keyRange: Range<Int>
    public let value: JSONNode
}
