import Foundation
import HookdCore
import Hummingbird
import Logging
import LuaRuntime
import NIOCore
import ServiceLifecycle
import UnixSignals

/// `hookd serve`: everything checked before the listener opens (configuration, secrets, every
/// source's auth, the rules, the store), then the webhook listener until SIGTERM or SIGINT.
public struct Daemon: Sendable {
    public let config: HookdConfig
    public let store: any Store
    public let receipt: Receipt
    public let ruleSet: RuleSet
    /// Runs the rules of stored events; started by `run`, stopped when it ends.
    public let dispatcher: Dispatcher
    /// The Lua workers of `ruleSet` (one generation until reload lands).
    let pool: WorkerPool
    /// Performs the rules' `http.*` calls within `outbound:`.
    let outbound: OutboundClient
    public let logger: Logger
    /// How long a client may take to send its body before it gets 408.
    public var readDeadline: Duration = .seconds(10)

    /// How many Lua workers run rules at once (the pool size).
    public static let workers = 4
    /// How long shutdown waits for the rule runs under way to finish and be recorded.
    public static let runGrace: Duration = .seconds(5)

    /// How long an idle keep-alive connection stays open.
    public static let idleTimeout: TimeAmount = .seconds(30)

    /// Checks everything `config` refers to; throws every problem, naming file, source and key.
    public static func prepare(config: HookdConfig, store open: (StoreLocation) throws(DaemonError) -> any Store,
                               environment: [String: String] = ProcessInfo.processInfo.environment,
                               logger: Logger) async throws(DaemonError) -> Daemon {
        let secrets = SecretResolver(environment: environment).resolve(config, for: .serving)
        for warning in secrets.warnings { logger.warning("\(warning.description)") }
        guard secrets.errors.isEmpty else { throw DaemonError(secrets.errors.map(\.description)) }
        let sources = try await ServedSources.build(config, secrets: secrets)
        for source in config.sources where source.auth.scheme == .unauthenticated {
            logger.warning("source \(source.name) accepts unauthenticated requests (auth: { scheme: none, insecure: true })")
        }
        let ruleSet: RuleSet
        do {
            let listed = Dictionary(config.secrets.map { ($0, secrets.ruleSecrets[$0]) }, uniquingKeysWith: { first, _ in first })
            ruleSet = try RuleSet(directory: RuleDirectory(path: config.rulesDirectory), secrets: listed, limits: config.limits)
        } catch {
            throw DaemonError(error.description)
        }
        let pool: WorkerPool
        do {
            pool = try WorkerPool(program: ruleSet.program, size: workers)
        } catch {
            throw DaemonError(error.description)
        }
        let store = try open(config.store)
        let outbound = OutboundClient(policy: config.outbound)
        let generation = RuleGeneration(ruleSet: ruleSet, pool: pool)
        let mask = SecretMask(secrets: secrets.ruleSecrets.values.compactMap { $0 } + secrets.sourceSecrets.values.flatMap { $0 })
        let synchronous = Set(config.sources.filter { $0.mode == .sync }.map(\.name))
        let dispatcher = Dispatcher(store: store, generation: { generation },
                                    settings: .init(limits: config.limits, retry: config.retry),
                                    host: outbound, mask: mask, synchronousSources: { synchronous }, logger: logger)
        let receipt = Receipt(sources: sources, store: store, logger: logger, synchronousRunner: dispatcher,
                              onAccepted: { dispatcher.notify() })
        return Daemon(config: config, store: store, receipt: receipt, ruleSet: ruleSet, dispatcher: dispatcher,
                      pool: pool, outbound: outbound, logger: logger)
    }

    /// Serves until SIGTERM or SIGINT; `onListening` gets the bound port (useful with port 0).
    public func run(gracefulShutdownSignals: [UnixSignal] = [.sigterm, .sigint],
                    onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws(DaemonError) {
        let pidFile = PIDFile(path: config.pidFile)
        defer { pidFile.remove() }
        // Reload (SIGHUP) lands later; until then a HUP must not kill the daemon with requests in flight.
        signal(SIGHUP, SIG_IGN)
        let listen = config.server.listen
        let app = Application(
            responder: WebhookResponder(receipt: receipt, readDeadline: readDeadline),
            server: .http1(configuration: .init(idleTimeout: Self.idleTimeout)),
            configuration: .init(address: .hostname(listen.host, port: listen.port), serverName: "hookd"),
            onServerRunning: { [logger] channel in
                // Written once the port is bound, so a second instance that cannot bind leaves ours alone.
                do { try pidFile.write() } catch { logger.error("\(error)") }
                let port = channel.localAddress?.port ?? listen.port
                logger.info("listening on http://\(listen.host.contains(":") ? "[\(listen.host)]" : listen.host):\(port)")
                await onListening(port)
            },
            logger: logger)
        let pruner = Task { [store, config, logger] in
            await Self.pruneRegularly(store: store, retention: config.retention, logger: logger)
        }
        defer { pruner.cancel() }
        dispatcher.start()
        logger.info("hookd serving", metadata: [
            "listen": "\(listen)", "sources": "\(config.sources.count)", "rules": "\(ruleSet.rules.count)",
        ])
        do {
            try await app.runService(gracefulShutdownSignals: gracefulShutdownSignals)
        } catch {
            pruner.cancel()
            _ = await pruner.value
            await stopRunningRules()
            throw DaemonError("cannot serve on \(listen): \(error)")
        }
        pruner.cancel()
        _ = await pruner.value
        await stopRunningRules()
        logger.info("hookd stopped")
    }

    /// Lets the runs under way finish (up to `runGrace`), then closes the outbound client and the workers.
    func stopRunningRules() async {
        if await !dispatcher.stop(grace: Self.runGrace) {
            logger.warning("rule runs still under way after \(Self.runGrace): they run again after the next start")
        }
        await outbound.shutdown()
        pool.close()
    }

    /// How often finished events past `retention:` are pruned (and once at start).
    public static let pruneInterval: Duration = .seconds(3600)

    /// Prunes finished events older than the retention window, keeping every id inside it.
    static func pruneRegularly(store: any Store, retention: Duration, logger: Logger) async {
        let window = TimeInterval(retention.components.seconds)
        while !Task.isCancelled {
            do {
                let result = try await store.prune(RetentionPolicy(window: window))
                logger.debug("retention: pruned", metadata: ["result": "\(result)"])
            } catch {
                logger.warning("retention: pruning failed: \(error)")
            }
            try? await Task.sleep(for: pruneInterval)
        }
    }
}
