/// A strict RFC 8259 reader that turns a body into a `JSONNode` tree of byte ranges in one pass.
///
/// It refuses what a lenient reader would guess at: invalid UTF-8, lone surrogates, raw control
/// characters in strings, nesting deeper than `maximumDepth`, duplicate keys in one object (so that
/// what was authenticated, what was deduplicated and what rules see cannot be different members), a
/// byte order mark, empty input and bytes after the value.
public struct JSONScanner {
    /// Objects and arrays may nest this deep by default; one more level is an error.
    public static let maximumDepth = 128

    /// Scans a whole document whose objects and arrays nest at most `maximumDepth` deep.
    public static func scan(_ bytes: [UInt8],
                            maximumDepth: Int = JSONScanner.maximumDepth) throws(JSONSyntaxError) -> JSONNode {
        try bytes.withUnsafeBufferPointer { (buffer) throws(JSONSyntaxError) -> JSONNode in
            var scanner = JSONScanner(input: buffer, maximumDepth: maximumDepth)
            return try scanner.scanDocument()
        }
    }

    let input: UnsafeBufferPointer<UInt8>
    private let depthLimit: Int
    var position = 0

    private init(input: UnsafeBufferPointer<UInt8>, maximumDepth: Int) {
        self.input = input
        self.depthLimit = maximumDepth
    }

    private mutating func scanDocument() throws(JSONSyntaxError) -> JSONNode {
        if input.starts(with: [0xEF, 0xBB, 0xBF]) {
            throw JSONSyntaxError(offset: 0, reason: "a byte order mark is not allowed")
        }
        skipWhitespace()
        guard position < input.count else {
            throw JSONSyntaxError(offset: position, reason: input.isEmpty ? "empty input" : "only white space")
        }
        let root = try scanValue(depth: 0)
        skipWhitespace()
        guard position == input.count else {
            throw JSONSyntaxError(offset: position, reason: "unexpected \(describeByte()) after the JSON value")
        }
        return root
    }

    /// Scans the value at `position`; `depth` counts the containers around it.
    private mutating func scanValue(depth: Int) throws(JSONSyntaxError) -> JSONNode {
        guard position < input.count else { throw unexpected(expecting: "a value") }
        switch input[position] {
        case ASCII.openBrace:
            return try scanObject(depth: depth + 1)
        case ASCII.openBracket:
            return try scanArray(depth: depth + 1)
        case ASCII.quote:
            let start = position
            let hasEscapes = try scanString()
            return JSONNode(kind: .string, range: start..<position, hasEscapes: hasEscapes)
        case UInt8(ascii: "t"):
            return try scanLiteral("true", kind: .bool)
        case UInt8(ascii: "f"):
            return try scanLiteral("false", kind: .bool)
        case UInt8(ascii: "n"):
            return try scanLiteral("null", kind: .null)
        case ASCII.minus, ASCII.zero...ASCII.nine:
            return try scanNumber()
        default:
            throw unexpected(expecting: "a value")
        }
    }

    private mutating func scanObject(depth: Int) throws(JSONSyntaxError) -> JSONNode {
        try checkDepth(depth)
        let start = position
        position += 1
        var members: [JSONMember] = []
        var keys = DuplicateKeyCheck()
        skipWhitespace()
        if peek() == ASCII.closeBrace {
            position += 1
            return JSONNode(kind: .object, range: start..<position)
        }
        while true {
            guard peek() == ASCII.quote else { throw unexpected(expecting: "a string key") }
            let keyStart = position
            let hasEscapes = try scanString()
            let key = JSONStringDecoder.decode(input, literal: keyStart..<position, hasEscapes: hasEscapes)
            guard keys.insert(key, members: members) else {
                throw JSONSyntaxError(offset: keyStart, reason: "duplicate key \"\(key)\"")
            }
            let keyRange = keyStart..<position
            skipWhitespace()
            try expect(ASCII.colon, "':' after an object key")
            skipWhitespace()
            let value = try scanValue(depth: depth)
            members.append(JSONMember(key: key, keyRange: keyRange, value: value))
            skipWhitespace()
            if peek() == ASCII.comma {
                position += 1
                skipWhitespace()
            } else {
                try expect(ASCII.closeBrace, "',' or '}' after an object member")
                return JSONNode(kind: .object, range: start..<position, members: members)
            }
        }
    }

