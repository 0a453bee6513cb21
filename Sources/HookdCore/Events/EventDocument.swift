/// The event as a rule run receives it (SPEC §4): the JSON the runner decodes into `event`. The
/// payload is copied byte for byte; `data` is sent as a path into it rather than a second copy.
public struct EventDocument: Sendable {
    public var source: String
    public var event: ParsedEvent
    /// Request headers, names lower-case, auth headers already removed (see `AuthConfig.credentialHeaders`).
    public var headers: [(name: String, value: String)]
    /// 1 on the first run.
    public var attempt: Int

    public init(source: String, event: ParsedEvent, headers: [(name: String, value: String)], attempt: Int = 1) {
        self.source = source
        self.event = event
        self.headers = headers
        self.attempt = attempt
    }

    /// The JSON bytes handed to `LuaWorker`/`WorkerPool`.
    public var json: [UInt8] {
        var head = "{\"id\":" + JSONText.string(event.id)
        head += ",\"source\":" + JSONText.string(source)
        head += ",\"type\":" + JSONText.string(event.type)
        head += ",\"status\":" + JSONText.optionalString(event.status)
        head += ",\"timestamp\":" + JSONText.optionalString(event.timestamp)
        head += ",\"attempt\":\(attempt),\"headers\":{"
        var seen: Set<String> = []
        var first = true
        for (name, value) in headers {
            let lower = name.lowercased()
            // A repeated header keeps its first value, as `HTTPHeaderLookup` reads it.
            guard seen.insert(lower).inserted else { continue }
            head += (first ? "" : ",") + JSONText.string(lower) + ":" + JSONText.string(value)
            first = false
        }
        head += "},\"data_path\":[" + event.dataPath.map(JSONText.string).joined(separator: ",") + "],\"payload\":"
        var bytes = Array(head.utf8)
        bytes.reserveCapacity(bytes.count + event.payload.count + 1)
        bytes += event.payload
        bytes.append(UInt8(ascii: "}"))
        return bytes
    }
}
