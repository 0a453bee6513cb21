import HookdCore
import Logging
import NIOCore
import NIOHTTP1

/// One webhook connection's requests, on its event loop: every path and method goes to `Receipt`,
/// which reads the sources in force, so a reload changes what is served without new routes.
///
/// The head is admitted (source, method, `allow_ips`, `Content-Length`) before any body byte is
/// kept; the body is kept up to `max_body`; the request's read deadline runs from its head. An
/// unwanted body is answered at once and then read and dropped (up to `drainLimit`), so the client
/// reads its answer rather than a reset, and the connection closes. The work of a request that is
/// read whole (auth, parsing, the store's group commit) answers through a callback that comes back
/// to the event loop: no task per request.
///
/// Time limits are checked by one timer per connection that ticks (every second, or half the read
/// deadline when that is shorter) while the connection is open: a request still being read past its
/// read deadline gets 408, an answered request still being drained is cut, and a connection idle
/// for the idle timeout is closed. A timer per request cost more than the request's own parsing.
///
/// It sits right after NIO's request decoder and writes its answers as bytes (`ResponseBytes`):
/// NIO's response encoder, pipelining handler and protocol error handler are not in the pipeline.
/// Their work is done here, for the few shapes of answer this listener has: a request sent before
/// the previous one was answered (pipelining) waits, in order, until that answer is written, and
/// reading pauses while one waits; a request the decoder cannot parse gets 400 and the connection
/// closes; on graceful shutdown (`ChannelShouldQuiesceEvent`) an idle connection closes at once and
/// a busy one after its answer. The pipelining handler paused reading after every request until its
/// answer was written, two changes of the socket's epoll registration per request.
final class WebhookChannelHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// A refused body is drained up to this many bytes so that the client reads its 413 instead of a
    /// reset; past it the connection is closed.
    static let drainLimit = 16 << 20

    private enum State {
        /// Between requests.
        case idle
        /// Keeping the body of an admitted request.
        case reading(source: ServedSource, client: String, maxBody: Int)
        /// Answered already: what the client still sends of this request is read and dropped.
        case discarding(closeAtEnd: Bool)
        /// The body is complete; the receipt's answer is awaited.
        case answering
        case closed
    }

    private let receipt: Receipt
    private let readDeadline: TimeAmount
    private let idleTimeout: TimeAmount
    private let tick: TimeAmount
    /// How answers come back to this connection's event loop.
    private let mailbox: EventLoopMailbox
    private let logger: Logger
    private var state = State.idle
    private var peer: IPAddress?
    // The request being served.
    private var request: IncomingRequest?
    private var version = HTTPVersion.http1_1
    private var keepAlive = true
    private var started = ContinuousClock.now
    private var body = ByteBuffer()
    private var seen = 0
    /// When the request being read (or drained) must be complete; nil between requests.
    private var deadline: NIODeadline?
    /// When the connection last finished a request (or opened).
    private var lastActivity = NIODeadline.now()
    private var timer: Scheduled<Void>?
    /// The last answer's write, so a close waits for it.
    private var lastWrite: EventLoopFuture<Void>?
    /// Parts of requests pipelined behind the one being answered, in order.
    private var waiting = CircularBuffer<HTTPServerRequestPart>()
    /// A read held back while requests wait.
    private var readHeld = false
    /// Close once the request under way is answered: graceful shutdown, or what was pipelined
    /// behind it could not be parsed.
    private var closeWhenAnswered = false

    init(receipt: Receipt, readDeadline: Duration, idleTimeout: TimeAmount, mailbox: EventLoopMailbox, logger: Logger) {
        self.mailbox = mailbox
        self.receipt = receipt
        self.readDeadline = .nanoseconds(Int64(readDeadline.components.seconds) * 1_000_000_000
            + readDeadline.components.attoseconds / 1_000_000_000)
        self.idleTimeout = idleTimeout
        tick = min(.seconds(1), .nanoseconds(max(1_000_000, self.readDeadline.nanoseconds / 2)))
        self.logger = logger
    }

    func channelActive(context: ChannelHandlerContext) {
        peer = context.channel.remoteAddress?.ipAddress.flatMap(IPAddress.init)
        lastActivity = .now()
        armTimer(context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        state = .closed
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    private func armTimer(context: ChannelHandlerContext) {
        let loopBound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: tick) {
            let (handler, context) = loopBound.value
            handler.timerFired(context: context)
        }
    }

    /// The connection's periodic check of its time limits.
    private func timerFired(context: ChannelHandlerContext) {
        timer = nil
        let now = NIODeadline.now()
        switch state {
        case .closed:
            return
        case .idle where now - lastActivity >= idleTimeout:
            // An idle keep-alive connection (or one that never sent a whole request) is closed.
            context.close(promise: nil)
            return
        case .reading, .discarding:
            if let deadline, now >= deadline { deadlinePassed(context: context) }
        case .idle, .answering:
            break
        }
        if case .closed = state { return }
        armTimer(context: context)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        switch state {
        case .answering:
            // Pipelined behind a request whose answer is awaited: it waits its turn.
            waiting.append(part)
        case .closed:
            // What arrives while the connection closes is not served.
            break
        case .idle, .reading, .discarding:
            handle(part, context: context)
        }
    }

    private func handle(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        switch part {
        case .head(let head): received(head, context: context)
        case .body(let chunk): received(chunk, context: context)
        case .end: receivedEnd(context: context)
        }
    }

    /// After an answer: the parts that waited are handled, until one of them waits for an answer
    /// again; once none waits, reading resumes.
    private func resumeWaiting(context: ChannelHandlerContext) {
        while !waiting.isEmpty {
            switch state {
            case .answering: return
            case .closed:
                waiting.removeAll()
            case .idle, .reading, .discarding:
                handle(waiting.removeFirst(), context: context)
            }
        }
        if readHeld {
            readHeld = false
            context.read()
        }
    }

    /// Reading goes on while a request is answered (no change of the socket's registration), but
    /// stops once a pipelined request waits: at most one read's worth of them is kept.
    func read(context: ChannelHandlerContext) {
        if !waiting.isEmpty {
            readHeld = true
            return
        }
        context.read()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is ChannelShouldQuiesceEvent else { return context.fireUserInboundEventTriggered(event) }
        closeWhenAnswered = true
        switch state {
        case .idle: closeAfterAnswer(context: context)
        case .reading, .discarding, .answering, .closed: break
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A request the decoder cannot parse is answered 400 unless an answer is already on its way;
        // any other error (a connection reset or the like) has nothing to answer.
        if error is HTTPParserError {
            switch state {
            case .idle, .reading:
                state = .discarding(closeAtEnd: true)
                deadline = nil
                respond(.badRequest, closing: true, context: context)
                return
            case .answering:
                // Garbage pipelined behind a request: that request still gets its answer, then the
                // connection closes; nothing after it is served.
                closeWhenAnswered = true
                waiting.removeAll()
                return
            case .discarding, .closed:
                break
            }
        }
        state = .closed
        context.close(promise: nil)
    }

    private func received(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        started = .now
        version = head.version
        keepAlive = head.isKeepAlive
        body.clear()
        seen = 0
        let incoming = IncomingRequest(method: head.method.rawValue, path: Self.path(of: head.uri),
                                       headers: head.headers.map { (name: $0.name, value: $0.value) }, peer: peer)
        request = incoming
        deadline = .now() + readDeadline
        switch receipt.admit(incoming) {
        case .refuse(let answer):
            // A body that is not wanted is not processed: the answer goes out at once, then what the
            // client is still sending is drained, then the connection closes.
            let hasBody = incoming.contentLength.map { $0 > 0 } ?? head.headers.contains(name: "transfer-encoding")
            log(incoming, source: receipt.sources.byPath[incoming.path]?.config.name, client: nil, answer: answer)
            state = .discarding(closeAtEnd: hasBody || !keepAlive)
            respond(answer, closing: false, context: context)
        case .read(let source, let client, let maxBody):
            state = .reading(source: source, client: client, maxBody: maxBody)
            if head.headers[canonicalForm: "expect"].contains(where: { $0.lowercased() == "100-continue" }) {
                context.writeAndFlush(wrapOutboundOut(ResponseBytes.continue(version: head.version, allocator: context.channel.allocator)),
                                      promise: nil)
            }
        }
    }

    private func received(_ chunk: ByteBuffer, context: ChannelHandlerContext) {
        seen += chunk.readableBytes
        switch state {
        case .reading(let source, let client, let maxBody):
            if seen > maxBody {
                let answer = receipt.bodyTooLarge(source, client: client, maxBody: maxBody)
                if let request { log(request, source: source.config.name, client: client, answer: answer) }
                state = .discarding(closeAtEnd: true)
                body.clear()
                respond(answer, closing: false, context: context)
            } else if body.readableBytes == 0 {
                body = chunk
            } else {
                var chunk = chunk
                body.writeBuffer(&chunk)
            }
        case .discarding:
            if seen > Self.drainLimit { closeAfterAnswer(context: context) }
        case .idle, .answering, .closed:
            break
        }
    }

    private func receivedEnd(context: ChannelHandlerContext) {
        deadline = nil
        switch state {
        case .reading(let source, let client, _):
            guard let request else { return }
            state = .answering
            let bytes = Array(body.readableBytesView)
            body.clear()
            let loopBound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
            let mailbox = self.mailbox
            receipt.receive(request, body: bytes, source: source, client: client) { answer in
                mailbox.post {
                    let (handler, context) = loopBound.value
                    handler.answered(answer, request: request, source: source.config.name, client: client, context: context)
                }
            }
        case .discarding(let closeAtEnd):
            if closeAtEnd || closeWhenAnswered {
                closeAfterAnswer(context: context)
            } else {
                state = .idle
                lastActivity = .now()
            }
        case .idle, .answering, .closed:
            break
        }
    }

    private func answered(_ answer: ReceiptAnswer, request: IncomingRequest, source: String, client: String, context: ChannelHandlerContext) {
        guard case .answering = state else { return }
        log(request, source: source, client: client, answer: answer)
        state = .idle
        lastActivity = .now()
        respond(answer, closing: !keepAlive || closeWhenAnswered, context: context)
        resumeWaiting(context: context)
    }

    /// The read deadline of a request passed: 408 when its body was still coming; otherwise (the
    /// answer is out and the client is still sending what is drained) the connection closes.
    private func deadlinePassed(context: ChannelHandlerContext) {
        deadline = nil
        switch state {
        case .reading(let source, _, _):
            let answer = ReceiptAnswer(status: 408, body: #"{"error": "request_timeout"}"#)
            if let request { log(request, source: source.config.name, client: nil, answer: answer) }
            state = .discarding(closeAtEnd: true)
            respond(answer, closing: true, context: context)
        case .discarding:
            closeAfterAnswer(context: context)
        case .idle, .answering, .closed:
            break
        }
    }

    private func closeAfterAnswer(context: ChannelHandlerContext) {
        state = .closed
        if let lastWrite {
            let channel = context.channel
            lastWrite.whenComplete { _ in channel.close(promise: nil) }
        } else {
            context.close(promise: nil)
        }
    }

    /// Writes the answer as JSON; with `closing`, the connection closes once it is written.
    private func respond(_ answer: ReceiptAnswer, closing: Bool, context: ChannelHandlerContext) {
        let connection: ResponseBytes.Connection = closing || closesAtEnd ? .close : version == .http1_0 ? .keepAlive : .unstated
        let bytes = ResponseBytes.answer(answer, version: version, connection: connection, allocator: context.channel.allocator)
        let write = context.writeAndFlush(wrapOutboundOut(bytes))
        lastWrite = write
        if closing {
            state = .closed
            let channel = context.channel
            write.whenComplete { _ in channel.close(promise: nil) }
        }
    }

    /// Whether the connection closes once the request being drained has been read.
    private var closesAtEnd: Bool {
        if case .discarding(let closeAtEnd) = state { return closeAtEnd }
        return false
    }

    /// The request's one log line (SPEC §7): no header or body content, so no secret.
    private func log(_ request: IncomingRequest, source: String?, client: String?, answer: ReceiptAnswer) {
        guard logger.logLevel <= .info else { return }
        // Sorted by key.
        var fields: [LogField] = [("client", client ?? request.peer?.description ?? "unknown"),
                                  ("duration_ms", String((ContinuousClock.now - started).milliseconds))]
        fields.reserveCapacity(6)
        if let code = answer.errorCode { fields.append(("error", code)) }
        if !answer.events.isEmpty { fields.append(("event", answer.events.joined(separator: ","))) }
        fields.append(source.map { ("source", $0) } ?? ("path", request.path))
        fields.append(("status", String(answer.status)))
        logger.info("request", orderedFields: fields)
    }

    /// The path of a request target: without its query string or fragment.
    static func path(of uri: String) -> String {
        guard let end = uri.utf8.firstIndex(where: { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }) else { return uri }
        return String(uri[..<end])
    }
}
