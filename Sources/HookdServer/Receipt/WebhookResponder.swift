import HookdCore
import Hummingbird
import NIOCore

/// The one catch-all responder of the webhook listener: every path and method goes to `Receipt`,
/// which reads the sources in force, so a reload changes what is served without new routes.
public struct WebhookResponder: HTTPResponder {
    public typealias Context = WebhookContext

    public let receipt: Receipt
    /// How long a client may take to send its body.
    public let readDeadline: Duration

    public init(receipt: Receipt, readDeadline: Duration = .seconds(10)) {
        self.receipt = receipt
        self.readDeadline = readDeadline
    }

    public func respond(to request: Request, context: WebhookContext) async throws -> Response {
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
            return response(answer, closing: hasBody ? context.channel : nil, draining: hasBody ? request.body : nil)
        case .read(let source, let client, let maxBody):
            switch await BodyReader.read(request.body, limit: maxBody, deadline: readDeadline) {
            case .complete(let body):
                return response(await receipt.receive(incoming, body: body, source: source, client: client))
            case .tooLarge:
                return response(receipt.bodyTooLarge(source, client: client, maxBody: maxBody), closing: context.channel)
            case .timedOut:
                return response(ReceiptAnswer(status: 408, body: #"{"error": "request_timeout"}"#), closing: context.channel)
            }
        }
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
