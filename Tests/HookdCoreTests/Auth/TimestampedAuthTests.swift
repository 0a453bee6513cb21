import Foundation
import HookdCore
import Testing

/// Signatures come from vectors.py; the clock is the vectors' `now` moved by each test.
@Suite("Auth: stripe, standard-webhooks, slack: signatures and tolerance both ways")
struct TimestampedAuthTests {
    @Test("stripe: t.body keyed with the whsec_ string verbatim; the right v1 among several")
    func stripe() {
        let verifier = StripeVerifier(secrets: ["whsec_old", AuthVectors.stripeSecret])
        expectAccepted(verifier, authRequest([("Stripe-Signature", AuthVectors.stripe)]))
        expectAccepted(verifier, authRequest([("Stripe-Signature", AuthVectors.stripeRotated)]))
        expectRefused(verifier, authRequest([("Stripe-Signature", AuthVectors.stripe)], body: tamperedBody),
                      .signatureMismatch(candidates: 2))
        expectRefused(StripeVerifier(secrets: ["whsec_old"]), authRequest([("Stripe-Signature", AuthVectors.stripe)]),
                      .signatureMismatch(candidates: 1))
        expectRefused(verifier, authRequest([]), .missingHeader("Stripe-Signature"))
    }

    @Test("stripe: a moved t, only v0, no t: refused")
    func stripeHeaderSyntax() {
        let verifier = StripeVerifier(secrets: [AuthVectors.stripeSecret])
        let v1 = AuthVectors.stripe.split(separator: ",")[1]
        expectRefused(verifier, authRequest([("Stripe-Signature", "t=\(AuthVectors.now + 1),\(v1)")], offset: 1),
                      .signatureMismatch(candidates: 1))
        expectRefused(verifier, authRequest([("Stripe-Signature", "t=\(AuthVectors.now),v0=\(v1.dropFirst(3))")]),
                      .noSignatureOfVersion("v1", header: "Stripe-Signature"))
        expectRefused(verifier, authRequest([("Stripe-Signature", String(v1))]),
                      .malformedHeader("Stripe-Signature", why: "no t= timestamp"))
    }

    @Test("stripe: 301 s old or 301 s ahead is refused, 300 s either way accepted")
    func stripeTolerance() {
        let verifier = StripeVerifier(secrets: [AuthVectors.stripeSecret], tolerance: .seconds(300))
        let header = [("Stripe-Signature", AuthVectors.stripe)]
        expectAccepted(verifier, authRequest(header, offset: 300))
        expectAccepted(verifier, authRequest(header, offset: -300))
        expectRefused(verifier, authRequest(header, offset: 301), .timestampSkew(seconds: 301, tolerance: 300))
        expectRefused(verifier, authRequest(header, offset: -412), .timestampSkew(seconds: -412, tolerance: 300))
    }

