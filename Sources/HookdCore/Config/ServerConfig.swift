/// The webhook listener (`server:`).
public struct ServerConfig: Sendable, Hashable {
    public var listen: ListenAddress
    /// The largest body accepted, in bytes; a body of exactly this size is accepted, larger ones get 413.
    public var maxBody: Int

    public init(listen: ListenAddress = ListenAddress(host: "127.0.0.1", port: 8080), maxBody: Int = 1 << 20) {
        self.listen = listen
        self.maxBody = maxBody
    }
}
