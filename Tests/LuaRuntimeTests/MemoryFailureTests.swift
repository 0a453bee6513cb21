import LuaRuntime
import Testing

/// No Swift frame between a raise and its catch: every API function runs with a memory cap so tight
/// that its allocations fail, at every allocation point in turn, thousands of times. A longjmp across
/// Swift would crash the test process.
@Suite("Allocation failures")
struct MemoryFailureTests {
    static let everything = rule("""
        local doc = json.decode('{"a":[1,2,{"b":"c"}],"d":null,"e":"' .. string.rep("x", 40) .. '"}')
        local text = json.encode(doc)
        log.info("encoded " .. text, { size = #text, nested = { doc.a } })
        print("printing", 1, true)
        local key = secret("API_KEY")
        local m = require("helper")
        local t = setmetatable({}, { __index = m })
        local res = http.post("https://api.example.com/x", { json = doc, headers = { Authorization = "Bearer " .. key } })
        local ok = pcall(http.get, "https://api.example.com/y")
        local s = string.format("%s %d %q", res.body, res.status, key) .. string.rep("-", 10)
        local found = s:find("ok") and s:match("(%d+)") and s:gsub("%-", "+")
        for w in s:gmatch("%a+") do end
        table.sort({ 3, 1, 2 }, function(a, b) return a < b end)
        if res.json and res.json.ok then skip("done " .. t.name) end
        """)

    @Test("each API function under a failing allocator, at every allocation point")
    func tightCaps() throws {
        let worker = try makeWorker([Self.everything], modules: ["helper": "return { name = 'helper' }"],
                                    secrets: ["API_KEY": "k-123"])
        let full = worker.run(event: #"{"id":"e","data":{"x":[1,2,3]}}"#)
        #expect(full.outcome == .skipped(reason: "done helper"), "\(full.outcome)")
        var failed = 0
        var succeeded = 0
        for cap in stride(from: 1, through: 24_000, by: 3) {
            let result = worker.run(event: #"{"id":"e","data":{"x":[1,2,3]}}"#,
                                    limits: RunLimits(instructions: 1_000_000, memory: UInt64(cap), wallTime: .seconds(5)))
            switch result.outcome {
            case .skipped: succeeded += 1
            case let .failed(failure):
                failed += 1
                let memoryError = failure.limit == .memory || failure.message.contains("not enough memory")
                #expect(memoryError, "cap \(cap): \(failure.message)")
            case .ok: Issue.record("cap \(cap): the rule always skips at its end")
            }
        }
        #expect(failed > 1000, "most caps are too tight")
        #expect(succeeded > 0, "the loosest caps let the rule finish")
        #expect(worker.run(event: #"{"id":"e"}"#).outcome == .skipped(reason: "done helper"))
    }

    @Test("describe and when runs under failing allocators")
    func tightCapsOtherModes() throws {
        let worker = try makeWorker([
            "return { name = 'n', on = { { source = 'a', type = { 'x', 'y*' } }, { status = 's' } }, when = function(e) return #json.encode(e) > 2 end, handle = function() end }",
        ])
        for cap in stride(from: 1, through: 60_000, by: 29) {
            let limits = RunLimits(instructions: 1_000_000, memory: UInt64(cap), wallTime: .seconds(5))
            for mode in [LuaWorker.Mode.describe, .when] {
                let result = worker.run(rule: 0, mode: mode, eventJSON: Array(#"{"a":[1,2]}"#.utf8), limits: limits, answer: ok200)
                if let failure = result.failure {
                    #expect(failure.limit == .memory || failure.message.contains("memory"), "\(failure.message)")
                }
            }
        }
        let described = worker.run(rule: 0, mode: .describe, eventJSON: [], limits: .defaults, answer: ok200)
        #expect(described.value?.contains(#""name":"n""#) == true)
    }
}
