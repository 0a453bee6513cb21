import LuaRuntime

/// A loaded rule: its name, its file, what it matches, and its index in the generation's program.
public struct Rule: Sendable, Equatable {
    public var name: String
    public var file: String
    public var triggers: [RuleTrigger]
    public var hasWhen: Bool
    /// The rule's index in `RuleSet.program.rules`, as `LuaWorker` and `WorkerPool` take it.
    public var index: Int

    public init(name: String, file: String, triggers: [RuleTrigger], hasWhen: Bool, index: Int) {
        self.name = name
        self.file = file
        self.triggers = triggers
        self.hasWhen = hasWhen
        self.index = index
    }

    public func matches(source: String, type: String, status: String?) -> Bool {
        triggers.contains { $0.matches(source: source, type: type, status: status) }
    }
}
