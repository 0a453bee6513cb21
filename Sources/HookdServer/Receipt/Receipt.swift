import Foundation
import HookdCore
import Logging
import NIOConcurrencyHelpers
import Synchronization

/// The webhook listener's work, apart from HTTP: find the source by path, check the client address
/// and the announced size before the body is read, then authenticate the raw bytes, parse them into
/// events and store them durably, answering exactly as SPEC §3 says.
public final class Receipt: Sendable {
    /// What to do with a request once its head has been read.
    public enum Admission: Sendable {
        /// Answer at once; the body is not wanted.
        case refuse(ReceiptAnswer)
        /// Read the body (at most `maxBody` bytes) and call `receive`.
        case read(ServedSource, client: String, maxBody: Int)
    }

    private let current: NIOLockedValueBox<ServedSources>
    private let draining = Atomic<Bool>(false)
    public let store: any Store
    let metrics: HookdMetrics
    public let rejections: RejectionLog
    private let clock: AuthClock
    private let logger: Logger
    /// Called after a commit that stored at least one new event (to wake the dispatcher).
    private let onAccepted: (@Sendable (AcceptResult) -> Void)?
    /// Runs the rules of `mode: sync` sources before the answer; without it such sources answer 503.
    private let synchronousRunner: (any SynchronousRunner)?
    /// Takes the jobs of events whose rules were decided at receipt, stored running, straight after
    /// the commit (when it has room); without it such jobs are stored pending for the loop.
    private let receiptRunner: (any ReceiptRunner)?

    public init(sources: ServedSources, store: any Store, rejections: RejectionLog = RejectionLog(), clock: AuthClock = .system,
                logger: Logger = Logger(label: "hookd.receipt"), synchronousRunner: (any SynchronousRunner)? = nil,
                receiptRunner: (any ReceiptRunner)? = nil,
                metrics: HookdMetrics = .discarding, onAccepted: (@Sendable (AcceptResult) -> Void)? = nil) {
        current = NIOLockedValueBox(sources)
        self.metrics = metrics
        self.store = store
        self.onAccepted = onAccepted
        self.synchronousRunner = synchronousRunner
        self.receiptRunner = receiptRunner
        self.rejections = rejections
        self.clock = clock
        self.logger = logger
    }

    /// The sources in force; a reload replaces them whole.
    public var sources: ServedSources {
        get { current.withLockedValue { $0 } }
        set { current.withLockedValue { $0 = newValue } }
    }

    /// Shutting down: every new request is answered 503 (nothing acknowledged; the provider retries).
    public var isDraining: Bool {
        get { draining.load(ordering: .acquiring) }
        set { draining.store(newValue, ordering: .releasing) }
    }

    public func admit(_ request: IncomingRequest) -> Admission {
        if isDraining { return .refuse(.unavailable) }
        let sources = self.sources
        guard let source = sources.byPath[request.path] else { return .refuse(.notFound) }
        guard request.method.uppercased() == "POST" else { return .refuse(.methodNotAllowed) }
        // Written only for a refusal: a client that is the peer is written once, below.
        var peerText: String { request.peer?.description ?? "unknown" }
        // X-Forwarded-For is looked for only where the source believes it.
        let forwardedFor = source.clientAddress.trustForwardedFor ? request.forwardedFor : nil
        if !source.config.allowIPs.isEmpty {
            guard let peer = request.peer,
                  let client = source.clientAddress.clientAddress(peer: peer, forwardedFor: forwardedFor) else {
                return refuse(.forbidden, source: source, client: peerText, reason: "client address unknown or X-Forwarded-For malformed")
            }
            guard source.config.allows(client) else {
                return refuse(.forbidden, source: source, client: client.description, reason: "client \(client) not in allow_ips")
            }
        }
        let client = request.peer.flatMap { source.clientAddress.clientAddress(peer: $0, forwardedFor: forwardedFor) }?.description ?? peerText
        if let length = request.contentLength, length > sources.maxBody {
            return refuse(.payloadTooLarge, source: source, client: client, reason: "Content-Length \(length) over max_body \(sources.maxBody)")
        }
        return .read(source, client: client, maxBody: sources.maxBody)
    }

