import Foundation
import LuaRuntime

/// An immutable, checked set of rules (one generation): the Lua program every worker loads, the
/// rules with what they match, and an index so that matching does not look at every rule.
public struct RuleSet: Sendable {
    public let program: LuaProgram
    public let rules: [Rule]
    private let bySource: [String: [Int]]
    private let anySource: [Int]

    /// Loads and checks every rule of `directory`: each file compiles (text only), its top level
    /// runs under `limits` and returns a valid rule table, and no two rules share a name.
    public init(directory: RuleDirectory, secrets: [String: String?] = [:],
                limits: RunLimits = .defaults) throws(RuleLoadError) {
        let program = LuaProgram(rules: directory.rules, modules: directory.modules, secrets: secrets)
        let worker: LuaWorker
        do {
            worker = try LuaWorker(program: program)
        } catch {
            throw RuleLoadError(file: error.chunkName, message: error.message)
        }
        var rules: [Rule] = []
        var seen: [String: String] = [:]
        for (index, chunk) in program.rules.enumerated() {
            let rule = try Self.describe(chunk: chunk, index: index, worker: worker, limits: limits)
            if let other = seen[rule.name] {
                throw RuleLoadError(file: chunk.chunkName, message: "rule name '\(rule.name)' is already used by \(other)")
            }
            seen[rule.name] = chunk.chunkName
            rules.append(rule)
        }
        self.init(program: program, rules: rules)
    }

    init(program: LuaProgram, rules: [Rule]) {
        self.program = program
        self.rules = rules
        var bySource: [String: [Int]] = [:]
        var anySource: [Int] = []
        for (position, rule) in rules.enumerated() {
            var exactSources: Set<String> = []
            var wildcard = false
            for trigger in rule.triggers {
                if let source = trigger.source, source.prefixes.isEmpty {
                    exactSources.formUnion(source.exact)
                } else {
                    wildcard = true
                }
            }
            if wildcard { anySource.append(position) } else {
                for source in exactSources { bySource[source, default: []].append(position) }
            }
        }
        self.bySource = bySource
        self.anySource = anySource
    }

    /// The rules whose `on` matches, in file order (`when` is not run here).
    public func match(source: String, type: String, status: String?) -> [Rule] {
        let candidates = (bySource[source] ?? []) + anySource
        return candidates.sorted().map { rules[$0] }.filter { $0.matches(source: source, type: type, status: status) }
    }

    public func rule(named name: String) -> Rule? { rules.first { $0.name == name } }

    private static func describe(chunk: LuaProgram.Chunk, index: Int, worker: LuaWorker,
                                 limits: RunLimits) throws(RuleLoadError) -> Rule {
        let result = worker.run(rule: index, mode: .describe, eventJSON: [], limits: limits) { _ in
            .failure("http calls are not allowed at a rule file's top level")
        }
        if case let .failed(failure) = result.outcome {
            throw RuleLoadError(file: chunk.chunkName, message: failure.message)
        }
        guard let text = result.value, let data = text.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let on = object["on"] as? [[String: Any]] else {
            throw RuleLoadError(file: chunk.chunkName, message: "the rule table could not be read")
        }
        let file = (chunk.chunkName as NSString).lastPathComponent
        let defaultName = file.hasSuffix(".lua") ? String(file.dropLast(4)) : file
        let triggers = on.map { entry in
            RuleTrigger(source: (entry["source"] as? [String]).map(RulePattern.init),
                        type: (entry["type"] as? [String]).map(RulePattern.init),
                        status: (entry["status"] as? [String]).map(RulePattern.init))
        }
        return Rule(name: object["name"] as? String ?? defaultName, file: chunk.chunkName, triggers: triggers,
                    hasWhen: object["has_when"] as? Bool ?? false, index: index)
    }
}
