/// Why a rule's `on` does not match an event, for `hookd dry-run --explain`.
extension RulePattern {
    /// `'x' is not 'a' or one of 'b*'`, or nil when `value` matches.
    func mismatch(field: String, value: String?) -> String? {
        guard !matches(value) else { return nil }
        let wanted = written.map { "'\($0)'" }.joined(separator: " or ")
        guard let value else { return "\(field) is absent, not \(wanted)" }
        return "\(field) '\(value)' is not \(wanted)"
    }
}

extension RuleTrigger {
    /// The first field that does not match, or nil when the trigger matches.
    public func mismatch(source: String, type: String, status: String?) -> String? {
        self.source?.mismatch(field: "source", value: source)
            ?? self.type?.mismatch(field: "type", value: type)
            ?? self.status?.mismatch(field: "status", value: status)
    }
}

extension Rule {
    /// Why no `on` table matches (each table's reason, `; ` between), or nil when one does.
    public func mismatch(source: String, type: String, status: String?) -> String? {
        var reasons: [String] = []
        for trigger in triggers {
            guard let reason = trigger.mismatch(source: source, type: type, status: status) else { return nil }
            reasons.append(reason)
        }
        return reasons.count == 1 ? reasons[0] : reasons.enumerated().map { "on[\($0.offset + 1)]: \($0.element)" }.joined(separator: "; ")
    }
}
