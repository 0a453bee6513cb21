import Foundation
import GRDB
import HookdCore
import HookdSQLite
import Testing

extension SQLiteStoreTests {
    @Suite("SQLiteStore: accepting and reading back")
    struct AcceptTests {
        @Test("an accepted event reads back with identical payload and raw request bytes")
        func acceptThenFetch() async throws {
            let scratch = try Scratch()
            let store = try SQLiteStore(path: scratch.databasePath)
            // Bytes that are not UTF-8 and headers with a repeated name must survive unchanged.
            let body: [UInt8] = Array(#"{"id":"evt_9b1f","x":""#.utf8) + [0xff, 0x00, 0xc3] + Array(#""}"#.utf8)
            let raw = RawRequest(body: body, headers: [
                .init(name: "Content-Type", value: "application/json"),
                .init(name: "X-Passage-Signature", value: "***"),
                .init(name: "X-Forwarded-For", value: "10.0.0.1"),
                .init(name: "x-forwarded-for", value: "10.0.0.2"),
            ])
            let payload = Array(#"{"id":"evt_9b1f", "data": {"status": "data_available", "n": 1.50}}"#.utf8)
            let receivedAt = Date(timeIntervalSince1970: 1_795_000_000.123)
            let event = IncomingEvent(source: "passage", id: "evt_9b1f", type: "Connection.Updated",
                                      status: "data_available", timestamp: "2026-11-22T10:00:00.000Z",
                                      payload: payload, dataPath: ["data"], orderKey: "profile-7",
                                      receivedAt: receivedAt, request: raw)
            let result = try await store.accept([event])
            #expect(result == AcceptResult(accepted: ["evt_9b1f"], duplicates: []))

            let stored = try #require(try await store.event(id: "evt_9b1f", source: nil).event)
            #expect(stored.payload == payload)
            #expect(stored.request == raw)
            #expect(stored.source == "passage")
            #expect(stored.type == "Connection.Updated")
            #expect(stored.status == "data_available")
            #expect(stored.timestamp == "2026-11-22T10:00:00.000Z")
            #expect(stored.dataPath == ["data"])
            #expect(stored.orderKey == "profile-7")
            #expect(stored.receivedAt == Date(timeIntervalSince1970: 1_795_000_000.123).truncatedToMilliseconds)
            #expect(stored.dispatched == false)
            #expect(try await store.event(id: "evt_9b1f", source: "passage").event == stored)
            #expect(try await store.event(id: "evt_9b1f", source: "ethpass") == .notFound)
            #expect(try await store.event(id: "evt_nope", source: nil) == .notFound)
        }

        @Test("a payload that is its request's whole body is kept once, in the request; a batch's payloads are kept each")
        func payloadKeptOnce() async throws {
            let scratch = try Scratch()
            let store = try SQLiteStore(path: scratch.databasePath)
            let single = incoming("evt_single")
            let batch = request(#"[{"id":"evt_a"},{"id":"evt_b"}]"#)
            var first = incoming("evt_a", request: batch)
            first.payload = Array(#"{"id":"evt_a"}"#.utf8)
            var second = incoming("evt_b", request: batch)
            second.payload = Array(#"{"id":"evt_b"}"#.utf8)
            _ = try await store.accept([single])
            _ = try await store.accept([first, second])
            let rows = try await rawDatabase(scratch.databasePath).read { db in
                try Row.fetchAll(db, sql: "SELECT id, payload IS NULL AS bare, payload_is_body FROM events ORDER BY seq")
                    .map { ($0["id"] as String, $0["bare"] as Bool, $0["payload_is_body"] as Bool) }
            }
            #expect(rows.map(\.0) == ["evt_single", "evt_a", "evt_b"])
            #expect(rows.map(\.1) == [true, false, false])
            #expect(rows.map(\.2) == [true, false, false])
            // Read back, each event has its own payload.
            #expect(try await store.event(id: "evt_single", source: nil).event?.payload == single.payload)
            #expect(try await store.event(id: "evt_a", source: nil).event?.payload == first.payload)
            #expect(try await store.event(id: "evt_b", source: nil).event?.payload == second.payload)
        }

        @Test("optional fields stay nil, empty bodies and headers stay empty")
        func optionalFields() async throws {
            let scratch = try Scratch()
            let store = try SQLiteStore(path: scratch.databasePath)
            let event = IncomingEvent(source: "ethpass", id: "abc", type: "pass:expire", payload: [],
                                      dataPath: [], receivedAt: Date(), request: RawRequest(body: [], headers: []))
            _ = try await store.accept([event])
            let stored = try #require(try await store.event(id: "abc", source: nil).event)
            #expect(stored.status == nil && stored.timestamp == nil && stored.orderKey == nil)
            #expect(stored.payload == [] && stored.dataPath == [] && stored.request == RawRequest(body: [], headers: []))
        }

        @Test("a redelivery in a second request is a duplicate and changes nothing")
        func duplicateInSecondRequest() async throws {
            let scratch = try Scratch()
            let store = try SQLiteStore(path: scratch.databasePath)
            #expect(try await store.accept([incoming("evt_1")]) == AcceptResult(accepted: ["evt_1"]))
            let first = try await store.event(id: "evt_1", source: nil)
            let again = incoming("evt_1", receivedAt: Date().addingTimeInterval(60), request: request("{}"))
            #expect(try await store.accept([again, incoming("evt_2")])
                == AcceptResult(accepted: ["evt_2"], duplicates: ["evt_1"]))
            #expect(try await store.event(id: "evt_1", source: nil) == first)
            // The same id in another source is another event.
            #expect(try await store.accept([incoming("evt_1", source: "passfort")]) == AcceptResult(accepted: ["evt_1"]))
            #expect(try count("events", in: scratch.databasePath) == 3)
        }

        @Test("the same id twice in one batch: accepted once, then a duplicate; one request row")
        func duplicateWithinBatch() async throws {
            let scratch = try Scratch()
            let store = try SQLiteStore(path: scratch.databasePath)
            let raw = request(#"[{"id":"a"},{"id":"b"},{"id":"a"}]"#)
            let batch = ["a", "b", "a"].map { incoming($0, source: "passfort", request: raw) }
            #expect(try await store.accept(batch) == AcceptResult(accepted: ["a", "b"], duplicates: ["a"]))
            #expect(try count("events", in: scratch.databasePath) == 2)
            #expect(try count("requests", in: scratch.databasePath) == 1)
            #expect(try await store.event(id: "b", source: nil).event?.request == raw)
        }

        @Test("a batch of duplicates only stores no request")
        func duplicatesStoreNoRequest() async throws {
            let scratch = try Scratch()
            let store = try SQLiteStore(path: scratch.databasePath)
            let raw = request(#"{"id":"a","n":1}"#)
            _ = try await store.accept([incoming("a", request: raw)])
            #expect(try await store.accept([incoming("a", request: request(#"{"id":"a","n":2}"#))]) == AcceptResult(duplicates: ["a"]))
            #expect(try count("requests", in: scratch.databasePath) == 0)
            #expect(try await store.event(id: "a", source: nil).event?.request == raw)
            // Nor does a duplicate batch.
            let batch = request(#"[{"id":"a"},{"id":"a"}]"#)
            #expect(try await store.accept(["a", "a"].map { incoming($0, source: "passage", request: batch) }) == AcceptResult(duplicates: ["a", "a"]))
            #expect(try count("requests", in: scratch.databasePath) == 0)
            #expect(try await store.accept([]) == AcceptResult())
        }

        @Test("an event alone in its body keeps its request in its own row; a batch's events share one requests row")
        func requestKeptWithLoneEvent() async throws {
            let scratch = try Scratch()
            let store = try SQLiteStore(path: scratch.databasePath)
            // Its payload is the whole body, so that is read from the event's own request too.
            let solo = incoming("solo")
            let alone = solo.request
            let empty = request("", headers: [("X-Empty", "1")])
            let batch = request(#"[{"id":"b1"},{"id":"b2"}]"#)
            _ = try await store.accept([solo])
            _ = try await store.accept([incoming("empty", request: empty)])
            _ = try await store.accept(["b1", "b2"].map { incoming($0, source: "passfort", request: batch) })
            #expect(try count("requests", in: scratch.databasePath) == 1)
            #expect(try await store.event(id: "solo", source: nil).event?.request == alone)
            #expect(try await store.event(id: "empty", source: nil).event?.request == empty)
            #expect(try await store.event(id: "b1", source: nil).event?.request == batch)
            #expect(try await store.event(id: "b2", source: nil).event?.request == batch)
            #expect(try await store.event(id: "solo", source: nil).event?.payload == solo.payload)
            let unindexed = try await rawDatabase(scratch.databasePath).read { db in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM events WHERE request_id IS NULL AND request_headers IS NOT NULL")
            }
            #expect(unindexed == 2)
        }

        @Test("lists newest first, by source, up to the limit; an id in two sources is ambiguous")
        func listing() async throws {
            let scratch = try Scratch()
            let store = try SQLiteStore(path: scratch.databasePath)
            for (id, source) in [("1", "passage"), ("2", "passfort"), ("3", "passage"), ("1", "passfort")] {
                _ = try await store.accept([incoming(id, source: source)])
            }
            let all = try await store.events(matching: EventFilter())
            #expect(all.map { "\($0.source)/\($0.id)" } == ["passfort/1", "passage/3", "passfort/2", "passage/1"])
            #expect(try await store.events(matching: EventFilter(source: "passage")).map(\.id) == ["3", "1"])
            #expect(try await store.events(matching: EventFilter(limit: 1)).map(\.id) == ["1"])
            #expect(try await store.events(matching: EventFilter(source: "nope")).isEmpty)
            #expect(try await store.event(id: "1", source: nil) == .ambiguous(sources: ["passage", "passfort"]))
            #expect(try await store.event(id: "1", source: "passfort").event?.source == "passfort")
        }

        @Test("the writer runs in WAL mode with synchronous=FULL")
        func durability() async throws {
            let scratch = try Scratch()
            let store = try SQLiteStore(path: scratch.databasePath)
            #expect(try await store.durability() == SQLiteDurability(journalMode: "wal", synchronous: "FULL"))
        }

        @Test("closed and reopened, the store still has its events")
        func restart() async throws {
            let scratch = try Scratch()
            let store = try SQLiteStore(path: scratch.databasePath)
            _ = try await store.accept([incoming("a"), incoming("b")])
            try await store.close()
            #expect(await storeErrorReason { try await store.accept([incoming("c")]) } == .storeIsClosed)

            let reopened = try SQLiteStore(path: scratch.databasePath)
            #expect(try await reopened.events(matching: EventFilter()).map(\.id) == ["b", "a"])
            #expect(try await reopened.accept([incoming("a"), incoming("c")])
                == AcceptResult(accepted: ["c"], duplicates: ["a"]))
            try await reopened.close()
        }
    }
}

extension Date {
    /// What the store keeps of a time: whole milliseconds.
    var truncatedToMilliseconds: Date {
        Date(timeIntervalSince1970: (timeIntervalSince1970 * 1000).rounded(.down) / 1000)
    }
}
