import HookdCore
import Testing

extension ProviderTests {
    @Suite("Provider parsers refuse what their provider never sends")
    struct ProviderErrorTests {
        @Test("each required field missing gives its own error", arguments: [
            ("passage", #"{"type":"t","data":{}}"#, ProviderError.missingField("id")),
            ("passage", #"{"id":"e","data":{}}"#, .missingField("type")),
            ("passage", #"{"id":"e","type":"t"}"#, .missingField("data")),
            ("passage", #"{"id":null,"type":"t","data":{}}"#, .missingField("id")),
            ("passport", #"{}"#, .missingField("event.id")),
            ("passport", #"{"event":{"id":"e"}}"#, .missingField("event.type")),
            ("fusionauth", #"{"event":{"type":"user.create"}}"#, .missingField("event.id")),
            ("ethpass", #"{"result":{}}"#, .missingField("event")),
            ("ethpass", #"{"event":"pass:scan"}"#, .missingField("result")),
            ("passfort", #"{"event":"E","data":{}}"#, .missingField("id")),
            ("passfort", #"{"id":"e","data":{}}"#, .missingField("event")),
            ("standard-webhooks", #"{"data":{}}"#, .missingField("type")),
            ("stripe", #"{"type":"t","data":{"object":{}}}"#, .missingField("id")),
            ("stripe", #"{"id":"e","data":{"object":{}}}"#, .missingField("type")),
            ("stripe", #"{"id":"e","type":"t","data":{}}"#, .missingField("data.object")),
            ("stripe", #"{"id":"e","type":"t"}"#, .missingField("data.object")),
        ] as [(String, String, ProviderError)])
        func missingFields(provider: String, body: String, expected: ProviderError) {
            let error = failure(provider, body, headers: ["webhook-id": "msg_1"])
            #expect(error == expected)
            #expect(error?.errorCode == "invalid_payload")
        }

        @Test("required headers", arguments: [
            ("standard-webhooks", [:], "webhook-id"),
            ("standard-webhooks", ["webhook-id": "  "], "webhook-id"),
            ("github", ["X-GitHub-Event": "push"], "X-GitHub-Delivery"),
            ("github", ["X-GitHub-Delivery": "d"], "X-GitHub-Event"),
        ] as [(String, HeaderFields, String)])
        func missingHeaders(provider: String, headers: HeaderFields, name: String) {
            let error = failure(provider, #"{"type":"t"}"#, headers: headers)
            #expect(error == .missingHeader(name))
            #expect(error?.message == "missing header \(name)")
        }

        @Test("fields of the wrong kind", arguments: [
            ("passage", #"{"id":{},"type":"t","data":{}}"#,
             ProviderError.wrongType(field: "id", expected: "a string or a number", found: .object)),
            ("passage", #"{"id":"e","type":3,"data":{}}"#, .wrongType(field: "type", expected: "a string", found: .number)),
            ("passage", #"{"id":"e","type":"t","data":[]}"#, .wrongType(field: "data", expected: "an object", found: .array)),
            ("passport", #"{"event":"x"}"#, .wrongType(field: "event", expected: "an object", found: .string)),
            ("ethpass", #"{"event":"e","result":"r"}"#, .wrongType(field: "result", expected: "an object", found: .string)),
            ("stripe", #"{"id":"e","type":"t","data":"x"}"#, .wrongType(field: "data", expected: "an object", found: .string)),
            ("passage", #"{"id":"","type":"t","data":{}}"#, .emptyField("id")),
            ("passfort", #"{"id":"e","event":""}"#, .emptyField("event")),
        ] as [(String, String, ProviderError)])
        func wrongTypes(provider: String, body: String, expected: ProviderError) {
            #expect(failure(provider, body) == expected)
        }

        @Test("JSON of the wrong shape is invalid_payload", arguments: [
            "passage", "passport", "ethpass", "standard-webhooks", "github", "stripe",
        ])
        func wrongShape(provider: String) {
            let error = failure(provider, #"[{"id":"e"}]"#, headers: ["webhook-id": "m", "X-GitHub-Delivery": "d", "X-GitHub-Event": "e"])
            #expect(error == .wrongBodyType(expected: "a JSON object", found: .array))
            #expect(error?.errorCode == "invalid_payload")
            #expect(error?.message == "expected a JSON object, found an array")
        }

        @Test("bodies that are not JSON are invalid_json, for every provider", arguments: Provider.names)
        func notJSON(provider: String) throws {
            let generic = GenericFieldPaths(typeFrom: .path(["type"]))
            let bodies: [[UInt8]] = [
                Array("not json".utf8), [], Array(#"{"id":"e"} trailing"#.utf8),
                [0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D], nestedArrays(200),
            ]
            for body in bodies {
                let error = try #require(failure(provider, body, generic: generic))
                guard case .invalidJSON = error else {
                    Issue.record("expected invalid_json, got \(error)")
                    continue
                }
                #expect(error.errorCode == "invalid_json")
                #expect(error.message.hasPrefix("invalid JSON at byte "))
            }
        }

        @Test("a body may nest 127 deep: the rule runtime reads it inside the event object, 128 deep")
        func bodyDepth() throws {
            let generic = GenericFieldPaths(typeFrom: .header("X-Type"))
            let headers: HeaderFields = ["X-Type": "t"]
            #expect(try events("generic", nestedArrays(127), headers: headers, generic: generic).count == 1)
            let error = failure("generic", nestedArrays(128), headers: headers, generic: generic)
            #expect(error?.message == "invalid JSON at byte 127: nesting deeper than 127 levels")
        }

        @Test("messages read as the rejection reasons of SPEC §7")
        func messages() {
            #expect(ProviderError.missingField("id").message == "missing field id")
            #expect(ProviderError.invalidJSON(JSONSyntaxError(offset: 0, reason: "empty input")).message
                    == "invalid JSON at byte 0: empty input")
            #expect(ProviderError.wrongType(field: "data", expected: "an object", found: .array).message
                    == "field data must be an object, not an array")
            #expect(ProviderError.batchTooLarge(count: 101, limit: 100).message == "batch of 101 events, more than 100")
            #expect(ProviderError.inBatchElement(2, .missingField("id")).message == "batch element [2]: missing field id")
            #expect(ProviderError.inBatchElement(0, .emptyBatch).errorCode == "invalid_payload")
            #expect(ProviderError.emptyBatch.description == "empty batch")
        }
    }
}
