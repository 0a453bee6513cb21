import ArgumentParser
import Foundation
import HookdCore

/// `hookd check`: the configuration and every rule, checked without serving (SPEC §6).
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check hookd.yaml and every rule; exit 1 with file:line errors.",
        discussion: """
            Checks the file's structure and values, each source's auth (unknown schemes, `none` \
            without `insecure`, unreadable key files), and compiles and checks every rule in the \
            rules directory, running each file's top level under the configured limits. Secrets \
            missing from the environment are warnings, or errors with --strict.
            """)

    @Option(name: .long, help: "The configuration file.")
    var config = "hookd.yaml"

    @Flag(name: .long, help: "Treat missing secrets as errors.")
    var strict = false

    func run() throws {
        let loaded: HookdConfig
        do {
            loaded = try ConfigLoader.load(path: config)
        } catch {
            Self.report(error.errors.map(\.description))
            throw ExitCode(1)
        }
        let secrets = SecretResolver().resolve(loaded, for: strict ? .checkingStrictly : .checking)
        for warning in secrets.warnings { Self.standardError("warning: \(warning)") }
        var problems = secrets.errors.map(\.description)
        var ruleCount = 0
        do {
            let listed = Dictionary(loaded.secrets.map { ($0, secrets.ruleSecrets[$0]) }, uniquingKeysWith: { first, _ in first })
            let rules = try RuleSet(directory: RuleDirectory(path: loaded.rulesDirectory), secrets: listed, limits: loaded.limits)
            ruleCount = rules.rules.count
        } catch {
            problems.append(error.description)
        }
        guard problems.isEmpty else {
            Self.report(problems)
            throw ExitCode(1)
        }
        print("\(config): OK: \(loaded.sources.count) sources, \(ruleCount) rules")
    }

    static func report(_ lines: [String]) {
        for line in lines { standardError("error: \(line)") }
    }

    static func standardError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
