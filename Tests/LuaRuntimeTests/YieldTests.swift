import LuaRuntime
import Testing

@Suite("HTTP yields")
struct YieldTests {
    @Test("http.get hands its request to the host and returns status, headers, body and json")
    func getRoundTrip() throws {
        var seen: [HTTPCallRequest] = []
        let result = try makeWorker([rule("""
            local res = http.get("https://api.example.com/x", { headers = { Authorization = "Bearer t", ["X-N"] = 5 }, timeout = 2.5 })
            log.info(res.status .. " " .. res.headers["content-type"] .. " " .. res.body .. " " .. tostring(res.json.ok))
            local p = http.post("https://api.example.com/y", { json = { a = 1, list = {} } })
            local q = http.request({ method = "put", url = "https://api.example.com/z", body = "raw" })
            """)], secrets: [:]).run { request in
            seen.append(request)
            return ok200(request)
        }
        #expect(result.isOK, "\(result.outcome)")
        #expect(result.messages == [#"200 application/json {"ok":true} true"#])
        #expect(seen.count == 3)
        #expect(seen[0].method == "GET" && seen[0].url == "https://api.example.com/x")
        #expect(seen[0].header("authorization") == "Bearer t")
        #expect(seen[0].header("x-n") == "5")
        #expect(seen[0].timeout == .milliseconds(2500))
        #expect(seen[0].number == 1)
        #expect(seen[1].method == "POST")
        #expect(seen[1].body == Array(#"{"a":1,"list":{}}"#.utf8) || seen[1].body == Array(#"{"list":{},"a":1}"#.utf8))
        #expect(seen[1].header("content-type") == "application/json")
        #expect(seen[1].number == 2)
        #expect(seen[2].method == "PUT" && seen[2].body == Array("raw".utf8))
        #expect(result.calls.count == 3)
        #expect(result.calls.allSatisfy { $0.status == 200 && !$0.sent })
    }

    @Test("http.get inside pcall works")
    func getInsidePcall() throws {
        let result = try makeWorker([rule("""
            local ok, res = pcall(http.get, "https://api.example.com/a")
            log.info(tostring(ok) .. " " .. res.status)
            local ok2, res2 = pcall(function() return http.get("https://api.example.com/b").status end)
            log.info(tostring(ok2) .. " " .. res2)
            """)]).run()
        #expect(result.isOK)
        #expect(result.messages == ["true 200", "true 200"])
    }

    @Test("a network error raises in the rule, and pcall can catch it")
    func networkError() throws {
        let worker = try makeWorker([
            rule(#"local ok, err = pcall(http.get, "https://down.example.com/"); log.info(err)"#),
            rule(#"http.get("https://down.example.com/")"#),
        ])
        let caught = worker.run(0) { _ in .failure("connection refused") }
        #expect(caught.isOK)
        #expect(caught.messages.first?.contains("http GET https://down.example.com/: connection refused") == true)
        let uncaught = worker.run(1) { _ in .failure("timed out after 10s") }
        #expect(uncaught.failure?.message.contains("timed out after 10s") == true)
        #expect(uncaught.calls.first?.error == "timed out after 10s")
    }

    @Test("http inside a table.sort comparator is a clear error, not a crash")
    func getInsideSortComparator() throws {
        let result = try makeWorker([rule("""
            table.sort({ 3, 1, 2 }, function(a, b) http.get("https://api.example.com/"); return a < b end)
            """)]).run()
        let failure = try #require(result.failure)
        #expect(failure.message.contains("cannot be called here"), "\(failure.message)")
    }

    @Test("http inside a gsub callback is a clear error; inside an __index metamethod it works (Lua 5.4 yields there)")
    func getInsideOtherCallbacks() throws {
        let worker = try makeWorker([
            rule(#"string.gsub("abc", "%w", function(c) http.get("https://x.example/") end)"#),
            rule(#"local t = setmetatable({}, { __index = function() return http.get("https://x.example/") end }); log.info(t.x.status)"#),
        ])
        #expect(worker.run(0).failure?.message.contains("cannot be called here") == true)
        #expect(worker.run(1).messages == ["200"])
    }

    @Test("http is refused in when and at a file's top level")
    func noHTTPOutsideHandle() throws {
        let worker = try makeWorker([
            "return { on = {}, when = function(e) return http.get('https://x.example/').status == 200 end, handle = function() end }",
            "http.get('https://x.example/')\nreturn { on = {}, handle = function() end }",
        ])
        let when = worker.run(rule: 0, mode: .when, eventJSON: Array("{}".utf8), limits: .defaults, answer: ok200)
        #expect(when.failure?.message.contains("not allowed here") == true)
        let top = worker.run(rule: 1, mode: .describe, eventJSON: [], limits: .defaults, answer: ok200)
        #expect(top.failure?.message.contains("not allowed here") == true)
    }

    @Test("header injection is refused")
    func headerInjection() throws {
        let result = try makeWorker([rule(#"http.get("https://x.example/", { headers = { ["X-A"] = "a\r\nEvil: 1" } })"#)]).run()
        #expect(result.failure?.message.contains("CR, LF or NUL") == true)
    }

    @Test("a non-JSON answer leaves res.json nil")
    func nonJSONAnswer() throws {
        let result = try makeWorker([rule(#"local r = http.get("https://x.example/"); log.info(tostring(r.json) .. " " .. r.body)"#)])
            .run { _ in .response(status: 500, headers: [], body: Array("<html>oops</html>".utf8)) }
        #expect(result.messages == ["nil <html>oops</html>"])
    }

    @Test("when returns the rule's verdict")
    func whenVerdict() throws {
        let worker = try makeWorker(["return { on = {}, when = function(e) return e.data.amount > 10 end, handle = function() end }"])
        let yes = worker.run(rule: 0, mode: .when, eventJSON: Array(#"{"data":{"amount":11}}"#.utf8), limits: .defaults, answer: ok200)
        let no = worker.run(rule: 0, mode: .when, eventJSON: Array(#"{"data":{"amount":1}}"#.utf8), limits: .defaults, answer: ok200)
        #expect(yes.value == "true")
        #expect(no.value == "false")
    }
}

@Suite("Event shape")
struct EventShapeTests {
    @Test("data_path makes event.data an element of event.payload")
    func dataPath() throws {
        let worker = try makeWorker([
            rule("log.info(json.encode(event.data) .. ' ' .. tostring(event.data_path) .. ' ' .. tostring(event.data == event.payload.a.b))"),
            rule("log.info(json.encode(event.data) .. ' ' .. tostring(event.data_path) .. ' ' .. tostring(event.data == event.payload))"),
        ])
        let result = worker.run(0, event: #"{"id":"e","payload":{"a":{"b":{"x":1}}},"data_path":["a","b"]}"#)
        #expect(result.messages == [#"{"x":1} nil true"#])
        let whole = worker.run(1, event: #"{"id":"e","payload":{"x":2},"data_path":[]}"#)
        #expect(whole.messages == [#"{"x":2} nil true"#])
        let missing = worker.run(1, event: #"{"id":"e","payload":{"x":2},"data_path":["nope","deeper"]}"#)
        #expect(missing.messages == ["null nil false"])
    }
}
