import HookdCore
import Testing

extension ProviderTests {
    @Suite("EventTimestamp: RFC 3339 UTC with milliseconds")
    struct EventTimestampTests {
        @Test("ISO text in any offset becomes UTC", arguments: [
            ("2025-01-01T12:34:56.000Z", "2025-01-01T12:34:56.000Z"),
            ("2025-01-01T14:34:56+02:00", "2025-01-01T12:34:56.000Z"),
            ("2025-01-01T00:30:00+01:00", "2024-12-31T23:30:00.000Z"),
            ("2024-02-29T23:59:59.999-00:30", "2024-03-01T00:29:59.999Z"),
            ("2022-10-27T21:57:38.520137+00:00", "2022-10-27T21:57:38.520Z"),
            ("2022-11-03T20:26:10.344522Z", "2022-11-03T20:26:10.344Z"),
            ("2022-11-03T20:26:10.9Z", "2022-11-03T20:26:10.900Z"),
            ("2025-01-01 12:34:56z", "2025-01-01T12:34:56.000Z"),
            ("2025-01-01t12:34:56+0530", "2025-01-01T07:04:56.000Z"),
            ("2025-01-01T12:34:56-05", "2025-01-01T17:34:56.000Z"),
            ("2025-01-01T12:34:56", "2025-01-01T12:34:56.000Z"),
            ("2025-01-01T12:34:56,5Z", "2025-01-01T12:34:56.500Z"),
        ] as [(String, String)])
        func isoText(text: String, expected: String) {
            #expect(EventTimestamp.normalized(text) == expected)
        }

        @Test("epoch seconds and milliseconds, told apart by magnitude", arguments: [
            ("1568997222", "2019-09-20T16:33:42.000Z"),
            ("1505762615056", "2017-09-18T19:23:35.056Z"),
            ("1568997222.5", "2019-09-20T16:33:42.500Z"),
            ("1568997222.123987", "2019-09-20T16:33:42.123Z"),
            ("0", "1970-01-01T00:00:00.000Z"),
            ("-1", "1969-12-31T23:59:59.000Z"),
            ("-0.5", "1969-12-31T23:59:59.500Z"),
            ("100000000000", "5138-11-16T09:46:40.000Z"),
            ("100000000001", "1973-03-03T09:46:40.001Z"),
            ("1.5e9", "2017-07-14T02:40:00.000Z"),
            ("1.5e12", "2017-07-14T02:40:00.000Z"),
        ] as [(String, String)])
        func epochNumbers(text: String, expected: String) throws {
            #expect(EventTimestamp.normalized(text) == expected)
            let asNumber = Array(text.utf8)
            #expect(EventTimestamp.normalized(try JSONScanner.scan(asNumber), in: asNumber) == expected)
            let asString = Array("\"\(text)\"".utf8)
            #expect(EventTimestamp.normalized(try JSONScanner.scan(asString), in: asString) == expected)
        }

        @Test("what is not a time gives nil", arguments: [
            "", "garbage", "2025-02-30T00:00:00Z", "2025-13-01T00:00:00Z", "2025-01-01T24:00:00Z",
            "2025-01-01T12:60:00Z", "2025-01-01T12:00:60Z", "2025-01-01", "2025-01-01T12:34:56.Z",
            "2025-01-01T12:34:56+25:00", "2025-01-01T12:34:56Z junk", "1e400", "0x10", "253402300800000",
            "0001-01-01T00:00:00+00:01",
        ])
        func unreadable(text: String) {
            #expect(EventTimestamp.normalized(text) == nil)
        }

        @Test("the limits of four-digit years")
        func yearLimits() {
            #expect(EventTimestamp.format(epochMilliseconds: 253_402_300_799_999) == "9999-12-31T23:59:59.999Z")
            #expect(EventTimestamp.format(epochMilliseconds: -62_135_596_800_000) == "0001-01-01T00:00:00.000Z")
            #expect(EventTimestamp.format(epochMilliseconds: 253_402_300_800_000) == nil)
        }

        @Test("booleans, objects and null are not times")
        func otherKinds() throws {
            for text in ["true", "{}", "null", "[1]"] {
                let bytes = Array(text.utf8)
                #expect(EventTimestamp.normalized(try JSONScanner.scan(bytes), in: bytes) == nil)
            }
        }
    }
}
