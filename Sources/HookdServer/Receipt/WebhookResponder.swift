import HookdCore
import Hummingbird
import Logging
import NIOCore

/// The one catch-all responder of the webhook listener: every path and method goes to `Receipt`,
/// which reads the sources in force, so a reload changes what is served without new routes.
public struct WebhookResponder: HTTPResponder {
    public typealias Context = WebhookContext

    public let receipt: Receipt
    /// How long a client may take to send its body.
    public let readDeadline: Duration
    /// Gets one line per request.
    public let logger: Logger

    public init(receipt: Receipt, readDeadline: Duration = .seconds(10), logger: Logger = Logger(label: "hookd.request")) {
        self.receipt = receipt
        self.readDeadline = readDeadline
        self.logger = logger
    }

    public func respond(to request: Request, context: WebhookContext) async throws -> Response {
        let started = ContinuousClock.now
        let incoming = IncomingRequest(
            method: request.method.rawValue, path: request.uri.path,
            headers: request.headers.map { (name: $0.name.rawName, value: $0.value) },
            peer: context.remoteAddress?.ipAddress.flatMap(IPAddress.init))
        switch receipt.admit(incoming) {
        case .refuse(let answer):
            // A body that is not wanted is not processed: the answer goes out at once, then what the
            // client is still sending is drained (so it reads the answer, not a reset), then the
            // connection closes (Hummingbird would otherwise read whatever the client keeps sending).
            let hasBody = incoming.contentLength.map { $0 > 0 } ?? (request.headers[.transferEncoding] != nil)
            log(incoming, source: receipt.sources.byPath[incoming.path]?.config.name, client: nil, answer: answer, since: started)
            return response(answer, closing: hasBody ? context.channel : nil, draining: hasBody ? request.body : nil)
        case .read(let source, let client, let maxBody):
            let answer: ReceiptAnswer
            var closing: (any Channel)?
            switch await BodyReader.read(request.body, limit: maxBody, deadline: readDeadline) {
            case .complete(let body):
                answer = await receipt.receive(incoming, body: body, source: source, client: client)
            case .tooLarge:
                answer = receipt.bodyTooLarge(source, client: client, maxBody: maxBody)
                closing = context.channel
            case .timedOut:
                answer = ReceiptAnswer(status: 408, body: #"{"error": "request_timeout"}"#)
                closing = context.channel
            }
            log(incoming, source: source.config.name, client: client, answer: answer, since: started)
            return response(answer, closing: closing)
        }
    }

    /// The request's one log line (SPEC §7): no header or body content, so no secret.
    private func log(_ request: IncomingRequest, source: String?, client: String?, answer: ReceiptAnswer, since started: ContinuousClock.Instant) {
        guard logger.logLevel <= .info else { return }
        var metadata: Logger.Metadata = [
            "status": "\(answer.status)",
            "client": "\(client ?? request.peer?.description ?? "unknown")",
            "duration_ms": "\((ContinuousClock.now - started).milliseconds)",
        ]
        if let source { metadata["source"] = "\(source)" } else { metadata["path"] = "\(request.path)" }
        if !answer.events.isEmpty { metadata["event"] = "\(answer.events.joined(separator: ","))" }
        if let code = answer.errorCode { metadata["error"] = "\(code)" }
        logger.info("request", metadata: metadata)
    }

    /// The answer as a response; with `channel`, the connection is closed once it is written, after
    /// `draining` (at most `BodyReader.drainLimit` bytes, within the read deadline).
    func response(_ answer: ReceiptAnswer, closing channel: (any Channel)? = nil, draining body: RequestBody? = nil) -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        let buffer = ByteBuffer(string: answer.body)
        guard let channel else {
            return Response(status: .init(code: answer.status), headers: headers, body: ResponseBody(byteBuffer: buffer))
        }
        headers[.connection] = "close"
        let deadline = readDeadline
        return Response(status: .init(code: answer.status), headers: headers,
                        body: ResponseBody(contentLength: buffer.readableBytes) { writer in
                            try await writer.write(buffer)
                            if let body { _ = await BodyReader.read(body, limit: 0, deadline: deadline) }
                            try await writer.finish(nil)
                            channel.close(promise: nil)
                        })
    }
}
