import Hummingbird
import NIOCore

/// Reads a request body within `max_body` and a deadline, so that neither a large body nor a slow
/// client can hold the listener.
enum BodyReader {
    /// How a body read ended.
    enum Outcome: Sendable {
        case complete([UInt8])
        /// Larger than the limit; what was sent has been read and dropped so the client sees the 413.
        case tooLarge
        /// The client did not send the whole body before the deadline.
        case timedOut
    }

    /// A refused body is drained up to this many bytes so that the client reads its 413 instead of a
    /// reset; past it the connection is closed.
    static let drainLimit = 16 << 20

    static func read(_ body: RequestBody, limit: Int, deadline: Duration) async -> Outcome {
        await withTaskGroup(of: Outcome?.self) { group in
            group.addTask { await collect(body, limit: limit) }
            group.addTask {
                try? await Task.sleep(for: deadline)
                return Task.isCancelled ? nil : .timedOut
            }
            let first = await group.next() ?? .timedOut
            group.cancelAll()
            return first ?? .timedOut
        }
    }

    private static func collect(_ body: RequestBody, limit: Int) async -> Outcome? {
        var bytes: [UInt8] = []
        var seen = 0
        do {
            for try await chunk in body {
                seen += chunk.readableBytes
                if seen > limit {
                    if seen > drainLimit { return .tooLarge }
                    continue
                }
                bytes.append(contentsOf: chunk.readableBytesView)
            }
        } catch {
            return .timedOut
        }
        return seen > limit ? .tooLarge : .complete(bytes)
    }
}
