@testable import LuaRuntime
import Testing

/// Events packed for the shim (`RunEvent.fields`), and the buffer the worker packs them into.
@Suite("packed events")
struct PackedEventTests {
    static func event(payload: String) -> EventFields {
        EventFields(id: "evt_1", source: "s", type: "t", status: nil, timestamp: nil, attempt: 1,
                    headers: [("Content-Type", "application/json")], dataPath: [], payload: Array(payload.utf8))
    }

    @Test("a small event's buffer is kept for the next run; a large one's is let go after its run starts")
    func bufferKeptOnlyWhenSmall() throws {
        let worker = try makeWorker([rule("log.info(tostring(#event.payload.s) .. ' ' .. event.headers['content-type'])")])
        let small = worker.run(rule: 0, event: .fields(Self.event(payload: #"{"s": "abc"}"#)), limits: .defaults, answer: ok200)
        #expect(small.isOK && small.messages == ["3 application/json"], "\(small.outcome) \(small.messages)")
        #expect(worker.packedBufferCapacity > 0 && worker.packedBufferCapacity <= LuaWorker.keptPackedCapacity)
        let large = String(repeating: "x", count: 200_000)
        let big = worker.run(rule: 0, event: .fields(Self.event(payload: #"{"s": "\#(large)"}"#)), limits: .defaults, answer: ok200)
        #expect(big.isOK && big.messages == ["200000 application/json"], "\(big.outcome) \(big.messages)")
        #expect(worker.packedBufferCapacity <= LuaWorker.keptPackedCapacity, "\(worker.packedBufferCapacity)")
    }
}
