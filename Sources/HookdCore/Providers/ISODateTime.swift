/// An ISO 8601 / RFC 3339 date-time read from text: `YYYY-MM-DD`, then `T`, `t` or a space, then
/// `hh:mm:ss`, an optional fraction and an optional offset (`Z`, `±hh:mm`, `±hhmm`, `±hh`).
struct ISODateTime {
    var local: CivilTime
    /// Minutes east of UTC.
    var offsetMinutes: Int

    init?(_ text: [UInt8]) {
        var reader = DigitReader(bytes: text)
        guard let year = reader.number(4), reader.skip("-"), let month = reader.number(2), reader.skip("-"),
              let day = reader.number(2), reader.skip(anyOf: "Tt "),
              let hour = reader.number(2), reader.skip(":"), let minute = reader.number(2), reader.skip(":"),
              let second = reader.number(2),
              CivilTime.isValidDate(year: year, month: month, day: day),
              hour < 24, minute < 60, second < 60 else { return nil }
        var millisecond = 0
        if reader.skip(anyOf: ".,") {
            let digits = reader.digits()
            guard !digits.isEmpty else { return nil }
            millisecond = Int(String(decoding: (digits + [ASCII.zero, ASCII.zero]).prefix(3), as: UTF8.self))!
        }
        guard let offset = reader.offsetMinutes(), reader.isAtEnd else { return nil }
        local = CivilTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second,
                          millisecond: millisecond)
        offsetMinutes = offset
    }

    /// The instant in milliseconds since 1970, UTC.
    var epochMilliseconds: Int64 {
        local.epochMilliseconds - Int64(offsetMinutes) * 60_000
    }
}

/// A cursor over ASCII text that reads fixed-width numbers.
private struct DigitReader {
    let bytes: [UInt8]
    var index = 0

    var isAtEnd: Bool { index == bytes.count }

    mutating func number(_ width: Int) -> Int? {
        guard index + width <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[index..<(index + width)] {
            guard ASCII.isDigit(byte) else { return nil }
            value = value * 10 + Int(byte - ASCII.zero)
        }
        index += width
        return value
    }

    mutating func digits() -> [UInt8] {
        let start = index
        while index < bytes.count, ASCII.isDigit(bytes[index]) { index += 1 }
        return Array(bytes[start..<index])
    }

    mutating func skip(_ character: Unicode.Scalar) -> Bool {
        skip(anyOf: String(character))
    }

    mutating func skip(anyOf characters: String) -> Bool {
        guard index < bytes.count, characters.utf8.contains(bytes[index]) else { return false }
        index += 1
        return true
    }

    /// `Z`/`z` is 0; `±hh:mm`, `±hhmm` or `±hh` its minutes; no offset at all is UTC. Nil when malformed.
    mutating func offsetMinutes() -> Int? {
        if isAtEnd { return 0 }
        if skip(anyOf: "Zz") { return 0 }
        guard index < bytes.count else { return nil }
        let sign = bytes[index] == ASCII.minus ? -1 : 1
        guard skip(anyOf: "+-"), let hours = number(2), hours < 24 else { return nil }
        var minutes = 0
        if !isAtEnd {
            _ = skip(":")
            guard let value = number(2), value < 60 else { return nil }
            minutes = value
        }
        return sign * (hours * 60 + minutes)
    }
}
