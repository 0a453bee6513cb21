import AsyncHTTPClient
import Foundation
import LuaRuntime
import NIOCore
import NIOHTTP1

/// Performs rules' `http.*` calls for real, within `outbound:` (SPEC §2): only allowed hosts (or,
/// without `allow`, only public addresses after resolution), no automatic redirects, the
/// configured timeout, and responses capped at `max_response` while they stream in.
///
/// The address is checked after resolving the name; the connection then resolves it again, so a
/// DNS answer that changes in between is not yet caught (pinning the checked address is planned
/// with the daemon's dispatcher).
public final class OutboundClient: HostCalls {
    public let policy: OutboundPolicy
    private let client: HTTPClient
    private let resolver: any HostResolver

    public init(policy: OutboundPolicy, resolver: any HostResolver = SystemHostResolver()) {
        self.policy = policy
        self.resolver = resolver
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .disabled
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    public var sendsForReal: Bool { true }

    /// Closes the client's connections; call once before the last reference goes.
    public func shutdown() async {
        try? await client.shutdown()
    }

    /// The host and port a call goes to, once the URL and the allow-list are checked.
    public func checkedTarget(of url: String) async throws(OutboundError) -> (host: String, port: Int) {
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
        case .publicAddresses:
            for address in try await resolver.addresses(of: bare, port: port) where !address.isPublic {
                throw .addressNotPublic(host: bare, address: address.description)
            }
        }
        return (bare, port)
    }

    public func perform(_ request: HTTPCallRequest, deadline: ContinuousClock.Instant) async -> HTTPCallAnswer {
        do {
            _ = try await checkedTarget(of: request.url)
        } catch {
            return .failure(error.description)
        }
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = HTTPMethod(rawValue: request.method.uppercased())
        for (name, value) in request.headers { outgoing.headers.add(name: name, value: value) }
        if !request.body.isEmpty { outgoing.body = .bytes(ByteBuffer(bytes: request.body)) }
        let remaining = deadline - .now
        let timeout = min(request.timeout ?? policy.timeout, policy.timeout, remaining)
        guard timeout > .zero else { return .failure(OutboundError.timedOut.description) }
        do {
            let response = try await client.execute(outgoing, timeout: .nanoseconds(Self.nanoseconds(timeout)))
            let body: ByteBuffer
            do {
                body = try await response.body.collect(upTo: policy.maxResponse)
            } catch is NIOTooManyBytesError {
                return .failure(OutboundError.responseTooLarge(limit: policy.maxResponse).description)
            }
            let headers = response.headers.map { (name: $0.name.lowercased(), value: $0.value) }
            return .response(status: Int(response.status.code), headers: headers, body: Array(buffer: body))
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            return .failure(OutboundError.timedOut.description)
        } catch {
            return .failure("\(request.method) \(request.url): \(error)")
        }
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
