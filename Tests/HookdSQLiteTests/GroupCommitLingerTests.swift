@testable import HookdSQLite
import Testing

/// When the writer waits for a transaction to fill (`GroupCommitWriter.shouldLinger`).
@Suite("group commit: waiting for a fuller transaction")
struct GroupCommitLingerTests {
    @Test("only straight after a commit, and only for some events but fewer than the threshold")
    func lingerPolicy() {
        let below = GroupCommitWriter.lingerBelowEvents
        // Woken from idle: the first transaction never waits, however few events it has.
        #expect(!GroupCommitWriter.shouldLinger(queuedEvents: 1, afterCommit: false))
        // Straight after a commit: a few events wait for more.
        #expect(GroupCommitWriter.shouldLinger(queuedEvents: 1, afterCommit: true))
        #expect(GroupCommitWriter.shouldLinger(queuedEvents: below - 1, afterCommit: true))
        // Enough events, or only job writes (no events): no wait.
        #expect(!GroupCommitWriter.shouldLinger(queuedEvents: below, afterCommit: true))
        #expect(!GroupCommitWriter.shouldLinger(queuedEvents: 0, afterCommit: true))
        #expect(GroupCommitWriter.linger > .zero && GroupCommitWriter.linger <= .milliseconds(1))
    }
}
