/// Why a body is not valid JSON: the byte offset where reading stopped and a short reason.
public struct JSONSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Offset of the offending byte in the input (the input's length when it ended too early).
    public var offset: Int
    /// A short reason, such as `expected ':' after an object key`.
    public var reason: String

    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    public var description: String { "at byte \(offset): \(reason)" }
}
