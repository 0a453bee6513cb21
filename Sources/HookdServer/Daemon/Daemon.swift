import Foundation
import HookdCore
import Hummingbird
import Logging
import LuaRuntime
import NIOCore
import Prometheus
import ServiceLifecycle
import UnixSignals

/// `hookd serve`: everything checked before the listeners open (configuration, secrets, every
/// source's auth, the rules, the store), then the webhook listener, the admin listener, the
/// dispatcher and SIGHUP reloads, until SIGTERM or SIGINT drain and stop it.
public struct Daemon: Sendable {
    /// The configuration the daemon started with (a reload may change what is live: `live`).
    public let config: HookdConfig
    public let store: any Store
    public let receipt: Receipt
    /// Runs the rules of stored events; started by `run`, stopped when it ends.
    public let dispatcher: Dispatcher
    /// The generation in force: sources, rules and their workers, the outbound client.
    public let live: LiveGeneration
    public let reloader: Reloader
    public let access: AdminAccess
    /// Where every metric of SPEC §7 is kept; `/metrics` prints it.
    public let registry: PrometheusCollectorRegistry
    public let metrics: HookdMetrics
    public let logger: Logger
    public let startedAt: Date
    public let version: String
    let abandoned = AbandonedWorkerTally()
    /// How long a client may take to send its body before it gets 408.
    public var readDeadline: Duration = .seconds(10)

    /// How many Lua workers run rules at once (the pool size).
    public static let workers = 4
    /// How long shutdown waits for the rule runs under way to finish and be recorded.
    public static let runGrace: Duration = .seconds(5)
    /// How long an idle keep-alive connection stays open.
    public var idleTimeout: TimeAmount = .seconds(30)
    /// How often the queue gauges are brought up to date between scrapes.
    public static let gaugeInterval: Duration = .seconds(5)

    /// The rule set in force.
    public var ruleSet: RuleSet { live.generation.ruleSet }

    /// Checks everything `config` refers to; throws every problem, naming file, source and key.
    /// `configPath` is read again at each reload (nil: reloads re-read the rules only).
    public static func prepare(config: HookdConfig, configPath: String? = nil,
                               store open: (StoreLocation) throws(DaemonError) -> any Store,
                               environment: [String: String] = ProcessInfo.processInfo.environment,
                               logger: Logger, version: String = "dev") async throws(DaemonError) -> Daemon {
        let access = try adminAccess(config.admin, environment: environment)
        let builder = GenerationBuilder(workers: workers, environment: environment, logger: logger)
        let first = try await builder.build(config, number: 1)
        let store: any Store
        do {
            store = try open(config.store)
        } catch {
            // The generation's workers and outbound client are stopped, not left to leak.
            await first.outbound.shutdown()
            first.pool.close()
            throw error
        }
        let registry = PrometheusCollectorRegistry()
        let metrics = HookdMetrics(factory: PrometheusMetricsFactory(registry: registry))
        let live = LiveGeneration(first)
        // The initial settings are the first generation's; each later one carries its own.
        let dispatcher = Dispatcher(store: store, generation: { live.rules },
                                    settings: .init(limits: config.limits, retry: config.retry),
                                    host: first.outbound, mask: first.rules.mask ?? .none,
                                    synchronousSources: { live.generation.synchronousSources }, metrics: metrics,
                                    logger: logger)
        let receipt = Receipt(sources: first.sources, store: store, logger: logger, synchronousRunner: dispatcher,
                              receiptRunner: dispatcher, metrics: metrics, onAccepted: { result in
                                  if result.leftToDispatch { dispatcher.notify() }
                                  if result.leftToClaim { dispatcher.notifyJobsChanged() }
                              })
        let reloader = Reloader(live: live, configPath: configPath, builder: builder, metrics: metrics, logger: logger,
                                onSwap: { receipt.sources = $0.sources })
        return Daemon(config: config, store: store, receipt: receipt, dispatcher: dispatcher, live: live, reloader: reloader,
                      access: access, registry: registry, metrics: metrics, logger: logger, startedAt: Date(), version: version)
    }

    /// The admin token from `admin.token_env`; a named variable that is unset or empty stops
    /// start-up (fail closed: never serve the admin paths open by mistake).
    static func adminAccess(_ admin: AdminConfig, environment: [String: String]) throws(DaemonError) -> AdminAccess {
        guard let name = admin.tokenEnv else { return AdminAccess(token: nil) }
        guard let token = environment[name], !token.isEmpty else {
            throw DaemonError("admin.token_env: the environment variable \(name) is not set (the admin token)")
        }
        return AdminAccess(token: token)
    }

