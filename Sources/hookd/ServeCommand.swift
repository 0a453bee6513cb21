import ArgumentParser
import Foundation
import HookdCore
import HookdServer
import HookdSQLite
import Logging

/// `hookd serve`: the daemon (SPEC §6).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Receive webhooks: authenticate, deduplicate and store every event durably before answering 200.",
        discussion: """
            Everything is checked before the listener opens: the configuration, every source's secrets \
            and keys (fail closed: a source that cannot verify stops start-up, naming the source and \
            key), every rule, and the store. SIGTERM or SIGINT stop it cleanly. Exit status 2 when it \
            cannot start.
            """)

    @Option(name: .long, help: "The configuration file.")
    var config = "hookd.yaml"

    func run() async throws {
        let logger = Logger(label: "hookd")
        let loaded: HookdConfig
        do {
            loaded = try ConfigLoader.load(path: config)
        } catch {
            Self.fail(error.errors.map(\.description))
        }
        let daemon: Daemon
        do {
            daemon = try await Daemon.prepare(config: loaded, store: StoreOpener.open, logger: logger)
        } catch {
            Self.fail(error.problems)
        }
        do {
            try await daemon.run()
        } catch {
            Self.fail(error.problems)
        }
        if let sqlite = daemon.store as? SQLiteStore {
            let stats = await sqlite.commitStatistics
            logger.info("group commit: \(stats.transactions) transactions for \(stats.batches) requests (\(stats.events) events), \(String(format: "%.1f", stats.eventsPerTransaction)) events per transaction")
            try? await sqlite.close()
        }
    }

    static func fail(_ problems: [String]) -> Never {
        for problem in problems { FileHandle.standardError.write(Data("error: \(problem)\n".utf8)) }
        FileHandle.standardError.write(Data("hookd did not start\n".utf8))
        Foundation.exit(2)
    }
}

/// Opens the store `store:` names.
enum StoreOpener {
    static func open(_ location: StoreLocation) throws(DaemonError) -> any Store {
        switch location {
        case .sqlite(let path):
            do {
                return try SQLiteStore(path: path)
            } catch {
                throw DaemonError("store: cannot open sqlite:\(path): \(error)")
            }
        default:
            throw DaemonError("store: only sqlite: is supported until the PostgreSQL store lands")
        }
    }
}
