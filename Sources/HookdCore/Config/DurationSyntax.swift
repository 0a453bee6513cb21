/// Reads and writes durations as `hookd.yaml` and the command line spell them: `500ms`, `30s`, `5m`, `24h`, `30d`.
public enum DurationSyntax {
    /// The units, longest suffix first so that `ms` is not read as minutes.
    private static let units: [(suffix: String, milliseconds: Int)] = [
        ("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000),
    ]

    /// The duration `text` spells, or nil when it is not a whole number followed by a unit.
    public static func parse(_ text: String) -> Duration? {
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        let suffix = text.dropFirst(digits.count)
        guard !digits.isEmpty, let count = Int(digits),
              let unit = units.first(where: { $0.suffix == suffix })
        else { return nil }
        let (milliseconds, overflow) = count.multipliedReportingOverflow(by: unit.milliseconds)
        return overflow ? nil : .milliseconds(milliseconds)
    }

    /// `duration` in the largest unit that expresses it exactly (`90s`, `24h`, `1500ms`).
    public static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let milliseconds = seconds * 1_000 + attoseconds / 1_000_000_000_000_000
        for unit in units.reversed() where milliseconds % Int64(unit.milliseconds) == 0 && milliseconds != 0 {
            return "\(milliseconds / Int64(unit.milliseconds))\(unit.suffix)"
        }
        return "\(milliseconds)ms"
    }
}
