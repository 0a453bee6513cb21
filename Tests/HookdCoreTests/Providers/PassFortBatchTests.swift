import HookdCore
import Testing

extension ProviderTests {
    @Suite("PassFort batches: one event per element, exact element bytes")
    struct PassFortBatchTests {
        /// Three elements written three different ways; the payloads must be these texts exactly.
        static let elements = [
            #"{"id":"a1","event":"PRODUCT_STATUS_CHANGED","secret":"s","timestamp":1568997222,"data":{"new_status":"APPROVED","profile_id":"p1"}}"#,
            "{\n    \"id\" : \"a2\",\n    \"event\" : \"CHECK_COMPLETED\",\n    \"secret\" : \"s\",\n    \"data\" : { \"profile_id\" : \"p1\" }\n  }",
            #"{"event":"RISK_LEVEL_CHANGED", "id":"a3","secret":"s","timestamp":"2019-09-20T18:33:42+02:00","data":{"new_status":null,"profile_id":"p2"},"unknown":[1,{"x":"\u00e9"}]}"#,
        ]

        static func batch(_ elements: [String]) -> [UInt8] {
            Array(("[\n  " + elements.joined(separator: " ,\n  ") + "\n]\n").utf8)
        }

        @Test("a batch of 3 gives 3 events in array order, each payload the element's exact bytes")
        func batchOfThree() throws {
            let parsed = try events("passfort", Self.batch(Self.elements))
            #expect(parsed.map(\.id) == ["a1", "a2", "a3"])
            #expect(parsed.map(\.type) == ["PRODUCT_STATUS_CHANGED", "CHECK_COMPLETED", "RISK_LEVEL_CHANGED"])
            #expect(parsed.map(\.status) == ["APPROVED", nil, nil])
            #expect(parsed.map(\.timestamp) == ["2019-09-20T16:33:42.000Z", nil, "2019-09-20T16:33:42.000Z"])
            #expect(parsed.map(\.payload) == Self.elements.map { Array($0.utf8) })
            #expect(parsed.allSatisfy { $0.dataPath == ["data"] })
            #expect(parsed.map { $0.value(atPath: "data.profile_id") } == ["p1", "p1", "p2"])
        }

        @Test("100 elements are accepted; 101 are refused")
        func batchLimit() throws {
            let element = { (index: Int) in #"{"id":"e\#(index)","event":"E"}"# }
            let hundred = try events("passfort", Self.batch((0..<100).map(element)))
            #expect(hundred.count == 100)
            #expect(hundred.last?.id == "e99")
            let error = failure("passfort", Self.batch((0..<101).map(element)))
            #expect(error == .batchTooLarge(count: 101, limit: 100))
            #expect(error?.errorCode == "invalid_payload")
        }

        @Test("an empty batch is refused")
        func emptyBatch() {
            #expect(failure("passfort", "[ ]") == .emptyBatch)
        }

        @Test("an element that is wrong names its index, and the whole batch is refused", arguments: [
            (#"[{"id":"a","event":"E"},{"event":"E"}]"#, ProviderError.inBatchElement(1, .missingField("id"))),
            (#"[7]"#, .inBatchElement(0, .wrongBodyType(expected: "a JSON object", found: .number))),
            (#"[{"id":"a","event":"E"},{"id":"b","event":["E"]}]"#,
             .inBatchElement(1, .wrongType(field: "event", expected: "a string", found: .array))),
        ] as [(String, ProviderError)])
        func wrongElement(body: String, expected: ProviderError) {
            #expect(failure("passfort", body) == expected)
        }

        @Test("a body that is neither object nor array is refused")
        func scalarBody() {
            #expect(failure("passfort", #""id""#) == .wrongBodyType(expected: "a JSON object or array", found: .string))
        }

        @Test("the body_field secret leaves each payload, every other byte unchanged")
        func secretRemoval() throws {
            let parsed = try events("passfort", Self.batch(Self.elements))
            let stripped = parsed.map { $0.removingPayloadMember(atPath: ["secret"]) }
            #expect(String(decoding: stripped[0].payload, as: UTF8.self)
                    == #"{"id":"a1","event":"PRODUCT_STATUS_CHANGED","timestamp":1568997222,"data":{"new_status":"APPROVED","profile_id":"p1"}}"#)
            #expect(String(decoding: stripped[1].payload, as: UTF8.self)
                    == "{\n    \"id\" : \"a2\",\n    \"event\" : \"CHECK_COMPLETED\",\n    \"data\" : { \"profile_id\" : \"p1\" }\n  }")
            #expect(stripped.allSatisfy { $0.value(atPath: "secret") == nil })
            #expect(stripped.map(\.id) == parsed.map(\.id))
            let untouched = parsed[0].removingPayloadMember(atPath: ["absent"])
            #expect(untouched == parsed[0])
        }
    }
}
