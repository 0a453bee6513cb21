import Foundation
import HookdCore
import Testing

/// The vectors' body as bytes.
let vectorBody = Array(AuthVectors.body.utf8)

/// The body with one byte changed, as a tampering proxy would.
let tamperedBody = Array(AuthVectors.body.replacingOccurrences(of: "data_available", with: "data_availablf").utf8)

/// The vectors' clock, moved by `offset` seconds.
func vectorTime(_ offset: Int = 0) -> Date {
    Date(timeIntervalSince1970: TimeInterval(AuthVectors.now + offset))
}

/// A request with these headers and body, judged at the vectors' time plus `offset` seconds.
func authRequest(_ headers: [(String, String)], body: [UInt8] = vectorBody, offset: Int = 0) -> AuthRequest {
    AuthRequest(body: body, headers: HeaderFields(headers.map { (name: $0.0, value: $0.1) }), now: vectorTime(offset))
}

/// Expects `verifier` to accept `request`.
func expectAccepted(_ verifier: any Verifier, _ request: AuthRequest, sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        try verifier.verify(request)
    } catch {
        Issue.record("refused: \(error.reason)", sourceLocation: sourceLocation)
    }
}

/// Expects `verifier` to refuse `request` with exactly `expected`.
func expectRefused(_ verifier: any Verifier, _ request: AuthRequest, _ expected: AuthError,
                   sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        try verifier.verify(request)
        Issue.record("accepted, expected: \(expected.reason)", sourceLocation: sourceLocation)
    } catch {
        #expect(error == expected, sourceLocation: sourceLocation)
    }
}

/// The error `verifier` refuses `request` with, or nil when it accepts it.
func refusal(_ verifier: any Verifier, _ request: AuthRequest) -> AuthError? {
    do {
        try verifier.verify(request)
        return nil
    } catch {
        return error
    }
}

/// Reads files from a dictionary, for the factory's and signer's key files.
struct KeyFiles: SecretFileReader {
    struct Missing: Error, CustomStringConvertible {
        var description: String { "no such file" }
    }

    var files: [String: String]

    func contents(ofFile path: String) throws -> Data {
        guard let text = files[path] else { throw Missing() }
        return Data(text.utf8)
    }
}

/// The repository's development Passage key pair (examples/keys/), read from the checkout.
enum DevelopmentKeys {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../../examples/keys").standardized.path

    static var publicPEM: String { read("passage.pem") }
    static var privatePEM: String { read("passage-signing.pem") }

    private static func read(_ name: String) -> String {
        (try? String(contentsOfFile: directory + "/" + name, encoding: .utf8)) ?? ""
    }
}
