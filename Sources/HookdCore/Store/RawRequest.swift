/// The HTTP request an event arrived in, kept with the event for as long as the event (SPEC §4):
/// the body bytes exactly as received and the headers, auth headers already masked by the caller.
public struct RawRequest: Sendable, Hashable {
    /// One header field as received (name in its original case; repeated names stay repeated).
    public struct Header: Sendable, Hashable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public var body: [UInt8]
    /// In the order received.
    public var headers: [Header]

    public init(body: [UInt8], headers: [Header]) {
        self.body = body
        self.headers = headers
    }
}
