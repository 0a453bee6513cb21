import Foundation
import HookdCore

/// Reads what the status page shows from the running daemon's parts: the generation in force,
/// the store's queue and failures, the dispatcher's activity, the last reload, the rejections.
public struct StatusReader: Sendable {
    let live: LiveGeneration
    let store: any Store
    let dispatcher: Dispatcher
    let reloader: Reloader
    let rejections: RejectionLog
    let access: AdminAccess
    let startedAt: Date
    let version: String
    /// A source with work due and no job finished for this long is shown as stalled.
    public static let stalledAfter: TimeInterval = 60

    public func snapshot(now: Date = Date()) async throws(StoreError) -> StatusSnapshot {
        let generation = live.generation
        let overview = try await store.queueOverview()
        let failures = try await store.recentFailures(limit: 10)
        let lastProcessed = dispatcher.lastProcessed
        let reload = await reloader.last
        let sources = generation.config.sources.map { source in
            let queue = overview.sources[source.name] ?? .init()
            let last = lastProcessed[source.name]
            return StatusSnapshot.SourceStatus(
                name: source.name, path: source.path, provider: source.provider.rawValue, mode: source.mode.rawValue,
                queue: Self.queueState(queue, lastProcessed: last, now: now), lastProcessedAt: last)
        }
        return StatusSnapshot(
            generatedAt: now, startedAt: startedAt, version: version, sources: sources,
            failures: failures,
            rules: generation.ruleSet.rules.map {
                .init(name: $0.name, file: $0.file, patterns: $0.triggers.map(Self.describe), hasWhen: $0.hasWhen)
            },
            lastReload: .init(succeeded: reload.succeeded, at: reload.at, generation: reload.generation,
                              message: reload.errors.isEmpty ? nil : reload.errors.joined(separator: "\n"),
                              needsRestart: reload.needsRestart),
            rejections: rejections.recent.prefix(20).map {
                .init(time: $0.time, source: $0.source, client: $0.client, status: $0.status, reason: $0.reason)
            },
            abandonedWorkers: generation.pool.abandonedWorkers, csrfToken: access.csrfToken)
    }

    /// Empty, waiting, or stalled: work due with nothing finished for `stalledAfter`.
    static func queueState(_ queue: QueueOverview.SourceQueue, lastProcessed: Date?, now: Date) -> StatusSnapshot.QueueState {
        guard queue.waiting > 0 else { return .empty }
        if let oldest = queue.oldestPendingReceivedAt, now.timeIntervalSince(oldest) > stalledAfter,
           lastProcessed.map({ now.timeIntervalSince($0) > stalledAfter }) ?? true {
            return .stalled(pending: queue.waiting)
        }
        return .waiting(pending: queue.waiting)
    }

    /// `source=passage type=Connection.Updated status=data_available`; `any` for an empty `on`.
    static func describe(_ trigger: RuleTrigger) -> String {
        let fields = [("source", trigger.source), ("type", trigger.type), ("status", trigger.status)]
            .compactMap { name, pattern in pattern.map { "\(name)=\($0.written.joined(separator: "|"))" } }
        return fields.isEmpty ? "any event" : fields.joined(separator: " ")
    }
}
