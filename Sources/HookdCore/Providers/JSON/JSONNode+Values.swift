/// Decoding a node's value on demand from the bytes it was scanned from.
extension JSONNode {
    /// The raw bytes of this value, exactly as received.
    public func bytes(in input: [UInt8]) -> [UInt8] {
        Array(input[range])
    }

    /// A string's decoded value (every escape and surrogate pair resolved); nil for other kinds or
    /// when `input` is not the document this node was scanned from.
    public func string(in input: [UInt8]) -> String? {
        guard kind == .string, range.upperBound <= input.count, range.count >= 2 else { return nil }
        return input.withUnsafeBufferPointer { buffer in
            JSONStringDecoder.decode(buffer, literal: range, hasEscapes: hasEscapes)
        }
    }

    /// A number's text as written (`-1.5e3`); nil for other kinds.
    public func numberText(in input: [UInt8]) -> String? {
        guard kind == .number, range.upperBound <= input.count else { return nil }
        return String(decoding: input[range], as: UTF8.self)
    }

    /// A number that is an integer in range (no fraction, no exponent); nil otherwise.
    public func integer(in input: [UInt8]) -> Int? {
        numberText(in: input).flatMap { Int($0) }
    }

    /// A number as the nearest `Double`; nil for other kinds.
    public func double(in input: [UInt8]) -> Double? {
        numberText(in: input).flatMap { Double($0) }
    }

    /// `true` or `false`; nil for other kinds.
    public func bool(in input: [UInt8]) -> Bool? {
        guard kind == .bool, range.lowerBound < input.count else { return nil }
        return input[range.lowerBound] == UInt8(ascii: "t")
    }

    /// A string's value or a number's text; nil for other kinds. This is how ids, `order_by` keys
    /// and the generic `*_from` fields read a scalar.
    public func text(in input: [UInt8]) -> String? {
        switch kind {
        case .string: string(in: input)
        case .number: numberText(in: input)
        default: nil
        }
    }
}
