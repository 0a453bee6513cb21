import Yams

/// A mapping node during loading: looks up keys by name and reports the keys it does not know.
struct ConfigMapping {
    let value: ConfigValue
    private let entries: [(key: String, keyNode: Node, value: Node)]

    /// nil (with the problem reported) when `value` is not a mapping; `~` counts as an empty one.
    init?(_ value: ConfigValue, expecting expectation: String = "a mapping") {
        self.value = value
        switch value.node {
        case .mapping(let mapping):
            entries = mapping.compactMap { key, entry in
                guard case .scalar(let scalar) = key else {
                    ConfigValue(node: key, path: value.path, diagnostics: value.diagnostics).reportExpected("a key name")
                    return nil
                }
                return (key: scalar.string, keyNode: key, value: entry)
            }
        case _ where value.isNull:
            entries = []
        default:
            value.reportExpected(expectation)
            return nil
        }
    }

    var keys: [String] { entries.map(\.key) }

    func contains(_ key: String) -> Bool {
        entries.contains { $0.key == key }
    }

    /// The value under `key`, or nil when the key is absent.
    subscript(key: String) -> ConfigValue? {
        entries.first { $0.key == key }.map { value.child(key, $0.value) }
    }

    /// The value under `key`; reports the key missing, at this mapping, when it is absent.
    func required(_ key: String, _ why: String = "") -> ConfigValue? {
        guard let found = self[key] else {
            value.report("missing required key '\(key)'\(why)")
            return nil
        }
        return found
    }

    /// Reports every key not in `allowed`, at the key itself. `explain` may say why a key known
    /// elsewhere does not belong here; otherwise the message suggests the closest allowed key.
    func checkKeys(_ allowed: [String], explain: (String) -> String? = { _ in nil }) {
        for entry in entries where !allowed.contains(entry.key) {
            let keyPath = value.path.isEmpty ? entry.key : "\(value.path).\(entry.key)"
            let message = explain(entry.key)
                ?? "unknown key '\(entry.key)'\(Suggestion.hint(for: entry.key, among: allowed))"
            value.diagnostics.report(message, at: entry.keyNode.mark, path: keyPath)
        }
    }
}
