import LuaRuntime
import Testing

@Suite("Sandbox")
struct SandboxTests {
    @Test("forbidden globals are absent", arguments: [
        "io", "debug", "package", "load", "loadfile", "dofile", "collectgarbage", "rawset", "rawget",
        "rawequal", "rawlen", "coroutine", "module", "warn", "loadstring", "unpack",
    ])
    func forbiddenGlobalIsAbsent(name: String) throws {
        let worker = try makeWorker([rule("log.info(type(\(name)))")])
        let result = worker.run()
        #expect(result.isOK)
        #expect(result.messages == ["nil"])
    }

    @Test("forbidden library functions are absent", arguments: [
        "os.execute", "os.getenv", "os.exit", "os.remove", "os.rename", "os.tmpname", "os.setlocale",
        "string.dump",
    ])
    func forbiddenFunctionIsAbsent(path: String) throws {
        let worker = try makeWorker([rule("log.info(type(\(path)))")])
        let result = worker.run()
        #expect(result.messages == ["nil"])
    }

    @Test("the allowed API is present")
    func allowedAPIIsPresent() throws {
        let names = ["assert", "error", "getmetatable", "ipairs", "next", "pairs", "pcall", "print", "select",
                     "setmetatable", "tonumber", "tostring", "type", "xpcall", "require", "secret", "skip",
                     "os.time", "os.date", "os.clock", "string.format", "string.find", "string.gsub",
                     "table.concat", "table.sort", "math.floor", "utf8.char", "json.encode", "json.decode",
                     "log.debug", "log.info", "log.warn", "log.error", "http.request", "http.get", "http.post",
                     "http.put", "http.patch", "http.delete"]
        let body = names.map { "log.info(type(\($0)))" }.joined(separator: "\n")
        let result = try makeWorker([rule(body)]).run()
        #expect(result.isOK)
        #expect(result.messages == Array(repeating: "function", count: names.count))
    }

    @Test("getmetatable(\"\") gives nothing usable, and string methods still work")
    func stringMetatableIsHidden() throws {
        let worker = try makeWorker([rule("""
            log.info(tostring(getmetatable("")))
            log.info(("abc"):upper())
            local ok, err = pcall(setmetatable, "", {})
            log.info(tostring(ok))
            """)])
        let result = worker.run()
        #expect(result.isOK)
        #expect(result.messages == ["false", "ABC", "false"])
    }

    @Test("a rule that reassigns string.format or a global does not affect the next run or another rule")
    func changesDoNotLeak() throws {
        let vandal = rule("""
            string.format = function() return "pwned" end
            table.insert = nil
            json.encode = nil
            counter = (counter or 0) + 1
            log.info(tostring(counter))
            _G.print = nil
            """)
        let witness = rule("""
            log.info(string.format("%d", 7))
            log.info(("%d"):format(8))
            log.info(type(table.insert) .. type(json.encode) .. type(print))
            log.info(tostring(counter))
            """)
        let worker = try makeWorker([vandal, witness])
        #expect(worker.run(0).messages == ["1"])
        #expect(worker.run(0).messages == ["1"], "globals are fresh for every run")
        #expect(worker.run(1).messages == ["7", "8", "functionfunctionfunction", "nil"])
    }

    @Test("library tables hide the shared library behind them")
    func libraryTablesAreProtected() throws {
        let worker = try makeWorker([rule("""
            log.info(tostring(getmetatable(string)) .. " " .. tostring(getmetatable(json)))
            log.info(tostring(pcall(setmetatable, string, {})))
            log.info(tostring(rawequal))
            """)])
        let result = worker.run()
        #expect(result.messages == ["false false", "false", "nil"])
    }

    @Test("a rule's top-level locals are fresh for every run")
    func topLevelIsFresh() throws {
        let worker = try makeWorker(["local n = 0\nreturn { on = {}, handle = function() n = n + 1; log.info(tostring(n)) end }"])
        #expect(worker.run().messages == ["1"])
        #expect(worker.run().messages == ["1"])
    }

    @Test("bytecode is refused")
    func bytecodeIsRefused() {
        let bytecode = "\u{1B}Lua\u{54}\u{00}\u{19}\u{93}\r\n\u{1A}\n"
        #expect(throws: LuaLoadError.self) { try makeWorker([bytecode]) }
        do {
            _ = try makeWorker([bytecode])
        } catch {
            #expect(error.message.contains("binary chunk"))
        }
    }

