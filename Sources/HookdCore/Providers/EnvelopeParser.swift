/// The parser of every single-event provider (and of each element of a PassFort batch): reads the
/// fields its `EnvelopeLayout` names.
struct EnvelopeParser: ProviderParser {
    let layout: EnvelopeLayout

    func parse(body: [UInt8], headers: any HTTPHeaderLookup) throws(ProviderError) -> [ParsedEvent] {
        let root = try Self.scanBody(body)
        return [try event(from: root, in: body, payload: body, headers: headers)]
    }

    /// The event of `element`, a node of `input`. `payload` is what is stored and hashed: the whole
    /// body as received (white space around the value included) or a batch element's bytes.
    func event(from element: JSONNode, in input: [UInt8], payload: [UInt8],
               headers: any HTTPHeaderLookup) throws(ProviderError) -> ParsedEvent {
        if layout.bodyMustBeObject, element.kind != .object {
            throw .wrongBodyType(expected: "a JSON object", found: element.kind)
        }
        let reader = EnvelopeFieldReader(element: element, input: input, headers: headers)
        let id: String
        if let source = layout.id {
            id = try reader.requiredText(source, acceptsNumber: true)
        } else {
            id = SHA256Digest.hex(payload)
        }
        let type = try reader.requiredText(layout.type, acceptsNumber: false)
        try reader.checkData(at: layout.data, rule: layout.dataRule)
        return ParsedEvent(
            id: id, type: type,
            status: layout.status.flatMap(reader.optionalText),
            timestamp: layout.timestamp.flatMap(reader.timestamp),
            payload: payload, dataPath: layout.data)
    }
}
