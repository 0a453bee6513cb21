import HookdCore

/// One answer of the webhook listener: a status and its JSON body, exactly as SPEC §3 writes them.
public struct ReceiptAnswer: Sendable, Equatable {
    public var status: Int
    public var body: String
    /// The ids of the events the answer is about (for the request's log line); not sent.
    public var events: [String]

    public init(status: Int, body: String, events: [String] = []) {
        self.status = status
        self.body = body
        self.events = events
    }

    /// 200: every event is durably stored, or was already.
    /// Every accepted request gets one, on the store's writer thread: written into one string.
    public static func accepted(_ accepted: [String], duplicates: [String]) -> ReceiptAnswer {
        var body = #"{"accepted": ["#
        body.reserveCapacity(40 + (accepted.count + duplicates.count) * 32)
        appendList(accepted, to: &body)
        body += #"], "duplicates": ["#
        appendList(duplicates, to: &body)
        body += "]}"
        return ReceiptAnswer(status: 200, body: body, events: duplicates.isEmpty ? accepted : accepted + duplicates)
    }

    /// The ids as JSON strings separated by ", ".
    private static func appendList(_ ids: [String], to body: inout String) {
        for (index, id) in ids.enumerated() {
            if index > 0 { body += ", " }
            body += JSONText.string(id)
        }
    }

    /// 400 `invalid_json` or `invalid_payload`, with the parser's message.
    public static func invalid(_ error: ProviderError) -> ReceiptAnswer {
        ReceiptAnswer(status: 400, body: #"{"error": "\#(error.errorCode)", "message": \#(JSONText.string(error.message))}"#)
    }

    /// 400 for bytes that are not an HTTP/1.1 request at all (an extension of SPEC §3, whose 400s are
    /// about the body): the connection closes after it.
    public static let badRequest = ReceiptAnswer(status: 400, body: #"{"error": "bad_request", "message": "not a valid HTTP/1.1 request"}"#)
    public static let unauthorized = ReceiptAnswer(status: 401, body: #"{"error": "unauthorized"}"#)
    public static let forbidden = ReceiptAnswer(status: 403, body: #"{"error": "forbidden"}"#)
    public static let notFound = ReceiptAnswer(status: 404, body: #"{"error": "not_found"}"#)
    public static let methodNotAllowed = ReceiptAnswer(status: 405, body: #"{"error": "method_not_allowed"}"#)
    public static let payloadTooLarge = ReceiptAnswer(status: 413, body: #"{"error": "payload_too_large"}"#)
    public static let unavailable = ReceiptAnswer(status: 503, body: #"{"error": "unavailable"}"#)

    /// The `error` code of a refusal (`unauthorized`, `invalid_json`, …); nil for 200.
    public var errorCode: String? {
        let prefix = #"{"error": ""#
        guard body.hasPrefix(prefix) else { return nil }
        return String(body.dropFirst(prefix.count).prefix { $0 != "\"" })
    }

    /// 500 in `mode: sync` when a rule failed.
    public static func ruleFailed(_ rules: [String]) -> ReceiptAnswer {
        ReceiptAnswer(status: 500, body: #"{"error": "rule_failed", "rules": [\#(rules.map(JSONText.string).joined(separator: ", "))]}"#)
    }
}
