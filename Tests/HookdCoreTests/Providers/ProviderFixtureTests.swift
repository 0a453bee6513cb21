import Foundation
import HookdCore
import Testing

extension ProviderTests {
    @Suite("Provider parsers read every shared example payload")
    struct ProviderFixtureTests {
        @Test("passage: Connection.Updated")
        func passage() throws {
            let fixture = ProviderFixtures.passage
            let parsed = try events("passage", fixture.bytes)
            #expect(parsed == [ParsedEvent(
                id: "evt_9b1f", type: "Connection.Updated", status: "data_available",
                timestamp: "2025-01-01T12:34:56.000Z", payload: fixture.bytes, dataPath: ["data"])])
        }

        @Test("passport and its alias fusionauth: user.create and user.delete", arguments: [
            ("passport", ProviderFixtures.fusionAuthUserCreate, "user.create"),
            ("fusionauth", ProviderFixtures.fusionAuthUserCreate, "user.create"),
            ("passport", ProviderFixtures.fusionAuthUserDelete, "user.delete"),
            ("fusionauth", ProviderFixtures.fusionAuthUserDelete, "user.delete"),
        ] as [(String, Fixture, String)])
        func passport(provider: String, fixture: Fixture, type: String) throws {
            let parsed = try events(provider, fixture.bytes)
            #expect(parsed == [ParsedEvent(
                id: "e502168a-b469-45d9-a079-fd45f83e0406", type: type, status: nil,
                timestamp: "2017-09-18T19:23:35.056Z", payload: fixture.bytes, dataPath: ["event"])])
        }

        @Test("ethpass: pass:expire, id is the SHA-256 of the raw body (sha256sum of the file)")
        func ethpass() throws {
            let fixture = ProviderFixtures.ethpass
            let parsed = try events("ethpass", fixture.bytes)
            #expect(parsed == [ParsedEvent(
                id: "58ed1fa1243241309818ee473e881e80193284297748ed7e83f158c4d4ba975b", type: "pass:expire",
                status: nil, timestamp: nil, payload: fixture.bytes, dataPath: ["result"])])
        }

        @Test("passfort: PRODUCT_STATUS_CHANGED, one object")
        func passFort() throws {
            let fixture = ProviderFixtures.passFort
            let parsed = try events("passfort", fixture.bytes)
            #expect(parsed == [ParsedEvent(
                id: "33bae6b8-5689-b96b-143c-06e93ab8527e", type: "PRODUCT_STATUS_CHANGED", status: "CANCELLED",
                timestamp: "2019-09-20T16:33:42.000Z", payload: fixture.bytes, dataPath: ["data"])])
            #expect(parsed.first?.value(atPath: "data.profile_id") == "a2c4393a-e219-67a4-5ab4-2186952e9038")
        }

        @Test("standard-webhooks: id from webhook-id, whatever the header's case")
        func standardWebhooks() throws {
            let fixture = ProviderFixtures.standardWebhooks
            let parsed = try events("standard-webhooks", fixture.bytes,
                                    headers: ["Webhook-Id": "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"])
            #expect(parsed == [ParsedEvent(
                id: "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", type: "example.event", status: nil,
                timestamp: "2022-11-03T20:26:10.344Z", payload: fixture.bytes, dataPath: ["data"])])
        }

        @Test("github: id and type from headers, status from action, data is the whole body")
        func github() throws {
            let body = #"{"action":"opened","issue":{"number":1},"repository":{"full_name":"o/r"}}"#
            let headers: HeaderFields = ["x-github-delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958",
                                         "X-GitHub-Event": "issues"]
            let parsed = try events("github", body, headers: headers)
            #expect(parsed == [ParsedEvent(
                id: "72d3162e-cc78-11e3-81ab-4c9367dc0958", type: "issues", status: "opened", timestamp: nil,
                payload: Array(body.utf8), dataPath: [])])
            let ping = try events("github", #"{"zen":"Keep it logically awesome.","hook_id":1}"#,
                                  headers: ["X-GitHub-Delivery": "d1", "X-GitHub-Event": "ping"])
            #expect(ping.first?.status == nil)
        }

        @Test("stripe: data is data.object, created is epoch seconds")
        func stripe() throws {
            let body = """
                {"id":"evt_1NG8Du2eZvKYlo2CUI79vXWy","object":"event","api_version":"2022-11-15","created":1700000000,
                 "data":{"object":{"id":"pi_1","object":"payment_intent","status":"succeeded"}},
                 "livemode":false,"pending_webhooks":1,"type":"payment_intent.succeeded"}
                """
            let parsed = try events("stripe", body)
            #expect(parsed == [ParsedEvent(
                id: "evt_1NG8Du2eZvKYlo2CUI79vXWy", type: "payment_intent.succeeded", status: "succeeded",
                timestamp: "2023-11-14T22:13:20.000Z", payload: Array(body.utf8), dataPath: ["data", "object"])])
        }

        @Test("fields the docs do not show are ignored; ids that are JSON numbers are their text")
        func tolerance() throws {
            let body = #"{"id":12345,"type":"Connection.Updated","extra":{"x":[1,2]},"data":{"status":7,"more":true}}"#
            let parsed = try #require(try events("passage", body).first)
            #expect(parsed.id == "12345")
            #expect(parsed.status == "7")
            #expect(parsed.timestamp == nil)
        }

        @Test("optional fields of an unexpected kind or form are left out, not refused")
        func optionalFieldsBestEffort() throws {
            let body = #"{"id":"e","type":"t","timestamp":"next tuesday","data":{"status":{"code":1}}}"#
            let parsed = try #require(try events("passage", body).first)
            #expect(parsed.status == nil)
            #expect(parsed.timestamp == nil)
        }

        @Test("a body with white space around the value is stored as received")
        func surroundingWhitespace() throws {
            let body = "\n  " + #"{"event":"pass:scan","result":{}}"# + "\n\n"
            let parsed = try #require(try events("ethpass", body).first)
            #expect(parsed.payload == Array(body.utf8))
            #expect(parsed.id == SHA256Digest.hex(Array(body.utf8)))
        }

        @Test("the embedded fixtures are the shared files, byte for byte",
              .enabled(if: FileManager.default.fileExists(atPath: sharedProvidersFolder.path)))
        func embeddedFixturesMatchTheSharedFiles() throws {
            for fixture in ProviderFixtures.all {
                let data = try Data(contentsOf: sharedProvidersFolder.appendingPathComponent(fixture.file))
                #expect(Array(data) == fixture.bytes, "\(fixture.file)")
            }
            let shared = try FileManager.default.contentsOfDirectory(atPath: sharedProvidersFolder.path)
                .filter { $0.hasSuffix(".json") }
            #expect(Set(shared) == Set(ProviderFixtures.all.map(\.file)), "a new shared fixture is not tested")
        }
    }
}
