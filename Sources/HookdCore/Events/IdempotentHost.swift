import LuaRuntime

/// Adds `Idempotency-Key: <source>:<event id>:<rule>:<n>` to every call of a run (SPEC §4), so a
/// retried run sends the same keys. A key the rule set itself is kept.
public struct IdempotentHost: HostCalls {
    public var base: any HostCalls
    /// `<source>:<event id>:<rule>`.
    public var prefix: String

    public init(base: any HostCalls, source: String, eventID: String, rule: String) {
        self.base = base
        prefix = Self.prefix(source: source, eventID: eventID, rule: rule)
    }

    public static func prefix(source: String, eventID: String, rule: String) -> String {
        "\(source):\(eventID):\(rule)"
    }

    /// The key of the run's `number`-th call.
    public static func key(prefix: String, number: Int) -> String { "\(prefix):\(number)" }

    public var sendsForReal: Bool { base.sendsForReal }

    public func answerWasSent(for request: HTTPCallRequest) -> Bool { base.answerWasSent(for: keyed(request)) }

    public func perform(_ request: HTTPCallRequest, deadline: ContinuousClock.Instant) async -> HTTPCallAnswer {
        await base.perform(keyed(request), deadline: deadline)
    }

    func keyed(_ request: HTTPCallRequest) -> HTTPCallRequest {
        guard request.header("Idempotency-Key") == nil else { return request }
        var keyed = request
        keyed.headers.append((name: "Idempotency-Key", value: Self.key(prefix: prefix, number: request.number)))
        return keyed
    }
}
