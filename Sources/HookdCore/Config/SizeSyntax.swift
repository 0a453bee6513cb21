/// Reads and writes byte sizes as `hookd.yaml` spells them: `512KiB`, `1MiB`, `1GiB`, or plain bytes.
public enum SizeSyntax {
    /// The units, largest first.
    private static let units: [(suffix: String, bytes: Int)] = [
        ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10), ("B", 1), ("", 1),
    ]

    /// The number of bytes `text` spells, or nil when it is not a whole number with an optional unit.
    public static func parse(_ text: String) -> Int? {
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        let suffix = text.dropFirst(digits.count)
        guard !digits.isEmpty, let count = Int(digits),
              let unit = units.first(where: { $0.suffix == suffix })
        else { return nil }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: unit.bytes)
        return overflow ? nil : bytes
    }

    /// `bytes` in the largest unit that expresses it exactly (`1MiB`, `1536KiB`, `100`).
    public static func format(_ bytes: Int) -> String {
        for unit in units where bytes != 0 && bytes % unit.bytes == 0 {
            return unit.bytes == 1 ? "\(bytes)" : "\(bytes / unit.bytes)\(unit.suffix)"
        }
        return "\(bytes)"
    }
}
