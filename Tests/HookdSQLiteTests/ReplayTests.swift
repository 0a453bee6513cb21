import Foundation
import HookdCore
import HookdSQLite
import Testing

extension SQLiteStoreTests {
    /// `Store.replay` (SPEC §4: reset to attempt 0, no new match, history kept) and listing by state.
    @Suite("replay")
    struct ReplayTests {
        let scratch: Scratch
        let store: SQLiteStore

        init() throws {
            scratch = try Scratch()
            store = try SQLiteStore(path: scratch.databasePath)
        }

        func failed(_ number: Int) -> AttemptRecord {
            AttemptRecord(number: number, startedAt: Date(), duration: .milliseconds(2), outcome: .failed, error: "boom \(number)")
        }

        /// Accepts `ids`, dispatches each to `rules`, claims everything and finishes each job as `end` says.
        func settle(_ ids: [String], source: String = "passage", rules: [String] = ["r"],
                    end: (String, String) -> JobTransition) async throws {
            _ = try await store.accept(ids.map { incoming($0, source: source) })
            var jobs: [Int64: (String, String)] = [:]
            for id in ids {
                for (rule, job) in try #require(try await store.dispatch(source: source, eventID: id, rules: rules)) {
                    jobs[job] = (id, rule)
                }
            }
            for claimed in try await store.claimDueJobs(now: Date(), limit: 100) {
                let (id, rule) = try #require(jobs[claimed.id])
                let transition = end(id, rule)
                let attempt = transition == .done ? AttemptRecord(number: 1, startedAt: Date(), duration: .zero, outcome: .ok) : failed(1)
                try await store.finish(job: claimed.id, attempt: attempt, transition: transition)
            }
        }

        @Test("a dead job replayed is pending at attempt 0, due now, and its earlier attempts stay as round 0")
        func replaysDead() async throws {
            try await settle(["evt_1"]) { _, _ in .dead(error: "boom 1") }
            #expect(try await store.event(id: "evt_1", source: nil).event?.state == .dead)
            let result = try await store.replay(ReplaySelection(.events(["evt_1"])))
            #expect(result.replayed == [ReplayResult.Job(source: "passage", eventID: "evt_1", rule: "r")])
            let event = try #require(try await store.event(id: "evt_1", source: nil).event)
            #expect(event.state == .pending)
            #expect(event.jobs.map(\.attempts) == [0])
            let claimed = try await store.claimDueJobs(now: Date(), limit: 10)
            #expect(claimed.map(\.attempts) == [0])
            try await store.finish(job: try #require(claimed.first?.id), attempt: AttemptRecord(number: 1, startedAt: Date(), duration: .zero, outcome: .ok),
                                   transition: .done)
            let attempts = try await store.attempts(source: "passage", eventID: "evt_1")
            #expect(attempts.map(\.round) == [0, 1])
            #expect(attempts.map(\.attempt.number) == [1, 1])
            #expect(attempts.map(\.attempt.outcome) == [.failed, .ok])
            #expect(try await store.event(id: "evt_1", source: nil).event?.state == .done)
        }

        @Test("bulk replay by state, narrowed by rule, source and time of receipt; pending and running jobs untouched")
        func bulk() async throws {
            try await settle(["a", "b"], rules: ["r", "s"]) { id, rule in
                id == "a" || rule == "r" ? .dead(error: "x") : .done
            }
            try await settle(["c"], source: "other") { _, _ in .dead(error: "x") }
            let byRule = try await store.replay(ReplaySelection(.state(.dead), rule: "s"))
            #expect(byRule.replayed.map { "\($0.eventID)/\($0.rule)" } == ["a/s"])
            let bySource = try await store.replay(ReplaySelection(.state(.dead), source: "other"))
            #expect(bySource.replayed.map { "\($0.source)/\($0.eventID)" } == ["other/c"])
            let future = try await store.replay(ReplaySelection(.state(.dead), since: Date().addingTimeInterval(60)))
            #expect(future.replayed.isEmpty)
            let rest = try await store.replay(ReplaySelection(.state(.dead)))
            #expect(Set(rest.replayed.map { "\($0.eventID)/\($0.rule)" }) == ["a/r", "b/r"])
            // By id, a done job is replayed too; the pending ones are left as they are.
            #expect(try await store.replay(ReplaySelection(.events(["a", "b"]))).replayed.map { "\($0.eventID)/\($0.rule)" } == ["b/s"])
        }

        @Test("an unknown id is reported; an id known in two sources needs the source")
        func unknownAndAmbiguous() async throws {
            try await settle(["dup"]) { _, _ in .dead(error: "x") }
            try await settle(["dup"], source: "other") { _, _ in .dead(error: "x") }
            let result = try await store.replay(ReplaySelection(.events(["dup", "nope"])))
            #expect(result.notFound == ["nope"])
            #expect(result.ambiguous == ["dup": ["other", "passage"]])
            #expect(result.replayed.isEmpty)
            let narrowed = try await store.replay(ReplaySelection(.events(["dup"]), source: "other"))
            #expect(narrowed.replayed.map(\.source) == ["other"])
        }

        @Test("events are listed by state exactly as SPEC §6 derives it")
        func listsByState() async throws {
            try await settle(["dead", "done"], rules: ["r"]) { id, _ in id == "dead" ? .dead(error: "x") : .done }
            try await settle(["retrying"]) { _, _ in .retry(at: Date().addingTimeInterval(60)) }
            _ = try await store.accept([incoming("new")])
            _ = try await store.accept([incoming("nothing")])
            _ = try await store.dispatch(source: "passage", eventID: "nothing", rules: [])
            func ids(_ state: EventState) async throws -> Set<String> {
                Set(try await store.events(matching: EventFilter(state: state)).map(\.id))
            }
            #expect(try await ids(.dead) == ["dead"])
            #expect(try await ids(.failed) == ["retrying"])
            #expect(try await ids(.pending) == ["new"])
            #expect(try await ids(.done) == ["done", "nothing"])
            // The SQL filter and the Swift derivation agree on every event.
            for event in try await store.events(matching: EventFilter()) {
                #expect(try await ids(event.state).contains(event.id))
            }
        }
    }
}
