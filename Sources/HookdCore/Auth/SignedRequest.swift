/// A request as `RequestSigner` makes it: the body to send (changed only to carry a `bearer`
/// source's `body_field`) and the authentication headers, in the order the provider sends them.
public struct SignedRequest: Sendable {
    public var body: [UInt8]
    public var headers: [(name: String, value: String)]

    public init(body: [UInt8], headers: [(name: String, value: String)]) {
        self.body = body
        self.headers = headers
    }

    /// The headers as a lookup, to hand to a `Verifier`.
    public var headerFields: HeaderFields { HeaderFields(headers) }

    /// The value of header `name`, compared without regard to case.
    public func value(forName name: String) -> String? {
        headerFields.value(forName: name)
    }
}
