/// Why a webhook body could not become events; every case is a 400 answer of SPEC §3.
public indirect enum ProviderError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The body is not JSON (or not strict JSON).
    case invalidJSON(JSONSyntaxError)
    /// The body, or a batch element, is JSON of another kind than the provider sends.
    case wrongBodyType(expected: String, found: JSONNode.Kind)
    /// A field the provider always sends is absent (or null). The name is a dotted path.
    case missingField(String)
    /// A header the provider always sends is absent or blank.
    case missingHeader(String)
    /// A field is present with the wrong JSON kind.
    case wrongType(field: String, expected: String, found: JSONNode.Kind)
    /// An id or type is the empty string, which could not tell events apart or match a rule.
    case emptyField(String)
    /// A batch holds more elements than the provider ever sends.
    case batchTooLarge(count: Int, limit: Int)
    /// A batch is an empty array.
    case emptyBatch
    /// One element of a batch is wrong; the index counts from 0.
    case inBatchElement(Int, ProviderError)

    /// The `error` of the 400 answer: `invalid_json` or `invalid_payload`.
    public var errorCode: String {
        switch self {
        case .invalidJSON: "invalid_json"
        case .inBatchElement(_, let inner): inner.errorCode
        default: "invalid_payload"
        }
    }

    /// The `message` of the 400 answer and the rejection reason, e.g. `missing field id`.
    public var message: String {
        switch self {
        case .invalidJSON(let error): "invalid JSON \(error)"
        case .wrongBodyType(let expected, let found): "expected \(expected), found \(found.phrase)"
        case .missingField(let path): "missing field \(path)"
        case .missingHeader(let name): "missing header \(name)"
        case .wrongType(let field, let expected, let found): "field \(field) must be \(expected), not \(found.phrase)"
        case .emptyField(let path): "empty field \(path)"
        case .batchTooLarge(let count, let limit): "batch of \(count) events, more than \(limit)"
        case .emptyBatch: "empty batch"
        case .inBatchElement(let index, let inner): "batch element [\(index)]: \(inner.message)"
        }
    }

    public var description: String { message }
}

extension JSONNode.Kind {
    /// `an object`, `a string`, … for messages.
    var phrase: String {
        switch self {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .number: "a number"
        case .bool: "a boolean"
        case .null: "null"
        }
    }
}
