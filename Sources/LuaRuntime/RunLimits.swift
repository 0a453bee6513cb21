/// The limits one rule run works within (SPEC §2 `limits:`). Zero means unlimited.
public struct RunLimits: Sendable, Equatable {
    public var instructions: UInt64
    public var memory: UInt64
    public var wallTime: Duration
    public var httpCalls: UInt32

    public init(instructions: UInt64 = 10_000_000, memory: UInt64 = 64 * 1024 * 1024,
                wallTime: Duration = .seconds(30), httpCalls: UInt32 = 50) {
        self.instructions = instructions
        self.memory = memory
        self.wallTime = wallTime
        self.httpCalls = httpCalls
    }

    /// SPEC's defaults: 10,000,000 instructions, 64 MiB, 30 s, 50 http calls.
    public static let defaults = RunLimits()

    /// The wall time as messages write it: `30s`, or `200ms` when not whole seconds.
    public var wallTimeText: String {
        let ns = wallNanoseconds
        return ns % 1_000_000_000 == 0 ? "\(ns / 1_000_000_000)s" : "\(ns / 1_000_000)ms"
    }

    var wallNanoseconds: UInt64 {
        let (seconds, attoseconds) = wallTime.components
        guard seconds >= 0 else { return 1 }
        return UInt64(seconds) * 1_000_000_000 + UInt64(attoseconds / 1_000_000_000)
    }
}

/// Which limit ended a run.
public enum LimitKind: String, Sendable, Equatable {
    case instructions
    case memory
    case wallTime = "wall_time"
    case httpCalls = "http_calls"
}
