import NIOConcurrencyHelpers
import NIOCore

/// Hands work to one event loop in batches: the store's writer answers a whole commit's requests at
/// once, and a wakeup of the loop (a system call) per answer cost more than the answer itself. The
/// first item posted while the loop has none pending schedules one task that runs them all, once
/// the commit's last answer is given (`afterAnswers`, the store's), so a loop that drains its
/// mailbox between two answers is not woken again for the next.
final class EventLoopMailbox: Sendable {
    let eventLoop: any EventLoop
    private let pending = NIOLockedValueBox<[@Sendable () -> Void]>([])
    private let afterAnswers: @Sendable (@escaping @Sendable () -> Void) -> Void

    init(eventLoop: any EventLoop, afterAnswers: @escaping @Sendable (@escaping @Sendable () -> Void) -> Void = { $0() }) {
        self.eventLoop = eventLoop
        self.afterAnswers = afterAnswers
    }

    func post(_ work: @escaping @Sendable () -> Void) {
        let first = pending.withLockedValue { pending in
            pending.append(work)
            return pending.count == 1
        }
        if first { afterAnswers { self.eventLoop.execute { self.runPending() } } }
    }

    private func runPending() {
        let work = pending.withLockedValue { pending in
            defer { pending.removeAll(keepingCapacity: true) }
            return pending
        }
        for item in work { item() }
    }
}

/// One mailbox per event loop of a group, found by the loop a channel runs on.
struct EventLoopMailboxes: Sendable {
    private let byLoop: [ObjectIdentifier: EventLoopMailbox]

    private let afterAnswers: @Sendable (@escaping @Sendable () -> Void) -> Void

    init(group: any EventLoopGroup, afterAnswers: @escaping @Sendable (@escaping @Sendable () -> Void) -> Void = { $0() }) {
        self.afterAnswers = afterAnswers
        byLoop = Dictionary(group.makeIterator().map { (ObjectIdentifier($0), EventLoopMailbox(eventLoop: $0, afterAnswers: afterAnswers)) },
                            uniquingKeysWith: { first, _ in first })
    }

    /// The mailbox of `eventLoop` (a fresh one for a loop outside the group).
    func mailbox(for eventLoop: any EventLoop) -> EventLoopMailbox {
        byLoop[ObjectIdentifier(eventLoop)] ?? EventLoopMailbox(eventLoop: eventLoop, afterAnswers: afterAnswers)
    }
}
