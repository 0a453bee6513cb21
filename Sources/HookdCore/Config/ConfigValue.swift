import Yams

/// One node of `hookd.yaml` during loading, with its key path; problems with it are reported at its
/// line and column.
struct ConfigValue {
    let node: Node
    let path: String
    let diagnostics: ConfigDiagnostics

    init(node: Node, path: String, diagnostics: ConfigDiagnostics) {
        self.node = node
        self.path = path
        self.diagnostics = diagnostics
        diagnostics.record(path, at: node.mark)
    }

    func report(_ message: String) {
        diagnostics.report(message, at: node.mark, path: path)
    }

    func child(_ key: String, _ node: Node) -> ConfigValue {
        ConfigValue(node: node, path: path.isEmpty ? key : "\(path).\(key)", diagnostics: diagnostics)
    }

    func element(_ index: Int, _ node: Node) -> ConfigValue {
        ConfigValue(node: node, path: "\(path)[\(index)]", diagnostics: diagnostics)
    }

    /// An empty value, `~` or `null`, written without quotes.
    var isNull: Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// What the value is, for "expected …, got …" messages.
    var shape: String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar, .alias: return isNull ? "nothing" : "'\(node.string ?? "")'"
        }
    }

    /// Reports a value of the wrong type.
    func reportExpected(_ expectation: String) {
        report("expected \(expectation), got \(shape)")
    }
}
