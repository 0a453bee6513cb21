import Hummingbird
import NIOCore

/// The request context of the webhook listener: Hummingbird's core storage plus the peer address,
/// which `allow_ips` checks before the body is read.
public struct WebhookContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    /// To close the connection after answering a request whose body is refused.
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        remoteAddress = source.channel.remoteAddress
        channel = source.channel
    }
}
