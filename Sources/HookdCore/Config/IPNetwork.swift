/// A CIDR block such as `20.74.0.0/16` or `2001:db8::/32`, as `allow_ips` and `trusted_proxies` list.
public struct IPNetwork: Sendable, Hashable, CustomStringConvertible {
    /// Why a text is not a CIDR block.
    public enum ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        case notAnAddress(String)
        case prefixOutOfRange(Int, family: IPAddress.Family)
        /// `10.0.0.1/8`: bits are set past the prefix, so the block the author meant is unclear.
        case bitsSetPastPrefix(suggestion: IPNetwork)

        public var description: String {
            switch self {
            case .notAnAddress(let text):
                return "'\(text)' is not an IPv4 or IPv6 address"
            case .prefixOutOfRange(let length, let family):
                return "prefix length /\(length) is out of range (0 to \(family.bitWidth))"
            case .bitsSetPastPrefix(let suggestion):
                return "has bits set past the prefix length (did you mean '\(suggestion)'?)"
            }
        }
    }

    /// The first address of the block.
    public let address: IPAddress
    public let prefixLength: Int

    /// Parses `address/prefix`; a bare address is a block of one (`/32` or `/128`).
    public init(parsing text: String) throws(ParseError) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(String(parts[0])) else { throw .notAnAddress(String(parts[0])) }
        let width = address.family.bitWidth
        var length = width
        if parts.count == 2 {
            guard !parts[1].isEmpty, parts[1].allSatisfy({ $0.isASCII && $0.isNumber }),
                  let parsed = Int(parts[1]) else { throw .notAnAddress(text) }
            guard parsed <= width else { throw .prefixOutOfRange(parsed, family: address.family) }
            length = parsed
        }
        let network = IPNetwork(uncheckedAddress: address, prefixLength: length)
        guard network.address == address else { throw .bitsSetPastPrefix(suggestion: network) }
        self = network
    }

    /// Parses `address/prefix`, or returns nil; `init(parsing:)` says why.
    public init?(_ text: String) {
        guard let network = try? IPNetwork(parsing: text) else { return nil }
        self = network
    }

    private init(uncheckedAddress address: IPAddress, prefixLength: Int) {
        self.prefixLength = prefixLength
        self.address = IPAddress(family: address.family, bits: address.bits & Self.mask(prefixLength, address.family))
    }

    /// Whether `candidate` lies in this block. An IPv4-mapped IPv6 address counts as its IPv4 address.
    public func contains(_ candidate: IPAddress) -> Bool {
        var candidate = candidate
        if candidate.family != address.family {
            if let ipv4 = candidate.mappedIPv4 {
                candidate = ipv4
            } else if candidate.family == .ipv4 {
                candidate = IPAddress(family: .ipv6, bits: 0xFFFF_0000_0000 | candidate.bits)
            }
        }
        guard candidate.family == address.family else { return false }
        return candidate.bits & Self.mask(prefixLength, address.family) == address.bits
    }

    /// Whether the address `text` spells lies in this block; false when it is not an address.
    public func contains(_ text: String) -> Bool {
        IPAddress(text).map(contains) ?? false
    }

    public var description: String { "\(address)/\(prefixLength)" }

    private static func mask(_ prefixLength: Int, _ family: IPAddress.Family) -> UInt128 {
        let width = family.bitWidth
        guard prefixLength > 0 else { return 0 }
        let all: UInt128 = width == 128 ? .max : 0xFFFF_FFFF
        return all & ~(all >> prefixLength)
    }
}
