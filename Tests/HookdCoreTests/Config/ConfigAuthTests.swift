import Foundation
import HookdCore
import Testing

/// The auth of a single source written as `auth: <flow mapping>`.
private func auth(_ flow: String, directory: String = ".") throws -> AuthConfig? {
    try loadConfig("""
        sources:
          - name: s
            path: /s
            provider: stripe
            auth: \(flow)
        """, directory: directory).sources.first?.auth
}

/// The errors of a single source whose auth is `flow`; the auth mapping is on line 5.
private func authErrors(_ flow: String, directory: String = ".") -> [String] {
    configErrors("""
        sources:
          - name: s
            path: /s
            provider: stripe
            auth: \(flow)
        """, directory: directory)
}

@Suite("auth: every scheme and its keys")
struct ConfigAuthTests {
    @Test("header, bearer, basic")
    func simpleSchemes() throws {
        #expect(try auth("{ scheme: header, header: X-Token, secret_env: TOKEN }")
            == .header(name: "X-Token", secret: .environment(["TOKEN"])))
        #expect(try auth("{ scheme: bearer, secret_env: TOKEN }") == .bearer(secret: .environment(["TOKEN"]), bodyField: nil))
        #expect(try auth("{ scheme: bearer, secret_env: TOKEN, body_field: secret }")
            == .bearer(secret: .environment(["TOKEN"]), bodyField: "secret"))
        #expect(try auth("{ scheme: basic, user: ops, secret_env: PASSWORD }")
            == .basic(user: "ops", secret: .environment(["PASSWORD"])))
    }

    @Test("hmac with every key, and its defaults")
    func hmac() throws {
        #expect(try auth("{ scheme: hmac, header: X-Sig, algorithm: sha512, encoding: base64, prefix: 'sha512=', secret_env: K }")
            == .hmac(HMACAuth(header: "X-Sig", algorithm: .sha512, encoding: .base64, prefix: "sha512=",
                              secret: .environment(["K"]))))
        #expect(try auth("{ scheme: hmac, header: X-Sig, algorithm: sha1, secret_env: K }")
            == .hmac(HMACAuth(header: "X-Sig", algorithm: .sha1, encoding: .hex, secret: .environment(["K"]))))
        #expect(try auth("{ scheme: hmac, header: X-Sig, secret_env: K }")
            == .hmac(HMACAuth(header: "X-Sig", algorithm: .sha256, encoding: .hex, prefix: nil, secret: .environment(["K"]))))
    }

    @Test("github, shopify, and the timestamped schemes with their tolerance")
    func signedSchemes() throws {
        #expect(try auth("{ scheme: github, secret_env: K }") == .github(secret: .environment(["K"])))
        #expect(try auth("{ scheme: shopify, secret_env: K }") == .shopify(secret: .environment(["K"])))
        #expect(try auth("{ scheme: stripe, secret_env: K }") == .stripe(secret: .environment(["K"]), tolerance: .seconds(300)))
        #expect(try auth("{ scheme: stripe, secret_env: K, tolerance: 5m }") == .stripe(secret: .environment(["K"]), tolerance: .seconds(300)))
        #expect(try auth("{ scheme: standard-webhooks, secret_env: K, tolerance: 600s }")
            == .standardWebhooks(secret: .environment(["K"]), tolerance: .seconds(600)))
        #expect(try auth("{ scheme: slack, secret_env: K, tolerance: 2m }") == .slack(secret: .environment(["K"]), tolerance: .seconds(120)))
    }

    @Test("a bare tolerance is seconds")
    func bareTolerance() throws {
        #expect(try auth("{ scheme: stripe, secret_env: K, tolerance: 45 }") == .stripe(secret: .environment(["K"]), tolerance: .seconds(45)))
        #expect(try auth("{ scheme: jwt, header: X-JWT, algorithm: HS256, secret_env: K, tolerance: 90 }")
            == .jwt(JWTAuth(header: "X-JWT", algorithm: .hs256, key: .secret(.environment(["K"])), tolerance: .seconds(90))))
        #expect(authErrors("{ scheme: slack, secret_env: K, tolerance: soon }")
            == ["hookd.yaml:5:54: sources[0].auth.tolerance: expected a duration like 300s or 5m, or a number of seconds, got 'soon'"])
    }

    @Test("jwt with a shared secret, and with a public key and signing key")
    func jwt() throws {
        let directory = try ConfigScratchDirectory()
        defer { directory.remove() }
        let publicKey = try directory.write("keys/pub.pem", fakePublicKeyPEM)
        let privateKey = try directory.write("keys/priv.pem", "-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n")
        #expect(try auth("{ scheme: jwt, header: Authorization, algorithm: HS512, secret_env: JWT_KEY, require_iat: false }")
            == .jwt(JWTAuth(header: "Authorization", algorithm: .hs512, key: .secret(.environment(["JWT_KEY"])),
                            requireIssuedAt: false, tolerance: .seconds(300))))
        let jwt = try auth("""
            { scheme: jwt, header: X-Sig, algorithm: RS384, public_key_file: keys/pub.pem, signing_key_file: keys/priv.pem }
            """, directory: directory.path)
        #expect(jwt == .jwt(JWTAuth(header: "X-Sig", algorithm: .rs384, key: .publicKeyFile(publicKey),
                                    signingKeyFile: privateKey, requireIssuedAt: true)))
        #expect(jwt?.secret == nil)
        for name in ["HS256", "HS384", "RS256", "RS512", "ES256", "ES384"] {
            #expect(JWTAlgorithm(rawValue: name)?.usesSharedSecret == name.hasPrefix("HS"))
        }
    }

    @Test("jwt keys that do not fit the algorithm are refused")
    func jwtKeyMismatch() throws {
        let directory = try ConfigScratchDirectory()
        defer { directory.remove() }
        try directory.write("pub.pem", fakePublicKeyPEM)
        #expect(authErrors("{ scheme: jwt, header: X, algorithm: ES256, secret_env: K }", directory: directory.path) == [
            "hookd.yaml:5:11: sources[0].auth: missing required key 'public_key_file' (ES256 verifies with a PEM public key)",
            "hookd.yaml:5:67: sources[0].auth.secret_env: ES256 verifies with public_key_file, not a shared secret",
        ])
        #expect(authErrors("{ scheme: jwt, header: X, algorithm: HS256, public_key_file: pub.pem }", directory: directory.path) == [
            "hookd.yaml:5:11: sources[0].auth: missing secret: give secret_env (an environment variable) or secret_file (a file)",
            "hookd.yaml:5:72: sources[0].auth.public_key_file: HS256 verifies with a shared secret (secret_env or secret_file), not public_key_file",
        ])
        #expect(authErrors("{ scheme: jwt, header: X, algorithm: ES265, secret_env: K }")
            == ["hookd.yaml:5:48: sources[0].auth.algorithm: unknown algorithm 'ES265' (did you mean 'ES256'?)"])
    }

    @Test("an unreadable public_key_file is an error at load")
    func unreadablePublicKey() throws {
        let directory = try ConfigScratchDirectory()
        defer { directory.remove() }
        try directory.write("not-a-key.pem", "hello\n")
        try FileManager.default.createDirectory(atPath: directory.path + "/keys", withIntermediateDirectories: true)
        let flow = "{ scheme: jwt, header: X, algorithm: ES256, public_key_file: %@ }"
        #expect(authErrors(flow.replacingOccurrences(of: "%@", with: "missing.pem"), directory: directory.path)
            == ["hookd.yaml:5:72: sources[0].auth.public_key_file: cannot read '\(directory.path)/missing.pem': no such file"])
        #expect(authErrors(flow.replacingOccurrences(of: "%@", with: "keys"), directory: directory.path)
            == ["hookd.yaml:5:72: sources[0].auth.public_key_file: cannot read '\(directory.path)/keys': it is a directory"])
        #expect(authErrors(flow.replacingOccurrences(of: "%@", with: "not-a-key.pem"), directory: directory.path)
            == ["hookd.yaml:5:72: sources[0].auth.public_key_file: '\(directory.path)/not-a-key.pem' is not a PEM key (no -----BEGIN line)"])
    }

    @Test("none needs insecure: true")
    func noneNeedsInsecure() throws {
        #expect(try auth("{ scheme: none, insecure: true }") == .unauthenticated)
        #expect(authErrors("{ scheme: none }")
            == ["hookd.yaml:5:11: sources[0].auth: scheme 'none' accepts every request; write insecure: true to confirm"])
        #expect(authErrors("{ scheme: none, insecure: false }")
            == ["hookd.yaml:5:37: sources[0].auth.insecure: scheme 'none' accepts every request; write insecure: true to confirm"])
    }

    @Test("a source without auth is refused, not left open")
    func missingAuth() {
        #expect(configErrors("sources:\n  - { name: s, path: /s, provider: github }") == [
            "hookd.yaml:2:5: sources[0]: missing required key 'auth' (write auth: { scheme: none, insecure: true } to accept anyone)",
        ])
    }

    @Test("an unknown scheme suggests the closest")
    func unknownScheme() {
        #expect(authErrors("{ scheme: hamc, header: X, secret_env: K }")
            == ["hookd.yaml:5:21: sources[0].auth.scheme: unknown scheme 'hamc' (did you mean 'hmac'?)"])
        #expect(authErrors("{ scheme: kerberos, secret_env: K }") == [
            "hookd.yaml:5:21: sources[0].auth.scheme: unknown scheme 'kerberos' (expected one of 'header', 'bearer', "
                + "'basic', 'hmac', 'github', 'stripe', 'standard-webhooks', 'shopify', 'slack', 'jwt', 'none')",
        ])
    }

    @Test("keys another scheme takes are refused, and so are unknown ones")
    func keysNotForTheScheme() {
        #expect(authErrors("{ scheme: header, header: X, secret_env: K, tolerance: 5m }") == [
            "hookd.yaml:5:55: sources[0].auth.tolerance: scheme 'header' does not use 'tolerance' (it takes header, secret_env, secret_file)",
        ])
        #expect(authErrors("{ scheme: github, secret_evn: K }") == [
            "hookd.yaml:5:11: sources[0].auth: missing secret: give secret_env (an environment variable) or secret_file (a file)",
            "hookd.yaml:5:29: sources[0].auth.secret_evn: unknown key 'secret_evn' (did you mean 'secret_env'?)",
        ])
    }

    @Test("secret_env and secret_file take lists for rotation, but not both keys")
    func rotation() throws {
        #expect(try auth("{ scheme: github, secret_env: [NEW_SECRET, OLD_SECRET] }")
            == .github(secret: .environment(["NEW_SECRET", "OLD_SECRET"])))
        #expect(try auth("{ scheme: github, secret_file: [/run/secrets/new, old] }", directory: "/etc/hookd")
            == .github(secret: .files(["/run/secrets/new", "/etc/hookd/old"])))
        #expect(authErrors("{ scheme: github, secret_env: [] }")
            == ["hookd.yaml:5:41: sources[0].auth.secret_env: expected at least one environment variable name, got an empty list"])
        #expect(authErrors("{ scheme: github, secret_env: A, secret_file: b }")
            == ["hookd.yaml:5:57: sources[0].auth.secret_file: give secret_env or secret_file, not both"])
        #expect(authErrors("{ scheme: github, secret_env: [GOOD, bad-name] }") == [
            "hookd.yaml:5:48: sources[0].auth.secret_env[1]: expected an environment variable name like PASSAGE_API_KEY, got 'bad-name'",
        ])
    }
}
