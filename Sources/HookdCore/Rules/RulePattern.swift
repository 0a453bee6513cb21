/// One field's patterns of a rule's `on` table: exact strings, and prefixes (`"user.*"`).
public struct RulePattern: Sendable, Equatable {
    public var exact: Set<String>
    public var prefixes: [String]

    public init(_ patterns: [String]) {
        exact = Set(patterns.filter { !$0.hasSuffix("*") })
        prefixes = patterns.filter { $0.hasSuffix("*") }.map { String($0.dropLast()) }
    }

    /// Whether `value` matches; nil (a field the event lacks) matches no pattern.
    public func matches(_ value: String?) -> Bool {
        guard let value else { return false }
        return exact.contains(value) || prefixes.contains { value.hasPrefix($0) }
    }

    /// The patterns as the rule wrote them.
    public var written: [String] { exact.sorted() + prefixes.map { $0 + "*" } }
}

/// One table of a rule's `on`: each field's patterns, nil where the field is absent (any value).
public struct RuleTrigger: Sendable, Equatable {
    public var source: RulePattern?
    public var type: RulePattern?
    public var status: RulePattern?

    public init(source: RulePattern? = nil, type: RulePattern? = nil, status: RulePattern? = nil) {
        self.source = source
        self.type = type
        self.status = status
    }

    public func matches(source: String, type: String, status: String?) -> Bool {
        (self.source?.matches(source) ?? true) && (self.type?.matches(type) ?? true)
            && (self.status?.matches(status) ?? true)
    }
}
