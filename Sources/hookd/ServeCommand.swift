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
            key), every rule, and the store. SIGTERM or SIGINT stop it cleanly: new requests get 503, \
            runs under way finish (up to 5 s), the store is flushed, the pid file removed, exit 0. SIGHUP \
            (or POST /api/reload on the admin listener) reloads hookd.yaml's sources and settings and \
            every rule as one generation; an invalid set keeps the running one. Exit status 2 when it \
            cannot start.
            """)

    @Option(name: .long, help: "The configuration file.")
    var config = "hookd.yaml"

    @Option(name: .long, help: "Log lines as text (default) or JSON lines, on standard error.")
    var logFormat: LogLineFormat = .text

    @Option(name: .long, help: "The lowest level logged: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        let format = logFormat
        LoggingSystem.bootstrap { label in
            var handler = LineLogHandler(label: label, format: format)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "hookd")
        let loaded: HookdConfig
        do {
            loaded = try ConfigLoader.load(path: config)
        } catch {
            Self.fail(error.errors.map(\.description))
        }
        let daemon: Daemon
        do {
            daemon = try await Daemon.prepare(config: loaded, configPath: config, store: StoreOpener.open, logger: logger,
                                              version: HookdVersion.current)
        } catch {
            Self.fail(error.problems)
        }
        do {
            try await daemon.run()
        } catch {
            Self.fail(error.problems)
        }
        if let sqlite = daemon.store as? SQLiteStore {
            let stats = sqlite.commitStatistics
            logger.info("group commit: \(stats.transactions) transactions for \(stats.batches) requests (\(stats.events) events), \(String(format: "%.1f", stats.eventsPerTransaction)) events per transaction")
            try? await sqlite.close()
        }
        LogSink.standardError.flush()
    }

    static func fail(_ problems: [String]) -> Never {
        LogSink.standardError.flush()
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

extension LogLineFormat: ExpressibleByArgument {}
