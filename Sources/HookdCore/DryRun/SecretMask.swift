import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Replaces secret values with `***` in text shown to people (dry-run output, logs, stored outcomes).
public struct SecretMask: Sendable {
    /// Values shorter than this are not masked: masking a one-letter "secret" would mangle every
    /// line, and no real credential is that short.
    public static let minimumLength = 4

    /// Longest first, so that a secret containing another is masked whole; each with its UTF-8.
    private let values: [(text: String, utf8: [UInt8])]

    public init<S: Sequence>(secrets: S) where S.Element == String {
        values = Set(secrets.filter { $0.count >= Self.minimumLength })
            .sorted { $0.count > $1.count || ($0.count == $1.count && $0 < $1) }
            .map { ($0, Array($0.utf8)) }
    }

    public static let none = SecretMask(secrets: [])

    public func callAsFunction(_ text: String) -> String {
        guard !values.isEmpty else { return text }
        var text = text
        // Every logged run masks its event id, so the common answer (no secret in it) must be
        // cheap: a memmem over the bytes, not the standard library's generic `firstRange(of:)`,
        // which in `make bench-runs` took a tenth of the Lua workers' time.
        for value in values where Self.contains(&text, value.utf8) {
            text = text.replacing(value.text, with: "***")
        }
        return text
    }

    public func callAsFunction(_ text: String?) -> String? {
        text.map { self($0) }
    }

    /// Whether `text`'s UTF-8 contains `pattern` (not empty): memchr for its first byte, memcmp for
    /// the rest (Glibc's module does not export the GNU memmem).
    private static func contains(_ text: inout String, _ pattern: [UInt8]) -> Bool {
        text.withUTF8 { haystack in
            guard haystack.count >= pattern.count, let base = haystack.baseAddress else { return false }
            return pattern.withUnsafeBufferPointer { needle in
                let last = haystack.count - needle.count
                var offset = 0
                while offset <= last {
                    guard let found = memchr(base + offset, Int32(needle[0]), last - offset + 1) else { return false }
                    let at = UnsafeRawPointer(found)
                    if memcmp(at, needle.baseAddress!, needle.count) == 0 { return true }
                    offset = at - UnsafeRawPointer(base) + 1
                }
                return false
            }
        }
    }
}
