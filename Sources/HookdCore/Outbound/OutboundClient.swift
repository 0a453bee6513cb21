import AsyncHTTPClient
import Foundation
import LuaRuntime
import NIOCore
import NIOHTTP1

/// Performs rules' `http.*` calls for real, within `outbound:` (SPEC §2): only allowed hosts (or,
/// without `allow`, only public addresses after resolution, the checked address then pinned for
/// the connection so a changed DNS answer cannot redirect it), no automatic redirects (a 3xx is
/// the rule's answer, so no hop goes unchecked), the configured timeout for the whole exchange
/// (body included), and responses capped at `max_response` while they stream in.
public final class OutboundClient: HostCalls {
    public let policy: OutboundPolicy
    private let client: HTTPClient
    private let pinned: PinnedClients
    private let resolver: any HostResolver
    private let isPermitted: @Sendable (IPAddress) -> Bool

    /// `isPermitted` judges a resolved address when there is no allow-list (public addresses only
    /// by default).
    public init(policy: OutboundPolicy, resolver: any HostResolver = SystemHostResolver(),
                isPermitted: @escaping @Sendable (IPAddress) -> Bool = { $0.isPublic }) {
        self.policy = policy
        self.resolver = resolver
        self.isPermitted = isPermitted
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .disabled
        // A refused connection or an unknown host fails the call at once (the rule's run fails and
        // the dispatcher retries it with backoff) instead of being retried inside the client until
        // the timeout, which would hold a worker and always exceed a sync source's sync_timeout.
        configuration.connectionPool.retryConnectionEstablishment = false
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        pinned = PinnedClients(configuration: configuration, retireAfter: policy.timeout + .seconds(1))
    }

    public var sendsForReal: Bool { true }

    /// Closes the client's connections; call once before the last reference goes.
    public func shutdown() async {
        try? await client.shutdown()
        await pinned.shutdown()
    }

    /// Where a checked call goes: its host and port, and (without an allow-list) the resolved
    /// address the connection is pinned to.
    public struct Target: Sendable, Hashable {
        public var host: String
        public var port: Int
        /// Nil when the host was allowed by name (or is itself an address).
        public var pinnedAddress: IPAddress?
    }

    /// The target of a call, once the URL and the allow-list (or the addresses) are checked.
    public func checkedTarget(of url: String) async throws(OutboundError) -> Target {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), let host = parsed.host, !host.isEmpty else {
            throw .invalidURL(url)
        }
        guard scheme == "http" || scheme == "https" else { throw .unsupportedScheme(scheme) }
        let port = parsed.port ?? (scheme == "https" ? 443 : 80)
        var bare = host.lowercased()
        if bare.hasPrefix("["), bare.hasSuffix("]") { bare = String(bare.dropFirst().dropLast()) }
        switch policy.access {
        case .only(let allowed):
            guard allowed.contains(where: { $0.matches(host: bare, port: port) }) else {
                throw .hostNotAllowed(host: bare, port: port)
            }
            return Target(host: bare, port: port, pinnedAddress: nil)
        case .publicAddresses:
            let addresses = try await resolver.addresses(of: bare, port: port)
            for address in addresses where !isPermitted(address) {
                throw .addressNotPublic(host: bare, address: address.description)
            }
            guard let first = addresses.first else { throw .unresolvable(bare) }
            return Target(host: bare, port: port, pinnedAddress: IPAddress(bare) == nil ? first : nil)
        }
    }

    public func perform(_ request: HTTPCallRequest, deadline: ContinuousClock.Instant) async -> HTTPCallAnswer {
        let target: Target
        do {
            target = try await checkedTarget(of: request.url)
        } catch {
            return .failure(error.description)
        }
        let client = target.pinnedAddress.map { pinned.client(host: target.host, address: $0.description) } ?? self.client
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = HTTPMethod(rawValue: request.method.uppercased())
        for (name, value) in request.headers { outgoing.headers.add(name: name, value: value) }
        if !request.body.isEmpty { outgoing.body = .bytes(ByteBuffer(bytes: request.body)) }
        let remaining = deadline - .now
        let timeout = min(request.timeout ?? policy.timeout, policy.timeout, remaining)
        guard timeout > .zero else { return .failure(OutboundError.timedOut.description) }
        let limit = policy.maxResponse
        let prepared = outgoing
        do {
            // The timeout covers the whole exchange: a server that sends its head and then trickles
            // the body is cut off too.
            return try await Self.within(timeout) {
                let response = try await client.execute(prepared, timeout: .nanoseconds(Self.nanoseconds(timeout)))
                let body: ByteBuffer
                do {
                    body = try await response.body.collect(upTo: limit)
                } catch is NIOTooManyBytesError {
                    return .failure(OutboundError.responseTooLarge(limit: limit).description)
                }
                let headers = response.headers.map { (name: $0.name.lowercased(), value: $0.value) }
                return .response(status: Int(response.status.code), headers: headers, body: Array(buffer: body))
            }
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            return .failure(OutboundError.timedOut.description)
        } catch is OutboundTimeout {
            return .failure(OutboundError.timedOut.description)
        } catch {
            return .failure("\(request.method) \(request.url): \(error)")
        }
    }

    private struct OutboundTimeout: Error {}

    /// `body`'s result, or `OutboundTimeout` once `timeout` has passed (`body` is then cancelled).
    private static func within(_ timeout: Duration, _ body: @escaping @Sendable () async throws -> HTTPCallAnswer) async throws -> HTTPCallAnswer {
        try await withThrowingTaskGroup(of: HTTPCallAnswer?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let answer = first else { throw OutboundTimeout() }
            return answer
        }
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
