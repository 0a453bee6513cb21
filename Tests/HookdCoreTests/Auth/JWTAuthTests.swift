import Foundation
import HookdCore
import Testing

/// Tokens come from vectors.py (Python hmac and `cryptography`), ES256 ones signed with the
/// repository's development key examples/keys/passage-signing.pem.
@Suite("Auth: jwt through jwt-kit, checked and not just verified")
struct JWTAuthTests {
    static let header = "X-Passage-Signature"

    func passage(keys: [JWTKey]? = nil, requireIssuedAt: Bool = true) async throws -> JWTVerifier {
        var chosen = keys ?? []
        if keys == nil { chosen = [try await JWTKey.publicKey(pem: DevelopmentKeys.publicPEM, algorithm: .es256)] }
        return try JWTVerifier(header: Self.header, algorithm: .es256, keys: chosen, requireIssuedAt: requireIssuedAt)
    }

    func request(_ token: String, body: [UInt8] = vectorBody, offset: Int = 0) -> AuthRequest {
        authRequest([(Self.header, token)], body: body, offset: offset)
    }

    @Test("ES256 as Passage sends it: accepted; tampered body and a missing header refused")
    func es256() async throws {
        let verifier = try await passage()
        expectAccepted(verifier, request(AuthVectors.jwtES256))
        expectRefused(verifier, request(AuthVectors.jwtES256, body: tamperedBody), .bodyHashMismatch)
        expectRefused(verifier, authRequest([]), .missingHeader(Self.header))
    }

    @Test("every algorithm, each with its own key: HS256/384/512, RS256/384/512, ES256/384/512")
    func everyAlgorithm() async throws {
        let cases: [(JWTAlgorithm, String, () async throws -> JWTKey)] = [
            (.hs256, AuthVectors.jwtHS256, { try await .sharedSecret(AuthVectors.hsTwo, algorithm: .hs256) }),
            (.hs384, AuthVectors.jwtHS384, { try await .sharedSecret(AuthVectors.hsOne, algorithm: .hs384) }),
            (.hs512, AuthVectors.jwtHS512, { try await .sharedSecret(AuthVectors.hsOne, algorithm: .hs512) }),
            (.rs256, AuthVectors.jwtRS256, { try await .publicKey(pem: AuthVectors.rsaPublicPEM, algorithm: .rs256) }),
            (.rs384, AuthVectors.jwtRS384, { try await .publicKey(pem: AuthVectors.rsaPublicPEM, algorithm: .rs384) }),
            (.rs512, AuthVectors.jwtRS512, { try await .publicKey(pem: AuthVectors.rsaPublicPEM, algorithm: .rs512) }),
            (.es256, AuthVectors.jwtES256, { try await .publicKey(pem: DevelopmentKeys.publicPEM, algorithm: .es256) }),
            (.es384, AuthVectors.jwtES384, { try await .publicKey(pem: AuthVectors.es384PublicPEM, algorithm: .es384) }),
            (.es512, AuthVectors.jwtES512, { try await .publicKey(pem: AuthVectors.es512PublicPEM, algorithm: .es512) }),
        ]
        for (algorithm, token, makeKey) in cases {
            let key = try await makeKey()
            let verifier = try JWTVerifier(header: Self.header, algorithm: algorithm, keys: [key])
            expectAccepted(verifier, request(token))
            // A flipped signature character must fail under every algorithm.
            var forged = Array(token)
            let last = forged.count - 3
            forged[last] = forged[last] == "A" ? "B" : "A"
            expectRefused(verifier, request(String(forged)), .tokenSignatureMismatch(candidates: 1))
        }
    }

    @Test("HS256 rotation: the second shared secret verifies; a wrong one does not")
    func sharedSecretRotation() async throws {
        let keys = [try await JWTKey.sharedSecret(AuthVectors.hsOne, algorithm: .hs256),
                    try await JWTKey.sharedSecret(AuthVectors.hsTwo, algorithm: .hs256)]
        let verifier = try JWTVerifier(header: Self.header, algorithm: .hs256, keys: keys)
        expectAccepted(verifier, request(AuthVectors.jwtHS256))
        let wrong = try JWTVerifier(header: Self.header, algorithm: .hs256, keys: [keys[0]])
        expectRefused(wrong, request(AuthVectors.jwtHS256), .tokenSignatureMismatch(candidates: 1))
    }

