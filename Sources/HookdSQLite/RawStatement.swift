import GRDB
import GRDBSQLite

/// One of GRDB's cached statements, bound and stepped through the SQLite C API: for the writes that
/// every accepted event makes, where building GRDB's argument values (and freeing them on the
/// writer's thread) cost more than the insert itself. Each `run` leaves the statement reset and
/// its bindings cleared, as GRDB expects to find it.
struct RawStatement {
    private let handle: SQLiteStatement
    private let db: Database

    init(sql: String, in db: Database) throws {
        handle = try db.cachedStatement(sql: sql).sqliteStatement
        self.db = db
    }

    /// Makes SQLite copy the bytes: the Swift buffers do not outlive the call.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    func bind(_ index: Int32, _ text: String?) {
        guard var text else {
            sqlite3_bind_null(handle, index)
            return
        }
        text.withUTF8 { utf8 in
            _ = sqlite3_bind_text(handle, index, utf8.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) },
                                  Int32(utf8.count), Self.transient)
        }
    }

    /// An empty blob is bound as NULL, as GRDB binds it (the schema says so of its blob columns).
    func bind(_ index: Int32, blob: [UInt8]) {
        guard !blob.isEmpty else {
            sqlite3_bind_null(handle, index)
            return
        }
        blob.withUnsafeBytes { bytes in
            _ = sqlite3_bind_blob(handle, index, bytes.baseAddress, Int32(bytes.count), Self.transient)
        }
    }

    func bind(_ index: Int32, _ integer: Int64?) {
        guard let integer else {
            sqlite3_bind_null(handle, index)
            return
        }
        sqlite3_bind_int64(handle, index, integer)
    }

    /// Steps it to the end; how many rows it changed. An SQLite failure is thrown as GRDB's
    /// `DatabaseError`, so the store classifies it as it does every other.
    @discardableResult
    func run() throws -> Int {
        let code = sqlite3_step(handle)
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        guard code == SQLITE_DONE else { throw error(code) }
        return Int(sqlite3_changes(db.sqliteConnection))
    }

    private func error(_ code: Int32) -> DatabaseError {
        let message = db.sqliteConnection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
        return DatabaseError(resultCode: ResultCode(rawValue: code), message: message)
    }
}
