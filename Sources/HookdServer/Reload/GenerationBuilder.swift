import Foundation
import HookdCore
import Logging
import LuaRuntime

/// Builds a `Generation` from a configuration: secrets resolved, every source's auth built (fail
/// closed), every rule compiled and its top level run under the limits, fresh Lua workers. Any
/// problem throws, naming the file, source or key, and nothing of the half-built generation is kept.
public struct GenerationBuilder: Sendable {
    /// How many Lua workers run rules at once (the pool size).
    public var workers: Int
    public var environment: [String: String]
    public var logger: Logger

    public init(workers: Int = 4, environment: [String: String] = ProcessInfo.processInfo.environment, logger: Logger) {
        self.workers = workers
        self.environment = environment
        self.logger = logger
    }

    /// `previous` lends its outbound client when `outbound:` did not change (its pooled connections stay warm).
    public func build(_ config: HookdConfig, number: Int, previous: Generation? = nil) async throws(DaemonError) -> Generation {
        let secrets = SecretResolver(environment: environment).resolve(config, for: .serving)
        for warning in secrets.warnings { logger.warning("\(warning.description)") }
        guard secrets.errors.isEmpty else { throw DaemonError(secrets.errors.map(\.description)) }
        var sources = try await ServedSources.build(config, secrets: secrets)
        for source in config.sources where source.auth.scheme == .unauthenticated {
            logger.warning("source \(source.name) accepts unauthenticated requests (auth: { scheme: none, insecure: true })")
        }
        let listed = Dictionary(config.secrets.map { ($0, secrets.ruleSecrets[$0]) }, uniquingKeysWith: { first, _ in first })
        let (ruleSet, pool) = try await Self.offCooperativePool { () throws(DaemonError) -> (RuleSet, WorkerPool) in
            do {
                let ruleSet = try RuleSet(directory: RuleDirectory(path: config.rulesDirectory), secrets: listed, limits: config.limits)
                return (ruleSet, try WorkerPool(program: ruleSet.program, size: workers))
            } catch let error as RuleLoadError {
                throw DaemonError(error.description)
            } catch {
                throw DaemonError("\(error)")
            }
        }
        let outbound = previous.flatMap { $0.config.outbound == config.outbound ? $0.outbound : nil }
            ?? OutboundClient(policy: config.outbound)
        let mask = SecretMask(secrets: secrets.ruleSecrets.values.compactMap { $0 } + secrets.sourceSecrets.values.flatMap { $0 })
        let rules = RuleGeneration(ruleSet: ruleSet, pool: pool, limits: config.limits, retry: config.retry, host: outbound, mask: mask)
        sources.ruleSet = ruleSet
        return Generation(number: number, config: config, sources: sources, rules: rules, outbound: outbound)
    }

    /// Runs `body` on a thread of its own: compiling a large rule set (once for the check, once per
    /// worker) takes long enough to stall Swift's cooperative pool, which serves requests on 2 cores.
    static func offCooperativePool<T: Sendable>(_ body: @escaping @Sendable () throws(DaemonError) -> T) async throws(DaemonError) -> T {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<T, DaemonError>, Never>) in
            let thread = Thread { continuation.resume(returning: Result { () throws(DaemonError) -> T in try body() }) }
            thread.name = "hookd-reload"
            thread.stackSize = 16 * 1024 * 1024
            thread.start()
        }
        return try result.get()
    }

    /// The settings of `new` that differ from `running` but apply only after a restart.
    public static func needingRestart(running: HookdConfig, new: HookdConfig) -> [String] {
        var changed: [String] = []
        if running.server.listen != new.server.listen { changed.append("server.listen") }
        if running.admin.listen != new.admin.listen { changed.append("admin.listen") }
        if running.admin.tokenEnv != new.admin.tokenEnv { changed.append("admin.token_env") }
        if running.store != new.store { changed.append("store") }
        if running.pidFile != new.pidFile { changed.append("pid_file") }
        return changed
    }
}