    @Test("standard-webhooks: the libraries' own example vector")
    func standardWebhooksExample() throws {
        let key = try #require(StandardWebhooksVerifier.key(fromSecret: AuthVectors.stripeSecret))
        let verifier = StandardWebhooksVerifier(keys: [key])
        let request = AuthRequest(body: Array(#"{"test": 2432232314}"#.utf8),
                                  headers: ["webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
                                            "webhook-timestamp": "1614265330",
                                            "webhook-signature": AuthVectors.swExampleSignature] as HeaderFields,
                                  clock: .fixed(unixSeconds: 1614265330))
        expectAccepted(verifier, request)
        // The same secret used verbatim, as Stripe does, is a different key and must fail.
        let verbatim = StandardWebhooksVerifier(keys: [Array(AuthVectors.stripeSecret.utf8)])
        expectRefused(verbatim, request, .signatureMismatch(candidates: 1))
    }

    private func swHeaders(_ signature: String = AuthVectors.swSignature,
                           id: String = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W") -> [(String, String)] {
        [("webhook-id", id), ("webhook-timestamp", String(AuthVectors.now)), ("webhook-signature", signature)]
    }

    @Test("standard-webhooks: rotation, several entries, tampering, missing headers, tolerance")
    func standardWebhooks() throws {
        let first = try #require(StandardWebhooksVerifier.key(fromSecret: "whsec_" + Data("first key".utf8).base64EncodedString()))
        let second = try #require(StandardWebhooksVerifier.key(fromSecret: AuthVectors.swSecretTwo))
        let verifier = StandardWebhooksVerifier(keys: [first, second])
        expectAccepted(verifier, authRequest(swHeaders()))
        expectAccepted(verifier, authRequest(swHeaders(AuthVectors.swSingle)))
        expectRefused(verifier, authRequest(swHeaders(), body: tamperedBody), .signatureMismatch(candidates: 2))
        expectRefused(verifier, authRequest(swHeaders(id: "msg_other")), .signatureMismatch(candidates: 2))
        expectRefused(StandardWebhooksVerifier(keys: [first]), authRequest(swHeaders()), .signatureMismatch(candidates: 1))
        expectRefused(verifier, authRequest(swHeaders("v1a,AAAA")), .noSignatureOfVersion("v1", header: "webhook-signature"))
        for missing in ["webhook-id", "webhook-timestamp", "webhook-signature"] {
            expectRefused(verifier, authRequest(swHeaders().filter { $0.0 != missing }), .missingHeader(missing))
        }
        expectRefused(verifier, authRequest(swHeaders(), offset: 301), .timestampSkew(seconds: 301, tolerance: 300))
        expectRefused(verifier, authRequest(swHeaders(), offset: -301), .timestampSkew(seconds: -301, tolerance: 300))
        expectAccepted(StandardWebhooksVerifier(keys: [second], tolerance: .seconds(600)), authRequest(swHeaders(), offset: -600))
    }

    @Test("standard-webhooks: whsec_ secrets decode, the prefix is optional, junk is refused")
    func standardWebhooksSecrets() {
        #expect(StandardWebhooksVerifier.key(fromSecret: "whsec_AAEC") == [0, 1, 2])
        #expect(StandardWebhooksVerifier.key(fromSecret: "AAEC") == [0, 1, 2])
        #expect(StandardWebhooksVerifier.key(fromSecret: "whsec_!!!") == nil)
        #expect(StandardWebhooksVerifier.key(fromSecret: "whsec_") == nil)
    }

    @Test("slack: the documented example and ours; tampering, rotation, tolerance")
    func slack() {
        let documented = SlackVerifier(secrets: [AuthVectors.slackDocSecret])
        let docRequest = AuthRequest(body: Array(AuthVectors.slackDocBody.utf8),
                                     headers: ["X-Slack-Request-Timestamp": "1531420618",
                                               "X-Slack-Signature": AuthVectors.slackDocSignature] as HeaderFields,
                                     clock: .fixed(unixSeconds: 1531420618))
        expectAccepted(documented, docRequest)
        let verifier = SlackVerifier(secrets: [AuthVectors.secretOne, AuthVectors.secretTwo])
        let headers = [("X-Slack-Request-Timestamp", String(AuthVectors.now)), ("X-Slack-Signature", AuthVectors.slack)]
        expectAccepted(verifier, authRequest(headers))
        expectRefused(verifier, authRequest(headers, body: tamperedBody), .signatureMismatch(candidates: 2))
        expectRefused(SlackVerifier(secrets: [AuthVectors.secretOne]), authRequest(headers), .signatureMismatch(candidates: 1))
        expectRefused(verifier, authRequest([headers[1]]), .missingHeader("X-Slack-Request-Timestamp"))
        expectRefused(verifier, authRequest([headers[0]]), .missingHeader("X-Slack-Signature"))
        expectRefused(verifier, authRequest(headers, offset: 412), .timestampSkew(seconds: 412, tolerance: 300))
        expectRefused(verifier, authRequest(headers, offset: -301), .timestampSkew(seconds: -301, tolerance: 300))
        expectRefused(verifier, authRequest([("X-Slack-Request-Timestamp", "soon"), headers[1]]),
                      .malformedTimestamp(header: "X-Slack-Request-Timestamp"))
        expectRefused(verifier, authRequest([headers[0], ("X-Slack-Signature", "v1=" + AuthVectors.slack.dropFirst(3))]),
                      .noSignatureOfVersion("v0", header: "X-Slack-Signature"))
    }
}
