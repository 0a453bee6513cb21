import Foundation

/// Runs the built `hookd` binary and collects its exit status and output.
enum HookdProcess {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `HOOKD_BINARY`, or the debug build that `make test` makes first.
    static let binary: URL = ProcessInfo.processInfo.environment["HOOKD_BINARY"].map { URL(fileURLWithPath: $0) }
        ?? repositoryRoot.appendingPathComponent(".build/debug/hookd")

    /// The environment of this test process plus the development secrets of examples/dev.env.
    static var developmentEnvironment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        let text = (try? String(contentsOf: repositoryRoot.appendingPathComponent("examples/dev.env"), encoding: .utf8)) ?? ""
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { environment[String(parts[0])] = String(parts[1]) }
        }
        return environment
    }

    /// Runs hookd with standard output and standard error in one `output`.
    static func run(_ arguments: [String], in directory: URL = repositoryRoot,
                    environment: [String: String]? = nil) throws -> (status: Int32, output: String) {
        let result = try run(arguments, in: directory, environment: environment, separateStandardError: false)
        return (result.status, result.output)
    }

    /// Runs hookd; with `separateStandardError`, `output` is standard output only and `errors` standard error.
    static func run(_ arguments: [String], in directory: URL = repositoryRoot, environment: [String: String]?,
                    separateStandardError: Bool) throws -> (status: Int32, output: String, errors: String) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        if let environment { process.environment = environment }
        let outputPipe = Pipe()
        let errorPipe = Pipe()
        process.standardOutput = outputPipe
        process.standardError = separateStandardError ? errorPipe : outputPipe
        try process.run()
        // Standard error is read on another thread so that neither pipe can fill up and block hookd.
        let errors = ErrorCollector()
        let reader = Thread { errors.data = errorPipe.fileHandleForReading.readDataToEndOfFile(); errors.done.signal() }
        if separateStandardError { reader.start() } else { errors.done.signal() }
        let data = outputPipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        errors.done.wait()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self), String(decoding: errors.data, as: UTF8.self))
    }

    private final class ErrorCollector: @unchecked Sendable {
        var data = Data()
        let done = DispatchSemaphore(value: 0)
    }
}
