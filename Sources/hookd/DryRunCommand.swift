import ArgumentParser
import Foundation
import HookdCore
import HookdSQLite
import LuaRuntime

/// `hookd dry-run`: runs the rules against a fixture and shows every call they would make (SPEC §6).
struct DryRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dry-run",
        abstract: "Run the rules against a fixture payload and show every call they would make.",
        discussion: """
            The fixture is parsed as the source's provider would parse it (auth is not checked), the \
            rules are matched (index, then `when`) and each matched rule runs under the configured \
            limits. No call leaves the machine: a call a --mock matches gets the mock's answer, any \
            other answers 200 with body {} and is listed as not sent. --live sends unmocked calls for \
            real, within `outbound:`. Secret values are shown as ***.

            Exit status: 0 when every matched rule ended ok or skipped, 1 when one failed, 2 for a \
            usage or configuration error (or a fixture the source would refuse with 400).

            Examples:
              hookd dry-run examples/passage/data_available.json --source passage
              hookd dry-run examples/passage/data_available.json --source passage \\
                --mock 'GET https://api.getpassage.ai/connections/123/resources/*=@trip.json' --format json
              hookd dry-run payload.json --source github --header 'X-GitHub-Event: push' \\
                --header 'X-GitHub-Delivery: 72d3162e' --rule rules/github-push.lua --explain
            """)

    @Argument(help: "The webhook body to run, as the provider would POST it.")
    var fixture: String?

    @Option(name: .long, help: "The source whose provider parses the fixture.")
    var source: String?

    @Option(name: .long, help: "A stored event instead of a fixture (read from the store; --source when ids collide).")
    var event: String?

    @Option(name: .long, help: "The configuration file.")
    var config = "hookd.yaml"

    @Option(name: .long, help: "Run only this rule file (repeatable); a file outside the rules directory is loaded too.")
    var rule: [String] = []

    @Option(name: .long, help: "A request header 'Name: value' (repeatable), e.g. for github's X-GitHub-Event.")
    var header: [String] = []

    @Option(name: .long, help: "'METHOD URL=@FILE' (200 with the file) or 'METHOD URL=STATUS' (repeatable); URL may end in *.")
    var mock: [String] = []

    @Flag(name: .long, help: "Send unmocked calls for real, within outbound: (allow-list, timeout, size cap).")
    var live = false

    @Option(name: .long, help: "text (for a person) or json.")
    var format: OutputFormat = .text

    @Flag(name: .long, help: "Also list each rule that did not match, and why.")
    var explain = false

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    func validate() throws {
        if event != nil && fixture != nil { throw ValidationError("give a FIXTURE or --event ID, not both") }
        if event == nil && fixture == nil { throw ValidationError("give a FIXTURE (with --source NAME) or --event ID") }
        if fixture != nil && source == nil { throw ValidationError("--source NAME is required with a FIXTURE") }
    }

    func run() async throws {
        let loaded: HookdConfig
        do {
            loaded = try ConfigLoader.load(path: config)
        } catch {
            fail(error.errors.map(\.description).joined(separator: "\n"))
        }
        let stored = await storedEvent(loaded)
        let sourceName = stored?.source ?? source
        guard let sourceName, let sourceConfig = loaded.source(named: sourceName) else {
            let known = loaded.sources.map(\.name).joined(separator: ", ")
            fail("no source named '\(sourceName ?? "")' in \(config) (sources: \(known.isEmpty ? "none" : known))")
        }
        var body: [UInt8] = []
        if stored == nil {
            guard let data = FileManager.default.contents(atPath: fixture ?? "") else {
                fail("cannot read the fixture \(fixture ?? "")")
            }
            body = Array(data)
        }
        let headers = try stored.map { $0.request.headers.map { (name: $0.name, value: $0.value) } } ?? parsedHeaders()
        let mocks: [HTTPMock]
        do {
            mocks = try mock.map { argument throws(HTTPMockError) in try HTTPMock(argument: argument) }
        } catch {
            fail(error.description)
        }
        let secrets = SecretResolver().resolve(loaded, for: .checking)
        let mask = SecretMask(secrets: Array(secrets.ruleSecrets.values) + secrets.sourceSecrets.values.flatMap { $0 })
        let ruleSet: RuleSet
        let pool: WorkerPool
        do {
            var directory = try RuleDirectory(path: loaded.rulesDirectory)
            if !rule.isEmpty { directory = try directory.selecting(files: rule) }
            let listed = Dictionary(loaded.secrets.map { ($0, secrets.ruleSecrets[$0]) }, uniquingKeysWith: { first, _ in first })
            ruleSet = try RuleSet(directory: directory, secrets: listed, limits: loaded.limits)
            pool = try WorkerPool(program: ruleSet.program, size: 1)
        } catch let error as RuleLoadError {
            fail(error.description)
        } catch {
            fail("\(error)")
        }
        defer { pool.close() }
        let outbound = live ? OutboundClient(policy: loaded.outbound) : nil
        let dryRun = DryRun(source: sourceConfig, ruleSet: ruleSet, limits: loaded.limits,
                            host: DryRunHost(mocks: mocks, live: outbound), mask: mask)
        let report: DryRunReport
        do {
            if let stored {
                let event = ParsedEvent(id: stored.id, type: stored.type, status: stored.status, timestamp: stored.timestamp,
                                        payload: stored.payload, dataPath: stored.dataPath)
                report = await dryRun.run(events: [event], headers: headers, pool: pool)
            } else {
                report = try await dryRun.run(body: body, headers: headers, pool: pool)
            }
        } catch {
            await outbound?.shutdown()
            fail(error.description)
        }
        await outbound?.shutdown()
        switch format {
        case .json: print(report.jsonText())
        case .text: print(report.text(explain: explain), terminator: "")
        }
        if report.anyRuleFailed { throw ExitCode(1) }
    }

    /// The event of `--event`, read from the store (read-only, so a running daemon is not disturbed).
    private func storedEvent(_ config: HookdConfig) async -> StoredEvent? {
        guard let id = event else { return nil }
        guard case .sqlite(let path) = config.store else { fail("--event: only sqlite: stores are supported") }
        guard FileManager.default.fileExists(atPath: path) else { fail("--event: no store at \(path) (has `hookd serve` run?)") }
        do {
            let store = try SQLiteStore(path: path, options: SQLiteStoreOptions(access: .readOnly))
            let lookup = try await store.event(id: id, source: source)
            try? await store.close()
            switch lookup {
            case .found(let stored): return stored
            case .notFound: fail("--event: no stored event \(id)\(source.map { " in source \($0)" } ?? "")")
            case .ambiguous(let sources): fail("--event: \(id) is an event of several sources (\(sources.joined(separator: ", "))); add --source")
            }
        } catch {
            fail("--event: cannot read the store at \(path): \(error)")
        }
    }

    private func parsedHeaders() throws -> [(name: String, value: String)] {
        try header.map { line in
            guard let colon = line.firstIndex(of: ":") else {
                throw ValidationError("--header '\(line)': expected 'Name: value'")
            }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, !name.contains(" ") else { throw ValidationError("--header '\(line)': expected 'Name: value'") }
            return (name: name, value: line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
    }

    /// Prints `error: …` and exits 2: a usage or configuration problem, nothing ran.
    private func fail(_ message: String) -> Never { CommandFailure.usage(message) }
}
