import Yams

/// Collects, during one load, every problem found and where each value sits, so that loading goes
/// on after a problem and reports them all.
final class ConfigDiagnostics {
    let file: String
    private(set) var errors: [ConfigError] = []
    private(set) var positions: [String: ConfigOrigin.Position] = [:]

    init(file: String) {
        self.file = file
    }

    func report(_ message: String, at mark: Mark?, path: String) {
        errors.append(ConfigError(file: file, line: mark?.line, column: mark?.column, keyPath: path, message: message))
    }

    /// Reports a problem about a value already visited, found by its key path.
    func report(_ message: String, atPath path: String) {
        let position = positions[path]
        errors.append(ConfigError(file: file, line: position?.line, column: position?.column,
                                  keyPath: path, message: message))
    }

    func record(_ path: String, at mark: Mark?) {
        guard let mark, positions[path] == nil else { return }
        positions[path] = ConfigOrigin.Position(line: mark.line, column: mark.column)
    }
}
