import Foundation
import HookdCore
import Testing

@Suite("event times")
struct EventTimeTests {
    /// The expected texts were computed with Python's datetime (proleptic Gregorian, UTC), not with
    /// the code under test.
    @Test("times are written as RFC 3339 UTC with milliseconds, every field zero-padded", arguments: [
        (1_795_000_000.123, "2026-11-18T11:06:40.123Z"),
        (0, "1970-01-01T00:00:00.000Z"),
        (-62_135_596_800, "0001-01-01T00:00:00.000Z"),
        (253_402_300_799.999, "9999-12-31T23:59:59.999Z"),
        (951_782_400.007, "2000-02-29T00:00:00.007Z"),
    ])
    func text(seconds: Double, expected: String) {
        #expect(EventTime.text(Date(timeIntervalSince1970: seconds)) == expected)
    }
}
