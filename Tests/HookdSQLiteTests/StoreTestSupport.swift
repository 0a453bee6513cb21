import Foundation
import GRDB
import HookdCore
import HookdSQLite
import Testing

/// Every SQLite store suite nests here, so `swift test --filter Store` runs them all.
@Suite enum SQLiteStoreTests {}

/// A fresh directory per test, removed when the test's scratch value goes away.
final class Scratch: Sendable {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hookd-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    /// A database path one level below the scratch directory, which the store must create.
    var databasePath: String { directory.appendingPathComponent("data/hookd.sqlite").path }
}

/// A request as a server would hand it over: body bytes and headers (auth already masked).
func request(_ body: String = #"{"id":"evt_1"}"#, headers: [(String, String)] = [("Content-Type", "application/json")]) -> RawRequest {
    RawRequest(body: Array(body.utf8), headers: headers.map { RawRequest.Header(name: $0.0, value: $0.1) })
}

/// An event of `source` with the given id, its payload naming the id.
func incoming(_ id: String, source: String = "passage", orderKey: String? = nil, receivedAt: Date = Date(),
              request raw: RawRequest? = nil) -> IncomingEvent {
    let payload = #"{"id":"\#(id)","type":"Connection.Updated","data":{"status":"data_available"}}"#
    return IncomingEvent(source: source, id: id, type: "Connection.Updated", status: "data_available",
                         timestamp: "2026-11-22T10:00:00.000Z", payload: Array(payload.utf8), dataPath: ["data"],
                         orderKey: orderKey, receivedAt: receivedAt, request: raw ?? request(payload))
}

/// A connection of the test's own on the store's file, for what the Store API does not show
/// (row counts) or does not do yet (marking events dispatched, as the dispatcher will).
func rawDatabase(_ path: String) throws -> DatabaseQueue {
    var configuration = Configuration()
    configuration.busyMode = .timeout(5)
    configuration.allowsUnsafeTransactions = true
    return try DatabaseQueue(path: path, configuration: configuration)
}

func count(_ table: String, in path: String) throws -> Int {
    try rawDatabase(path).read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? -1 }
}

/// The reason of the `StoreError` that `body` throws; nil when it succeeds or throws something else.
func storeErrorReason<T>(_ body: () async throws -> T) async -> StoreError.Reason? {
    do {
        _ = try await body()
        return nil
    } catch let error as StoreError {
        return error.reason
    } catch {
        return nil
    }
}
