import Foundation
import Testing

/// The built `hookd` binary, run as a user would.
@Suite("Command line")
struct CommandLineTests {
    static let binary: URL = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let environment = ProcessInfo.processInfo.environment["HOOKD_BINARY"]
        return environment.map { URL(fileURLWithPath: $0) } ?? root.appendingPathComponent(".build/debug/hookd")
    }()

    func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test("hookd --version prints the version")
    func version() throws {
        let (status, output) = try run(["--version"])
        #expect(status == 0)
        #expect(output.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3, "\(output)")
    }

    @Test("hookd --help explains what hookd is")
    func help() throws {
        let (status, output) = try run(["--help"])
        #expect(status == 0)
        #expect(output.contains("webhook receiver daemon"))
        #expect(output.contains("USAGE: hookd"))
    }

    @Test("an unknown option is a usage error")
    func unknownOption() throws {
        let (status, output) = try run(["--frobnicate"])
        #expect(status != 0)
        #expect(output.contains("frobnicate"))
    }
}
