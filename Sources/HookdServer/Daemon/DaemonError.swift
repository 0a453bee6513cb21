/// Why `hookd serve` did not start: each names the file, source or key at fault.
public struct DaemonError: Error, Sendable, CustomStringConvertible {
    public var problems: [String]

    public init(_ problems: [String]) {
        self.problems = problems
    }

    public init(_ problem: String) {
        problems = [problem]
    }

    public var description: String { problems.joined(separator: "\n") }
}
