import Foundation

/// How `SQLiteStore` opens its file.
public struct SQLiteStoreOptions: Sendable, Hashable {
    /// Whether the store may write (`hookd serve`) or only read (`hookd events` beside a running daemon).
    public enum Access: Sendable, Hashable {
        case readWrite
        case readOnly
    }

    public var access: Access
    /// How long a write waits for another process's lock before the store reports itself locked.
    public var busyTimeout: TimeInterval
    /// A cap on the database file's size in bytes (SQLite's `max_page_count`); past it writes fail
    /// as a full disk would, with 503s, instead of filling the disk. Nil for no cap.
    public var maximumSize: Int?
    /// At most this many events go into one group-commit transaction; later arrivals wait for the
    /// next one, so one commit's latency stays bounded under a burst.
    public var maximumEventsPerTransaction: Int

    public init(access: Access = .readWrite, busyTimeout: TimeInterval = 5, maximumSize: Int? = nil,
                maximumEventsPerTransaction: Int = 2_000) {
        self.access = access
        self.busyTimeout = busyTimeout
        self.maximumSize = maximumSize
        self.maximumEventsPerTransaction = max(1, maximumEventsPerTransaction)
    }
}
