import Foundation

/// What `Store.prune` may delete. Only finished events are touched (dispatched, every job done):
/// pending work, retries and dead jobs are kept whatever their age.
///
/// Two horizons: a finished event received before `keepDetailsAfter` loses its payload, raw
/// request, jobs and attempts but stays as a tombstone, so its id still dedupes; one received before
/// `rememberIDsAfter` (the `retention:` window) is forgotten, and a redelivery would be new.
public struct RetentionPolicy: Sendable, Hashable {
    /// Ids received before this instant are forgotten.
    public var rememberIDsAfter: Date
    /// Details of events received before this instant are dropped (never later than the id horizon
    /// matters: a tombstone older than `rememberIDsAfter` is forgotten too).
    public var keepDetailsAfter: Date

    public init(rememberIDsAfter: Date, keepDetailsAfter: Date) {
        self.rememberIDsAfter = rememberIDsAfter
        self.keepDetailsAfter = max(keepDetailsAfter, rememberIDsAfter)
    }

    /// Remember ids for `window` (the `retention:` setting) and keep details for `details`
    /// (by default as long as the ids), both counted back from `now`.
    public init(window: TimeInterval, keepingDetailsFor details: TimeInterval? = nil, now: Date = Date()) {
        self.init(rememberIDsAfter: now.addingTimeInterval(-window),
                  keepDetailsAfter: now.addingTimeInterval(-(details ?? window)))
    }
}
