/// One problem found in `hookd.yaml`, pointing at the node that caused it:
/// `hookd.yaml:12:5: sources[1].auth.scheme: unknown scheme 'hamc' (did you mean 'hmac'?)`.
public struct ConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The configuration file, as it was named when loading.
    public var file: String
    /// 1-based line of the offending node; nil when the problem is about the whole file.
    public var line: Int?
    /// 1-based column of the offending node.
    public var column: Int?
    /// Where in the document the problem is, such as `sources[1].auth.scheme`; empty for syntax errors.
    public var keyPath: String
    /// What is wrong, written for the operator who has to fix it.
    public var message: String

    public init(file: String, line: Int?, column: Int?, keyPath: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.keyPath = keyPath
        self.message = message
    }

    public var description: String {
        var location = file
        if let line {
            location += ":\(line)"
            if let column { location += ":\(column)" }
        }
        return keyPath.isEmpty ? "\(location): \(message)" : "\(location): \(keyPath): \(message)"
    }

    /// Whether `lhs` comes before `rhs` in the file; problems about the whole file come first.
    static func inFileOrder(_ lhs: ConfigError, _ rhs: ConfigError) -> Bool {
        (lhs.line ?? 0, lhs.column ?? 0) < (rhs.line ?? 0, rhs.column ?? 0)
    }
}
