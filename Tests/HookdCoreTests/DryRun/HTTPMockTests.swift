import Foundation
import HookdCore
import LuaRuntime
import Testing

@Suite("dry-run --mock")
struct HTTPMockTests {
    func read(_ files: [String: String]) -> (String) throws -> Data {
        { name in
            guard let text = files[name] else { throw CocoaError(.fileNoSuchFile) }
            return Data(text.utf8)
        }
    }

    @Test("METHOD URL=@FILE answers 200 with the file, as JSON when it is JSON")
    func fileMock() throws {
        let mock = try HTTPMock(argument: "GET https://api.example.com/x?a=1&b=2=@trip.json", readingFrom: read(["trip.json": #"{"rows":[1]}"#]))
        #expect(mock.method == "GET")
        #expect(mock.url == "https://api.example.com/x?a=1&b=2")
        #expect(mock.status == 200)
        #expect(mock.answer == .response(status: 200, headers: [("content-type", "application/json")], body: Array(#"{"rows":[1]}"#.utf8)))
    }

    @Test("METHOD URL=STATUS answers that status with an empty body")
    func statusMock() throws {
        let mock = try HTTPMock(argument: "post https://api.example.com/y?q=a=503")
        #expect(mock.method == "POST")
        #expect(mock.url == "https://api.example.com/y?q=a")
        #expect(mock.answer == .response(status: 503, headers: [], body: []))
    }

    @Test("matching: exact URL and method, a URL ending in * by prefix, method * any")
    func matching() throws {
        let exact = try HTTPMock(argument: "GET https://a.example/x=204")
        #expect(exact.matches(HTTPCallRequest(method: "GET", url: "https://a.example/x")))
        #expect(!exact.matches(HTTPCallRequest(method: "POST", url: "https://a.example/x")))
        #expect(!exact.matches(HTTPCallRequest(method: "GET", url: "https://a.example/xy")))
        let prefix = try HTTPMock(argument: "* https://a.example/res/*=500")
        #expect(prefix.matches(HTTPCallRequest(method: "DELETE", url: "https://a.example/res/1")))
        #expect(!prefix.matches(HTTPCallRequest(method: "GET", url: "https://a.example/other")))
    }

    @Test("malformed arguments and unreadable files are refused with the expected form", arguments: [
        "GET", "GET https://a.example/x", "GET https://a.example/x=20", "GET https://a.example/x=abc",
        "GET https://a.example/x=999", "G3T https://a.example/x=200", "GET =200", "GET https://a.example/x=@",
    ])
    func malformed(_ argument: String) {
        #expect(throws: HTTPMockError.malformed(argument)) { try HTTPMock(argument: argument) }
    }

    @Test("an unreadable @FILE names the file")
    func unreadable() {
        #expect(throws: HTTPMockError.unreadableFile("missing.json", "GET https://a.example/x=@missing.json")) {
            try HTTPMock(argument: "GET https://a.example/x=@missing.json", readingFrom: read([:]))
        }
    }

    @Test("the dry-run host: mocks first, then 200 {} not sent")
    func host() async {
        let host = DryRunHost(mocks: [HTTPMock(method: "GET", url: "https://a.example/x", status: 404)])
        let mocked = await host.perform(HTTPCallRequest(method: "GET", url: "https://a.example/x"), deadline: .now + .seconds(1))
        #expect(mocked == .response(status: 404, headers: [], body: []))
        let other = await host.perform(HTTPCallRequest(method: "GET", url: "https://a.example/y"), deadline: .now + .seconds(1))
        #expect(other == DryRunHost.unmockedAnswer)
        #expect(!host.answerWasSent(for: HTTPCallRequest(method: "GET", url: "https://a.example/y")))
    }

    @Test("Idempotency-Key: <source>:<event id>:<rule>:<n> on every call, a rule's own key kept")
    func idempotencyKey() async {
        final class Recorder: HostCalls, @unchecked Sendable {
            var seen: [HTTPCallRequest] = []
            var sendsForReal: Bool { false }
            func perform(_ request: HTTPCallRequest, deadline: ContinuousClock.Instant) async -> HTTPCallAnswer {
                seen.append(request)
                return .response(status: 200, headers: [], body: [])
            }
        }
        let recorder = Recorder()
        let host = IdempotentHost(base: recorder, source: "passage", eventID: "evt_1", rule: "fetch")
        _ = await host.perform(HTTPCallRequest(method: "GET", url: "https://a.example/", number: 3), deadline: .now + .seconds(1))
        _ = await host.perform(HTTPCallRequest(method: "GET", url: "https://a.example/", headers: [("idempotency-key", "mine")], number: 4),
                               deadline: .now + .seconds(1))
        #expect(recorder.seen.map { $0.header("Idempotency-Key") } == ["passage:evt_1:fetch:3", "mine"])
    }

    @Test("secret values are masked as ***, longest first; very short values are left")
    func mask() {
        let mask = SecretMask(secrets: ["pk_live_abc", "pk_live_abcdef", "ab"])
        #expect(mask("Bearer pk_live_abcdef and pk_live_abc, ab") == "Bearer *** and ***, ab")
    }
}
