import Foundation
import HookdCore
import Testing

@Suite("Auth: header, bearer (body_field, batches), basic, none")
struct SharedSecretAuthTests {
    let rotation = [AuthVectors.secretOne, AuthVectors.secretTwo]

    @Test("header: the value equals a candidate, any of a rotation list")
    func header() {
        let verifier = HeaderVerifier(header: "Authorization", secrets: rotation)
        expectAccepted(verifier, authRequest([("authorization", AuthVectors.secretTwo)]))
        expectAccepted(verifier, authRequest([("Authorization", AuthVectors.secretOne)]))
        expectRefused(verifier, authRequest([("Authorization", "wrong")]), .secretMismatch(header: "Authorization", candidates: 2))
        expectRefused(verifier, authRequest([("Authorization", AuthVectors.secretTwo + " ")]),
                      .secretMismatch(header: "Authorization", candidates: 2))
        expectRefused(verifier, authRequest([("X-Other", AuthVectors.secretTwo)]), .missingHeader("Authorization"))
        // A prefix of a secret is not the secret, nor is the empty value.
        expectRefused(verifier, authRequest([("Authorization", String(AuthVectors.secretTwo.prefix(6)))]),
                      .secretMismatch(header: "Authorization", candidates: 2))
        expectRefused(verifier, authRequest([("Authorization", "")]), .secretMismatch(header: "Authorization", candidates: 2))
    }

    @Test("bearer: Authorization: Bearer <secret>, the scheme word in any case")
    func bearer() {
        let verifier = BearerVerifier(secrets: rotation)
        expectAccepted(verifier, authRequest([("Authorization", "Bearer " + AuthVectors.secretTwo)]))
        expectAccepted(verifier, authRequest([("Authorization", "bearer " + AuthVectors.secretOne)]))
        expectRefused(verifier, authRequest([("Authorization", "Bearer nope")]),
                      .secretMismatch(header: "Authorization", candidates: 2))
        expectRefused(verifier, authRequest([("Authorization", AuthVectors.secretTwo)]),
                      .malformedHeader("Authorization", why: "not of the form Bearer <token>"))
        expectRefused(verifier, authRequest([]), .missingHeader("Authorization"))
    }

    @Test("bearer with body_field: the JSON field must carry the secret too")
    func bearerBodyField() {
        let verifier = BearerVerifier(secrets: rotation, bodyField: "secret")
        let header = [("Authorization", "Bearer " + AuthVectors.secretOne)]
        let good = Array(#"{"id":"e1","secret":"second-secret-value","data":{}}"#.utf8)
        expectAccepted(verifier, authRequest(header, body: good))
        expectRefused(verifier, authRequest(header, body: Array(#"{"id":"e1","secret":"second-secret-valuf"}"#.utf8)),
                      .bodyFieldMismatch("secret", element: nil, candidates: 2))
        expectRefused(verifier, authRequest(header, body: Array(#"{"id":"e1"}"#.utf8)), .missingBodyField("secret", element: nil))
        expectRefused(verifier, authRequest(header, body: Array(#"{"id":"e1","secret":7}"#.utf8)),
                      .missingBodyField("secret", element: nil))
        #expect(refusal(verifier, authRequest(header, body: Array("secret=x".utf8)))?.reason.hasPrefix("body is not JSON") == true)
        // The header alone is not enough, and the body alone is not either.
        expectRefused(verifier, authRequest([("Authorization", "Bearer x")], body: good),
                      .secretMismatch(header: "Authorization", candidates: 2))
    }

    @Test("bearer with body_field on a PassFort batch: every element must carry it")
    func bearerBatch() {
        let verifier = BearerVerifier(secrets: rotation, bodyField: "secret")
        let header = [("Authorization", "Bearer " + AuthVectors.secretTwo)]
        let batch = #"[{"id":"a","secret":"first-secret-value"},{"id":"b","secret":"second-secret-value"}]"#
        expectAccepted(verifier, authRequest(header, body: Array(batch.utf8)))
        let smuggled = #"[{"id":"a","secret":"first-secret-value"},{"id":"b"},{"id":"c","secret":"x"}]"#
        expectRefused(verifier, authRequest(header, body: Array(smuggled.utf8)), .missingBodyField("secret", element: 1))
        let wrong = #"[{"id":"a","secret":"first-secret-value"},{"id":"c","secret":"x"}]"#
        expectRefused(verifier, authRequest(header, body: Array(wrong.utf8)),
                      .bodyFieldMismatch("secret", element: 1, candidates: 2))
        expectRefused(verifier, authRequest(header, body: Array("[]".utf8)), .missingBodyField("secret", element: 0))
    }

    @Test("basic: user and a candidate password (vector from vectors.py)")
    func basic() {
        let verifier = BasicVerifier(user: "ops", secrets: rotation)
        expectAccepted(verifier, authRequest([("Authorization", AuthVectors.basic)]))
        let otherUser = "Basic " + Data("dev:\(AuthVectors.secretTwo)".utf8).base64EncodedString()
        expectRefused(verifier, authRequest([("Authorization", otherUser)]), .basicCredentialsMismatch(candidates: 2))
        let wrongPassword = "Basic " + Data("ops:nope".utf8).base64EncodedString()
        expectRefused(verifier, authRequest([("Authorization", wrongPassword)]), .basicCredentialsMismatch(candidates: 2))
        expectRefused(verifier, authRequest([("Authorization", "Basic !!!")]),
                      .malformedHeader("Authorization", why: "not of the form Basic <base64 user:password>"))
        expectRefused(verifier, authRequest([]), .missingHeader("Authorization"))
    }

    @Test("none accepts anything, and says so in its scheme")
    func unauthenticated() {
        let verifier = UnauthenticatedVerifier()
        expectAccepted(verifier, authRequest([]))
        #expect(verifier.scheme == .unauthenticated)
    }
}
