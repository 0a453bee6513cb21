import Foundation
import HookdCore
import Testing

extension ProviderTests {
    @Suite("JSONScanner under random mutation")
    struct JSONScannerFuzzTests {
        /// A small deterministic generator (SplitMix64), so a failure can be replayed.
        struct SplitMix: RandomNumberGenerator {
            var state: UInt64
            mutating func next() -> UInt64 {
                state &+= 0x9E37_79B9_7F4A_7C15
                var z = state
                z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
                z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                return z ^ (z >> 31)
            }
        }

        /// Bytes that change JSON structure, besides random ones.
        static let interesting: [UInt8] = Array(#"{}[]":,\ueE.-+0919tfn"#.utf8) + [0x00, 0x1F, 0x7F, 0x80, 0xBF, 0xC0, 0xED, 0xF4, 0xFF]

        static func mutate(_ input: [UInt8], using random: inout SplitMix) -> [UInt8] {
            var bytes = input
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &random)
                let byte = Bool.random(using: &random) ? interesting.randomElement(using: &random)!
                                                        : UInt8.random(in: 0...255, using: &random)
                switch Int.random(in: 0..<5, using: &random) {
                case 0 where !bytes.isEmpty: bytes[position] = byte
                case 1: bytes.insert(byte, at: position)
                case 2 where !bytes.isEmpty: bytes.remove(at: position)
                case 3: bytes.removeSubrange(position...)
                default: bytes.insert(contentsOf: bytes[position...].prefix(8), at: position)
                }
            }
            return bytes
        }

        @Test("thousands of mutated payloads never crash; what is accepted is valid JSON with sound ranges")
        func mutations() throws {
            var random = SplitMix(state: 0x5EED)
            let seeds = ProviderFixtures.all.map(\.bytes) + [Array(#"["\uD83D\uDE00", -1.5e-3, {"a\"":[null,true]}]"#.utf8)]
            var accepted = 0
            var refused = 0
            for round in 0..<4000 {
                let bytes = Self.mutate(seeds[round % seeds.count], using: &random)
                if let error = syntaxError(bytes) {
                    refused += 1
                    #expect(error.offset >= 0 && error.offset <= bytes.count)
                } else {
                    accepted += 1
                    try Self.checkRanges(try JSONScanner.scan(bytes), in: bytes)
                    // Ours is the stricter reader: anything it accepts Foundation must accept too.
                    #expect((try? JSONSerialization.jsonObject(with: Data(bytes), options: .fragmentsAllowed)) != nil,
                            "accepted but Foundation refuses: \(String(decoding: bytes, as: UTF8.self))")
                }
                _ = try? Provider.parser(named: "passfort")!.parse(body: bytes, headers: HeaderFields())
            }
            #expect(accepted > 100)
            #expect(refused > 1000)
        }

        /// Every node lies inside its parent and decodes without trouble.
        static func checkRanges(_ node: JSONNode, in bytes: [UInt8]) throws {
            #expect(node.range.lowerBound >= 0 && node.range.upperBound <= bytes.count)
            let children = node.elements + node.members.map(\.value)
            for child in children {
                #expect(node.range.contains(child.range.lowerBound) && child.range.upperBound <= node.range.upperBound)
                try checkRanges(child, in: bytes)
            }
            if node.kind == .string { _ = try #require(node.string(in: bytes)) }
            if node.kind == .number { #expect(node.double(in: bytes) != nil) }
        }
    }
}
