/// Reads the event fields of one JSON element (or the request's headers) with the errors SPEC §3
/// asks for: required fields present and of the right kind, optional ones best effort.
struct EnvelopeFieldReader {
    let element: JSONNode
    let input: [UInt8]
    let headers: any HTTPHeaderLookup

    /// What following a path found.
    private enum Lookup {
        case found(JSONNode)
        case missing
        /// A step of the path is not an object: the dotted prefix that is not, and its kind.
        case blocked(prefix: [String], kind: JSONNode.Kind)
    }

    private func lookup(_ path: [String]) -> Lookup {
        var node = element
        for (index, key) in path.enumerated() {
            guard node.kind == .object else { return .blocked(prefix: Array(path[..<index]), kind: node.kind) }
            guard let next = node.member(key) else { return .missing }
            node = next
        }
        return .found(node)
    }

    /// The node at `path`, required present and not null.
    func required(_ path: [String]) throws(ProviderError) -> JSONNode {
        switch lookup(path) {
        case .found(let node) where node.kind != .null:
            return node
        case .found, .missing:
            throw .missingField(path.joined(separator: "."))
        case .blocked(let prefix, let kind) where prefix.isEmpty:
            throw .wrongBodyType(expected: "a JSON object", found: kind)
        case .blocked(let prefix, let kind):
            throw .wrongType(field: prefix.joined(separator: "."), expected: "an object", found: kind)
        }
    }

    /// A non-empty text field: an id (`acceptsNumber`: a JSON number counts as its text) or a type.
    func requiredText(_ source: FieldSource, acceptsNumber: Bool) throws(ProviderError) -> String {
        switch source {
        case .header(let name):
            guard let value = headers.value(forName: name)?.trimmingBlanks, !value.isEmpty else {
                throw .missingHeader(name)
            }
            return value
        case .path(let path):
            let node = try required(path)
            let name = path.joined(separator: ".")
            let text = node.kind == .string || (acceptsNumber && node.kind == .number) ? node.text(in: input) : nil
            guard let text else {
                throw .wrongType(field: name, expected: acceptsNumber ? "a string or a number" : "a string",
                                 found: node.kind)
            }
            guard !text.isEmpty else { throw .emptyField(name) }
            return text
        }
    }

    /// An optional text field: a string's value or a number's text; nil when absent or of another kind.
    func optionalText(_ source: FieldSource) -> String? {
        switch source {
        case .header(let name):
            return headers.value(forName: name)?.trimmingBlanks
        case .path(let path):
            guard case .found(let node) = lookup(path) else { return nil }
            return node.text(in: input)
        }
    }

    /// An optional time, normalised; nil when absent or not a form `EventTimestamp` reads.
    func timestamp(_ source: FieldSource) -> String? {
        optionalText(source).flatMap(EventTimestamp.normalized)
    }

    /// Checks `data` against the provider's rule.
    func checkData(at path: [String], rule: EnvelopeLayout.DataRule) throws(ProviderError) {
        guard rule != .optional, !path.isEmpty else { return }
        let node = try required(path)
        if rule == .requiredObject, node.kind != .object {
            throw .wrongType(field: path.joined(separator: "."), expected: "an object", found: node.kind)
        }
    }
}

private extension String {
    /// Without leading and trailing spaces and tabs (HTTP's optional white space).
    var trimmingBlanks: String {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isBlank($0) }), let last = lastIndex(where: { !isBlank($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
