import Foundation
import GRDB
import HookdCore

extension SQLiteStore {
    static func configuration(_ options: SQLiteStoreOptions) -> Configuration {
        var configuration = Configuration()
        configuration.readonly = options.access == .readOnly
        configuration.busyMode = .timeout(options.busyTimeout)
        configuration.label = "hookd.store"
        if let maximumSize = options.maximumSize {
            configuration.prepareDatabase { db in
                let pageSize = try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 4096
                try db.execute(sql: "PRAGMA max_page_count = \(max(1, maximumSize / pageSize))")
            }
        }
        return configuration
    }

    /// Durability and schema. GRDB opens a pool's writer with `synchronous=NORMAL`, which in WAL
    /// mode may lose the last commits on power loss, so FULL is set afterwards and checked.
    static func prepare(_ pool: DatabasePool, options: SQLiteStoreOptions) throws {
        guard options.access == .readWrite else {
            try pool.read { db in
                guard try SQLiteSchema.migrator.hasCompletedMigrations(db) else {
                    throw StoreError.unavailable(.schemaIsNotCurrent, detail: "open it read-write once to migrate it")
                }
            }
            return
        }
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            guard try Int.fetchOne(db, sql: "PRAGMA synchronous") == 2 else {
                throw StoreError.unavailable(.operationFailed, detail: "SQLite refused synchronous=FULL")
            }
        }
        try pool.read { db in
            if try SQLiteSchema.migrator.hasBeenSuperseded(db) {
                throw StoreError.unavailable(.schemaIsNotCurrent, detail: "written by a newer hookd")
            }
        }
        try SQLiteSchema.migrator.migrate(pool)
    }

    static func createParentDirectory(of path: String) throws {
        let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        } catch {
            throw StoreError.unavailable(.storeCannotBeOpened, detail: "cannot create \(parent): \(error.localizedDescription)")
        }
    }
}
