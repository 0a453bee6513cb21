/// Why a store operation failed. Every case means nothing was acknowledged: the server answers 503.
public enum StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The store cannot do the work now; `detail` is the underlying message, with no secret in it.
    case unavailable(Reason, detail: String)

    /// What made the store unavailable.
    public enum Reason: String, Sendable, Hashable {
        case diskIsFull = "disk is full"
        case storeIsReadOnly = "store is read-only"
        case storeIsLocked = "store is locked by another writer"
        case inputOutputFailed = "input/output error"
        case storeCannotBeOpened = "store cannot be opened"
        case storeIsCorrupt = "store is corrupt"
        case schemaIsNotCurrent = "store schema is not this version's"
        case storeIsClosed = "store is closed"
        case operationFailed = "store operation failed"
    }

    public var reason: Reason {
        switch self {
        case .unavailable(let reason, _): reason
        }
    }

    public var description: String {
        switch self {
        case .unavailable(let reason, let detail): detail.isEmpty ? reason.rawValue : "\(reason.rawValue): \(detail)"
        }
    }
}
