import Foundation
import Yams

/// Loads and validates `hookd.yaml`. Loading never stops at the first problem: it throws every
/// problem of the file at once, each with its file, line, column and key path.
public enum ConfigLoader {
    /// Reads the file at `path`; relative paths inside it are resolved against its directory.
    public static func load(path: String) throws(ConfigErrors) -> HookdConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot read the file" : "no such file"
            throw ConfigErrors([ConfigError(file: path, line: nil, column: nil, keyPath: "", message: reason)])
        }
        guard let yaml = String(data: data, encoding: .utf8) else {
            throw ConfigErrors([ConfigError(file: path, line: nil, column: nil, keyPath: "",
                                            message: "the file is not UTF-8 text")])
        }
        let directory = (path as NSString).deletingLastPathComponent
        return try load(yaml: yaml, file: path, directory: directory.isEmpty ? "." : directory)
    }

    /// Validates `yaml` as if read from `file` in `directory` (which relative paths are resolved against).
    public static func load(yaml: String, file: String = "hookd.yaml",
                            directory: String = ".") throws(ConfigErrors) -> HookdConfig {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw ConfigErrors([syntaxError(error, file: file)])
        }
        let diagnostics = ConfigDiagnostics(file: file)
        let decoder = ConfigDecoder(diagnostics: diagnostics, directory: directory)
        var config = decoder.config(ConfigValue(node: root ?? Node("", Tag(.null)), path: "", diagnostics: diagnostics))
        guard diagnostics.errors.isEmpty else { throw ConfigErrors(diagnostics.errors) }
        config.origin.positions = diagnostics.positions
        return config
    }

    /// A YAML syntax error, located at the line and column the parser gives.
    private static func syntaxError(_ error: any Error, file: String) -> ConfigError {
        func located(_ mark: Mark?, _ message: String) -> ConfigError {
            ConfigError(file: file, line: mark?.line, column: mark?.column, keyPath: "", message: message)
        }
        guard let error = error as? YamlError else { return located(nil, "invalid YAML: \(error)") }
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            guard let context else { return located(mark, "invalid YAML: \(problem)") }
            if problem.hasPrefix("but ") {
                return located(mark, "invalid YAML: \(context.text) \(problem)")
            }
            return located(mark, "invalid YAML: \(problem) (\(context.text) at line \(context.mark.line))")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return located(context.mark, "invalid YAML: key \(keys) appears twice in the same mapping")
        case .reader(let problem, let offset, _, let yaml):
            let line = offset.map { yaml.prefix($0).count(where: { $0 == "\n" }) + 1 }
            return ConfigError(file: file, line: line, column: nil, keyPath: "", message: "invalid YAML: \(problem)")
        default:
            return located(nil, "invalid YAML: \(error)")
        }
    }
}
