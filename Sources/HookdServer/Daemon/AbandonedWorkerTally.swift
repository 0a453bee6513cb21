import HookdCore
import Synchronization

/// Turns the pool's running count of abandoned workers into increments of
/// `hookd_workers_abandoned_total`, starting afresh with each generation's pool.
final class AbandonedWorkerTally: Sendable {
    private let seen = Mutex<(generation: Int, count: Int)>((0, 0))

    func note(_ generation: Generation, metrics: HookdMetrics) {
        let now = generation.pool.abandonedWorkers
        let increase = seen.withLock { seen -> Int in
            let before = seen.generation == generation.number ? seen.count : 0
            seen = (generation.number, now)
            return max(0, now - before)
        }
        metrics.workersAbandoned(increase)
    }
}