    @Test("the header's alg must be the configured one: HS256 or none against ES256")
    func algorithmMismatch() async throws {
        let verifier = try await passage()
        expectRefused(verifier, request(AuthVectors.jwtHS256), .tokenAlgorithmMismatch(found: "HS256", configured: .es256))
        expectRefused(verifier, request(AuthVectors.jwtNone), .tokenAlgorithmMismatch(found: "none", configured: .es256))
        #expect(AuthError.tokenAlgorithmMismatch(found: "HS256", configured: .es256).reason
                == "jwt alg HS256 is not the configured ES256")
    }

    @Test("kid: a named key must exist; an unknown kid is refused, never defaulted")
    func keyIDs() async throws {
        let k1 = try await JWTKey.publicKey(pem: DevelopmentKeys.publicPEM, algorithm: .es256, id: "wsk_1")
        let verifier = try await passage(keys: [k1])
        expectAccepted(verifier, request(AuthVectors.jwtES256))
        expectRefused(verifier, request(AuthVectors.jwtES256KidK2), .unknownKeyID("k2"))
        expectRefused(verifier, request(AuthVectors.jwtES256NoBodyHash), .missingKeyID)
        #expect(AuthError.unknownKeyID("k2").reason == #"unknown kid "k2""#)
        // The same key under another id does not verify a token naming k2 either.
        let other = try await JWTKey.publicKey(pem: DevelopmentKeys.publicPEM, algorithm: .es256, id: "k1")
        let otherVerifier = try await passage(keys: [other])
        expectRefused(otherVerifier, request(AuthVectors.jwtES256KidK2), .unknownKeyID("k2"))
    }

    @Test("request_body_sha256: missing, of another body, base64 (FusionAuth) accepted")
    func bodyHash() async throws {
        let verifier = try await passage()
        expectRefused(verifier, request(AuthVectors.jwtES256NoBodyHash), .missingClaim("request_body_sha256"))
        expectRefused(verifier, request(AuthVectors.jwtES256OtherBody), .bodyHashMismatch)
        let fusionAuth = try await passage(requireIssuedAt: false)
        expectAccepted(fusionAuth, request(AuthVectors.jwtES256Base64NoIat))
        expectRefused(fusionAuth, request(AuthVectors.jwtES256Base64NoIat, body: tamperedBody), .bodyHashMismatch)
    }

    @Test("iat: required by default, within the tolerance both ways; require_iat: false")
    func issuedAt() async throws {
        let verifier = try await passage()
        expectRefused(verifier, request(AuthVectors.jwtES256Base64NoIat), .missingClaim("iat"))
        expectAccepted(verifier, request(AuthVectors.jwtES256, offset: 300))
        expectRefused(verifier, request(AuthVectors.jwtES256, offset: 412), .issuedAtSkew(seconds: 412, tolerance: 300))
        expectRefused(verifier, request(AuthVectors.jwtES256, offset: -301), .issuedAtSkew(seconds: -301, tolerance: 300))
        // Not requiring iat does not excuse one that is sent and stale.
        let lenient = try await passage(requireIssuedAt: false)
        expectAccepted(lenient, request(AuthVectors.jwtES256Base64NoIat, offset: 86_400))
        expectRefused(lenient, request(AuthVectors.jwtES256, offset: 412), .issuedAtSkew(seconds: 412, tolerance: 300))
    }

    @Test("malformed tokens: parts, base64, Bearer prefix tolerated")
    func malformed() async throws {
        let verifier = try await passage()
        expectRefused(verifier, request("abc.def"), .malformedToken("2 parts, not 3"))
        #expect(refusal(verifier, request("!!.??.xx"))?.reason.hasPrefix("malformed jwt") == true)
        let stripped = AuthVectors.jwtES256.split(separator: ".").prefix(2).joined(separator: ".") + "."
        expectRefused(verifier, request(stripped), .malformedToken("no signature"))
        expectAccepted(verifier, request("Bearer " + AuthVectors.jwtES256))
    }

    @Test("keys: RSA under 2048 bits, short HS secrets, wrong kinds are refused at construction")
    func keyChecks() async throws {
        await #expect(throws: JWTKeyError.weakRSAKey) {
            try await JWTKey.publicKey(pem: AuthVectors.weakRSAPublicPEM, algorithm: .rs256)
        }
        await #expect(throws: JWTKeyError.shortSharedSecret(bytes: 6, needed: 32)) {
            try await JWTKey.sharedSecret("short!", algorithm: .hs256)
        }
        await #expect(throws: JWTKeyError.wrongKeyKind(.es256)) {
            try await JWTKey.sharedSecret(AuthVectors.hsOne, algorithm: .es256)
        }
        // A P-256 key is not an ES384 key, and an EC key is not an RSA key.
        await #expect(throws: JWTKeyError.self) { try await JWTKey.publicKey(pem: DevelopmentKeys.publicPEM, algorithm: .es384) }
        await #expect(throws: JWTKeyError.self) { try await JWTKey.publicKey(pem: DevelopmentKeys.publicPEM, algorithm: .rs256) }
        let es = try await JWTKey.publicKey(pem: DevelopmentKeys.publicPEM, algorithm: .es256)
        #expect(throws: JWTKeyError.algorithmMismatch(key: .es256, configured: .rs256)) {
            try JWTVerifier(header: Self.header, algorithm: .rs256, keys: [es])
        }
    }
}
