import Foundation
import HookdCore

/// What a reload (or the start-up load) came to: shown on the status page, answered by
/// `POST /api/reload`, counted in `hookd_reloads_total`.
public struct ReloadReport: Sendable, Equatable {
    public var succeeded: Bool
    public var at: Date
    /// The generation in force afterwards.
    public var generation: Int
    /// Every problem found (`rules/x.lua:12: …`); empty on success.
    public var errors: [String]
    /// Settings changed in the file that apply only after a restart.
    public var needsRestart: [String]
    /// How long building and checking the new generation took.
    public var duration: Duration

    public init(succeeded: Bool, at: Date, generation: Int, errors: [String] = [], needsRestart: [String] = [], duration: Duration = .zero) {
        self.succeeded = succeeded
        self.at = at
        self.generation = generation
        self.errors = errors
        self.needsRestart = needsRestart
        self.duration = duration
    }

    /// `POST /api/reload`'s answer.
    public var json: String {
        let result = JSONText.string(succeeded ? "ok" : "failed")
        let errorList = errors.map(JSONText.string).joined(separator: ", ")
        let restartList = needsRestart.map(JSONText.string).joined(separator: ", ")
        let time = String(format: "%.1f", duration.milliseconds)
        return "{\"result\": \(result), \"generation\": \(generation), \"errors\": [\(errorList)], "
            + "\"needs_restart\": [\(restartList)], \"duration_ms\": \(time)}"
    }
}
