import LuaRuntime

/// `hookd dry-run`: parses a fixture as a source's provider would (auth is not checked), matches
/// the rules (index, then `when`) and runs each matched rule, with HTTP answered by `host`.
public struct DryRun: Sendable {
    public var source: SourceConfig
    public var ruleSet: RuleSet
    public var limits: RunLimits
    public var host: DryRunHost
    /// Every secret value dry-run could read; masked as `***` in the report.
    public var mask: SecretMask

    public init(source: SourceConfig, ruleSet: RuleSet, limits: RunLimits, host: DryRunHost, mask: SecretMask) {
        self.source = source
        self.ruleSet = ruleSet
        self.limits = limits
        self.host = host
        self.mask = mask
    }

    /// The events `body` carries for this source, as the daemon would store them (the `body_field`
    /// secret of a bearer source removed).
    public func events(body: [UInt8], headers: [(name: String, value: String)]) throws(DryRunError) -> [ParsedEvent] {
        guard let parser = Provider.parser(for: source) else { throw .unknownProvider(source.name) }
        let parsed: [ParsedEvent]
        do {
            parsed = try parser.parse(body: body, headers: HeaderFields(headers))
        } catch {
            throw .fixtureRefused(source: source.name, error)
        }
        guard case .bearer(_, let bodyField?) = source.auth else { return parsed }
        return parsed.map { $0.removingPayloadMember(atPath: [bodyField]) }
    }

    /// Runs every matched rule on every event of the fixture, one event after another.
    public func run(body: [UInt8], headers: [(name: String, value: String)], pool: WorkerPool) async throws(DryRunError) -> DryRunReport {
        await run(events: try events(body: body, headers: headers), headers: headers, pool: pool)
    }

    /// Runs every matched rule on events already parsed (a stored event, for `--event`).
    public func run(events: [ParsedEvent], headers: [(name: String, value: String)], pool: WorkerPool) async -> DryRunReport {
        let ruleHeaders = source.auth.headersForRules(headers)
        var reports: [DryRunReport.EventReport] = []
        for event in events {
            // Packed, as the daemon's runs get their event.
            let document = RunEvent.fields(EventFields(source: source.name, event: event, headers: ruleHeaders))
            reports.append(await run(event: event, document: document, pool: pool))
        }
        return DryRunReport(events: reports)
    }

    private func run(event: ParsedEvent, document: RunEvent, pool: WorkerPool) async -> DryRunReport.EventReport {
        var report = DryRunReport.EventReport(id: mask(event.id), source: source.name, type: mask(event.type),
                                              status: mask(event.status), timestamp: event.timestamp, rules: [], notMatched: [])
        let matched = Set(ruleSet.match(source: source.name, type: event.type, status: event.status).map(\.index))
        for rule in ruleSet.rules {
            guard matched.contains(rule.index) else {
                let reason = rule.mismatch(source: source.name, type: event.type, status: event.status) ?? "not matched"
                report.notMatched.append(.init(rule: rule.name, file: rule.file, reason: mask(reason)))
                continue
            }
            if rule.hasWhen {
                let when = await pool.run(rule: rule.index, mode: .when, event: document, limits: limits, host: host)
                if case .failed = when.outcome {
                    report.rules.append(ruleReport(rule, when, eventID: event.id, failedIn: "when"))
                    continue
                }
                if when.value != "true" {
                    report.notMatched.append(.init(rule: rule.name, file: rule.file, reason: "when returned false"))
                    continue
                }
            }
            let keyed = IdempotentHost(base: host, source: source.name, eventID: event.id, rule: rule.name)
            let result = await pool.run(rule: rule.index, event: document, limits: limits, host: keyed)
            report.rules.append(ruleReport(rule, result, eventID: event.id))
        }
        return report
    }

    private func ruleReport(_ rule: Rule, _ result: RunResult, eventID: String, failedIn stage: String? = nil) -> DryRunReport.RuleReport {
        let prefix = IdempotentHost.prefix(source: source.name, eventID: eventID, rule: rule.name)
        var report = DryRunReport.RuleReport(
            rule: rule.name, file: rule.file, outcome: .ok, error: nil, traceback: nil, skipReason: nil,
            calls: result.calls.map { call in
                .init(method: call.request.method, url: mask(call.request.url), status: call.status,
                      error: mask(call.error), sent: call.sent && call.status != nil, mocked: host.mock(for: call.request) != nil,
                      idempotencyKey: mask(call.request.header("Idempotency-Key") ?? IdempotentHost.key(prefix: prefix, number: call.request.number)))
            },
            logs: result.logs.map { .init(level: $0.level.rawValue, message: mask($0.message), fieldsJSON: mask($0.fieldsJSON)) },
            logsDropped: result.logsDropped,
            durationMilliseconds: Double(result.duration.components.attoseconds) / 1e15 + Double(result.duration.components.seconds) * 1000)
        switch result.outcome {
        case .ok: break
        case .skipped(let reason):
            report.outcome = .skipped
            report.skipReason = mask(reason)
        case .failed(let failure):
            report.outcome = .failed
            report.error = mask(stage.map { "in \($0): " } ?? "") + mask(failure.message)
            report.traceback = failure.traceback.isEmpty ? nil : mask(failure.traceback)
        }
        return report
    }
}

/// Why `hookd dry-run` could not run at all (exit status 2).
public enum DryRunError: Error, Sendable, CustomStringConvertible {
    case unknownProvider(String)
    /// The daemon would answer 400 to this fixture.
    case fixtureRefused(source: String, ProviderError)

    public var description: String {
        switch self {
        case .unknownProvider(let source):
            "source '\(source)' has no provider parser"
        case .fixtureRefused(let source, let error):
            "source '\(source)' would refuse this fixture with 400 \(error.errorCode): \(error.message)"
        }
    }
}
