import Foundation
import HookdCore

/// How values without an SQLite type of their own are written to columns: times as integer
/// milliseconds, string lists and header lists as JSON text.
enum ColumnCoding {
    static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }

    static func date(milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    static func microseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }

    static func duration(microseconds: Int64) -> Duration { .microseconds(microseconds) }

    static func json<T: Encodable>(_ values: [T]) throws -> String {
        String(decoding: try JSONEncoder().encode(values), as: UTF8.self)
    }

    static func values<T: Decodable>(json: String) throws -> [T] {
        try JSONDecoder().decode([T].self, from: Data(json.utf8))
    }

    /// Written by hand (JSONText): this runs for every accepted event, and Foundation's encoder
    /// costs several times more.
    static func json(_ strings: [String]) -> String {
        var bytes: [UInt8] = [UInt8(ascii: "[")]
        for (index, string) in strings.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            JSONText.append(string, to: &bytes)
        }
        bytes.append(UInt8(ascii: "]"))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Read with the strict scanner of HookdCore rather than JSONDecoder: this runs for every event read.
    static func strings(json: String) throws -> [String] {
        let bytes = Array(json.utf8)
        return try stringArray(JSONScanner.scan(bytes), in: bytes, json: json)
    }

    private static func stringArray(_ node: JSONNode, in bytes: [UInt8], json: String) throws -> [String] {
        guard node.kind == .array else { throw ColumnCodingError.notAStringList(json) }
        return try node.elements.map { element in
            guard let text = element.string(in: bytes) else { throw ColumnCodingError.notAStringList(json) }
            return text
        }
    }

    /// `[[name, value], ...]`, written into one buffer (every accepted request's headers).
    static func json(_ headers: [RawRequest.Header]) -> String {
        var bytes: [UInt8] = [UInt8(ascii: "[")]
        bytes.reserveCapacity(headers.reduce(2) { $0 + $1.name.utf8.count + $1.value.utf8.count + 8 })
        for (index, header) in headers.enumerated() {
            bytes += index > 0 ? #",["#.utf8 : "[".utf8
            JSONText.append(header.name, to: &bytes)
            bytes.append(UInt8(ascii: ","))
            JSONText.append(header.value, to: &bytes)
            bytes.append(UInt8(ascii: "]"))
        }
        bytes.append(UInt8(ascii: "]"))
        return String(decoding: bytes, as: UTF8.self)
    }

    static func headers(json: String) throws -> [RawRequest.Header] {
        let bytes = Array(json.utf8)
        let list = try JSONScanner.scan(bytes)
        guard list.kind == .array else { throw ColumnCodingError.notAStringList(json) }
        return try list.elements.map { element in
            let pair = try stringArray(element, in: bytes, json: json)
            guard pair.count == 2 else { throw ColumnCodingError.headerIsNotANameValuePair(pair) }
            return RawRequest.Header(name: pair[0], value: pair[1])
        }
    }
}

/// A column held something this version never writes.
enum ColumnCodingError: Error, CustomStringConvertible {
    case headerIsNotANameValuePair([String])
    case notAStringList(String)

    var description: String {
        switch self {
        case .headerIsNotANameValuePair(let pair): "stored header is not a [name, value] pair: \(pair)"
        case .notAStringList(let json): "stored column is not a JSON list of strings: \(json.prefix(200))"
        }
    }
}
