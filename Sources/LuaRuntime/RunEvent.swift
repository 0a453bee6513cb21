import CLuaShim

/// The event a run receives, as the C shim reads it: JSON (an object, for tests, dry runs and
/// tools), or its fields packed without JSON around them (the dispatcher's runs: no escaping on
/// the Swift side, and only the payload is parsed on the Lua side). Both give the rule the same
/// `event` table.
public enum RunEvent: Sendable {
    case json([UInt8])
    case fields(EventFields)

    /// No event (a `describe` run never reads one).
    public static let none = RunEvent.json([])
}

/// An event's fields as a run sees them (SPEC §4), packed for the C shim by `packed`.
public struct EventFields: Sendable {
    public var id: String
    public var source: String
    public var type: String
    public var status: String?
    public var timestamp: String?
    /// 1 on the first run.
    public var attempt: Int
    /// As received, auth headers already removed: the run sees names lower-cased, and a repeated
    /// name's first value (the shim does both).
    public var headers: [(name: String, value: String)]
    /// The keys from the payload to `data`.
    public var dataPath: [String]
    /// The payload's JSON, byte for byte.
    public var payload: [UInt8]

    public init(id: String, source: String, type: String, status: String?, timestamp: String?, attempt: Int,
                headers: [(name: String, value: String)], dataPath: [String], payload: [UInt8]) {
        self.id = id
        self.source = source
        self.type = type
        self.status = status
        self.timestamp = timestamp
        self.attempt = attempt
        self.headers = headers
        self.dataPath = dataPath
        self.payload = payload
    }

    /// `HK_EVENT_PACKED` (hookd_lua.h): each text a 32-bit little-endian length and its bytes
    /// (0xFFFFFFFF for null), in the order the shim reads them.
    public var packed: [UInt8] {
        var bytes: [UInt8] = []
        pack(into: &bytes)
        return bytes
    }

    /// `packed`, written over `bytes` (a worker reuses one buffer: no allocation per run once it is
    /// large enough, and none of glibc's consolidation that a fresh kilobyte-sized one triggers).
    public func pack(into bytes: inout [UInt8]) {
        bytes.removeAll(keepingCapacity: true)
        bytes.reserveCapacity(payload.count + 64 + id.utf8.count + source.utf8.count + type.utf8.count
                              + headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 8 })
        Self.append(id, to: &bytes)
        Self.append(source, to: &bytes)
        Self.append(type, to: &bytes)
        Self.append(status, to: &bytes)
        Self.append(timestamp, to: &bytes)
        Self.append(UInt32(clamping: attempt), to: &bytes)
        Self.append(UInt32(headers.count), to: &bytes)
        for (name, value) in headers {
            Self.append(name, to: &bytes)
            Self.append(value, to: &bytes)
        }
        Self.append(UInt32(dataPath.count), to: &bytes)
        for key in dataPath { Self.append(key, to: &bytes) }
        Self.append(UInt32(payload.count), to: &bytes)
        bytes += payload
    }

    private static func append(_ value: UInt32, to bytes: inout [UInt8]) {
        bytes.append(UInt8(truncatingIfNeeded: value))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value >> 16))
        bytes.append(UInt8(truncatingIfNeeded: value >> 24))
    }

    private static func append(_ text: String?, to bytes: inout [UInt8]) {
        guard var text else { return append(UInt32.max, to: &bytes) }
        text.withUTF8 { utf8 in
            append(UInt32(utf8.count), to: &bytes)
            bytes.append(contentsOf: utf8)
        }
    }
}
