/// Reading `sources:`.
extension ConfigDecoder {
    static let sourceKeys = [
        "name", "path", "provider", "mode", "sync_timeout", "auth", "allow_ips", "trust_forwarded_for",
        "trusted_proxies", "order_by",
    ] + genericKeys

    static let genericKeys = ["id_from", "type_from", "status_from", "timestamp_from", "data_from"]

    func sources(_ value: ConfigValue) -> [SourceConfig] {
        guard let elements = value.list(of: "sources") else { return [] }
        let sources = elements.compactMap(source)
        requireUnique(elements, key: "name", what: "source name")
        requireUnique(elements, key: "path", what: "path")
        return sources
    }

    private func source(_ value: ConfigValue) -> SourceConfig? {
        let expectation = "a source (a mapping with name, path, provider and auth)"
        guard let map = ConfigMapping(value, expecting: expectation) else { return nil }
        map.checkKeys(Self.sourceKeys)
        let name = map.required("name")?.parsed("a name of letters, digits, '-', '_' and '.'", Self.sourceName)
        let path = map.required("path")?.parsed("a path starting with '/'", Self.urlPath)
        let provider = map.required("provider")?
            .choice("provider", names: ProviderKind.configNames, ProviderKind.init(configName:))
        let auth = map.required("auth", " (write auth: { scheme: none, insecure: true } to accept anyone)")
            .flatMap(self.auth)
        let fields = provider.flatMap { genericFields(map, provider: $0) }
        // Placeholders stand in for what is missing, so that the other keys are still checked.
        var source = SourceConfig(name: name ?? "", path: path ?? "/", provider: provider ?? .generic,
                                  auth: auth ?? .unauthenticated)
        if let mode = map["mode"]?.choice("mode", DeliveryMode.self) { source.mode = mode }
        if let timeout = map["sync_timeout"]?.duration() { source.syncTimeout = timeout }
        if let allowIPs = map["allow_ips"].flatMap(networks) { source.allowIPs = allowIPs }
        if let trust = map["trust_forwarded_for"]?.bool() { source.trustForwardedFor = trust }
        if let proxies = map["trusted_proxies"].flatMap(networks) { source.trustedProxies = proxies }
        source.orderBy = map["order_by"]?.fieldPath()
        source.genericFields = fields
        guard name != nil, path != nil, provider != nil, auth != nil else { return nil }
        return source
    }

    /// The `*_from` keys: required `type_from` for `generic`, refused for every other provider.
    private func genericFields(_ map: ConfigMapping, provider: ProviderKind) -> GenericFields? {
        guard provider == .generic else {
            for key in Self.genericKeys {
                map[key]?.report(
                    "only a source with provider 'generic' takes \(key); '\(provider.rawValue)' knows its fields")
            }
            return nil
        }
        let type = map.required("type_from", " (a generic source must say where the event type is)")?.fieldPath()
        var fields = GenericFields(type: type ?? FieldPath(components: []))
        fields.id = map["id_from"]?.parsed("a dotted path like data.id or header:Name", Self.eventIDSource)
        fields.status = map["status_from"]?.fieldPath()
        fields.timestamp = map["timestamp_from"]?.fieldPath()
        fields.data = map["data_from"]?.fieldPath()
        return type == nil ? nil : fields
    }

    /// A non-empty list of CIDR blocks; each bad block is reported with the reason.
    private func networks(_ value: ConfigValue) -> [IPNetwork]? {
        guard let elements = value.list(of: "CIDR blocks like 10.0.0.0/8") else { return nil }
        if elements.isEmpty {
            value.report("expected at least one CIDR block like 10.0.0.0/8; leave the key out to allow every address")
        }
        return elements.compactMap { element in
            guard let text = element.text("a CIDR block like 10.0.0.0/8 or 2001:db8::/32") else { return nil }
            do {
                return try IPNetwork(parsing: text)
            } catch {
                element.report("bad CIDR block '\(text)': \(error)")
                return nil
            }
        }
    }

    /// Reports every source after the first whose `key` repeats an earlier one's.
    private func requireUnique(_ elements: [ConfigValue], key: String, what: String) {
        var seen: [String: Int] = [:]
        for (index, element) in elements.enumerated() {
            guard case .mapping(let mapping) = element.node, let text = mapping[key]?.string else { continue }
            if let first = seen[text] {
                diagnostics.report("duplicate \(what) '\(text)' (already used by sources[\(first)])",
                                   atPath: "\(element.path).\(key)")
            } else {
                seen[text] = index
            }
        }
    }

    static func sourceName(_ text: String) -> String? {
        text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) } ? text : nil
    }

    static func urlPath(_ text: String) -> String? {
        text.hasPrefix("/") && !text.contains(where: { $0.isWhitespace || $0 == "?" || $0 == "#" }) ? text : nil
    }

    static func eventIDSource(_ text: String) -> GenericFields.IDSource? {
        if text.hasPrefix("header:") {
            let name = text.dropFirst("header:".count)
            return HostSyntax.isHeaderName(name) ? .header(String(name)) : nil
        }
        return FieldPath(text).map(GenericFields.IDSource.field)
    }
}