    /// A body that was larger than `max_body` (announced or not).
    public func bodyTooLarge(_ source: ServedSource, client: String, maxBody: Int) -> ReceiptAnswer {
        record(.payloadTooLarge, source: source, client: client, reason: "body over max_body \(maxBody)")
        return .payloadTooLarge
    }

    /// Authenticates, parses and stores one request's body.
    public func receive(_ request: IncomingRequest, body: [UInt8], source: ServedSource, client: String) async -> ReceiptAnswer {
        // `mode: sync` answers 200 only once every rule succeeded: without a runner it fails closed.
        let runner = source.config.mode == .sync ? synchronousRunner : nil
        guard source.config.mode == .async || runner != nil else { return .unavailable }
        let incoming: [IncomingEvent]
        var reserved = 0
        switch prepare(request, body: body, source: source, client: client) {
        case .answer(let answer): return answer
        case .store(let events, let jobs):
            incoming = events
            reserved = jobs
        }
        let result: AcceptResult
        do {
            result = try await store.accept(incoming)
        } catch {
            return stored(.failure(error), incoming: incoming, reserved: reserved, source: source)
        }
        guard let runner else { return stored(.success(result), incoming: incoming, reserved: reserved, source: source) }
        metrics.received(source: source.config.name, result: .accepted, count: result.accepted.count)
        metrics.received(source: source.config.name, result: .duplicate, count: result.duplicates.count)
        // Stored first, so a crash mid-run loses nothing; then the rules, within sync_timeout.
        let outcome = await runner.runSynchronously(source: source.config.name, eventIDs: incoming.map(\.id),
                                                    timeout: source.config.syncTimeout)
        if outcome.succeeded { return .accepted(result.accepted, duplicates: result.duplicates) }
        if outcome.timedOut {
            logger.warning("mode: sync source \(source.config.name): rules not finished within sync_timeout; answered 500")
        }
        return .ruleFailed(outcome.rules)
    }

    /// `receive` for a caller that is not async (the NIO listener): `answer` is called once, on a
    /// thread of the store's choosing. An async source's request needs no task: the store's writer
    /// calls back once the events are durable. A `mode: sync` source's runs go through `receive`.
    public func receive(_ request: IncomingRequest, body: [UInt8], source: ServedSource, client: String,
                        answer: @escaping @Sendable (ReceiptAnswer) -> Void) {
        guard source.config.mode == .async else {
            Task { answer(await receive(request, body: body, source: source, client: client)) }
            return
        }
        switch prepare(request, body: body, source: source, client: client) {
        case .answer(let refusal):
            answer(refusal)
        case .store(let incoming, let reserved):
            store.accept(incoming) { [self] result in
                answer(stored(result, incoming: incoming, reserved: reserved, source: source))
            }
        }
    }

    /// What a body comes to before the store: a refusal, or the events to store (with the room
    /// reserved in the receipt runner for the jobs they offer claimed).
    private enum Preparation {
        case answer(ReceiptAnswer)
        case store([IncomingEvent], reservedJobs: Int)
    }

