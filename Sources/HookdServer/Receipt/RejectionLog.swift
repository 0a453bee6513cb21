import Foundation
import Synchronization

/// The last rejected requests (400, 401, 403, 413) with their precise reasons, kept in memory for
/// `GET /api/rejections` and the status page (SPEC §7). Nothing of a rejected request is stored.
public final class RejectionLog: Sendable {
    /// One rejected request.
    public struct Rejection: Sendable, Equatable {
        public var time: Date
        /// nil when no source is served at the path.
        public var source: String?
        public var client: String
        public var status: Int
        /// e.g. `signature mismatch: 2 candidate secrets`, `missing field id`.
        public var reason: String
    }

    public let capacity: Int
    private let entries: Mutex<[Rejection]>

    public init(capacity: Int = 1000) {
        self.capacity = capacity
        entries = Mutex([])
    }

    public func record(_ rejection: Rejection) {
        entries.withLock { list in
            list.append(rejection)
            if list.count > capacity { list.removeFirst(list.count - capacity) }
        }
    }

    /// Newest first.
    public var recent: [Rejection] {
        entries.withLock { Array($0.reversed()) }
    }
}
