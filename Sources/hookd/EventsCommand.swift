import ArgumentParser
import Foundation
import HookdCore
import HookdSQLite

/// `hookd events list|show|replay`: what the store holds, and re-running jobs (SPEC §6).
struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "List stored events, show one with its attempts, or replay jobs.",
        discussion: """
            These read the store that hookd.yaml's `store:` names; they work beside a running \
            daemon (SQLite in WAL mode), which picks replayed jobs up within its poll interval.

            Examples:
              hookd events list --state failed
              hookd events show evt_9b1f --format json
              hookd events replay evt_9b1f
              hookd events replay --state dead --rule passage-fetch-resources --since 2h
            """,
        subcommands: [EventsList.self, EventsShow.self, EventsReplay.self])
}

/// The options every `events` subcommand shares.
struct EventsOptions: ParsableArguments {
    @Option(name: .long, help: "The configuration file (its `store:` is read).")
    var config = "hookd.yaml"

    /// The store, opened read-only or read-write; exits 2 when it cannot be.
    func openStore(readOnly: Bool) -> SQLiteStore {
        let loaded: HookdConfig
        do {
            loaded = try ConfigLoader.load(path: config)
        } catch {
            CommandFailure.usage(error.errors.map(\.description).joined(separator: "\n"))
        }
        guard case .sqlite(let path) = loaded.store else {
            CommandFailure.usage("store: only sqlite: stores are supported until the PostgreSQL store lands")
        }
        guard FileManager.default.fileExists(atPath: path) else {
            CommandFailure.usage("no store at \(path) (has `hookd serve` run?)")
        }
        do {
            return try SQLiteStore(path: path, options: SQLiteStoreOptions(access: readOnly ? .readOnly : .readWrite))
        } catch {
            CommandFailure.usage("cannot open the store at \(path): \(error)")
        }
    }
}

/// Output of `list` and `show`.
enum EventsFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

struct EventsList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Stored events, newest first, with their jobs.",
        discussion: "--format json prints {\"events\": [EVENT, …]}, the shape of the admin API's /api/events.")

    @Option(name: .long, help: "pending, done, failed (waiting to retry) or dead.")
    var state: EventState?

    @Option(name: .long, help: "Only events of this source.")
    var source: String?

    @Option(name: .long, help: "At most this many events.")
    var limit = 50

    @Option(name: .long, help: "text or json.")
    var format: EventsFormat = .text

    @OptionGroup var options: EventsOptions

    func validate() throws {
        if limit < 0 { throw ValidationError("--limit must be 0 or more") }
    }

    func run() async throws {
        let store = options.openStore(readOnly: true)
        let events = try await store.events(matching: EventFilter(source: source, state: state, limit: limit))
        try? await store.close()
        switch format {
        case .json: print(StoredEvent.listJSON(events))
        case .text: print(EventsText.list(events), terminator: "")
        }
    }
}

struct EventsShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "One stored event: its jobs, every attempt (calls and logs) and the raw request.",
        discussion: "Exit status 1 when no such event is stored, 2 when the id is known in several sources (add --source).")

    @Argument(help: "The event id.")
    var id: String

    @Option(name: .long, help: "The event's source, when ids collide across sources.")
    var source: String?

    @Option(name: .long, help: "text or json.")
    var format: EventsFormat = .text

    @OptionGroup var options: EventsOptions

    func run() async throws {
        let store = options.openStore(readOnly: true)
        let lookup = try await store.event(id: id, source: source)
        switch lookup {
        case .notFound:
            try? await store.close()
            CommandFailure.exit(1, "no stored event \(id)\(source.map { " in source \($0)" } ?? "")")
        case .ambiguous(let sources):
            try? await store.close()
            CommandFailure.usage("\(id) is an event of several sources (\(sources.joined(separator: ", "))); add --source")
        case .found(let event):
            let attempts = try await store.attempts(source: event.source, eventID: event.id)
            try? await store.close()
            switch format {
            case .json: print(event.detailJSON(attempts: attempts))
            case .text: print(EventsText.detail(event, attempts: attempts), terminator: "")
            }
        }
    }
}

struct EventsReplay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Run jobs again from attempt 0: those of the events named, or every job in a state.",
        discussion: """
            Replay does not match the event again: it resets the chosen jobs (done, failed or dead; \
            not those pending or running) to attempt 0 with a full retry budget, due now, and keeps \
            their Idempotency-Keys. Earlier attempts stay recorded. A running daemon runs them within \
            its poll interval; otherwise they run at the next start.

            Exit status 1 when an id names no stored event (the others are still replayed), 2 for a \
            usage error or an id known in several sources without --source.
            """)

    @Argument(help: "Event ids whose jobs to replay.")
    var ids: [String] = []

    @Option(name: .long, help: "Replay every job in this state instead: failed or dead.")
    var state: JobState?

    @Option(name: .long, help: "Only jobs of this rule.")
    var rule: String?

    @Option(name: .long, help: "Only events received within this long, e.g. 2h or 30m.")
    var since: String?

    @Option(name: .long, help: "Only events of this source.")
    var source: String?

    @OptionGroup var options: EventsOptions

    func validate() throws {
        if ids.isEmpty == (state == nil) { throw ValidationError("give event IDs or --state failed|dead, not both") }
        if let state, state != .failed && state != .dead { throw ValidationError("--state must be failed or dead") }
        if let since, DurationSyntax.parse(since) == nil {
            throw ValidationError("--since '\(since)': expected a duration like 30m, 2h or 7d")
        }
    }

    func run() async throws {
        let target: ReplaySelection.Target = state.map { .state($0) } ?? .events(ids)
        let sinceDate = since.flatMap(DurationSyntax.parse).map { duration in
            Date().addingTimeInterval(-Double(duration.components.seconds))
        }
        let store = options.openStore(readOnly: false)
        let result = try await store.replay(ReplaySelection(target, rule: rule, source: source, since: sinceDate))
        try? await store.close()
        for job in result.replayed { print("replayed \(job.source) \(job.eventID) \(job.rule)") }
        print("\(result.replayed.count) job(s) replayed")
        for (id, sources) in result.ambiguous.sorted(by: { $0.key < $1.key }) {
            FileHandle.standardError.write(Data("error: \(id) is an event of several sources (\(sources.joined(separator: ", "))); add --source\n".utf8))
        }
        for id in result.notFound {
            FileHandle.standardError.write(Data("error: no stored event \(id)\(source.map { " in source \($0)" } ?? "")\n".utf8))
        }
        if !result.ambiguous.isEmpty { throw ExitCode(2) }
        if !result.notFound.isEmpty { throw ExitCode(1) }
    }
}

extension EventState: ExpressibleByArgument {}
extension JobState: ExpressibleByArgument {}

/// How a command stops on a problem: `error: …` on stderr and an exit status.
enum CommandFailure {
    /// A usage or configuration problem: exit 2.
    static func usage(_ message: String) -> Never { exit(2, message) }

    static func exit(_ status: Int32, _ message: String) -> Never {
        FileHandle.standardError.write(Data(("error: " + message + "\n").utf8))
        Foundation.exit(status)
    }
}
