import ArgumentParser
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

            Built so far: the sandboxed Lua runtime that runs rules, the configuration (hookd.yaml) \
            and `hookd check`. serve, dry-run, send and events land next; see README.md.
            """,
        version: HookdVersion.current,
        subcommands: [Check.self]
    )
}
