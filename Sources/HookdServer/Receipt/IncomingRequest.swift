import HookdCore

/// What the listener knows of a request before reading its body.
public struct IncomingRequest: Sendable {
    public var method: String
    public var path: String
    /// In the order received, names as sent.
    public var headers: [(name: String, value: String)]
    /// The connection's peer; nil for a Unix socket or an unknown peer.
    public var peer: IPAddress?

    public init(method: String, path: String, headers: [(name: String, value: String)], peer: IPAddress?) {
        self.method = method
        self.path = path
        self.headers = headers
        self.peer = peer
    }

    public var headerFields: HeaderFields { HeaderFields(headers) }

    /// `Content-Length` when present and a number.
    public var contentLength: Int? {
        headerFields.value(forName: "content-length").flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    }

    /// Every `X-Forwarded-For` line, joined with `,` as one list.
    public var forwardedFor: String? {
        let lines = headers.filter { $0.name.lowercased() == "x-forwarded-for" }.map(\.value)
        return lines.isEmpty ? nil : lines.joined(separator: ",")
    }
}
