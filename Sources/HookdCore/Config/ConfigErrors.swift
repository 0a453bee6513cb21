/// Every problem found in one configuration file, in file order; thrown by `ConfigLoader`.
public struct ConfigErrors: Error, Sendable, Hashable, CustomStringConvertible {
    public var errors: [ConfigError]

    public init(_ errors: [ConfigError]) {
        self.errors = errors.sorted(by: ConfigError.inFileOrder)
    }

    /// One problem per line, ready to print.
    public var description: String {
        errors.map(\.description).joined(separator: "\n")
    }
}
