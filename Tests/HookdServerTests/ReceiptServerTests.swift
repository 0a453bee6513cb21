import AsyncHTTPClient
import NIOCore
import Foundation
import HookdCore
import HookdServer
import HookdSQLite
import Logging
import Testing

/// The webhook listener over real HTTP on 127.0.0.1: signed examples stored, duplicates, every bad
/// input of SPEC §3 answered exactly, and the daemon still serving after.
@Suite("Receipt over HTTP", .serialized)
struct ReceiptServerTests {
    @Test("every seed provider's example, signed as the provider would, is accepted and stored")
    func examplesAccepted() async throws {
        let daemon = try await TestDaemon()
        defer { Task { await daemon.stop() } }
        let cases: [(String, String, String, String?)] = [
            ("passage", "passage/data_available.json", "Connection.Updated", "data_available"),
            ("passport", "passport/user_delete.json", "user.delete", nil),
            ("ethpass", "ethpass/pass_expire.json", "pass:expire", nil),
            ("passfort", "passfort/product_status_changed.json", "PRODUCT_STATUS_CHANGED", "CANCELLED"),
        ]
        for (source, fixture, type, status) in cases {
            let body = try TestDaemon.example(fixture)
            let answer = try await daemon.sendSigned(source, body: body)
            #expect(answer.status == 200, "\(source): \(answer.body)")
            let json = try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: [String]]
            let id = try #require(json?["accepted"]?.first, "\(answer.body)")
            #expect(json?["duplicates"] == [])
            let stored = try #require(try await daemon.store.event(id: id, source: source).event)
            #expect(stored.type == type && stored.status == status, "\(source)")
            if source == "passfort" {
                // The body field's secret is not kept, in the payload or in the raw request.
                #expect(!String(decoding: stored.request.body, as: UTF8.self).contains("yourSecret"))
                #expect(!String(decoding: stored.payload, as: UTF8.self).contains("yourSecret"))
            } else {
                #expect(stored.request.body == body, "\(source)")
            }
        }
        let passage = try #require(try await daemon.store.event(id: "evt_9b1f", source: "passage").event)
        #expect(passage.request.headers.contains { $0.name.lowercased() == "x-passage-signature" && $0.value == "***" })
    }

    @Test("the other schemes and providers, signed as their providers would, are accepted; a tampered body is not")
    func otherProviders() async throws {
        let daemon = try await TestDaemon(yaml: TestDaemon.yaml(extraSources: TestDaemon.otherProviderSources),
                                          environment: TestDaemon.environment.merging(TestDaemon.otherProviderSecrets) { $1 })
        defer { Task { await daemon.stop() } }
        let sharedExample = try Data(contentsOf: TestDaemon.root.appendingPathComponent("../shared/providers/standard_webhooks_example_event.json"))
        let cases: [(String, [UInt8], [(String, String)], String, String?)] = [
            ("sw", Array(sharedExample), [], "example.event", nil),
            ("gh", Array(#"{"action": "opened", "number": 7}"#.utf8), [("X-GitHub-Event", "pull_request"), ("X-GitHub-Delivery", "72d3162e-cc78-11e3")],
             "pull_request", "opened"),
            ("stripe", Array(#"{"id": "evt_1Stripe", "type": "payment_intent.succeeded", "created": 1700000000, "data": {"object": {"status": "succeeded"}}}"#.utf8),
             [], "payment_intent.succeeded", "succeeded"),
            ("shop", Array(#"{"id": 820982911946154500, "kind": "orders/create"}"#.utf8), [("X-Shopify-Webhook-Id", "b54557e4")],
             "orders/create", nil),
            ("slack", Array(#"{"event_id": "Ev08MFMKH6", "event": {"type": "app_mention"}}"#.utf8), [], "app_mention", nil),
            ("signed", Array(#"{"id": "sig-1", "type": "thing.made"}"#.utf8), [], "thing.made", nil),
            ("basic", Array(#"{"id": "basic-1", "type": "thing.made"}"#.utf8), [], "thing.made", nil),
        ]
        for (source, body, headers, type, status) in cases {
            let answer = try await daemon.sendSigned(source, body: body, headers: headers)
            #expect(answer.status == 200, "\(source): \(answer.body)")
            let json = try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: [String]]
            let id = try #require(json?["accepted"]?.first, "\(source): \(answer.body)")
            let stored = try #require(try await daemon.store.event(id: id, source: source).event)
            #expect(stored.type == type && stored.status == status, "\(source): \(stored.type) \(stored.status ?? "nil")")
        }
        // The same signatures over a changed body are refused.
        for (source, body, headers, _, _) in cases where source != "basic" {
            let sourceConfig = daemon.config.source(named: source)!
            let secrets = SecretResolver(environment: TestDaemon.otherProviderSecrets).resolve(daemon.config, for: .checking)
            let signed = try await RequestSigner.load(source: source, auth: sourceConfig.auth, secrets: secrets.sourceSecrets[source] ?? []).sign(body)
            var tampered = signed.body
            tampered[tampered.count - 2] = UInt8(ascii: " ")
            let answer = try await daemon.send(sourceConfig.path, body: tampered, headers: signed.headers + headers)
            #expect(answer.status == 401, "\(source): \(answer.body)")
        }
    }

    @Test("the 200 body is SPEC's JSON; a redelivery is listed in duplicates")
    func duplicate() async throws {
        let daemon = try await TestDaemon()
        defer { Task { await daemon.stop() } }
        let body = try TestDaemon.example("passport/user_delete.json")
        let first = try await daemon.sendSigned("passport", body: body)
        #expect(first.status == 200)
        #expect(first.body == #"{"accepted": ["e502168a-b469-45d9-a079-fd45f83e0406"], "duplicates": []}"#)
        let second = try await daemon.sendSigned("passport", body: body)
        #expect(second.body == #"{"accepted": [], "duplicates": ["e502168a-b469-45d9-a079-fd45f83e0406"]}"#)
    }

    @Test("20 concurrent deliveries of one id store one event")
    func concurrentDuplicates() async throws {
        let daemon = try await TestDaemon()
        defer { Task { await daemon.stop() } }
        let body = try TestDaemon.example("passport/user_delete.json")
        let answers = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<20 { group.addTask { try await daemon.sendSigned("passport", body: body).body } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(answers.filter { $0.contains(#""accepted": ["e502"#) }.count == 1, "\(answers)")
        #expect(answers.filter { $0.contains(#""duplicates": ["e502"#) }.count == 19)
        let listed = try await daemon.store.events(matching: EventFilter(source: "passport"))
        #expect(listed.count == 1)
    }

    @Test("a PassFort batch of 3 gives 3 events; the body secret is not stored in their payloads")
    func passfortBatch() async throws {
        let daemon = try await TestDaemon()
        defer { Task { await daemon.stop() } }
        let answer = try await daemon.sendSigned("passfort", body: try TestDaemon.example("passfort/batch_of_3.json"))
        #expect(answer.status == 200, "\(answer.body)")
        let json = try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: [String]]
        #expect(json?["accepted"]?.count == 3)
        let event = try #require(try await daemon.store.event(id: "33bae6b8-5689-b96b-143c-06e93ab85201", source: "passfort").event)
        #expect(!String(decoding: event.payload, as: UTF8.self).contains("yourSecret"))
        #expect(event.orderKey == "5b1e0c1a-0d3f-4c55-9d7e-3f0b8f0b6a11")
    }

    @Test("every bad input gets its status and body, and the daemon still serves after")
    func badInputs() async throws {
        let daemon = try await TestDaemon(yaml: TestDaemon.yaml(maxBody: "4KiB"))
        defer { Task { await daemon.stop() } }
        let key = [("Authorization", "dev-passport-key")]
        let path = "/webhooks/passport"
        // Fixed bodies are compared whole; the 400s and the 200 by their start (their message or ids vary).
        func expect(_ answer: (status: Int, body: String), _ status: Int, _ body: String, sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(answer.status == status, "\(answer.body)", sourceLocation: sourceLocation)
            if body.hasSuffix("}") {
                #expect(answer.body == body, sourceLocation: sourceLocation)
            } else {
                #expect(answer.body.hasPrefix(body), "\(answer.body)", sourceLocation: sourceLocation)
            }
        }
        expect(try await daemon.send(path, body: Array("not json".utf8), headers: key), 400, #"{"error": "invalid_json""#)
        expect(try await daemon.send(path, body: Array(#"{"event": {"type": "user.delete"}}"#.utf8), headers: key), 400,
               #"{"error": "invalid_payload", "message": "missing field event.id"}"#)
        expect(try await daemon.send(path, body: [], headers: key), 400, #"{"error": "invalid_json""#)
        expect(try await daemon.send(path, body: Array((String(repeating: "[", count: 200) + String(repeating: "]", count: 200)).utf8), headers: key),
               400, #"{"error": "invalid_json""#)
        expect(try await daemon.send(path, body: [0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D], headers: key), 400, #"{"error": "invalid_json""#)
        expect(try await daemon.send(path, body: try TestDaemon.example("passport/user_delete.json"), headers: [("Authorization", "wrong")]),
               401, #"{"error": "unauthorized"}"#)
        expect(try await daemon.send(path, body: try TestDaemon.example("passport/user_delete.json")), 401, #"{"error": "unauthorized"}"#)
        expect(try await daemon.send(path, body: Array(repeating: 0x20, count: 5000), headers: key), 413, #"{"error": "payload_too_large"}"#)
        expect(try await daemon.send(path, body: [], method: "GET"), 405, #"{"error": "method_not_allowed"}"#)
        expect(try await daemon.send("/nowhere", body: [], headers: key), 404, #"{"error": "not_found"}"#)
        // A query string does not change the path a source is served on.
        expect(try await daemon.send(path + "?from=test", body: try TestDaemon.example("passport/user_create.json"), headers: key), 200, #"{"accepted": ["#)
        // A body of exactly max_body is accepted (padded with JSON whitespace).
        var exact = try TestDaemon.example("passport/user_delete.json")
        exact += Array(repeating: 0x20, count: 4096 - exact.count)
        expect(try await daemon.send(path, body: exact, headers: key), 200, #"{"accepted": ["#)
        let reasons = daemon.daemon.receipt.rejections.recent.map(\.reason)
        #expect(reasons.contains("missing field event.id"), "\(reasons)")
        #expect(reasons.contains { $0.hasPrefix("secret mismatch") }, "\(reasons)")
        #expect(reasons.contains { $0.hasPrefix("missing header") }, "\(reasons)")
        #expect(reasons.contains { $0.contains("over max_body 4096") }, "\(reasons)")
    }
}

@Suite("Receipt limits over HTTP", .serialized)
struct ReceiptLimitTests {
    /// A source that only 10.0.0.0/8 may post to; the tests connect from 127.0.0.1.
    static let guardedSource = """
          - name: guarded
            path: /webhooks/guarded
            provider: passport
            auth: { scheme: header, header: Authorization, secret_env: PASSPORT_API_KEY }
            allow_ips: [10.0.0.0/8]
        """

    @Test("an oversize body without Content-Length (chunked) is refused with 413 while it is read")
    func chunkedOversize() async throws {
        let daemon = try await TestDaemon(yaml: TestDaemon.yaml(maxBody: "4KiB"))
        defer { Task { await daemon.stop() } }
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(daemon.port)/webhooks/passport")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "dev-passport-key")
        let chunks = (0..<8).map { _ in ByteBuffer(repeating: 0x20, count: 1024) }
        let stream = AsyncStream<ByteBuffer> { continuation in
            for chunk in chunks { continuation.yield(chunk) }
            continuation.finish()
        }
        request.body = .stream(stream, length: .unknown)
        let response = try await daemon.client.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        #expect(response.status.code == 413)
        #expect(String(buffer: body) == #"{"error": "payload_too_large"}"#)
        #expect(try await daemon.sendSigned("passport", body: try TestDaemon.example("passport/user_delete.json")).status == 200)
    }

    @Test("a client outside allow_ips gets 403 before its body is read")
    func allowIPs() async throws {
        let daemon = try await TestDaemon(yaml: TestDaemon.yaml(extraSources: Self.guardedSource))
        defer { Task { await daemon.stop() } }
        let answer = try await daemon.send("/webhooks/guarded", body: try TestDaemon.example("passport/user_delete.json"),
                                           headers: [("Authorization", "dev-passport-key")])
        #expect(answer.status == 403)
        #expect(answer.body == #"{"error": "forbidden"}"#)
        #expect(daemon.daemon.receipt.rejections.recent.first?.reason == "client 127.0.0.1 not in allow_ips")
    }

    @Test("a store that cannot write answers 503, never 200, and nothing is acknowledged")
    func readOnlyStore() async throws {
        let daemon = try await TestDaemon(storeOptions: SQLiteStoreOptions(access: .readOnly))
        defer { Task { await daemon.stop() } }
        let answer = try await daemon.sendSigned("passport", body: try TestDaemon.example("passport/user_delete.json"))
        #expect(answer.status == 503)
        #expect(answer.body == #"{"error": "unavailable"}"#)
    }

    @Test("a full store (max size reached) answers 503")
    func fullStore() async throws {
        let daemon = try await TestDaemon(storeOptions: SQLiteStoreOptions(maximumSize: 96 * 1024))
        defer { Task { await daemon.stop() } }
        var statuses: Set<Int> = []
        let big = try TestDaemon.example("passfort/batch_of_3.json")
        for n in 0..<200 {
            let body = String(decoding: big, as: UTF8.self).replacingOccurrences(of: "33bae6b8-5689-b96b-143c-06e93ab852", with: "full-\(n)-")
            statuses.insert(try await daemon.sendSigned("passfort", body: Array(body.utf8)).status)
            if statuses.contains(503) { break }
        }
        #expect(statuses.contains(503), "\(statuses)")
        #expect(statuses.isSubset(of: [200, 503]))
    }

    @Test("refusals that need no body come before it: 403 and 413 at once for a body never sent")
    func refusedBeforeTheBody() async throws {
        let daemon = try await TestDaemon(yaml: TestDaemon.yaml(maxBody: "4KiB", extraSources: Self.guardedSource))
        defer { Task { await daemon.stop() } }
        let forbidden = try await daemon.raw("POST /webhooks/guarded HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n")
        #expect(forbidden.answer.hasPrefix("HTTP/1.1 403"), "\(forbidden.answer)")
        #expect(forbidden.answer.hasSuffix(#"{"error": "forbidden"}"#), "\(forbidden.answer)")
        #expect(forbidden.elapsed >= 0 && forbidden.elapsed < 2, "\(forbidden.elapsed)")
        let tooLarge = try await daemon.raw("POST /webhooks/passport HTTP/1.1\r\nHost: x\r\nAuthorization: dev-passport-key\r\nContent-Length: 5000\r\n\r\n")
        #expect(tooLarge.answer.hasPrefix("HTTP/1.1 413"), "\(tooLarge.answer)")
        #expect(tooLarge.answer.lowercased().contains("connection: close"), "\(tooLarge.answer)")
        #expect(tooLarge.elapsed >= 0 && tooLarge.elapsed < 2, "\(tooLarge.elapsed)")
    }

    @Test("a client that does not send its whole body gets 408 at the read deadline, and the daemon serves on")
    func readDeadline() async throws {
        let daemon = try await TestDaemon(readDeadline: .milliseconds(500))
        defer { Task { await daemon.stop() } }
        let slow = try await daemon.raw("POST /webhooks/passport HTTP/1.1\r\nHost: x\r\nAuthorization: dev-passport-key\r\nContent-Length: 100\r\n\r\n{\"ev", seconds: 5)
        #expect(slow.answer.hasPrefix("HTTP/1.1 408"), "\(slow.answer)")
        #expect(slow.answer.hasSuffix(#"{"error": "request_timeout"}"#), "\(slow.answer)")
        #expect(slow.elapsed >= 0.4 && slow.elapsed < 3, "\(slow.elapsed)")
        #expect(try await daemon.sendSigned("passport", body: try TestDaemon.example("passport/user_delete.json")).status == 200)
    }

    @Test("HTTP details: Expect: 100-continue gets 100 Continue, a query string is not part of the path, Connection: close is honoured")
    func httpDetails() async throws {
        let daemon = try await TestDaemon()
        defer { Task { await daemon.stop() } }
        let body = String(decoding: try TestDaemon.example("passport/user_delete.json"), as: UTF8.self)
        let head = "Host: x\r\nAuthorization: dev-passport-key\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n"
        let expecting = try await daemon.raw("POST /webhooks/passport?attempt=1 HTTP/1.1\r\n\(head)Expect: 100-continue\r\n\r\n\(body)")
        #expect(expecting.answer.hasPrefix("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200"), "\(expecting.answer)")
        #expect(expecting.answer.contains(#""accepted": ["#), "\(expecting.answer)")
        let closing = try await daemon.raw("POST /webhooks/passport HTTP/1.1\r\n\(head)Connection: close\r\n\r\n\(body)")
        #expect(closing.answer.hasPrefix("HTTP/1.1 200"), "\(closing.answer)")
        #expect(closing.answer.lowercased().contains("connection: close"), "\(closing.answer)")
        #expect(closing.answer.contains(#""duplicates": ["#), "\(closing.answer)")
    }

    @Test("pipelined requests are answered in order, each once its own is done; the last one's Connection: close is honoured")
    func pipelining() async throws {
        let daemon = try await TestDaemon()
        defer { Task { await daemon.stop() } }
        var requests = ""
        for (index, id) in ["evt_pipe_1", "evt_pipe_2", "evt_pipe_1", "evt_pipe_3"].enumerated() {
            let body = #"{"event": {"id": "\#(id)", "type": "user.delete", "createInstant": 1505762615056}}"#
            let last = index == 3 ? "Connection: close\r\n" : ""
            requests += "POST /webhooks/passport HTTP/1.1\r\nHost: x\r\nAuthorization: dev-passport-key\r\nContent-Type: application/json\r\n"
                + "Content-Length: \(body.utf8.count)\r\n\(last)\r\n\(body)"
        }
        let answer = try await daemon.rawUntilClosed(requests, seconds: 8)
        let statuses = answer.answer.components(separatedBy: "HTTP/1.1 ").dropFirst().map { $0.prefix(3) }
        #expect(statuses == ["200", "200", "200", "200"], "\(answer.answer)")
        let bodies = answer.answer.components(separatedBy: "\r\n\r\n").dropFirst().map { $0.prefix { $0 != "}" } }
        #expect(bodies.count == 4, "\(answer.answer)")
        #expect(bodies.first?.contains(#""accepted": ["evt_pipe_1"]"#) == true, "\(answer.answer)")
        #expect(bodies.dropFirst().first?.contains(#""accepted": ["evt_pipe_2"]"#) == true, "\(answer.answer)")
        #expect(bodies.dropFirst(2).first?.contains(#""duplicates": ["evt_pipe_1"]"#) == true, "\(answer.answer)")
        #expect(bodies.last?.contains(#""accepted": ["evt_pipe_3"]"#) == true, "\(answer.answer)")
        #expect(answer.answer.lowercased().components(separatedBy: "connection: close").count == 2, "\(answer.answer)")
        #expect(answer.elapsed < 6, "the connection was not closed after the last answer: \(answer.elapsed)")
    }

    @Test("HTTP/1.0: answered as 1.0; keep-alive asked for is kept (and said), a request without it closes the connection after its answer")
    func http10() async throws {
        let daemon = try await TestDaemon()
        defer { Task { await daemon.stop() } }
        func request(_ id: String, keepAlive: Bool) -> String {
            let body = #"{"event": {"id": "\#(id)", "type": "user.delete", "createInstant": 1505762615056}}"#
            return "POST /webhooks/passport HTTP/1.0\r\nHost: x\r\nAuthorization: dev-passport-key\r\n"
                + (keepAlive ? "Connection: keep-alive\r\n" : "") + "Content-Length: \(body.utf8.count)\r\n\r\n\(body)"
        }
        // Pipelined: the first asks for keep-alive, the second does not; both answered in order, then closed.
        let kept = try await daemon.rawUntilClosed(request("evt_10_a", keepAlive: true) + request("evt_10_b", keepAlive: false), seconds: 8)
        let answers = kept.answer.components(separatedBy: "HTTP/1.0 ").dropFirst()
        #expect(answers.count == 2, "\(kept.answer)")
        #expect(answers.first?.hasPrefix("200 OK") == true && answers.first?.lowercased().contains("connection: keep-alive") == true, "\(kept.answer)")
        #expect(answers.first?.contains(#""accepted": ["evt_10_a"]"#) == true, "\(kept.answer)")
        #expect(answers.last?.hasPrefix("200 OK") == true && answers.last?.lowercased().contains("connection: close") == true, "\(kept.answer)")
        #expect(answers.last?.contains(#""accepted": ["evt_10_b"]"#) == true, "\(kept.answer)")
        #expect(!kept.answer.contains("HTTP/1.1"), "\(kept.answer)")
        #expect(kept.elapsed < 6, "the connection was not closed after the last answer: \(kept.elapsed)")
        // Without keep-alive, a request pipelined behind the first is not served: the connection closes.
        let closed = try await daemon.rawUntilClosed(request("evt_10_c", keepAlive: false) + request("evt_10_d", keepAlive: false), seconds: 8)
        #expect(closed.answer.components(separatedBy: "HTTP/1.0 ").count == 2, "\(closed.answer)")
        #expect(closed.answer.contains(#""accepted": ["evt_10_c"]"#), "\(closed.answer)")
        #expect(closed.elapsed < 6, "\(closed.elapsed)")
        let unserved = try await daemon.send("/webhooks/passport", body: Array(#"{"event": {"id": "evt_10_d", "type": "user.delete", "createInstant": 1505762615056}}"#.utf8),
                                             headers: [("Authorization", "dev-passport-key")])
        #expect(unserved.status == 200 && unserved.body.contains(#""accepted": ["evt_10_d"]"#), "the pipelined request was stored: \(unserved.body)")
    }

    @Test("a large body pipelined between two small requests: all three answered in order, each body whole")
    func largePipelinedBody() async throws {
        let daemon = try await TestDaemon()
        defer { Task { await daemon.stop() } }
        // 600 KB: many reads' worth, read while the first request is answered and after.
        let padding = String(repeating: "x", count: 600_000)
        var requests = ""
        for (index, (id, extra)) in [("evt_big_1", ""), ("evt_big_2", #", "padding": "\#(padding)""#), ("evt_big_3", "")].enumerated() {
            let body = #"{"event": {"id": "\#(id)", "type": "user.delete", "createInstant": 1505762615056\#(extra)}}"#
            requests += "POST /webhooks/passport HTTP/1.1\r\nHost: x\r\nAuthorization: dev-passport-key\r\n"
                + (index == 2 ? "Connection: close\r\n" : "") + "Content-Length: \(body.utf8.count)\r\n\r\n\(body)"
        }
        let answer = try await daemon.rawUntilClosed(requests, seconds: 15)
        let answers = answer.answer.components(separatedBy: "HTTP/1.1 ").dropFirst()
        #expect(answers.map { $0.prefix(3) } == ["200", "200", "200"], "\(answer.answer)")
        for (index, id) in ["evt_big_1", "evt_big_2", "evt_big_3"].enumerated() {
            #expect(answers.dropFirst(index).first?.contains(#""accepted": ["\#(id)"]"#) == true, "\(answer.answer)")
        }
        let stored = try #require(try await daemon.store.event(id: "evt_big_2", source: "passport").event)
        #expect(stored.payload.count > 600_000 && String(decoding: stored.payload, as: UTF8.self).contains(padding),
                "the large payload was not stored whole: \(stored.payload.count) bytes")
    }

    @Test("a request that is not HTTP gets 400 and the connection closes; the daemon keeps serving")
    func malformedHTTP() async throws {
        let daemon = try await TestDaemon()
        defer { Task { await daemon.stop() } }
        let garbage = try await daemon.rawUntilClosed("NOT HTTP AT ALL\r\n\r\n", seconds: 8)
        #expect(garbage.answer.hasPrefix("HTTP/1.1 400 Bad Request\r\n"), "\(garbage.answer)")
        #expect(garbage.answer.hasSuffix("\r\n\r\n" + #"{"error": "bad_request", "message": "not a valid HTTP/1.1 request"}"#), "\(garbage.answer)")
        #expect(garbage.answer.lowercased().contains("connection: close"), "\(garbage.answer)")
        #expect(garbage.elapsed < 6, "\(garbage.elapsed)")
        #expect(try await daemon.sendSigned("passport", body: try TestDaemon.example("passport/user_delete.json")).status == 200)
        // Garbage pipelined behind a good request: that one is answered, then the connection closes.
        let body = #"{"event": {"id": "evt_before_garbage", "type": "user.delete", "createInstant": 1505762615056}}"#
        let good = "POST /webhooks/passport HTTP/1.1\r\nHost: x\r\nAuthorization: dev-passport-key\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
        let mixed = try await daemon.rawUntilClosed(good + "NOT HTTP AT ALL\r\n\r\n", seconds: 8)
        #expect(mixed.answer.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(mixed.answer)")
        #expect(mixed.answer.contains(#""accepted": ["evt_before_garbage"]"#), "\(mixed.answer)")
        #expect(mixed.answer.components(separatedBy: "HTTP/1.1 ").count == 2, "\(mixed.answer)")
        #expect(mixed.elapsed < 6, "\(mixed.elapsed)")
    }

    @Test("an idle connection is closed at the idle timeout: one that never sent a request, and a keep-alive one after its answer")
    func idleTimeout() async throws {
        let daemon = try await TestDaemon(idleTimeout: .seconds(1))
        defer { Task { await daemon.stop() } }
        // No request at all: the server closes the connection (recv reads the end) after about 1 s.
        let silent = try await daemon.raw("", seconds: 8)
        #expect(silent.answer.isEmpty, "\(silent.answer)")
        #expect(silent.elapsed >= 0.9 && silent.elapsed < 4, "\(silent.elapsed)")
        // A keep-alive request is answered at once, and the connection is closed a second later.
        let body = String(decoding: try TestDaemon.example("passport/user_delete.json"), as: UTF8.self)
        let kept = try await daemon.rawUntilClosed("POST /webhooks/passport HTTP/1.1\r\nHost: x\r\nAuthorization: dev-passport-key\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)", seconds: 8)
        #expect(kept.answer.hasPrefix("HTTP/1.1 200"), "\(kept.answer)")
        #expect(!kept.answer.lowercased().contains("connection: close"), "\(kept.answer)")
        #expect(kept.elapsed >= 0.9 && kept.elapsed < 4, "\(kept.elapsed)")
    }

    @Test("a store that cannot be opened stops start-up with its reason, the built workers and client stopped")
    func storeCannotOpen() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hookd-open-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("hookd.yaml")
        try TestDaemon.yaml().write(to: file, atomically: true, encoding: .utf8)
        let config = try ConfigLoader.load(path: file.path)
        do {
            // A debug build's outbound client traps when it is released without a shutdown.
            _ = try await Daemon.prepare(config: config, store: { _ throws(DaemonError) in throw DaemonError("store: disk on fire") },
                                         environment: TestDaemon.environment, logger: Logger(label: "test"))
            Issue.record("the daemon started without a store")
        } catch {
            #expect(error.description.contains("disk on fire"), "\(error)")
        }
    }

    @Test("misconfigured auth stops start-up, naming the source and the key")
    func misconfiguredAuth() async throws {
        var environment = TestDaemon.environment
        environment["ETHPASS_SECRET"] = nil
        do {
            _ = try await TestDaemon(environment: environment)
            Issue.record("the daemon started without ETHPASS_SECRET")
        } catch let error as DaemonError {
            #expect(error.description.contains("sources[ethpass].auth.secret_env"), "\(error)")
            #expect(error.description.contains("ETHPASS_SECRET is not set"), "\(error)")
        }
    }
}