    @Test("__gc metatables are refused")
    func gcIsRefused() throws {
        let result = try makeWorker([rule("setmetatable({}, { __gc = function() end })")]).run()
        #expect(result.failure?.message.contains("__gc") == true)
        let allowed = try makeWorker([rule("local t = setmetatable({}, { __index = { a = 1 } }); log.info(tostring(t.a))")]).run()
        #expect(allowed.messages == ["1"])
    }

    @Test("a syntax error names the file and line")
    func syntaxError() {
        do {
            _ = try makeWorker(["return {\n on = {},\n handle = function(event) if then end,\n}"])
            Issue.record("expected a load error")
        } catch {
            #expect(error.message.hasPrefix("rules/r0.lua:3:"))
        }
    }

    @Test("secret() answers listed names only, and says which are unset")
    func secrets() throws {
        let worker = try makeWorker([
            rule("log.info(secret('API_KEY'))"),
            rule("secret('HOME')"),
            rule("secret('UNSET_ONE')"),
        ], secrets: ["API_KEY": "s3cr3t", "UNSET_ONE": nil])
        #expect(worker.run(0).messages == ["s3cr3t"])
        #expect(worker.run(1).failure?.message.contains("'HOME' is not listed") == true)
        #expect(worker.run(2).failure?.message.contains("'UNSET_ONE' is not set") == true)
    }

    @Test("require loads rules/lib modules, fresh for each run")
    func requireModules() throws {
        let worker = try makeWorker([rule("""
            local m = require("util")
            m.count = m.count + 1
            log.info(m.greet("x") .. " " .. tostring(m.count) .. " " .. tostring(require("util") == m))
            """), rule("require('missing')")],
            modules: ["util": "local M = { count = 0 }\nfunction M.greet(n) return string.upper(n) end\nreturn M"])
        #expect(worker.run(0).messages == ["X 1 true"])
        #expect(worker.run(0).messages == ["X 1 true"])
        #expect(worker.run(1).failure?.message.contains("module 'missing' not found") == true)
    }

    @Test("skip ends the run as skipped, even inside pcall")
    func skip() throws {
        let worker = try makeWorker([
            rule("skip('not interesting'); log.info('unreachable')"),
            rule("pcall(skip, 'inside pcall'); log.info('unreachable')"),
            rule("table.sort({3, 2, 1}, function(a, b) skip('in sort') end)"),
        ])
        #expect(worker.run(0).outcome == .skipped(reason: "not interesting"))
        let insidePcall = worker.run(1)
        #expect(insidePcall.outcome == .skipped(reason: "inside pcall"))
        #expect(insidePcall.logs.isEmpty)
        #expect(worker.run(2).outcome == .skipped(reason: "in sort"))
    }

    @Test("log lines keep level, message and fields; print logs at info")
    func logging() throws {
        let result = try makeWorker([rule("""
            log.debug("d"); log.info("i", { n = 1 }); log.warn("w"); log.error("e")
            print("a", 1, nil, true)
            """)]).run()
        #expect(result.logs.map(\.level) == [.debug, .info, .warn, .error, .info])
        #expect(result.logs[1].fieldsJSON == #"{"n":1}"#)
        #expect(result.logs[4].message == "a\t1\tnil\ttrue")
    }

    @Test("a log flood is capped, not stored whole")
    func logFloodIsCapped() throws {
        let result = try makeWorker([rule("for i = 1, 5000 do log.info('line ' .. i) end")]).run()
        #expect(result.isOK)
        #expect(result.logs.count == 1000)
        #expect(result.logsDropped == 4000)
    }

    @Test("a runtime error names file:line and carries a traceback")
    func runtimeError() throws {
        let result = try makeWorker([rule("local x = nil\nlocal function inner() return x.field end\ninner()")]).run()
        let failure = try #require(result.failure)
        #expect(failure.message.hasPrefix("rules/r0.lua:3: attempt to index a nil value"))
        #expect(failure.location == "rules/r0.lua:3")
        #expect(failure.traceback.contains("rules/r0.lua:3: in"))
        #expect(!failure.traceback.contains("[hookd]"))
        #expect(failure.limit == nil)
    }

    @Test("error with a table value says so")
    func tableErrorValue() throws {
        let result = try makeWorker([rule("error({ code = 1 })")]).run()
        #expect(result.failure?.message == "(error object is a table value)")
    }
}