    /// Authenticates the raw bytes and parses them into the events to store (a `body_field`
    /// secret taken out of what is kept).
    private func prepare(_ request: IncomingRequest, body: [UInt8], source: ServedSource, client: String) -> Preparation {
        do {
            try source.verifier.verify(AuthRequest(body: body, headers: request.headerFields, clock: clock))
        } catch {
            record(.unauthorized, source: source, client: client, reason: error.reason)
            return .answer(.unauthorized)
        }
        var events: [ParsedEvent]
        do {
            events = try source.parser.parse(body: body, headers: request.headerFields)
        } catch {
            record(.invalid(error), source: source, client: client, reason: error.message)
            return .answer(.invalid(error))
        }
        var rawBody = body
        if case .bearer(_, let field?) = source.config.auth {
            events = events.map { $0.removingPayloadMember(atPath: [field]) }
            rawBody = Self.bodyWithoutSecret(body, events: events)
        }
        let raw = RawRequest(body: rawBody, headers: Self.masked(request.headers, hiding: source.credentialHeaders))
        let now = Date()
        let sources = self.sources
        var incoming = events.map { event in
            IncomingEvent(event, source: source.config.name,
                          orderKey: source.config.orderBy.flatMap { event.value(atPath: $0.description) },
                          receivedAt: now, request: raw, rules: sources.rulesAtReceipt(for: event, of: source.config))
        }
        // Their jobs are claimed now, when the runner has room for all of them, and run after the commit.
        let jobs = incoming.reduce(0) { $0 + ($1.rules?.count ?? 0) }
        guard jobs > 0, let receiptRunner, receiptRunner.reserve(jobs) else { return .store(incoming, reservedJobs: 0) }
        for index in incoming.indices where incoming[index].rules != nil { incoming[index].claimedAtReceipt = true }
        return .store(incoming, reservedJobs: jobs)
    }

    /// The answer of an async source once the store has answered: 200 when the events are durable
    /// (the dispatcher is told), 503 when the store refused them (nothing was acknowledged).
    private func stored(_ result: Result<AcceptResult, StoreError>, incoming: [IncomingEvent], reserved: Int,
                        source: ServedSource) -> ReceiptAnswer {
        switch result {
        case .success(let result):
            if let receiptRunner, reserved > 0 {
                if !result.claimed.isEmpty {
                    receiptRunner.run(claimedAtReceipt: result.claimed.map { claimed in
                        ClaimedJob(id: claimed.job, rule: claimed.rule, attempts: 0, event: incoming[claimed.event].stored)
                    })
                }
                // Duplicates made no job.
                receiptRunner.release(reserved - result.claimed.count)
            }
            metrics.received(source: source.config.name, result: .accepted, count: result.accepted.count)
            metrics.received(source: source.config.name, result: .duplicate, count: result.duplicates.count)
            if !result.accepted.isEmpty { onAccepted?(result) }
            return .accepted(result.accepted, duplicates: result.duplicates)
        case .failure(let error):
            receiptRunner?.release(reserved)
            logger.error("store refused \(incoming.count) event(s) of source \(source.config.name): \(error); answered 503")
            return .unavailable
        }
    }

    /// The headers as stored with the event: credential headers' values replaced by `***`.
    static func masked(_ headers: [(name: String, value: String)], hiding hidden: Set<String>) -> [RawRequest.Header] {
        headers.map { RawRequest.Header(name: $0.name, value: hidden.contains($0.name.lowercased()) ? "***" : $0.value) }
    }

    /// The raw body of a `body_field` source as stored: the secret must not be kept, so the body is
    /// the events' payloads (the field removed), an array for a batch. Formatting between the
    /// elements of a batch is not kept.
    static func bodyWithoutSecret(_ body: [UInt8], events: [ParsedEvent]) -> [UInt8] {
        let isBatch = body.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) } == UInt8(ascii: "[")
        guard isBatch else { return events.first?.payload ?? body }
        var out: [UInt8] = [UInt8(ascii: "[")]
        for (index, event) in events.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out += event.payload
        }
        out.append(UInt8(ascii: "]"))
        return out
    }

    private func refuse(_ answer: ReceiptAnswer, source: ServedSource, client: String, reason: String) -> Admission {
        record(answer, source: source, client: client, reason: reason)
        return .refuse(answer)
    }

    private func record(_ answer: ReceiptAnswer, source: ServedSource, client: String, reason: String) {
        metrics.received(source: source.config.name, result: .rejected)
        metrics.rejected(source: source.config.name, reason: answer.errorCode ?? String(answer.status))
        rejections.record(.init(time: Date(), source: source.config.name, client: client, status: answer.status, reason: reason))
    }
}
