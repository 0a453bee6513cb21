#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NIOPosix

/// Resolves a host name to its addresses, so that the outbound guard judges where a call really
/// goes (a name, or a numeric form such as `2130706433`, can stand for a loopback address).
public protocol HostResolver: Sendable {
    func addresses(of host: String, port: Int) async throws(OutboundError) -> [IPAddress]
}

/// `getaddrinfo`, run on NIO's blocking-I/O thread pool since it blocks (never on Swift's
/// cooperative pool, whose two threads also serve HTTP and the commit writer).
public struct SystemHostResolver: HostResolver {
    public init() {}

    public func addresses(of host: String, port: Int) async throws(OutboundError) -> [IPAddress] {
        let lookup: Result<[IPAddress], OutboundError>
        do {
            lookup = try await NIOThreadPool.singleton.runIfActive {
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var list: UnsafeMutablePointer<addrinfo>?
            let status = getaddrinfo(host, String(port), &hints, &list)
            guard status == 0, let first = list else {
                return .failure(.unresolvable(host))
            }
            defer { freeaddrinfo(first) }
            var found: [IPAddress] = []
            var cursor: UnsafeMutablePointer<addrinfo>? = first
            while let entry = cursor {
                if let address = IPAddress(socketAddress: entry.pointee.ai_addr) { found.append(address) }
                cursor = entry.pointee.ai_next
            }
            return found.isEmpty ? .failure(.unresolvable(host)) : .success(found)
            }
        } catch {
            throw .unresolvable(host)
        }
        return try lookup.get()
    }
}

extension IPAddress {
    /// The address of a `sockaddr_in` or `sockaddr_in6`.
    init?(socketAddress: UnsafeMutablePointer<sockaddr>?) {
        guard let socketAddress else { return nil }
        switch Int32(socketAddress.pointee.sa_family) {
        case AF_INET:
            let bits = socketAddress.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt32(bigEndian: $0.pointee.sin_addr.s_addr) }
            self.init(family: .ipv4, bits: UInt128(bits))
        case AF_INET6:
            let bits = socketAddress.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                withUnsafeBytes(of: pointer.pointee.sin6_addr) { $0.reduce(UInt128(0)) { $0 << 8 | UInt128($1) } }
            }
            self.init(family: .ipv6, bits: bits)
        default:
            return nil
        }
    }
}
