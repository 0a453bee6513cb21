/// PassFort: one event object, or a batch (a JSON array of up to 100 such objects) that becomes one
/// event per element, in array order, each with the element's exact bytes as its payload.
struct PassFortParser: ProviderParser {
    /// PassFort "delivers the first 100 messages in the queue" per batch (providers/passfort.md).
    static let maximumBatchSize = 100

    private let element = EnvelopeParser(layout: .passfort)

    func parse(body: [UInt8], headers: any HTTPHeaderLookup) throws(ProviderError) -> [ParsedEvent] {
        let root = try Self.scanBody(body)
        switch root.kind {
        case .object:
            return [try element.event(from: root, in: body, payload: body, headers: headers)]
        case .array:
            return try batch(root.elements, in: body, headers: headers)
        default:
            throw .wrongBodyType(expected: "a JSON object or array", found: root.kind)
        }
    }

    private func batch(_ elements: [JSONNode], in body: [UInt8],
                       headers: any HTTPHeaderLookup) throws(ProviderError) -> [ParsedEvent] {
        guard !elements.isEmpty else { throw .emptyBatch }
        guard elements.count <= Self.maximumBatchSize else {
            throw .batchTooLarge(count: elements.count, limit: Self.maximumBatchSize)
        }
        var events: [ParsedEvent] = []
        events.reserveCapacity(elements.count)
        for (index, node) in elements.enumerated() {
            do {
                events.append(try element.event(from: node, in: body, payload: node.bytes(in: body), headers: headers))
            } catch {
                throw .inBatchElement(index, error)
            }
        }
        return events
    }
}
