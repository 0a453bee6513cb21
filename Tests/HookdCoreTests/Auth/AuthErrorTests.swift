import HookdCore
import Testing

@Suite("Auth: AuthError reasons for the rejections log")
struct AuthErrorTests {
    @Test("the reasons SPEC §7 and the brief name, word for word")
    func reasons() {
        #expect(AuthError.signatureMismatch(candidates: 2).reason == "signature mismatch: 2 candidate secrets")
        #expect(AuthError.signatureMismatch(candidates: 1).reason == "signature mismatch: 1 candidate secret")
        #expect(AuthError.timestampSkew(seconds: 412, tolerance: 300).reason == "timestamp skew 412s (tolerance 300s)")
        #expect(AuthError.timestampSkew(seconds: -412, tolerance: 300).reason
                == "timestamp skew 412s in the future (tolerance 300s)")
        #expect(AuthError.missingHeader("X-Hub-Signature-256").reason == "missing header X-Hub-Signature-256")
        #expect(AuthError.bodyFieldMismatch("secret", element: 3, candidates: 1).reason
                == "body field secret mismatch in batch element 3: 1 candidate secret")
    }

    @Test("sender-controlled values are shortened and cannot break a log line")
    func hostileValues() {
        let kid = String(repeating: "k", count: 100) + "\n"
        let reason = AuthError.unknownKeyID(kid).reason
        #expect(!reason.contains("\n"))
        #expect(reason.count < 60)
        #expect(AuthError.tokenAlgorithmMismatch(found: "HS256\"\u{1B}[31m", configured: .es256).reason
                == "jwt alg HS256??[31m is not the configured ES256")
    }

    @Test("no reason repeats a secret or a signature it was given")
    func noSecretsInReasons() async throws {
        let verifier = GitHubVerifier(secrets: [AuthVectors.secretTwo])
        let error = try #require(refusal(verifier, authRequest([("X-Hub-Signature-256", AuthVectors.github)], body: tamperedBody)))
        #expect(!error.reason.contains(AuthVectors.secretTwo))
        #expect(!error.reason.contains(String(AuthVectors.github.dropFirst(7).prefix(16))))
        let header = HeaderVerifier(header: "Authorization", secrets: [AuthVectors.secretOne])
        let mismatch = try #require(refusal(header, authRequest([("Authorization", AuthVectors.secretTwo)])))
        #expect(!mismatch.reason.contains(AuthVectors.secretOne) && !mismatch.reason.contains(AuthVectors.secretTwo))
    }
}
