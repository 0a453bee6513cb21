/// Where one (event, rule) job stands (SPEC §6): `failed` means waiting to retry.
public enum JobState: String, Sendable, Hashable, Codable {
    case pending
    case running
    case done
    case failed
    case dead
}

/// An event's state as SPEC §6 derives it from its jobs.
public enum EventState: String, Sendable, Hashable, Codable {
    case pending
    case done
    case failed
    case dead

    /// `dead` if any job is dead; else `failed` if any waits to retry; else `pending` if the event is
    /// not yet dispatched or any job is pending or running; else `done` (also with no jobs at all).
    public init(dispatched: Bool, jobs: [JobState]) {
        if jobs.contains(.dead) {
            self = .dead
        } else if jobs.contains(.failed) {
            self = .failed
        } else if !dispatched || jobs.contains(.pending) || jobs.contains(.running) {
            self = .pending
        } else {
            self = .done
        }
    }
}
