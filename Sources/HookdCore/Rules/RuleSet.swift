import Foundation
import LuaRuntime

/// An immutable, checked set of rules (one generation): the Lua program every worker loads, the
/// rules with what they match, and an index so that matching does not look at every rule.
public struct RuleSet: Sendable {
    public let program: LuaProgram
    public let rules: [Rule]
    private let bySource: [String: TypeIndex]
    private let anySource: TypeIndex

    /// Rule positions by exact event type, and those that take any type (or a type prefix).
    private struct TypeIndex: Sendable {
        var byType: [String: [Int]] = [:]
        var anyType: [Int] = []

        mutating func add(_ position: Int, types: Set<String>?) {
            guard let types else { return anyType.append(position) }
            for type in types { byType[type, default: []].append(position) }
        }

        func candidates(type: String) -> [Int] { (byType[type] ?? []) + anyType }
    }

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
        var bySource: [String: TypeIndex] = [:]
        var anySource = TypeIndex()
        for (position, rule) in rules.enumerated() {
            for trigger in rule.triggers {
                let exactTypes = trigger.type.flatMap { $0.prefixes.isEmpty ? $0.exact : nil }
                if let source = trigger.source, source.prefixes.isEmpty {
                    for name in source.exact { bySource[name, default: TypeIndex()].add(position, types: exactTypes) }
                } else {
                    anySource.add(position, types: exactTypes)
                }
            }
        }
        self.bySource = bySource
        self.anySource = anySource
    }

    /// The rules whose `on` matches, in file order (`when` is not run here). Only the rules indexed
    /// under the event's source and type (or under any source or type) are looked at.
    public func match(source: String, type: String, status: String?) -> [Rule] {
        var candidates = anySource.candidates(type: type)
        if let index = bySource[source] { candidates += index.candidates(type: type) }
        return Set(candidates).sorted().map { rules[$0] }.filter { $0.matches(source: source, type: type, status: status) }
    }

    /// The names of the rules an event of `source` matches, when no Lua has to run to know it (no
    /// candidate rule has `when`); nil otherwise. The receipt stores such events dispatched.
    public func matchDecidedAtReceipt(source: String, type: String, status: String?) -> [String]? {
        let rules = match(source: source, type: type, status: status)
        guard !rules.contains(where: \.hasWhen) else { return nil }
        return rules.map(\.name)
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
