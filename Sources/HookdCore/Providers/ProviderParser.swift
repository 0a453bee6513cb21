/// Turns one authenticated webhook body into the events it carries, or says precisely why not.
public protocol ProviderParser: Sendable {
    /// The events of `body` in body order (one, or one per batch element).
    func parse(body: [UInt8], headers: any HTTPHeaderLookup) throws(ProviderError) -> [ParsedEvent]
}

extension ProviderParser {
    /// How deep a body may nest. The rule runtime decodes each payload inside the event object, one
    /// level deeper, with a limit of 128; a body it could not decode is refused here, with a 400,
    /// rather than stored as an event whose every rule run would fail.
    static var maximumBodyDepth: Int { JSONScanner.maximumDepth - 1 }

    /// Scans a body, reporting a syntax error as `invalid_json`.
    static func scanBody(_ body: [UInt8]) throws(ProviderError) -> JSONNode {
        do {
            return try JSONScanner.scan(body, maximumDepth: maximumBodyDepth)
        } catch {
            throw .invalidJSON(error)
        }
    }
}
