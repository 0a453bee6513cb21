import HookdCore

/// What the listener knows of a request before reading its body.
public struct IncomingRequest: Sendable {
    public let method: String
    public let path: String
    /// In the order received, names as sent.
    public let headers: [(name: String, value: String)]
    /// The connection's peer; nil for a Unix socket or an unknown peer.
    public let peer: IPAddress?
    /// The headers for look-up by name, made once: admission, auth and parsing all read them.
    public let headerFields: HeaderFields
    /// `Content-Length` when present and a number.
    public let contentLength: Int?

    public init(method: String, path: String, headers: [(name: String, value: String)], peer: IPAddress?) {
        self.method = method
        self.path = path
        self.headers = headers
        self.peer = peer
        headerFields = HeaderFields(headers)
        // The HTTP parser has already taken the spaces around a value off: the look-up without
        // Foundation's trimming is the one that answers.
        contentLength = headerFields.value(forName: "content-length").flatMap { Int($0) ?? Int($0.trimmingCharacters(in: .whitespaces)) }
    }

    /// Every `X-Forwarded-For` line, joined with `,` as one list.
    public var forwardedFor: String? {
        let lines = headers.filter { $0.name.lowercased() == "x-forwarded-for" }.map(\.value)
        return lines.isEmpty ? nil : lines.joined(separator: ",")
    }
}
