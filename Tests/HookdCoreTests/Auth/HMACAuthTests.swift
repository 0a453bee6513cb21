import Foundation
import HookdCore
import Testing

/// Signatures below come from vectors.py (Python's hmac), not from the code under test.
@Suite("Auth: hmac, github, shopify against independent vectors")
struct HMACAuthTests {
    let rotation = [AuthVectors.secretOne, AuthVectors.secretTwo]

    @Test("hmac sha1 hex, sha256 hex with a prefix, sha512 base64; the second candidate verifies")
    func hmacVariants() {
        let cases: [(HMACAuth.Algorithm, HMACAuth.Encoding, String?, String)] = [
            (.sha1, .hex, nil, AuthVectors.hmacSHA1Hex),
            (.sha256, .hex, "sha256=", AuthVectors.hmacSHA256Prefixed),
            (.sha512, .base64, nil, AuthVectors.hmacSHA512Base64),
        ]
        for (algorithm, encoding, prefix, signature) in cases {
            let verifier = HMACVerifier(header: "X-Sig", algorithm: algorithm, encoding: encoding, prefix: prefix, secrets: rotation)
            expectAccepted(verifier, authRequest([("x-sig", signature)]))
            expectRefused(verifier, authRequest([("X-Sig", signature)], body: tamperedBody), .signatureMismatch(candidates: 2))
            let onlyFirst = HMACVerifier(header: "X-Sig", algorithm: algorithm, encoding: encoding, prefix: prefix,
                                         secrets: [AuthVectors.secretOne])
            expectRefused(onlyFirst, authRequest([("X-Sig", signature)]), .signatureMismatch(candidates: 1))
            expectRefused(verifier, authRequest([]), .missingHeader("X-Sig"))
        }
    }

    @Test("hmac: upper-case hex is the same signature; a missing prefix or bad encoding is malformed")
    func hmacSyntax() {
        let verifier = HMACVerifier(header: "X-Sig", algorithm: .sha256, encoding: .hex, prefix: "sha256=", secrets: rotation)
        let hex = String(AuthVectors.hmacSHA256Prefixed.dropFirst(7))
        expectAccepted(verifier, authRequest([("X-Sig", "sha256=" + hex.uppercased())]))
        expectRefused(verifier, authRequest([("X-Sig", hex)]), .malformedHeader("X-Sig", why: "does not start with sha256="))
        expectRefused(verifier, authRequest([("X-Sig", "sha256=zz")]), .malformedHeader("X-Sig", why: "signature is not hex"))
        // A truncated signature must not verify as a prefix of the real one.
        expectRefused(verifier, authRequest([("X-Sig", "sha256=" + hex.prefix(32))]), .signatureMismatch(candidates: 2))
    }

    @Test("github: X-Hub-Signature-256, GitHub's documented example and ours")
    func github() {
        let documented = GitHubVerifier(secrets: ["It's a Secret to Everybody"])
        expectAccepted(documented, authRequest([("X-Hub-Signature-256", AuthVectors.githubDocSignature)],
                                               body: Array("Hello, World!".utf8)))
        let verifier = GitHubVerifier(secrets: rotation)
        expectAccepted(verifier, authRequest([("X-Hub-Signature-256", AuthVectors.github)]))
        expectRefused(verifier, authRequest([("X-Hub-Signature-256", AuthVectors.github)], body: tamperedBody),
                      .signatureMismatch(candidates: 2))
        expectRefused(GitHubVerifier(secrets: ["wrong"]), authRequest([("X-Hub-Signature-256", AuthVectors.github)]),
                      .signatureMismatch(candidates: 1))
        // The legacy SHA-1 header is not accepted in its place.
        expectRefused(verifier, authRequest([("X-Hub-Signature", "sha1=" + AuthVectors.hmacSHA1Hex)]),
                      .missingHeader("X-Hub-Signature-256"))
    }

    @Test("shopify: base64 HMAC-SHA256 of the body")
    func shopify() {
        let verifier = ShopifyVerifier(secrets: rotation)
        expectAccepted(verifier, authRequest([("X-Shopify-Hmac-Sha256", AuthVectors.shopify)]))
        expectRefused(verifier, authRequest([("X-Shopify-Hmac-Sha256", AuthVectors.shopify)], body: tamperedBody),
                      .signatureMismatch(candidates: 2))
        expectRefused(ShopifyVerifier(secrets: ["wrong"]), authRequest([("X-Shopify-Hmac-Sha256", AuthVectors.shopify)]),
                      .signatureMismatch(candidates: 1))
        expectRefused(verifier, authRequest([]), .missingHeader("X-Shopify-Hmac-Sha256"))
    }
}
