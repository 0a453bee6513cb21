import Foundation
import Testing

/// The built `hookd` binary, run as a user would.
@Suite("Command line")
struct CommandLineTests {
    func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try HookdProcess.run(arguments)
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
