import HookdCore
@testable import HookdServer
import Testing

/// The 200 answer's body, SPEC §3: both lists in full, ids as JSON strings.
@Suite("receipt answers")
struct ReceiptAnswerTests {
    @Test("a 200 lists every accepted and duplicate id, in order, escaped, with the ids for the log line")
    func acceptedBody() {
        let answer = ReceiptAnswer.accepted(["evt_1", "evt \"2\""], duplicates: ["evt_0"])
        #expect(answer.status == 200)
        #expect(answer.body == #"{"accepted": ["evt_1", "evt \"2\""], "duplicates": ["evt_0"]}"#)
        #expect(answer.events == ["evt_1", "evt \"2\"", "evt_0"])
        #expect(answer.errorCode == nil)
    }

    @Test("empty lists are written as []")
    func emptyLists() {
        #expect(ReceiptAnswer.accepted([], duplicates: ["d"]).body == #"{"accepted": [], "duplicates": ["d"]}"#)
        #expect(ReceiptAnswer.accepted(["a"], duplicates: []).body == #"{"accepted": ["a"], "duplicates": []}"#)
        #expect(ReceiptAnswer.accepted(["a"], duplicates: []).events == ["a"])
    }
}
