import Logging
import NIOCore
import NIOExtras
import NIOHTTP1
import NIOPosix
import ServiceLifecycle

/// The webhook listener: a bare SwiftNIO HTTP/1.1 server whose connections are served by
/// `WebhookChannelHandler` on their event loops. Webhook receipt is the hot path, so it does without
/// a framework's router, per-connection tasks and async body streams (the admin listener keeps
/// Hummingbird).
///
/// On graceful shutdown it stops accepting, closes idle connections, lets each request under way
/// get its answer and then closes that connection, and returns once every connection is closed.
struct WebhookListener: Service {
    let receipt: Receipt
    let host: String
    let port: Int
    /// How long a client may take to send a request's body.
    let readDeadline: Duration
    /// How long a connection may stay without a request.
    let idleTimeout: TimeAmount
    let logger: Logger
    /// Told the bound port (useful with port 0) once the listener accepts connections.
    let onBound: @Sendable (Int) async -> Void

    func run() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let quiescing = ServerQuiescingHelper(group: group)
        let (receipt, readDeadline, idleTimeout, logger) = (receipt, readDeadline, idleTimeout, logger)
        let store = receipt.store
        let mailboxes = EventLoopMailboxes(group: group, afterAnswers: { store.afterAnswers($0) })
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(quiescing.makeServerChannelHandler(channel: channel))
                }
            }
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    // The request decoder only: the handler writes its answers as bytes and does the
                    // pipelining, protocol-error and quiescing work of NIO's server handlers itself.
                    try pipeline.addHandler(ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes)))
                    try pipeline.addHandler(WebhookChannelHandler(receipt: receipt, readDeadline: readDeadline, idleTimeout: idleTimeout,
                                                                  mailbox: mailboxes.mailbox(for: channel.eventLoop), logger: logger))
                }
            }
            .bind(host: host, port: port).get()
        await onBound(channel.localAddress?.port ?? port)
        // Until SIGTERM (or the group's cancellation); then drain.
        try? await gracefulShutdown()
        let closed = channel.eventLoop.makePromise(of: Void.self)
        quiescing.initiateShutdown(promise: closed)
        try? await closed.futureResult.get()
    }
}
