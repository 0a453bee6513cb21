/// Which file a configuration came from, and where each of its keys sits in it, so that problems
/// found after loading (a missing secret) can still point at a line. Two origins are equal when they
/// name the same file: positions annotate a configuration, they are not part of it.
public struct ConfigOrigin: Sendable, Hashable {
    /// The file as it was named when loading, such as `hookd.yaml`.
    public var file: String
    /// The directory relative paths in the file were resolved against.
    public var directory: String
    /// Line and column of each value, by key path (`sources[1].auth.secret_env`).
    var positions: [String: Position]

    /// A 1-based line and column.
    public struct Position: Sendable, Hashable {
        public var line: Int
        public var column: Int

        public init(line: Int, column: Int) {
            self.line = line
            self.column = column
        }
    }

    public init(file: String = "hookd.yaml", directory: String = ".") {
        self.file = file
        self.directory = directory
        self.positions = [:]
    }

    /// Where the value at `keyPath` was written; nil for defaults and unknown paths.
    public func position(of keyPath: String) -> Position? {
        positions[keyPath]
    }

    /// A problem about the value at `keyPath`, located in the file; `displayPath` is what the message shows.
    public func error(at keyPath: String, displayPath: String? = nil, _ message: String) -> ConfigError {
        let position = positions[keyPath]
        return ConfigError(file: file, line: position?.line, column: position?.column,
                           keyPath: displayPath ?? keyPath, message: message)
    }
}

extension ConfigOrigin {
    public static func == (lhs: ConfigOrigin, rhs: ConfigOrigin) -> Bool {
        lhs.file == rhs.file && lhs.directory == rhs.directory
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(file)
        hasher.combine(directory)
    }
}
