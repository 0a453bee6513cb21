import HookdCore

/// A source as the listener serves it in one generation: its configuration, its verifier and its
/// parser, built and checked before the generation goes live.
/// A class: every request holds its source, and a reference is one retain where the struct's copy
/// was one per field.
public final class ServedSource: Sendable {
    public let config: SourceConfig
    public let verifier: any Verifier
    public let parser: any ProviderParser
    public let clientAddress: ClientAddressResolver
    /// Lower-case names of the headers masked in stored requests and hidden from rules.
    public let credentialHeaders: Set<String>

    public init(config: SourceConfig, verifier: any Verifier, parser: any ProviderParser) {
        self.config = config
        self.verifier = verifier
        self.parser = parser
        clientAddress = ClientAddressResolver(config)
        credentialHeaders = config.auth.credentialHeaders.union(verifier.credentialHeaders.map { $0.lowercased() })
    }
}

/// Every source of one generation, by path, and the listener's body limit.
public struct ServedSources: Sendable {
    public let byPath: [String: ServedSource]
    public let maxBody: Int
    /// The rule set of the same generation (swapped with the sources): an event whose match it
    /// decides without Lua is stored already dispatched, with its jobs (`IncomingEvent.rules`).
    /// Without it every event is left to the dispatcher's loop.
    public var ruleSet: RuleSet?

    public init(sources: [ServedSource], maxBody: Int, ruleSet: RuleSet? = nil) {
        byPath = Dictionary(sources.map { ($0.config.path, $0) }, uniquingKeysWith: { first, _ in first })
        self.maxBody = maxBody
        self.ruleSet = ruleSet
    }

    /// The rules an event of `source` is dispatched to at receipt, or nil to leave it to the
    /// dispatcher's loop: a `mode: sync` source's runs are the receipt's own, an `order_by` source's
    /// jobs must be made in receipt order by one writer of them (the loop), and a rule with `when`
    /// needs Lua to decide.
    func rulesAtReceipt(for event: ParsedEvent, of source: SourceConfig) -> [String]? {
        guard let ruleSet, source.mode == .async, source.orderBy == nil else { return nil }
        return ruleSet.matchDecidedAtReceipt(source: source.name, type: event.type, status: event.status)
    }

    /// Builds every source of `config`; throws the first misconfiguration, naming the source and key.
    public static func build(_ config: HookdConfig, secrets: SecretResolution,
                             factory: VerifierFactory = VerifierFactory()) async throws(DaemonError) -> ServedSources {
        let verifiers: [String: any Verifier]
        do {
            verifiers = try await factory.verifiers(for: config, secrets: secrets)
        } catch {
            throw DaemonError(error.description)
        }
        var sources: [ServedSource] = []
        for source in config.sources {
            guard let verifier = verifiers[source.name] else { throw DaemonError("sources[\(source.name)].auth: no verifier") }
            guard let parser = Provider.parser(for: source) else { throw DaemonError("sources[\(source.name)].provider: no parser") }
            sources.append(ServedSource(config: source, verifier: verifier, parser: parser))
        }
        return ServedSources(sources: sources, maxBody: config.server.maxBody)
    }
}
