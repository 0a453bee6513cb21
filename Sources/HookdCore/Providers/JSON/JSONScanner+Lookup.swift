/// Reading one scalar from a stored payload without keeping its tree.
extension JSONScanner {
    /// The text at a dotted path such as `data.profile_id`: a string's value or a number's text.
    /// Nil when the payload is not JSON, the path is absent, or the value is of another kind.
    public static func value(atPath path: String, in payload: [UInt8]) -> String? {
        guard let root = try? scan(payload) else { return nil }
        return root.node(atDottedPath: path)?.text(in: payload)
    }
}
