import Foundation
import GRDB
import HookdCore
import HookdSQLite
import Testing

extension SQLiteStoreTests {
    /// Each case drives SQLite into the condition for real, so the product's error mapping is what
    /// answers. Tests run as root, where file modes do not stop writes, hence the other means.
    @Suite("SQLiteStore: a store that cannot write says unavailable")
    struct UnavailableTests {
        @Test("a database opened read-only refuses accepts as read-only, and still reads")
        func readOnly() async throws {
            let scratch = try Scratch()
            let writable = try SQLiteStore(path: scratch.databasePath)
            _ = try await writable.accept([incoming("a")])
            try await writable.close()

            let store = try SQLiteStore(path: scratch.databasePath, options: SQLiteStoreOptions(access: .readOnly))
            #expect(await storeErrorReason { try await store.accept([incoming("b")]) } == .storeIsReadOnly)
            #expect(try await store.event(id: "a", source: nil).event?.id == "a")
            #expect(try await store.event(id: "b", source: nil) == .notFound)
        }

        @Test("a write-protected file and directory refuse accepts (not as root, where modes do not bind)",
              .enabled(if: getuid() != 0))
        func writeProtectedFile() async throws {
            let scratch = try Scratch()
            let writable = try SQLiteStore(path: scratch.databasePath)
            _ = try await writable.accept([incoming("a")])
            try await writable.close()
            let directory = URL(fileURLWithPath: scratch.databasePath).deletingLastPathComponent().path
            try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: scratch.databasePath)
            try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: directory)
            defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory) }
            let reason = await storeErrorReason {
                let store = try SQLiteStore(path: scratch.databasePath)
                return try await store.accept([incoming("b")])
            }
            #expect(reason != nil)
        }

        @Test("a full database refuses the batch that does not fit, keeps what was committed, goes on answering")
        func diskFull() async throws {
            let scratch = try Scratch()
            let store = try SQLiteStore(path: scratch.databasePath,
                                        options: SQLiteStoreOptions(maximumSize: 256 * 1024))
            let big = String(repeating: "x", count: 16 * 1024)
            var accepted: [String] = []
            var reason: StoreError.Reason?
            for n in 0..<64 where reason == nil {
                let event = incoming("evt_\(n)", request: request(#"{"pad":"\#(big)"}"#))
                reason = await storeErrorReason { accepted += try await store.accept([event]).accepted }
            }
            #expect(reason == .diskIsFull)
            #expect(!accepted.isEmpty && accepted.count < 64)
            let stored = try await store.events(matching: EventFilter(limit: 100)).map(\.id)
            #expect(Set(stored) == Set(accepted))
            let small = incoming("evt_small", request: request(#"{"pad":"\#(big)\#(big)"}"#))
            #expect(await storeErrorReason { try await store.accept([small]) } == .diskIsFull)
        }

        @Test("a database locked by another writer: locked after the busy timeout, then writable again")
        func locked() async throws {
            let scratch = try Scratch()
            let store = try SQLiteStore(path: scratch.databasePath, options: SQLiteStoreOptions(busyTimeout: 0.2))
            let other = try rawDatabase(scratch.databasePath)
            try await other.writeWithoutTransaction { db in try db.execute(sql: "BEGIN IMMEDIATE") }
            let started = Date()
            #expect(await storeErrorReason { try await store.accept([incoming("a")]) } == .storeIsLocked)
            #expect(Date().timeIntervalSince(started) >= 0.15)
            try await other.writeWithoutTransaction { db in try db.execute(sql: "COMMIT") }
            #expect(try await store.accept([incoming("a")]) == AcceptResult(accepted: ["a"]))
        }

        @Test("a path that is a directory cannot be opened")
        func cannotOpen() async throws {
            let scratch = try Scratch()
            #expect(await storeErrorReason { try SQLiteStore(path: scratch.directory.path) } == .storeCannotBeOpened)
        }

        @Test("a parent that is a file cannot be created")
        func parentIsAFile() async throws {
            let scratch = try Scratch()
            let file = scratch.directory.appendingPathComponent("file")
            try Data("x".utf8).write(to: file)
            let path = file.appendingPathComponent("hookd.sqlite").path
            #expect(await storeErrorReason { try SQLiteStore(path: path) } == .storeCannotBeOpened)
        }

        @Test("a file that is not a database is corrupt")
        func notADatabase() async throws {
            let scratch = try Scratch()
            let path = scratch.directory.appendingPathComponent("junk.sqlite").path
            try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: path))
            #expect(await storeErrorReason { try SQLiteStore(path: path) } == .storeIsCorrupt)
        }
    }
}
