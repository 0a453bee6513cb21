#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address, as a client connects from or as `allow_ips` lists.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    /// Whether this is an IPv4 or an IPv6 address.
    public enum Family: Sendable, Hashable {
        case ipv4
        case ipv6

        /// How many bits an address of this family has.
        public var bitWidth: Int { self == .ipv4 ? 32 : 128 }
    }

    public let family: Family
    /// The address bits, right-aligned: an IPv4 address uses the low 32 bits.
    public let bits: UInt128

    public init(family: Family, bits: UInt128) {
        self.family = family
        self.bits = family == .ipv4 ? bits & 0xFFFF_FFFF : bits
    }

    /// Parses the textual forms `inet_pton` accepts: dotted-quad IPv4 and every IPv6 form (`::1`,
    /// `2001:db8::1`, `::ffff:192.0.2.1`). Brackets, zone ids and shortened IPv4 (`10.1`) are refused.
    public init?(_ text: String) {
        var ipv4 = in_addr()
        if inet_pton(AF_INET, text, &ipv4) == 1 {
            self.init(family: .ipv4, bits: UInt128(UInt32(bigEndian: ipv4.s_addr)))
            return
        }
        var ipv6 = in6_addr()
        guard inet_pton(AF_INET6, text, &ipv6) == 1 else { return nil }
        let bits = withUnsafeBytes(of: &ipv6) { bytes in
            bytes.reduce(UInt128(0)) { $0 << 8 | UInt128($1) }
        }
        self.init(family: .ipv6, bits: bits)
    }

    /// The IPv4 address an IPv4-mapped IPv6 address (`::ffff:192.0.2.1`) stands for, as dual-stack
    /// sockets report IPv4 clients.
    public var mappedIPv4: IPAddress? {
        guard family == .ipv6, bits >> 32 == 0xFFFF else { return nil }
        return IPAddress(family: .ipv4, bits: bits & 0xFFFF_FFFF)
    }

    public var description: String {
        switch family {
        case .ipv4:
            // Written digit by digit: every request's log line and client address has one.
            var text: [UInt8] = []
            text.reserveCapacity(15)
            for index in 0..<4 {
                if index > 0 { text.append(UInt8(ascii: ".")) }
                let octet = UInt8(truncatingIfNeeded: bits >> (24 - 8 * index))
                if octet >= 100 { text.append(UInt8(ascii: "0") + octet / 100) }
                if octet >= 10 { text.append(UInt8(ascii: "0") + octet / 10 % 10) }
                text.append(UInt8(ascii: "0") + octet % 10)
            }
            return String(decoding: text, as: UTF8.self)
        case .ipv6:
            var address = in6_addr()
            withUnsafeMutableBytes(of: &address) { bytes in
                for index in 0..<16 { bytes[index] = UInt8(truncatingIfNeeded: bits >> (120 - 8 * index)) }
            }
            var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            inet_ntop(AF_INET6, &address, &text, socklen_t(text.count))
            return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }
}
