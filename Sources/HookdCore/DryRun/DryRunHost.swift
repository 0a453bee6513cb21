import LuaRuntime

/// The `HostCalls` of `hookd dry-run`: a call that a `--mock` matches gets the mock's answer; any
/// other call goes to `live` with `--live`, and otherwise answers 200 with body `{}`, not sent.
public struct DryRunHost: HostCalls {
    public var mocks: [HTTPMock]
    public var live: (any HostCalls)?

    /// What an unmocked call answers without `--live`.
    public static let unmockedAnswer = HTTPCallAnswer.response(
        status: 200, headers: [("content-type", "application/json")], body: Array("{}".utf8))

    public init(mocks: [HTTPMock], live: (any HostCalls)? = nil) {
        self.mocks = mocks
        self.live = live
    }

    public var sendsForReal: Bool { live != nil }

    public func mock(for request: HTTPCallRequest) -> HTTPMock? {
        mocks.first { $0.matches(request) }
    }

    public func answerWasSent(for request: HTTPCallRequest) -> Bool {
        live != nil && mock(for: request) == nil
    }

    public func perform(_ request: HTTPCallRequest, deadline: ContinuousClock.Instant) async -> HTTPCallAnswer {
        if let mock = mock(for: request) { return mock.answer }
        if let live { return await live.perform(request, deadline: deadline) }
        return Self.unmockedAnswer
    }
}
