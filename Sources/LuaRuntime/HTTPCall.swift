/// An HTTP call a rule asked for with `http.*`, handed to the host to perform.
public struct HTTPCallRequest: Sendable, Equatable {
    public var method: String
    public var url: String
    /// In the order the rule gave them (names as the rule wrote them).
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// The rule's own `timeout`, if it gave one.
    public var timeout: Duration?
    /// 1 for the run's first call.
    public var number: Int

    public init(method: String, url: String, headers: [(name: String, value: String)] = [], body: [UInt8] = [],
                timeout: Duration? = nil, number: Int = 1) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.number = number
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.method == b.method && a.url == b.url && a.body == b.body && a.timeout == b.timeout && a.number == b.number
            && a.headers.map(\.name) == b.headers.map(\.name) && a.headers.map(\.value) == b.headers.map(\.value)
    }
}

/// The host's answer to an `HTTPCallRequest`.
public enum HTTPCallAnswer: Sendable, Equatable {
    /// A response; header names lower-case.
    case response(status: Int, headers: [(name: String, value: String)], body: [UInt8])
    /// A network error, a refusal or a timeout: the rule's call raises this message.
    case failure(String)

    public static func == (a: Self, b: Self) -> Bool {
        switch (a, b) {
        case let (.response(s1, h1, b1), .response(s2, h2, b2)):
            s1 == s2 && b1 == b2 && h1.map(\.name) == h2.map(\.name) && h1.map(\.value) == h2.map(\.value)
        case let (.failure(m1), .failure(m2)): m1 == m2
        default: false
        }
    }
}

/// What a run's call did, for the record of its attempt (SPEC §4) and for dry-run.
public struct HTTPCallRecord: Sendable, Equatable {
    public var request: HTTPCallRequest
    /// The status answered, or nil when the call failed.
    public var status: Int?
    public var error: String?
    public var duration: Duration
    /// False when the answer came from a mock or a dry run.
    public var sent: Bool

    public init(request: HTTPCallRequest, status: Int?, error: String?, duration: Duration, sent: Bool) {
        self.request = request
        self.status = status
        self.error = error
        self.duration = duration
        self.sent = sent
    }
}

/// Performs the HTTP calls of rule runs: the outbound client in the daemon, mocks in dry-run and tests.
public protocol HostCalls: Sendable {
    /// Whether answers come from the network (recorded as `sent`).
    var sendsForReal: Bool { get }
    /// Whether the answer to this request came from the network; `sendsForReal` unless a host mixes
    /// mocks with real calls (`hookd dry-run --live --mock …`).
    func answerWasSent(for request: HTTPCallRequest) -> Bool
    func perform(_ request: HTTPCallRequest, deadline: ContinuousClock.Instant) async -> HTTPCallAnswer
}

extension HostCalls {
    public func answerWasSent(for request: HTTPCallRequest) -> Bool { sendsForReal }
}
