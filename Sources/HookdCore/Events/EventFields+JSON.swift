import LuaRuntime

/// The event as a rule run receives it (SPEC §4), made from a parsed event: the fields the dispatcher
/// and dry runs pack for the shim (`RunEvent.fields`), or the same as JSON. The payload is passed byte
/// for byte; `data` is sent as a path into it rather than a second copy.
extension EventFields {
    /// `headers`: the request's, auth headers already removed (see `AuthConfig.credentialHeaders`).
    public init(source: String, event: ParsedEvent, headers: [(name: String, value: String)], attempt: Int = 1) {
        self.init(id: event.id, source: source, type: event.type, status: event.status, timestamp: event.timestamp,
                  attempt: attempt, headers: headers, dataPath: event.dataPath, payload: event.payload)
    }

    /// The event as one JSON object, written byte by byte: the form a run may be given instead of the
    /// packed fields (`RunEvent.json`; tests and tools), and the reference the packed form is tested
    /// against. Header names are lower-cased here and a repeated name keeps its first value, as the
    /// shim does for the packed form.
    public var json: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(payload.count + 256 + headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 6 })
        bytes += #"{"id":"#.utf8
        JSONText.append(id, to: &bytes)
        bytes += #","source":"#.utf8
        JSONText.append(source, to: &bytes)
        bytes += #","type":"#.utf8
        JSONText.append(type, to: &bytes)
        bytes += #","status":"#.utf8
        JSONText.append(optional: status, to: &bytes)
        bytes += #","timestamp":"#.utf8
        JSONText.append(optional: timestamp, to: &bytes)
        bytes += #","attempt":"#.utf8
        bytes += String(attempt).utf8
        bytes += #","headers":{"#.utf8
        // A repeated header keeps its first value, as `HTTPHeaderLookup` reads it. Requests carry
        // few headers: comparing with the earlier names is quicker than hashing them.
        var first = true
        for (index, (name, value)) in headers.enumerated()
        where !headers[..<index].contains(where: { Self.sameName($0.name, name) }) {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            Self.appendLowercased(name, to: &bytes)
            bytes.append(UInt8(ascii: ":"))
            JSONText.append(value, to: &bytes)
        }
        bytes += #"},"data_path":["#.utf8
        for (index, key) in dataPath.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            JSONText.append(key, to: &bytes)
        }
        bytes += #"],"payload":"#.utf8
        bytes += payload
        bytes.append(UInt8(ascii: "}"))
        return bytes
    }

    /// A header name in lower case: ASCII letters only (names are HTTP tokens), without Unicode
    /// case mapping; a name with no upper-case letter is returned as it is.
    static func lowercased(_ name: String) -> String {
        guard name.utf8.contains(where: isUpper) else { return name }
        return String(decoding: name.utf8.map(lower), as: UTF8.self)
    }

    /// `JSONText.append(lowercased(name))`, without the lower-cased copy for a name that needs no
    /// escape (every real one: names are HTTP tokens).
    static func appendLowercased(_ name: String, to bytes: inout [UInt8]) {
        let plain = name.utf8.withContiguousStorageIfAvailable { utf8 -> Bool in
            guard !utf8.contains(where: JSONText.needsEscape) else { return false }
            bytes.append(UInt8(ascii: "\""))
            for byte in utf8 { bytes.append(lower(byte)) }
            bytes.append(UInt8(ascii: "\""))
            return true
        }
        if plain != true { JSONText.append(lowercased(name), to: &bytes) }
    }

    /// Whether two header names are equal but for the case of ASCII letters.
    static func sameName(_ a: String, _ b: String) -> Bool {
        a.utf8.count == b.utf8.count && a.utf8.elementsEqual(b.utf8) { lower($0) == lower($1) }
    }

    private static func isUpper(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") }

    private static func lower(_ byte: UInt8) -> UInt8 { isUpper(byte) ? byte + 32 : byte }
}
