/// Writes a `bearer` source's secret into its `body_field`, as PassFort sends it, in the object
/// body or in every element of an array body: the value is replaced when the field exists, and
/// the member is added first in the object when it does not. Other bytes are left as they were.
enum BodyFieldStamp {
    /// Why a body cannot carry the field.
    enum Failure: Error, CustomStringConvertible {
        case notJSON(String)
        case notAnObject(element: Int?)
        case missingParent(String)

        var description: String {
            switch self {
            case .notJSON(let why): "body is not JSON (\(why))"
            case .notAnObject(let element): "\(element.map { "batch element \($0)" } ?? "body") is not a JSON object"
            case .missingParent(let path): "body has no object to hold \(path)"
            }
        }
    }

    static func stamp(_ body: [UInt8], field: String, value: String) throws(Failure) -> [UInt8] {
        let root: JSONNode
        do { root = try JSONScanner.scan(body) } catch { throw .notJSON(error.description) }
        let path = field.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let literal = Array(JSONText.string(value).utf8)
        var edits: [(range: Range<Int>, bytes: [UInt8])] = []
        if root.kind == .array {
            for (index, element) in root.elements.enumerated() {
                edits.append(try edit(element, path: path, literal: literal, element: index))
            }
        } else {
            edits.append(try edit(root, path: path, literal: literal, element: nil))
        }
        var out = body
        for edit in edits.sorted(by: { $0.range.lowerBound > $1.range.lowerBound }) {
            out.replaceSubrange(edit.range, with: edit.bytes)
        }
        return out
    }

    private static func edit(_ element: JSONNode, path: [String], literal: [UInt8],
                             element index: Int?) throws(Failure) -> (range: Range<Int>, bytes: [UInt8]) {
        guard element.kind == .object else { throw .notAnObject(element: index) }
        if let existing = element.node(atPath: path) { return (existing.range, literal) }
        guard let parent = element.node(atPath: path.dropLast()), parent.kind == .object else {
            throw .missingParent(path.joined(separator: "."))
        }
        let member = Array(JSONText.string(path.last ?? "").utf8) + [UInt8(ascii: ":")] + literal
        let insertAt = parent.range.lowerBound + 1
        return (insertAt..<insertAt, member + (parent.members.isEmpty ? [] : [UInt8(ascii: ",")]))
    }
}
