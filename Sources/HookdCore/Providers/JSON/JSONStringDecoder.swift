/// Decodes a JSON string literal that `JSONScanner` has already validated into a Swift `String`.
enum JSONStringDecoder {
    /// Decodes the literal at `literal` (quotes included). Defensive against bytes that were not
    /// scanned: a malformed escape becomes U+FFFD rather than a crash.
    static func decode(_ input: UnsafeBufferPointer<UInt8>, literal: Range<Int>, hasEscapes: Bool) -> String {
        let content = (literal.lowerBound + 1)..<max(literal.lowerBound + 1, literal.upperBound - 1)
        guard hasEscapes else {
            return String(decoding: UnsafeBufferPointer(rebasing: input[content]), as: UTF8.self)
        }
        var output: [UInt8] = []
        output.reserveCapacity(content.count)
        var index = content.lowerBound
        while index < content.upperBound {
            let byte = input[index]
            guard byte == ASCII.backslash, index + 1 < content.upperBound else {
                output.append(byte)
                index += 1
                continue
            }
            let escaped = input[index + 1]
            if escaped == UInt8(ascii: "u") {
                let (scalar, length) = unicodeEscape(input, at: index, end: content.upperBound)
                UTF8.encode(scalar) { output.append($0) }
                index += length
            } else {
                output.append(simpleEscape(escaped))
                index += 2
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func simpleEscape(_ escaped: UInt8) -> UInt8 {
        switch escaped {
        case UInt8(ascii: "b"): 0x08
        case UInt8(ascii: "f"): 0x0C
        case UInt8(ascii: "n"): 0x0A
        case UInt8(ascii: "r"): 0x0D
        case UInt8(ascii: "t"): 0x09
        default: escaped // '"', '\\', '/'
        }
    }

    /// The scalar of the `\u` escape at `index` (a surrogate pair counts as one) and its length in bytes.
    private static func unicodeEscape(_ input: UnsafeBufferPointer<UInt8>, at index: Int,
                                      end: Int) -> (Unicode.Scalar, Int) {
        let replacement = Unicode.Scalar(0xFFFD)!
        guard index + 6 <= end, let unit = hexQuad(input, at: index + 2) else { return (replacement, 2) }
        guard (0xD800...0xDBFF).contains(unit) else {
            return (Unicode.Scalar(unit) ?? replacement, 6)
        }
        guard index + 12 <= end, input[index + 6] == ASCII.backslash, input[index + 7] == UInt8(ascii: "u"),
              let low = hexQuad(input, at: index + 8), (0xDC00...0xDFFF).contains(low) else {
            return (replacement, 6)
        }
        let value = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
        return (Unicode.Scalar(value) ?? replacement, 12)
    }

    /// Four hex digits at `offset` as a UTF-16 code unit; nil when they are not there.
    static func hexQuad(_ input: UnsafeBufferPointer<UInt8>, at offset: Int) -> UInt32? {
        guard offset >= 0, offset + 4 <= input.count else { return nil }
        var value: UInt32 = 0
        for byte in input[offset..<(offset + 4)] {
            let digit: UInt8
            switch byte {
            case ASCII.zero...ASCII.nine: digit = byte - ASCII.zero
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }
}