    /// Serves until SIGTERM or SIGINT; `onListening` gets the webhook port and `onAdminListening`
    /// the admin port once bound (useful with port 0).
    public func run(gracefulShutdownSignals: [UnixSignal] = [.sigterm, .sigint], reloadSignals: [UnixSignal] = [.sighup],
                    onListening: @escaping @Sendable (Int) async -> Void = { _ in },
                    onAdminListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws(DaemonError) {
        // Until the reload service traps it, a HUP must not kill the daemon with requests in flight.
        for signal in reloadSignals { Foundation.signal(signal.rawValue, SIG_IGN) }
        let pidFile = PIDFile(path: config.pidFile)
        defer { pidFile.remove() }
        let bound = BindTracker(expected: 2) { [logger] in
            // Written once both ports are bound, so a second instance that cannot bind leaves ours alone.
            do { try pidFile.write() } catch { logger.error("\(error)") }
        }
        let webhook = webhookApplication(bound: bound, onListening: onListening)
        let admin = adminApplication(bound: bound, onListening: onAdminListening)
        let services: [any Service] = [
            admin, webhook, DrainGate(receipt: receipt),
            SignalReloads(signals: reloadSignals, reloader: reloader),
            PeriodicTask(interval: Self.gaugeInterval) { await refreshGauges() },
            PeriodicTask(interval: Self.pruneInterval) { await prune() },
        ]
        let group = ServiceGroup(configuration: .init(
            services: services.map { .init(service: $0) }, gracefulShutdownSignals: gracefulShutdownSignals, logger: logger))
        dispatcher.start()
        logger.info("hookd serving", metadata: [
            "listen": "\(config.server.listen)", "admin": "\(config.admin.listen)", "sources": "\(config.sources.count)",
            "rules": "\(ruleSet.rules.count)",
        ])
        do {
            try await group.run()
        } catch {
            await stopRunningRules()
            throw DaemonError("cannot serve on \(config.server.listen) and \(config.admin.listen): \(error)")
        }
        await stopRunningRules()
        logger.info("hookd stopped")
    }

    private func webhookApplication(bound: BindTracker, onListening: @escaping @Sendable (Int) async -> Void) -> some Service {
        let announce = announce("listening on", config.server.listen, bound: bound, then: onListening)
        return WebhookListener(receipt: receipt, host: config.server.listen.host, port: config.server.listen.port,
                               readDeadline: readDeadline, idleTimeout: idleTimeout, logger: logger,
                               onBound: { port in await announce(port) })
    }

    private func adminApplication(bound: BindTracker, onListening: @escaping @Sendable (Int) async -> Void) -> some Service {
        let routes = AdminRoutes(
            access: access, status: statusReader, store: store, reloader: reloader, rejections: receipt.rejections, registry: registry,
            refreshMetrics: { await refreshGauges() }, notReadyReason: { await notReadyReason() },
            jobsChanged: { [dispatcher] in dispatcher.notifyJobsChanged() })
        return Application(
            router: routes.router(),
            server: .http1(configuration: .init(idleTimeout: idleTimeout)),
            configuration: .init(address: .hostname(config.admin.listen.host, port: config.admin.listen.port), serverName: "hookd-admin"),
            onServerRunning: { [announce = announce("admin listener on", config.admin.listen, bound: bound, then: onListening), port = config.admin.listen.port] channel in
                await announce(channel.localAddress?.port ?? port)
            },
            logger: logger)
    }

    /// Logs `what` with the bound address, tells `then` the port, and counts the listener as bound.
    private func announce(_ what: String, _ listen: ListenAddress, bound: BindTracker,
                          then onListening: @escaping @Sendable (Int) async -> Void) -> @Sendable (Int) async -> Void {
        { [logger] port in
            logger.info("\(what) http://\(Self.hostText(listen.host)):\(port)")
            await onListening(port)
            await bound.bound()
        }
    }

    /// Reads what the status page shows.
    public var statusReader: StatusReader {
        StatusReader(live: live, store: store, dispatcher: dispatcher, reloader: reloader, rejections: receipt.rejections,
                     access: access, startedAt: startedAt, version: version)
    }

    static func hostText(_ host: String) -> String { host.contains(":") ? "[\(host)]" : host }

    /// Lets the runs under way finish (up to `runGrace`), then closes the outbound client and the workers.
    func stopRunningRules() async {
        if await !dispatcher.stop(grace: Self.runGrace) {
            logger.warning("rule runs still under way after \(Self.runGrace): they run again after the next start")
        }
        let generation = live.generation
        await generation.outbound.shutdown()
        generation.pool.close()
    }

    /// Queue depth and oldest pending age, and workers the watchdog replaced.
    func refreshGauges() async {
        guard let overview = try? await store.queueOverview() else { return }
        let age = overview.oldestPendingReceivedAt.map { max(0, Date().timeIntervalSince($0)) } ?? 0
        metrics.queue(depth: overview.depth, oldestPendingSeconds: age)
        abandoned.note(live.generation, metrics: metrics)
    }

    /// Why the daemon is not ready, or nil: the store must answer and the receipt must not be draining.
    func notReadyReason() async -> String? {
        if receipt.isDraining { return "shutting down" }
        do {
            _ = try await store.queueOverview()
        } catch {
            return "store unavailable"
        }
        if live.generation.pool.abandonedWorkers >= Self.workers { return "every Lua worker is stuck in C code" }
        return nil
    }

    /// How often finished events past `retention:` are pruned (and once at start).
    public static let pruneInterval: Duration = .seconds(3600)

    /// Prunes finished events older than the retention window, keeping every id inside it.
    func prune() async {
        let window = TimeInterval(live.generation.config.retention.components.seconds)
        do {
            let result = try await store.prune(RetentionPolicy(window: window))
            logger.debug("retention: pruned", metadata: ["result": "\(result)"])
        } catch {
            // Stopping (or a start that failed) cancels the pass: nothing went wrong with the store.
            guard !Task.isCancelled else { return logger.debug("retention: pruning stopped") }
            logger.warning("retention: pruning failed: \(error)")
        }
    }
}
