/// Typed readings of a value. Each returns nil after reporting the problem, so loading goes on.
extension ConfigValue {
    /// The text of a scalar that is not empty.
    func text(_ expectation: String) -> String? {
        guard case .scalar(let scalar) = node, !isNull, !scalar.string.isEmpty else {
            reportExpected(expectation)
            return nil
        }
        return scalar.string
    }

    /// The scalar read by `parse`; reports "expected \(expectation), got '…'" when it cannot be.
    func parsed<T>(_ expectation: String, _ parse: (String) -> T?) -> T? {
        guard let text = text(expectation) else { return nil }
        guard let parsed = parse(text) else {
            report("expected \(expectation), got '\(text)'")
            return nil
        }
        return parsed
    }

    func string() -> String? {
        text("a string")
    }

    func bool() -> Bool? {
        parsed("true or false") { ["true": true, "false": false][$0.lowercased()] }
    }

    /// A whole number of at least 1; `_` may group digits (`10_000_000`).
    func positiveInt() -> Int? {
        parsed("a whole number greater than 0") { text in
            let digits = text.filter { $0 != "_" }
            guard digits.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(digits) else { return nil }
            return number > 0 ? number : nil
        }
    }

    /// A duration greater than zero, such as `30s`.
    func duration() -> Duration? {
        parsed("a duration like 500ms, 30s, 5m, 24h or 30d") { text in
            DurationSyntax.parse(text).flatMap { $0 > .zero ? $0 : nil }
        }
    }

    /// A duration where a bare number means seconds, as `tolerance` is written.
    func tolerance() -> Duration? {
        parsed("a duration like 300s or 5m, or a number of seconds") { text in
            let duration = text.allSatisfy({ $0.isASCII && $0.isNumber }) ? DurationSyntax.parse(text + "s")
                                                                        : DurationSyntax.parse(text)
            return duration.flatMap { $0 > .zero ? $0 : nil }
        }
    }

    /// A byte size greater than zero, such as `1MiB`.
    func size() -> Int? {
        parsed("a size like 512KiB, 1MiB, 1GiB or a number of bytes") { text in
            SizeSyntax.parse(text).flatMap { $0 > 0 ? $0 : nil }
        }
    }

    /// An environment variable name such as `PASSAGE_API_KEY`.
    func environmentName() -> String? {
        parsed("an environment variable name like PASSAGE_API_KEY") { text in
            guard let first = text.first, first == "_" || (first.isASCII && first.isLetter),
                  text.allSatisfy({ $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }) else { return nil }
            return text
        }
    }

    /// An HTTP header name such as `X-Passage-Signature`.
    func headerName() -> String? {
        parsed("a header name like X-Signature") { text in
            HostSyntax.isHeaderName(text[...]) ? text : nil
        }
    }

    /// `host:port`, with IPv6 hosts in brackets.
    func listenAddress() -> ListenAddress? {
        parsed("an address like 127.0.0.1:8080 or [::1]:8080", ListenAddress.init)
    }

    /// A dotted path such as `data.profile_id`.
    func fieldPath() -> FieldPath? {
        parsed("a dotted path like data.id", FieldPath.init)
    }

    /// One of `Choice`'s raw values, with a suggestion when the value looks like a typo of one.
    func choice<Choice: RawRepresentable & CaseIterable>(_ what: String, _: Choice.Type) -> Choice?
    where Choice.RawValue == String {
        choice(what, names: Choice.allCases.map(\.rawValue), Choice.init(rawValue:))
    }

    /// One of `names`, read by `make`; an unknown name is reported with the names allowed.
    func choice<Choice>(_ what: String, names: [String], _ make: (String) -> Choice?) -> Choice? {
        let expectation = "one of " + names.map { "'\($0)'" }.joined(separator: ", ")
        guard let text = text(expectation) else { return nil }
        guard let chosen = make(text) else {
            let hint = Suggestion.hint(for: text, among: names)
            report("unknown \(what) '\(text)'" + (hint.isEmpty ? " (expected \(expectation))" : hint))
            return nil
        }
        return chosen
    }

    /// The elements of a list; `~` counts as an empty list.
    func list(of expectation: String) -> [ConfigValue]? {
        if isNull { return [] }
        guard case .sequence(let sequence) = node else {
            reportExpected("a list of \(expectation)")
            return nil
        }
        return sequence.enumerated().map { element($0.offset, $0.element) }
    }

    /// A list, or one scalar standing for a list of one (`secret_env: A` or `secret_env: [A, B]`).
    func oneOrMore(_ expectation: String) -> [ConfigValue]? {
        guard case .sequence = node else { return [self] }
        guard let elements = list(of: expectation) else { return nil }
        if elements.isEmpty { report("expected at least one \(expectation), got an empty list") }
        return elements
    }
}
