import Foundation
import HookdCore
import Logging

/// Rebuilds the whole generation from `hookd.yaml` and `rules/` (SIGHUP, `POST /api/reload`) and
/// swaps it in only when all of it is valid; otherwise the running one stays in force and the
/// errors are logged, counted and kept for the status page. One reload at a time; receipt and
/// runs never wait for one (they read the generation in force, old or new).
public actor Reloader {
    private let live: LiveGeneration
    /// Where the configuration is read from at each reload; nil reloads the running configuration
    /// (the rules directory is still read afresh).
    private let configPath: String?
    private let builder: GenerationBuilder
    private let metrics: HookdMetrics
    private let logger: Logger
    /// Called with each new generation once it is in force (the receipt's sources follow it).
    private let onSwap: @Sendable (Generation) -> Void
    public private(set) var last: ReloadReport

    public init(live: LiveGeneration, configPath: String?, builder: GenerationBuilder, metrics: HookdMetrics,
                logger: Logger, onSwap: @escaping @Sendable (Generation) -> Void) {
        self.live = live
        self.configPath = configPath
        self.builder = builder
        self.metrics = metrics
        self.logger = logger
        self.onSwap = onSwap
        last = ReloadReport(succeeded: true, at: live.generation.loadedAt, generation: live.generation.number)
    }

    /// Builds, checks and (when valid) swaps in a new generation; `trigger` says why, for the log.
    @discardableResult
    public func reload(trigger: String) async -> ReloadReport {
        let started = ContinuousClock.now
        let running = live.generation
        logger.info("reload requested", metadata: ["trigger": "\(trigger)", "generation": "\(running.number)"])
        let report: ReloadReport
        do {
            let config = try loadConfig(running: running.config)
            let restart = GenerationBuilder.needingRestart(running: running.config, new: config)
            // Settings that cannot change live keep their running values, so the generation stays coherent.
            var effective = config
            effective.server.listen = running.config.server.listen
            effective.admin = running.config.admin
            effective.store = running.config.store
            effective.pidFile = running.config.pidFile
            let next = try await builder.build(effective, number: running.number + 1, previous: running)
            let old = live.swap(to: next)
            onSwap(next)
            retire(old, replacedBy: next)
            report = ReloadReport(succeeded: true, at: Date(), generation: next.number, needsRestart: restart,
                                  duration: ContinuousClock.now - started)
            logger.info("reload: generation \(next.number) in force", metadata: [
                "rules": "\(next.ruleSet.rules.count)", "sources": "\(next.config.sources.count)",
                "duration_ms": "\(report.duration.milliseconds)",
            ])
            for setting in restart {
                logger.warning("reload: \(setting) changed in the configuration; it needs a restart and keeps its running value")
            }
        } catch {
            report = ReloadReport(succeeded: false, at: Date(), generation: running.number, errors: error.problems,
                                  duration: ContinuousClock.now - started)
            for problem in error.problems { logger.error("reload failed: \(problem)") }
            logger.error("reload failed: generation \(running.number) stays in force")
        }
        metrics.reload(succeeded: report.succeeded)
        last = report
        return report
    }

    private func loadConfig(running: HookdConfig) throws(DaemonError) -> HookdConfig {
        guard let configPath else { return running }
        do {
            return try ConfigLoader.load(path: configPath)
        } catch {
            throw DaemonError(error.errors.map(\.description))
        }
    }

    /// The old generation's workers close when its last run lets go of it; an outbound client it
    /// does not share with the new one is shut down once no run can still be using it.
    private func retire(_ old: Generation, replacedBy new: Generation) {
        guard old.outbound !== new.outbound else { return }
        let linger = old.config.limits.wallTime * 2 + old.config.outbound.timeout
        Task { [outbound = old.outbound] in
            try? await Task.sleep(for: linger)
            await outbound.shutdown()
        }
    }
}
