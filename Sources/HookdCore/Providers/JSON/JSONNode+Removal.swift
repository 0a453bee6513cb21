/// Removing one member from an object by slicing bytes, leaving every other byte as received
/// (how a `body_field` secret leaves the stored payload).
extension JSONNode {
    /// The document `input` without the member at `path` (object keys, outermost first; the last
    /// one is removed from the object the others lead to). The member's key, value and one adjacent
    /// comma go, with the white space between them; nothing else changes. Nil when there is no such
    /// member.
    public func removingMember(atPath path: [String], in input: [UInt8]) -> [UInt8]? {
        guard let key = path.last, let object = node(atPath: path.dropLast()), object.kind == .object,
              let index = object.members.firstIndex(where: { $0.key == key }),
              object.range.upperBound <= input.count else { return nil }
        let cut = object.removalRange(ofMemberAt: index)
        var output = Array(input[..<cut.lowerBound])
        output.append(contentsOf: input[cut.upperBound...])
        return output
    }

    /// Convenience for a top-level member: `removingMember(atPath: [key], in:)`.
    public func removingMember(_ key: String, in input: [UInt8]) -> [UInt8]? {
        removingMember(atPath: [key], in: input)
    }

    /// The bytes to cut so that the object stays valid JSON without member `index`.
    private func removalRange(ofMemberAt index: Int) -> Range<Int> {
        let member = members[index]
        if index + 1 < members.count {
            // `"k": v, ` up to the next key: takes this member's trailing comma.
            return member.keyRange.lowerBound..<members[index + 1].keyRange.lowerBound
        } else if index > 0 {
            // The last member: from the end of the previous value, so its leading comma goes.
            return members[index - 1].value.range.upperBound..<member.value.range.upperBound
        } else {
            return member.keyRange.lowerBound..<member.value.range.upperBound
        }
    }
}
