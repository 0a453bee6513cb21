import CoreMetrics
import Foundation
import Synchronization

/// The daemon's metrics (SPEC §7), recorded through swift-metrics into the factory given (the
/// admin listener's Prometheus registry), never the process-wide `MetricsSystem`, so that each
/// daemon, and each test, counts on its own.
public struct HookdMetrics: Sendable {
    /// What a received request came to, for `hookd_events_received_total{source,result}`.
    public enum ReceiptResult: String, Sendable {
        case accepted, duplicate, rejected
    }

    private let factory: any MetricsFactory
    /// The handlers of the metrics every request and every run records, made once per label set:
    /// the factory validates and looks up names on each `make…`, which cost more than the count.
    private let handlers = HandlerCache()

    public init(factory: any MetricsFactory) {
        self.factory = factory
    }

    /// Records nothing; for tools and tests that do not look at metrics.
    public static let discarding = HookdMetrics(factory: NOOPMetricsHandler.instance)

    /// `count` events of `source` accepted, found duplicate, or one request rejected.
    public func received(source: String, result: ReceiptResult, count: Int = 1) {
        guard count > 0 else { return }
        handlers.counter("hookd_events_received_total", ("source", source), ("result", result.rawValue), factory: factory)
            .increment(by: Int64(count))
    }

    /// A rejected request (400, 401, 403, 413) by the answer's error code (`unauthorized`, …).
    public func rejected(source: String, reason: String) {
        Counter(label: "hookd_rejections_total", dimensions: [("source", source), ("reason", reason)], factory: factory).increment()
    }

    /// One finished rule run (`ok`, `skipped`, `failed`) and how long it took.
    public func ruleRun(rule: String, outcome: String, duration: Duration) {
        handlers.counter("hookd_rule_runs_total", ("rule", rule), ("outcome", outcome), factory: factory).increment(by: 1)
        handlers.timer("hookd_rule_run_seconds", factory: factory)
            .recordNanoseconds(duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }

    /// One rule `http.*` call, by host and status (`error` when no answer came).
    public func outboundRequest(host: String, status: Int?) {
        Counter(label: "hookd_outbound_requests_total",
                dimensions: [("host", host), ("status", status.map(String.init) ?? "error")], factory: factory).increment()
    }

    /// A reload: `ok` or `failed`.
    public func reload(succeeded: Bool) {
        Counter(label: "hookd_reloads_total", dimensions: [("result", succeeded ? "ok" : "failed")], factory: factory).increment()
    }

    /// The queue now: what waits, and the age of the oldest event with work due.
    public func queue(depth: Int, oldestPendingSeconds: Double) {
        Gauge(label: "hookd_queue_depth", dimensions: [], factory: factory).record(depth)
        Gauge(label: "hookd_oldest_pending_seconds", dimensions: [], factory: factory).record(oldestPendingSeconds)
    }

    /// `count` more Lua workers replaced by the watchdog (stuck in C code).
    public func workersAbandoned(_ count: Int) {
        guard count > 0 else { return }
        Counter(label: "hookd_workers_abandoned_total", dimensions: [], factory: factory).increment(by: count)
    }
}

/// Metric handlers by label and dimensions, made once by the factory. The cache is split in shards
/// by thread, so the Lua workers and event loops, which all record at once, do not wait for one lock.
private final class HandlerCache: Sendable {
    /// A counter with two dimensions, by label and values (a label's dimension names never change).
    private struct CounterKey: Hashable {
        var label: String
        var first: String
        var second: String
    }

    private struct Handlers {
        var counters: [CounterKey: any CounterHandler] = [:]
        var timers: [String: any TimerHandler] = [:]
    }

    private final class Shard: Sendable {
        let handlers = Mutex(Handlers())
    }

    private static let shardCount = 16
    private let shards = (0..<HandlerCache.shardCount).map { _ in Shard() }

    /// The calling thread's shard.
    private var shard: Shard {
        // pthread_t is the address of the thread's control block; its low bits are alignment.
        let id = UInt(pthread_self())
        return shards[Int((id >> 12 ^ id >> 20) % UInt(Self.shardCount))]
    }

    func counter(_ label: String, _ first: (String, String), _ second: (String, String),
                 factory: any MetricsFactory) -> any CounterHandler {
        let key = CounterKey(label: label, first: first.1, second: second.1)
        return shard.handlers.withLock { shard in
            if let known = shard.counters[key] { return known }
            // The factory hands every shard the same underlying metric for the same key.
            let made = factory.makeCounter(label: label, dimensions: [first, second])
            shard.counters[key] = made
            return made
        }
    }

    func timer(_ label: String, factory: any MetricsFactory) -> any TimerHandler {
        shard.handlers.withLock { shard in
            if let known = shard.timers[label] { return known }
            let made = factory.makeTimer(label: label, dimensions: [])
            shard.timers[label] = made
            return made
        }
    }
}
