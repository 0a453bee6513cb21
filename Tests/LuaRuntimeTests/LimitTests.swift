import LuaRuntime
import Testing

/// Every limit ends the run `failed` with a message naming it, and the same worker then runs a good
/// rule correctly.
@Suite("Limits")
struct LimitTests {
    static let good = rule("log.info('still fine ' .. json.encode({ 1, 2 }))")

    func expectLimit(_ body: String, _ limit: LimitKind, _ words: String,
                     limits: RunLimits = RunLimits(instructions: 2_000_000, memory: 8 * 1024 * 1024,
                                                   wallTime: .seconds(5), httpCalls: 5),
                     answer: @escaping (HTTPCallRequest) -> HTTPCallAnswer = ok200,
                     sourceLocation: SourceLocation = #_sourceLocation) throws {
        let worker = try makeWorker([rule(body), Self.good])
        let result = worker.run(0, limits: limits, answer: answer)
        let failure = try #require(result.failure, sourceLocation: sourceLocation)
        #expect(failure.limit == limit, "\(failure.message)", sourceLocation: sourceLocation)
        #expect(failure.message.contains(words), "\(failure.message)", sourceLocation: sourceLocation)
        let after = worker.run(1, limits: limits)
        #expect(after.isOK, sourceLocation: sourceLocation)
        #expect(after.messages == ["still fine [1,2]"], sourceLocation: sourceLocation)
    }

    @Test func infiniteLoop() throws {
        try expectLimit("while true do end", .instructions, "instruction limit of 2000000 exceeded")
    }

    @Test func infiniteLoopInsidePcallInALoop() throws {
        try expectLimit("while true do pcall(function() while true do end end) end", .instructions, "instruction limit")
    }

    @Test func loopWithErrorHandlerThatLoops() throws {
        try expectLimit("""
            while true do
              xpcall(function() while true do end end, function() while true do end end)
            end
            """, .instructions, "instruction limit")
    }

    @Test func limitInsideNonYieldableCallbackCannotBeCaught() throws {
        try expectLimit("""
            while true do
              pcall(table.sort, { 3, 1, 2, 5, 4 }, function(a, b) while true do end end)
            end
            """, .instructions, "instruction limit")
    }

    @Test func memoryBombByStringDoubling() throws {
        try expectLimit("local s = 'x'\nwhile true do s = s .. s end", .memory, "memory limit of 8 MiB exceeded")
    }

    @Test func memoryBombByStringRep() throws {
        try expectLimit("local s = string.rep('x', 1 << 30)", .memory, "memory limit")
    }

    @Test func memoryBombCaughtByPcallStillFails() throws {
        try expectLimit("""
            local t = {}
            while true do pcall(function() t[#t + 1] = string.rep('y', 1 << 20) end) end
            """, .memory, "memory limit")
    }

    @Test func memoryBombByTableGrowth() throws {
        try expectLimit("local t = {}\nlocal i = 0\nwhile true do i = i + 1; t[i] = { i } end", .memory, "memory limit",
                        limits: RunLimits(instructions: 0, memory: 8 * 1024 * 1024, wallTime: .seconds(10), httpCalls: 5))
    }

    @Test func deepRecursion() throws {
        let worker = try makeWorker([rule("local function f(n) return 1 + f(n + 1) end\nf(1)"), Self.good])
        let result = worker.run(0, limits: RunLimits(instructions: 0, memory: 8 * 1024 * 1024, wallTime: .seconds(10)))
        let failure = try #require(result.failure)
        #expect(failure.message.contains("memory limit") || failure.message.contains("stack overflow"), "\(failure.message)")
        #expect(worker.run(1).messages == ["still fine [1,2]"])
    }

    @Test func tooManyHTTPCalls() throws {
        try expectLimit("for i = 1, 10 do pcall(http.get, 'https://example.com/' .. i) end", .httpCalls,
                        "http call limit of 5 exceeded")
    }

    @Test func wallTimeSpentInLua() throws {
        try expectLimit("while true do end", .wallTime, "wall time limit of 200ms exceeded",
                        limits: RunLimits(instructions: 0, memory: 0, wallTime: .milliseconds(200), httpCalls: 0))
    }

    @Test func catastrophicPatternIsStoppedByTheBudgetedMatcher() throws {
        let clock = ContinuousClock()
        let elapsed = try clock.measure {
            try expectLimit(#"string.find(string.rep("a", 5000), "a-a-a-b")"#, .instructions, "instruction limit",
                            limits: RunLimits(instructions: 10_000_000, memory: 64 * 1024 * 1024, wallTime: .seconds(30)))
        }
        #expect(elapsed < .seconds(10), "the budget, not the wall clock, ended it")
    }

    @Test func catastrophicPatternAsMethodAndInPcall() throws {
        try expectLimit(#"while true do pcall(function() return (("a"):rep(3000)):match("a-a-a-b") end) end"#,
                        .instructions, "instruction limit",
                        limits: RunLimits(instructions: 5_000_000, memory: 64 * 1024 * 1024, wallTime: .seconds(30)))
    }

    @Test func limitMessageNamesTheLine() throws {
        let result = try makeWorker([rule("local x = 1\nwhile true do x = x + 1 end")])
            .run(limits: RunLimits(instructions: 100_000), answer: ok200)
        #expect(result.failure?.message.hasPrefix("rules/r0.lua:3: instruction limit") == true, "\(result.failure?.message ?? "")")
        #expect(result.failure?.location == "rules/r0.lua:3")
    }

    @Test func topLevelRunsUnderTheLimits() throws {
        let worker = try makeWorker(["while true do end\nreturn { on = {}, handle = function() end }", Self.good])
        let result = worker.run(rule: 0, mode: .describe, eventJSON: [], limits: RunLimits(instructions: 100_000), answer: ok200)
        #expect(result.failure?.limit == .instructions)
        #expect(worker.run(1).isOK)
    }
}