    private mutating func scanArray(depth: Int) throws(JSONSyntaxError) -> JSONNode {
        try checkDepth(depth)
        let start = position
        position += 1
        var elements: [JSONNode] = []
        skipWhitespace()
        if peek() == ASCII.closeBracket {
            position += 1
            return JSONNode(kind: .array, range: start..<position)
        }
        while true {
            elements.append(try scanValue(depth: depth))
            skipWhitespace()
            if peek() == ASCII.comma {
                position += 1
                skipWhitespace()
            } else {
                try expect(ASCII.closeBracket, "',' or ']' after an array element")
                return JSONNode(kind: .array, range: start..<position, elements: elements)
            }
        }
    }

    private mutating func scanLiteral(_ word: StaticString, kind: JSONNode.Kind) throws(JSONSyntaxError) -> JSONNode {
        let start = position
        let expected = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        for byte in expected {
            guard peek() == byte else { throw unexpected(expecting: "\(word)") }
            position += 1
        }
        return JSONNode(kind: kind, range: start..<position)
    }

    /// A number by RFC 8259's grammar, refused when it is too large for a Double: the rule runtime
    /// refuses those too, so accepting one would store an event no rule could read.
    private mutating func scanNumber() throws(JSONSyntaxError) -> JSONNode {
        let start = position
        if peek() == ASCII.minus { position += 1 }
        guard let first = peek(), ASCII.isDigit(first) else { throw unexpected(expecting: "a digit") }
        position += 1
        if first == ASCII.zero, let next = peek(), ASCII.isDigit(next) {
            throw JSONSyntaxError(offset: position - 1, reason: "a number cannot start with 0 followed by digits")
        }
        skipDigits()
        var mayOverflow = position - start > 300
        if peek() == ASCII.dot {
            position += 1
            try requireDigits(after: "'.'")
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            position += 1
            if peek() == ASCII.plus || peek() == ASCII.minus { position += 1 }
            try requireDigits(after: "an exponent")
            mayOverflow = true
        }
        let text = UnsafeBufferPointer(rebasing: input[start..<position])
        if mayOverflow, Double(String(decoding: text, as: UTF8.self))?.isFinite != true {
            throw JSONSyntaxError(offset: start, reason: "number out of range")
        }
        return JSONNode(kind: .number, range: start..<position)
    }

    // MARK: - Small steps

    func peek() -> UInt8? {
        position < input.count ? input[position] : nil
    }

    private mutating func skipWhitespace() {
        while position < input.count {
            switch input[position] {
            case ASCII.space, ASCII.tab, ASCII.lineFeed, ASCII.carriageReturn: position += 1
            default: return
            }
        }
    }

    private mutating func skipDigits() {
        while let byte = peek(), ASCII.isDigit(byte) { position += 1 }
    }

    private mutating func requireDigits(after what: String) throws(JSONSyntaxError) {
        guard let byte = peek(), ASCII.isDigit(byte) else { throw unexpected(expecting: "a digit after \(what)") }
        skipDigits()
    }

    private mutating func expect(_ byte: UInt8, _ expectation: String) throws(JSONSyntaxError) {
        guard peek() == byte else { throw unexpected(expecting: expectation) }
        position += 1
    }

    private func checkDepth(_ depth: Int) throws(JSONSyntaxError) {
        guard depth <= depthLimit else {
            throw JSONSyntaxError(offset: position, reason: "nesting deeper than \(depthLimit) levels")
        }
    }

    func unexpected(expecting expectation: String) -> JSONSyntaxError {
        guard position < input.count else {
            return JSONSyntaxError(offset: position, reason: "unexpected end of input, expected \(expectation)")
        }
        return JSONSyntaxError(offset: position, reason: "expected \(expectation), found \(describeByte())")
    }

    /// The byte at `position` as a reader would want to see it in a message.
    func describeByte() -> String {
        guard let byte = peek() else { return "end of input" }
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        let hex = String(byte, radix: 16, uppercase: true)
        return "byte 0x\(hex.count == 1 ? "0" + hex : hex)"
    }
}

/// Detects a repeated key in one object: a linear look for small objects, a set past a few keys,
/// so that a body of a hundred thousand keys costs linear time.
private struct DuplicateKeyCheck {
    private var seen: Set<String>?

    /// False when `key` was seen before. `members` are the object's members so far.
    mutating func insert(_ key: String, members: [JSONMember]) -> Bool {
        if seen == nil {
            guard members.count >= 16 else { return !members.contains { $0.key == key } }
            seen = Set(members.map(\.key))
        }
        return seen!.insert(key).inserted
    }
}
