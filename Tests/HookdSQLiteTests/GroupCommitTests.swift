import Foundation
import HookdCore
@testable import HookdSQLite
import Testing

extension SQLiteStoreTests {
    @Suite("SQLiteStore: concurrent accepts and group commit")
    struct GroupCommitTests {
        @Test("20 concurrent deliveries of one id: one accepted, 19 duplicates, one row")
        func racingDuplicates() async throws {
            let scratch = try Scratch()
            let store = try SQLiteStore(path: scratch.databasePath)
            let results = try await withThrowingTaskGroup(of: AcceptResult.self) { group in
                for n in 0..<20 {
                    group.addTask { try await store.accept([incoming("evt_race", request: request("{\"n\":\(n)}"))]) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.count == 20)
            #expect(results.flatMap(\.accepted) == ["evt_race"])
            #expect(results.flatMap(\.duplicates).count == 19)
            #expect(try count("events", in: scratch.databasePath) == 1)
            // Each delivery came alone in its body: the one kept is in the event's row.
            #expect(try count("requests", in: scratch.databasePath) == 0)
        }

        @Test("afterAnswers inside an answer runs after the last answer of its commit, once; outside one, at once")
        func afterAnswers() async throws {
            let scratch = try Scratch()
            let store = try SQLiteStore(path: scratch.databasePath)
            final class Log: @unchecked Sendable {
                let lock = NSLock()
                var answered = 0
                /// For each body, in the order they ran: its request's number and how many answers
                /// had been given when it ran.
                var bodies: [(request: Int, answeredBefore: Int)] = []
            }
            let log = Log()
            let requests = 50
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                // Queued from one thread within microseconds, while the first commit syncs: the
                // later ones share commits.
                for n in 0..<requests {
                    store.accept([incoming("evt_after_\(n)")]) { result in
                        #expect((try? result.get())?.accepted == ["evt_after_\(n)"])
                        log.lock.withLock { log.answered += 1 }
                        store.afterAnswers {
                            let last = log.lock.withLock { () -> Bool in
                                log.bodies.append((n, log.answered))
                                return log.bodies.count == requests
                            }
                            if last { done.resume() }
                        }
                    }
                }
            }
            // Each body ran once, in the order registered, never before its own answer.
            #expect(log.bodies.map(\.request) == Array(0..<requests))
            #expect(log.bodies.allSatisfy { $0.answeredBefore >= $0.request + 1 })
            // In a commit of several accepts, the first one's body waited for the later answers.
            #expect(log.bodies.contains { $0.answeredBefore > $0.request + 1 }, "\(log.bodies)")
            // Not inside an answer: at once.
            let ran = Log()
            store.afterAnswers { ran.lock.withLock { ran.answered = 1 } }
            #expect(ran.lock.withLock { ran.answered } == 1)
        }

        @Test("two stores on one file (as two processes would) race one id: one event")
        func racingStores() async throws {
            let scratch = try Scratch()
            let first = try SQLiteStore(path: scratch.databasePath)
            let second = try SQLiteStore(path: scratch.databasePath)
            let results = try await withThrowingTaskGroup(of: AcceptResult.self) { group in
                for n in 0..<20 {
                    let store = n.isMultiple(of: 2) ? first : second
                    group.addTask { try await store.accept([incoming("evt_\(n / 4)")]) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.flatMap(\.accepted).sorted() == (0..<5).map { "evt_\($0)" })
            #expect(results.flatMap(\.duplicates).count == 15)
            #expect(try count("events", in: scratch.databasePath) == 5)
        }

        @Test("200 concurrent accepts of distinct ids: all stored, in far fewer transactions")
        func groupCommit() async throws {
            let scratch = try Scratch()
            let store = try SQLiteStore(path: scratch.databasePath)
            let results = try await withThrowingTaskGroup(of: AcceptResult.self) { group in
                for n in 0..<200 {
                    group.addTask { try await store.accept([incoming("evt_\(n)")]) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(Set(results.flatMap(\.accepted)) == Set((0..<200).map { "evt_\($0)" }))
            #expect(results.allSatisfy { $0.accepted.count == 1 && $0.duplicates.isEmpty })
            #expect(try count("events", in: scratch.databasePath) == 200)
            let statistics = store.commitStatistics
            #expect(statistics.batches == 200)
            #expect(statistics.events == 200)
            #expect(statistics.transactions < 100, "\(statistics)")
            #expect(statistics.largestTransaction > 1, "\(statistics)")
        }

        @Test("under load a few waiting events wait for a fuller transaction; a writer woken from idle does not wait")
        func lingerUnderLoad() async throws {
            let scratch = try Scratch()
            let store = try SQLiteStore(path: scratch.databasePath)
            final class Times: @unchecked Sendable {
                let lock = NSLock()
                var firstAnswered: ContinuousClock.Instant?
                var laterAnswered: [ContinuousClock.Instant] = []
            }
            let times = Times()
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                // The first accept finds the writer idle. Its answer (on the writer's queue, before the
                // writer looks for more) queues three more: three events, straight after a commit.
                store.accept([incoming("evt_idle")]) { result in
                    #expect((try? result.get())?.accepted == ["evt_idle"])
                    times.lock.withLock { times.firstAnswered = .now }
                    for n in 0..<3 {
                        store.accept([incoming("evt_busy_\(n)")]) { result in
                            #expect((try? result.get())?.accepted == ["evt_busy_\(n)"])
                            let all = times.lock.withLock { () -> Bool in
                                times.laterAnswered.append(.now)
                                return times.laterAnswered.count == 3
                            }
                            if all { done.resume() }
                        }
                    }
                }
            }
            var statistics = store.commitStatistics
            #expect(statistics.lingers == 1, "\(statistics)")
            #expect(statistics.transactions == 2, "\(statistics)")
            let (first, later) = times.lock.withLock { (times.firstAnswered, times.laterAnswered) }
            let waited = try #require(later.min()) - (try #require(first))
            #expect(waited >= GroupCommitWriter.linger, "answered \(waited) after the first commit")
            // Idle again: a lone accept is committed at once.
            _ = try await store.accept([incoming("evt_idle_again")])
            statistics = store.commitStatistics
            #expect(statistics.lingers == 1, "\(statistics)")
            #expect(statistics.transactions == 3, "\(statistics)")
        }

        @Test("one transaction holds at most the configured number of events")
        func transactionCap() async throws {
            let scratch = try Scratch()
            let store = try SQLiteStore(path: scratch.databasePath,
                                        options: SQLiteStoreOptions(maximumEventsPerTransaction: 10))
            try await withThrowingTaskGroup(of: Void.self) { group in
                for n in 0..<100 {
                    group.addTask { _ = try await store.accept([incoming("a\(n)"), incoming("b\(n)")]) }
                }
                try await group.waitForAll()
            }
            let statistics = store.commitStatistics
            #expect(statistics.events == 200)
            #expect(statistics.largestTransaction <= 10, "\(statistics)")
            #expect(statistics.transactions >= 20, "\(statistics)")
        }

        @Test("close answers every accept already queued before it closes")
        func closeDrains() async throws {
            let scratch = try Scratch()
            let store = try SQLiteStore(path: scratch.databasePath)
            let accepts = (0..<50).map { n in Task { try await store.accept([incoming("evt_\(n)")]) } }
            try await Task.sleep(for: .milliseconds(1))
            try await store.close()
            var accepted: [String] = []
            for task in accepts {
                switch await task.result {
                case .success(let result): accepted += result.accepted
                case .failure(let error): #expect((error as? StoreError)?.reason == .storeIsClosed)
                }
            }
            // Whatever was answered accepted is on disk; whatever was refused is not.
            let reopened = try SQLiteStore(path: scratch.databasePath)
            #expect(Set(try await reopened.events(matching: EventFilter(limit: 100)).map(\.id)) == Set(accepted))
        }
    }
}
