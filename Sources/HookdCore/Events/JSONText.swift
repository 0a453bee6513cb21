/// Writes JSON text by hand where the bytes must be exact: strings escaped per RFC 8259, raw JSON
/// elements (a payload as received) copied unchanged.
public enum JSONText {
    /// `value` as a JSON string literal, quotes included.
    public static func string(_ value: String) -> String {
        // Most strings (ids, header names and values) need no escape: one scan of the bytes, one copy.
        if !value.utf8.contains(where: needsEscape) {
            return "\"" + value + "\""
        }
        var out: [UInt8] = []
        append(value, to: &out)
        // Only ASCII bytes were replaced, so the bytes are as valid UTF-8 as `value` was.
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `value` as a JSON string literal, quotes included, to `out`.
    public static func append(_ value: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        func escape(_ byte: UInt8) {
            out.append(UInt8(ascii: "\\"))
            out.append(byte)
        }
        var value = value
        value.withUTF8 { utf8 in
            // Most strings need no escape: copied whole.
            if !utf8.contains(where: needsEscape) {
                out.append(contentsOf: utf8)
                return
            }
            for byte in utf8 {
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): escape(byte)
                case 0x0A: escape(UInt8(ascii: "n"))
                case 0x0D: escape(UInt8(ascii: "r"))
                case 0x09: escape(UInt8(ascii: "t"))
                case ..<0x20:
                    escape(UInt8(ascii: "u"))
                    out.append(UInt8(ascii: "0"))
                    out.append(UInt8(ascii: "0"))
                    out.append(hexDigits[Int(byte >> 4)])
                    out.append(hexDigits[Int(byte & 0x0F)])
                default: out.append(byte)
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Whether `byte` must be escaped inside a JSON string: a control character, a quote or a
    /// backslash (every other byte, UTF-8 included, is written as it is).
    public static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    /// Appends `value` as a JSON string literal, or `null`.
    public static func append(optional value: String?, to out: inout [UInt8]) {
        if let value { append(value, to: &out) } else { out += "null".utf8 }
    }

    /// `value` as a JSON string literal, or `null`.
    public static func optionalString(_ value: String?) -> String {
        value.map(string) ?? "null"
    }
}
