import GRDB
import HookdCore

extension StoreError {
    /// The store error for whatever SQLite or GRDB threw. Conditions of the disk or of other
    /// processes (full, read-only, locked, I/O, cannot open, corrupt) get their own reason; anything
    /// else is `operationFailed`, which is still a 503, never a 200.
    init(sqlite error: any Error) {
        if let error = error as? StoreError {
            self = error
            return
        }
        guard let error = error as? DatabaseError else {
            self = .unavailable(.operationFailed, detail: String(describing: error))
            return
        }
        let detail = error.message ?? "SQLite error \(error.extendedResultCode.rawValue)"
        self = .unavailable(Self.reason(for: error.resultCode), detail: detail)
    }

    private static func reason(for code: ResultCode) -> Reason {
        switch code.primaryResultCode {
        case .SQLITE_FULL: .diskIsFull
        case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_AUTH: .storeIsReadOnly
        case .SQLITE_BUSY, .SQLITE_LOCKED: .storeIsLocked
        case .SQLITE_IOERR: .inputOutputFailed
        case .SQLITE_CANTOPEN: .storeCannotBeOpened
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: .storeIsCorrupt
        default: .operationFailed
        }
    }

    /// Whether the failure came from the store's surroundings rather than from one batch's content:
    /// such a failure would fail any batch alike, so retrying batches one by one is pointless.
    var isEnvironmental: Bool {
        reason != .operationFailed
    }
}
