import HookdCore
import Testing

extension ProviderTests {
    @Suite("generic: fields from configured paths and headers")
    struct GenericParserTests {
        @Test("paths for every field")
        func paths() throws {
            let generic = try #require(GenericFieldPaths(
                idFrom: "meta.uuid", typeFrom: "meta.kind", statusFrom: "body.state",
                timestampFrom: "meta.at", dataFrom: "body"))
            let body = #"{"meta":{"uuid":"u1","kind":"order.paid","at":1700000000000},"body":{"state":"paid"}}"#
            let parsed = try events("generic", body, generic: generic)
            #expect(parsed == [ParsedEvent(
                id: "u1", type: "order.paid", status: "paid", timestamp: "2023-11-14T22:13:20.000Z",
                payload: Array(body.utf8), dataPath: ["body"])])
        }

        @Test("id from a header, type from a header (Shopify's topic), data the whole body")
        func headers() throws {
            let generic = try #require(GenericFieldPaths(idFrom: "header:X-Shopify-Webhook-Id",
                                                         typeFrom: "header:X-Shopify-Topic"))
            let body = #"[{"any":"shape"}]"#
            let parsed = try events("generic", body, headers: ["x-shopify-webhook-id": "w1", "x-shopify-topic": "orders/create"],
                                    generic: generic)
            #expect(parsed.map(\.id) == ["w1"])
            #expect(parsed.map(\.type) == ["orders/create"])
            #expect(parsed.map(\.dataPath) == [[]])
        }

        @Test("no id_from: the id is the SHA-256 of the body")
        func bodyHash() throws {
            let generic = GenericFieldPaths(typeFrom: .path(["type"]))
            let body = #"{"type":"ping"}"#
            let parsed = try events("generic", body, generic: generic)
            // printf '%s' '{"type":"ping"}' | sha256sum
            #expect(parsed.first?.id == "cdeb977b07509618335ceaa57b4b76fe3ec9c72f50102f74dcfbab92228ec6fb")
        }

        @Test("configured fields must be there")
        func required() throws {
            let generic = try #require(GenericFieldPaths(idFrom: "id", typeFrom: "type", dataFrom: "payload"))
            #expect(failure("generic", #"{"type":"t","payload":{}}"#, generic: generic) == .missingField("id"))
            #expect(failure("generic", #"{"id":"i","payload":{}}"#, generic: generic) == .missingField("type"))
            #expect(failure("generic", #"{"id":"i","type":"t"}"#, generic: generic) == .missingField("payload"))
            #expect(failure("generic", #"["x"]"#, generic: generic) == .wrongBodyType(expected: "a JSON object", found: .array))
        }

        @Test("config text: paths and header: sources; malformed text is refused")
        func configText() {
            #expect(FieldSource("data.profile_id") == .path(["data", "profile_id"]))
            #expect(FieldSource("header:X-Id") == .header("X-Id"))
            #expect(FieldSource("header:X-Id")?.description == "header:X-Id")
            #expect(FieldSource("a..b") == nil)
            #expect(FieldSource("") == nil)
            #expect(FieldSource("header:") == nil)
            #expect(GenericFieldPaths(idFrom: nil, typeFrom: "type", dataFrom: "header:X") == nil)
            #expect(GenericFieldPaths(idFrom: ".x", typeFrom: "type") == nil)
            #expect(GenericFieldPaths(idFrom: nil, typeFrom: "type")?.idFrom == nil)
        }
    }

    @Suite("Provider registry and headers")
    struct ProviderRegistryTests {
        @Test("every documented name has a parser; unknown names and generic without paths do not")
        func names() {
            for name in Provider.names where name != "generic" {
                #expect(Provider.parser(named: name) != nil, "\(name)")
            }
            #expect(Provider.parser(named: "generic") == nil)
            #expect(Provider.parser(named: "generic", generic: GenericFieldPaths(typeFrom: .path(["t"]))) != nil)
            #expect(Provider.parser(named: "shopify") == nil)
            #expect(Provider.parser(named: "Passage") == nil)
        }

        @Test("header lookup ignores case and returns the first of repeated fields")
        func headerLookup() {
            let headers = HeaderFields([(name: "X-GitHub-Event", value: "push"), (name: "x-github-event", value: "other")])
            #expect(headers.value(forName: "x-github-event") == "push")
            #expect(headers.value(forName: "X-GITHUB-EVENT") == "push")
            #expect(headers.value(forName: "X-GitHub-Delivery") == nil)
        }
    }
}

extension ProviderTests {
    @Suite("Provider parsers from hookd.yaml sources")
    struct ProviderConfigTests {
        @Test("every provider kind of the config has a parser; generic takes the source's *_from keys")
        func everyKind() throws {
            for kind in ProviderKind.allCases where kind != .generic {
                #expect(Provider.parser(named: kind.rawValue) != nil, "\(kind)")
            }
            let fields = GenericFields(id: .header("X-Id"), type: try #require(FieldPath("meta.kind")),
                                       status: FieldPath("state"), timestamp: FieldPath("at"), data: FieldPath("body"))
            let paths = GenericFieldPaths(fields)
            #expect(paths == GenericFieldPaths(idFrom: .header("X-Id"), typeFrom: .path(["meta", "kind"]),
                                               statusFrom: .path(["state"]), timestampFrom: .path(["at"]),
                                               dataFrom: ["body"]))
            let source = SourceConfig(name: "g", path: "/g", provider: .generic, auth: .unauthenticated, genericFields: fields)
            let parser = try #require(Provider.parser(for: source))
            let parsed = try parser.parse(body: Array(#"{"meta":{"kind":"k"},"state":"s","at":0,"body":{}}"#.utf8),
                                          headers: ["X-Id": "i"] as HeaderFields)
            #expect(parsed.map(\.id) == ["i"])
            #expect(parsed.map(\.type) == ["k"])
            #expect(parsed.map(\.timestamp) == ["1970-01-01T00:00:00.000Z"])
        }
    }
}
