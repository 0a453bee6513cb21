import LuaRuntime
import Testing

/// Builds a worker whose rules are the given sources, named rules/r0.lua, rules/r1.lua, …
func makeWorker(_ rules: [String], modules: [String: String] = [:],
                secrets: [String: String?] = [:]) throws(LuaLoadError) -> LuaWorker {
    let program = LuaProgram(
        rules: rules.enumerated().map { .init(chunkName: "rules/r\($0.offset).lua", source: $0.element) },
        modules: modules.mapValues { .init(chunkName: "rules/lib/module.lua", source: $0) },
        secrets: secrets)
    return try LuaWorker(program: program)
}

/// A rule file whose handle is `body` (Lua statements using `event`).
func rule(_ body: String) -> String {
    "return { on = {}, handle = function(event)\n\(body)\nend }"
}

func ok200(_ request: HTTPCallRequest) -> HTTPCallAnswer {
    .response(status: 200, headers: [("content-type", "application/json")], body: Array(#"{"ok":true}"#.utf8))
}

extension LuaWorker {
    func run(_ rule: Int = 0, event: String = #"{"id":"evt_1"}"#, limits: RunLimits = .defaults,
             answer: (HTTPCallRequest) -> HTTPCallAnswer = ok200) -> RunResult {
        run(rule: rule, eventJSON: Array(event.utf8), limits: limits, answer: answer)
    }
}

extension RunResult {
    var failure: RunFailure? {
        if case let .failed(failure) = outcome { return failure }
        return nil
    }
    var isOK: Bool { outcome == .ok }
    var messages: [String] { logs.map(\.message) }
}
