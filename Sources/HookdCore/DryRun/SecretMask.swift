/// Replaces secret values with `***` in text shown to people (dry-run output, logs, stored outcomes).
public struct SecretMask: Sendable {
    /// Values shorter than this are not masked: masking a one-letter "secret" would mangle every
    /// line, and no real credential is that short.
    public static let minimumLength = 4

    /// Longest first, so that a secret containing another is masked whole.
    private let values: [String]

    public init<S: Sequence>(secrets: S) where S.Element == String {
        values = Set(secrets.filter { $0.count >= Self.minimumLength }).sorted { $0.count > $1.count }
    }

    public static let none = SecretMask(secrets: [])

    public func callAsFunction(_ text: String) -> String {
        var text = text
        // Searched byte-wise: this runs for every logged run, and Foundation's `contains` goes
        // through CFString.
        for value in values where text.utf8.firstRange(of: value.utf8) != nil {
            text = text.replacing(value, with: "***")
        }
        return text
    }

    public func callAsFunction(_ text: String?) -> String? {
        text.map { self($0) }
    }
}
