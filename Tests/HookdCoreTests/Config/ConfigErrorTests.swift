import HookdCore
import Testing

@Suite("Errors name the file, line, column and key")
struct ConfigErrorTests {
    @Test("an error prints as file:line:column: key path: message")
    func format() {
        let error = ConfigError(file: "hookd.yaml", line: 12, column: 5, keyPath: "sources[1].auth.scheme",
                                message: "unknown scheme 'hamc' (did you mean 'hmac'?)")
        #expect(error.description == "hookd.yaml:12:5: sources[1].auth.scheme: unknown scheme 'hamc' (did you mean 'hmac'?)")
        let errors = ConfigErrors([error, ConfigError(file: "hookd.yaml", line: 3, column: 1, keyPath: "", message: "bad")])
        #expect(errors.description == "hookd.yaml:3:1: bad\n" + error.description)
    }

    @Test("a wrong type says what was expected and what was found")
    func wrongTypes() {
        #expect(configErrors("retention: fast") == ["hookd.yaml:1:12: retention: expected a duration like 500ms, 30s, 5m, 24h or 30d, got 'fast'"])
        #expect(configErrors("server:\n  max_body: 1MB") == [
            "hookd.yaml:2:13: server.max_body: expected a size like 512KiB, 1MiB, 1GiB or a number of bytes, got '1MB'",
        ])
        #expect(configErrors("server: 8080") == ["hookd.yaml:1:9: server: expected a mapping, got '8080'"])
        #expect(configErrors("secrets: PASSAGE_API_KEY") == [
            "hookd.yaml:1:10: secrets: expected a list of environment variable names, got 'PASSAGE_API_KEY'",
        ])
        #expect(configErrors("retry:\n  max_attempts: many") == [
            "hookd.yaml:2:17: retry.max_attempts: expected a whole number greater than 0, got 'many'",
        ])
        #expect(configErrors("retry: { max_attempts: 0 }") == [
            "hookd.yaml:1:24: retry.max_attempts: expected a whole number greater than 0, got '0'",
        ])
        #expect(configErrors("admin:\n  listen: localhost") == [
            "hookd.yaml:2:11: admin.listen: expected an address like 127.0.0.1:8080 or [::1]:8080, got 'localhost'",
        ])
        #expect(configErrors("limits: { wall_time: 0s }") == [
            "hookd.yaml:1:22: limits.wall_time: expected a duration like 500ms, 30s, 5m, 24h or 30d, got '0s'",
        ])
        #expect(configErrors("rules: [a, b]") == ["hookd.yaml:1:8: rules: expected a string, got a list"])
    }

    @Test("an unknown top-level key is refused, with a suggestion when close")
    func unknownTopLevelKey() {
        #expect(configErrors("retension: 30d") == ["hookd.yaml:1:1: retension: unknown key 'retension' (did you mean 'retention'?)"])
        #expect(configErrors("\n\nlogging: debug") == ["hookd.yaml:3:1: logging: unknown key 'logging'"])
        #expect(configErrors("server:\n  listn: 127.0.0.1:80") == ["hookd.yaml:2:3: server.listn: unknown key 'listn' (did you mean 'listen'?)"])
        #expect(configErrors(minimalSourceYAML + "\n    mode: sync\n    sync_timout: 3s") == [
            "hookd.yaml:7:5: sources[0].sync_timout: unknown key 'sync_timout' (did you mean 'sync_timeout'?)",
        ])
    }

    @Test("a missing required key points at the mapping that lacks it")
    func missingKeys() {
        #expect(configErrors("sources:\n  - name: a\n    provider: github\n    auth: { scheme: github, secret_env: K }") == [
            "hookd.yaml:2:5: sources[0]: missing required key 'path'",
        ])
        #expect(configErrors("sources:\n  - { name: g, path: /g, provider: generic, auth: { scheme: github, secret_env: K } }") == [
            "hookd.yaml:2:5: sources[0]: missing required key 'type_from' (a generic source must say where the event type is)",
        ])
    }

    @Test("duplicate source names and paths point at the second one")
    func duplicates() {
        let yaml = """
            sources:
              - { name: a, path: /same, provider: github, auth: { scheme: github, secret_env: K } }
              - { name: b, path: /other, provider: github, auth: { scheme: github, secret_env: K } }
              - { name: a, path: /same, provider: github, auth: { scheme: github, secret_env: K } }
            """
        #expect(configErrors(yaml) == [
            "hookd.yaml:4:13: sources[2].name: duplicate source name 'a' (already used by sources[0])",
            "hookd.yaml:4:22: sources[2].path: duplicate path '/same' (already used by sources[0])",
        ])
    }

    @Test("paths start with /, names are plain, providers and modes are known")
    func sourceValues() {
        let yaml = """
            sources:
              - name: my source
                path: webhooks/a
                provider: githib
                mode: later
                auth: { scheme: github, secret_env: K }
            """
        #expect(configErrors(yaml) == [
            "hookd.yaml:2:11: sources[0].name: expected a name of letters, digits, '-', '_' and '.', got 'my source'",
            "hookd.yaml:3:11: sources[0].path: expected a path starting with '/', got 'webhooks/a'",
            "hookd.yaml:4:15: sources[0].provider: unknown provider 'githib' (did you mean 'github'?)",
            "hookd.yaml:5:11: sources[0].mode: unknown mode 'later' (expected one of 'async', 'sync')",
        ])
    }

    @Test("generic keys on another provider are refused")
    func genericKeysElsewhere() {
        #expect(configErrors(minimalSourceYAML + "\n    type_from: kind") == [
            "hookd.yaml:6:16: sources[0].type_from: only a source with provider 'generic' takes type_from; 'github' knows its fields",
        ])
    }

    @Test("a bad CIDR says why")
    func badCIDR() {
        #expect(configErrors(minimalSourceYAML + "\n    allow_ips: [10.0.0.1/8, 300.1.1.1/32, 10.0.0.0/33, \"::1/129\"]") == [
            "hookd.yaml:6:17: sources[0].allow_ips[0]: bad CIDR block '10.0.0.1/8': has bits set past the prefix length (did you mean '10.0.0.0/8'?)",
            "hookd.yaml:6:29: sources[0].allow_ips[1]: bad CIDR block '300.1.1.1/32': '300.1.1.1' is not an IPv4 or IPv6 address",
            "hookd.yaml:6:43: sources[0].allow_ips[2]: bad CIDR block '10.0.0.0/33': prefix length /33 is out of range (0 to 32)",
            "hookd.yaml:6:56: sources[0].allow_ips[3]: bad CIDR block '::1/129': prefix length /129 is out of range (0 to 128)",
        ])
        #expect(configErrors(minimalSourceYAML + "\n    trusted_proxies: []") == [
            "hookd.yaml:6:22: sources[0].trusted_proxies: expected at least one CIDR block like 10.0.0.0/8; leave the key out to allow every address",
        ])
    }

    @Test("a PostgreSQL store is refused until it lands, without echoing the URL")
    func postgresStore() {
        #expect(configErrors("store: postgres://hookd:hunter2@db:5432/hookd") == [
            "hookd.yaml:1:8: store: the PostgreSQL store is not available yet; use sqlite:PATH, such as sqlite:data/hookd.sqlite",
        ])
        #expect(configErrors("store: mysql:x") == ["hookd.yaml:1:8: store: expected a store like sqlite:data/hookd.sqlite, got 'mysql:x'"])
    }

    @Test("a bad outbound host and a backoff longer than its cap")
    func outboundAndRetry() {
        #expect(configErrors("outbound:\n  allow: [\"http://api.example.com\"]") == [
            "hookd.yaml:2:11: outbound.allow[0]: expected a host, host:port or *.domain like api.example.com, got 'http://api.example.com'",
        ])
        #expect(configErrors("retry:\n  backoff: 2h\n  max_backoff: 1h") == [
            "hookd.yaml:3:16: retry.max_backoff: max_backoff (1h) is shorter than backoff (2h)",
        ])
    }

    @Test("every error of the file is reported, in file order")
    func collectsAll() {
        let yaml = """
            server:
              listen: nowhere
            retention: forever
            sources:
              - name: a
                path: /a
                provider: github
                auth: { scheme: hamc, secret_env: K }
              - name: b
                path: b
                provider: github
                auth: { scheme: none }
            colour: blue
            """
        #expect(configErrors(yaml) == [
            "hookd.yaml:2:11: server.listen: expected an address like 127.0.0.1:8080 or [::1]:8080, got 'nowhere'",
            "hookd.yaml:3:12: retention: expected a duration like 500ms, 30s, 5m, 24h or 30d, got 'forever'",
            "hookd.yaml:8:21: sources[0].auth.scheme: unknown scheme 'hamc' (did you mean 'hmac'?)",
            "hookd.yaml:10:11: sources[1].path: expected a path starting with '/', got 'b'",
            "hookd.yaml:12:11: sources[1].auth: scheme 'none' accepts every request; write insecure: true to confirm",
            "hookd.yaml:13:1: colour: unknown key 'colour'",
        ])
    }

    @Test("YAML syntax errors give file and line")
    func syntaxErrors() throws {
        let unclosed = configErrors("server:\n  listen: [127.0.0.1:8080\nadmin: {}")
        #expect(unclosed.count == 1)
        #expect(unclosed.first?.hasPrefix("hookd.yaml:3:") == true)
        #expect(unclosed.first?.contains("invalid YAML") == true)
        let badIndent = configErrors("server:\n  listen: 127.0.0.1:8080\n   max_body: 1MiB")
        #expect(badIndent.first?.hasPrefix("hookd.yaml:3:") == true)
        let duplicate = configErrors("retention: 1d\nrules: r/\nretention: 2d")
        #expect(duplicate == ["hookd.yaml:1:1: invalid YAML: key 'retention' appears twice in the same mapping"])
    }

    @Test("a document that is not a mapping is refused")
    func notAMapping() {
        #expect(configErrors("- server") == ["hookd.yaml:1:1: expected a mapping of settings (server, sources, …), got a list"])
    }
}
