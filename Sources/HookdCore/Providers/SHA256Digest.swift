import Crypto

/// SHA-256 of a whole message, for ids made from the body (ethpass, generic without `id_from`):
/// swift-crypto's `SHA256`, with the lower-case hex SPEC §2 gives ids in.
public enum SHA256Digest {
    /// The 32-byte digest of `message`.
    public static func hash(_ message: [UInt8]) -> [UInt8] {
        Array(SHA256.hash(data: message))
    }

    /// The digest of `message` as 64 lower-case hex digits.
    public static func hex(_ message: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in SHA256.hash(data: message) {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
