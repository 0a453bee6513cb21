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

            Built so far: the sandboxed Lua runtime that runs rules (limits on instructions, memory, \
            wall time and http calls; JSON in and out; a watchdog for rules stuck in C). The commands \
            of SPEC §6 (serve, check, dry-run, send, events) land next; see README.md.
            """,
        version: HookdVersion.current
    )
}
