import Foundation
import Synchronization

/// The `mode: sync` runs under way, one task per event, so that a duplicate delivered meanwhile
/// waits for the same run instead of starting a second one.
final class SyncRunRegistry: Sendable {
    private let runs = Mutex<[String: Task<[String: Bool], Never>]>([:])

    /// The run of this event under way, or a new one made by `start` (removed once it ends).
    func run(source: String, eventID: String, start: @escaping @Sendable () async -> [String: Bool]) -> Task<[String: Bool], Never> {
        let key = source + "\u{0}" + eventID
        return runs.withLock { runs in
            if let running = runs[key] { return running }
            let task = Task {
                let result = await start()
                self.finished(key)
                return result
            }
            runs[key] = task
            return task
        }
    }

    private func finished(_ key: String) {
        _ = runs.withLock { $0.removeValue(forKey: key) }
    }
}

extension Dispatcher: SynchronousRunner {
    public func runSynchronously(source: String, eventIDs: [String], timeout: Duration) async -> SyncResult {
        let deadline = ContinuousClock.now + timeout
        let tasks = eventIDs.map { id in
            syncRuns.run(source: source, eventID: id) { await self.runEvent(source: source, eventID: id, until: deadline) }
        }
        // The runs go on past the timeout (and are recorded); the answer does not wait for them.
        let outcomes = await Self.value(of: tasks, until: deadline)
        guard let outcomes else {
            return SyncResult(unfinishedRules: await unfinishedRules(source: source, eventIDs: eventIDs), timedOut: true)
        }
        return SyncResult(failedRules: outcomes.filter { !$0.value }.map(\.key))
    }

    /// The merged results of `tasks`, or nil once `deadline` passes first (the tasks go on).
    private static func value(of tasks: [Task<[String: Bool], Never>], until deadline: ContinuousClock.Instant) async -> [String: Bool]? {
        let answered = Mutex(false)
        return await withCheckedContinuation { (continuation: CheckedContinuation<[String: Bool]?, Never>) in
            let resume: @Sendable ([String: Bool]?) -> Void = { value in
                let first = answered.withLock { done in
                    defer { done = true }
                    return !done
                }
                if first { continuation.resume(returning: value) }
            }
            let timer = Task {
                try? await Task.sleep(until: deadline)
                if !Task.isCancelled { resume(nil) }
            }
            Task {
                var all: [String: Bool] = [:]
                for task in tasks { all.merge(await task.value) { $0 && $1 } }
                timer.cancel()
                resume(all)
            }
        }
    }

    /// One event's run: dispatch and run on first receipt, run the failed jobs on a redelivery, and
    /// wait (until `deadline`) for jobs running elsewhere. Rule → whether its job is done.
    private func runEvent(source: String, eventID: String, until deadline: ContinuousClock.Instant) async -> [String: Bool] {
        do {
            guard var event = try await store.event(id: eventID, source: source).event else { return [:] }
            let jobs = event.dispatched ? try await store.claimJobs(source: source, eventID: eventID, now: clock())
                                        : try await dispatch(event, claimed: true) ?? []
            await withTaskGroup(of: Void.self) { group in
                for job in jobs { group.addTask { await self.run(job, synchronous: true) } }
            }
            // Jobs another process runs (or one that crashed left running) are waited for.
            while true {
                guard let current = try await store.event(id: eventID, source: source).event else { return [:] }
                event = current
                let busy = event.jobs.contains { $0.state == .running || $0.state == .pending }
                guard busy, ContinuousClock.now < deadline else { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            return Dictionary(event.jobs.map { ($0.rule, $0.state == .done) }, uniquingKeysWith: { $0 && $1 })
        } catch {
            logger.error("mode: sync run of \(mask(eventID)) (source \(source)): \(error)")
            return ["(store unavailable)": false]
        }
    }

    private func unfinishedRules(source: String, eventIDs: [String]) async -> [String] {
        var rules: [String] = []
        for id in eventIDs {
            guard let event = try? await store.event(id: id, source: source).event else { continue }
            rules += event.jobs.filter { $0.state == .running || $0.state == .pending }.map(\.rule)
        }
        return rules
    }
}
