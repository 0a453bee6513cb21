/// String scanning: escapes, surrogate pairs and UTF-8, all checked while scanning so that decoding
/// later cannot fail.
extension JSONScanner {
    /// Scans the string whose opening quote is at `position`, leaving `position` after its closing
    /// quote. Returns whether the string holds escapes.
    mutating func scanString() throws(JSONSyntaxError) -> Bool {
        let start = position
        position += 1
        var hasEscapes = false
        while position < input.count {
            let byte = input[position]
            if byte == ASCII.quote {
                position += 1
                return hasEscapes
            } else if byte == ASCII.backslash {
                hasEscapes = true
                try scanEscape()
            } else if byte < 0x20 {
                throw JSONSyntaxError(offset: position, reason: "\(describeByte()) in a string must be escaped")
            } else if byte < 0x80 {
                position += 1
            } else {
                try scanUTF8Sequence()
            }
        }
        throw JSONSyntaxError(offset: start, reason: "unterminated string")
    }

    private mutating func scanEscape() throws(JSONSyntaxError) {
        let start = position
        guard position + 1 < input.count else {
            throw JSONSyntaxError(offset: start, reason: "unterminated escape")
        }
        switch input[position + 1] {
        case ASCII.quote, ASCII.backslash, ASCII.slash, UInt8(ascii: "b"), UInt8(ascii: "f"),
             UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            position += 2
        case UInt8(ascii: "u"):
            try scanUnicodeEscape()
        default:
            position += 1
            throw JSONSyntaxError(offset: start, reason: "invalid escape \\\(describeByte().trimmingQuotes)")
        }
    }

    /// `\uXXXX`, or a `\uD8xx\uDCxx` surrogate pair; a surrogate on its own is refused.
    private mutating func scanUnicodeEscape() throws(JSONSyntaxError) {
        let start = position
        let unit = try hexQuad(at: position + 2)
        position += 6
        switch unit {
        case 0xD800...0xDBFF:
            let pairFollows = position + 1 < input.count
                && input[position] == ASCII.backslash && input[position + 1] == UInt8(ascii: "u")
            guard pairFollows, case 0xDC00...0xDFFF = try hexQuad(at: position + 2) else {
                throw JSONSyntaxError(offset: start, reason: "lone surrogate \\u\(hex(unit)) (no low surrogate follows)")
            }
            position += 6
        case 0xDC00...0xDFFF:
            throw JSONSyntaxError(offset: start, reason: "lone surrogate \\u\(hex(unit)) (no high surrogate before it)")
        default:
            break
        }
    }

    private func hexQuad(at offset: Int) throws(JSONSyntaxError) -> UInt32 {
        guard let value = JSONStringDecoder.hexQuad(input, at: offset) else {
            throw JSONSyntaxError(offset: offset - 2, reason: "\\u must be followed by four hex digits")
        }
        return value
    }

    private func hex(_ unit: UInt32) -> String {
        String(unit, radix: 16, uppercase: true)
    }

    /// One multi-byte UTF-8 sequence (Unicode table 3-7): no overlong forms, no encoded surrogates,
    /// nothing above U+10FFFF.
    private mutating func scanUTF8Sequence() throws(JSONSyntaxError) {
        let lead = input[position]
        var length = 3
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: secondRange = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: break
        case 0xED: secondRange = 0x80...0x9F
        case 0xF0: length = 4; secondRange = 0x90...0xBF
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; secondRange = 0x80...0x8F
        default: throw invalidUTF8()
        }
        guard position + length <= input.count, secondRange.contains(input[position + 1]) else {
            throw invalidUTF8()
        }
        for offset in 2..<length where !(0x80...0xBF).contains(input[position + offset]) {
            throw invalidUTF8()
        }
        position += length
    }

    private func invalidUTF8() -> JSONSyntaxError {
        JSONSyntaxError(offset: position, reason: "invalid UTF-8 (\(describeByte()))")
    }
}

private extension String {
    /// `'x'` → `x`, for messages that quote an escape.
    var trimmingQuotes: String {
        hasPrefix("'") && hasSuffix("'") && count >= 3 ? String(dropFirst().dropLast()) : self
    }
}
