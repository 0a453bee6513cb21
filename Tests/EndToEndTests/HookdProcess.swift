import Foundation

/// Runs the built `hookd` binary and collects its exit status and output (stdout and stderr).
enum HookdProcess {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// `HOOKD_BINARY`, or the debug build that `make test` makes first.
    static let binary: URL = ProcessInfo.processInfo.environment["HOOKD_BINARY"].map { URL(fileURLWithPath: $0) }
        ?? repositoryRoot.appendingPathComponent(".build/debug/hookd")

    static func run(_ arguments: [String], in directory: URL = repositoryRoot,
                    environment: [String: String]? = nil) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        if let environment { process.environment = environment }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
