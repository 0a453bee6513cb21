import ArgumentParser
import Foundation
import HookdCore

/// The `hookd` command line.
@main
struct Hookd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hookd",
        abstract: "A webhook receiver daemon with a Lua rules engine.",
        discussion: """
            hookd receives webhooks over HTTP, authenticates and deduplicates them, stores every event \
            durably before answering 200, and runs the Lua rules in rules/ that match each event's \
            source, type and status.

            Built so far: `serve` (receipt with every auth scheme, durable SQLite acceptance with \
            group commit and deduplication, the dispatcher that runs matched rules with retries and \
            `order_by` lanes, reload on SIGHUP, and the admin listener with metrics, health and the \
            status page), `check`, `dry-run`, `send` and `events`. The PostgreSQL store is not built \
            yet; see README.md.

            Exit status: 0 on success, 1 when a check or a rule failed, 2 for a usage or \
            configuration error.
            """,
        version: HookdVersion.current,
        subcommands: [ServeCommand.self, Check.self, DryRunCommand.self, SendCommand.self, EventsCommand.self]
    )

    /// Parses and runs the command; a usage error exits 2 (as SPEC §6 says for dry-run) rather than
    /// ArgumentParser's 64.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
