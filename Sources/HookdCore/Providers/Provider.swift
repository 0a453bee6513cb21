/// The parsers of SPEC §2's `provider:` names: how a source's body becomes events.
public enum Provider {
    /// Every name `provider:` accepts, aliases included.
    public static let names = [
        "passage", "passport", "fusionauth", "ethpass", "passfort", "standard-webhooks", "github", "stripe", "generic",
    ]

    /// The parser for a `provider:` name; nil for an unknown name, or for `generic` without its paths.
    /// `generic` is ignored by every other provider.
    public static func parser(named name: String, generic: GenericFieldPaths? = nil) -> (any ProviderParser)? {
        switch name {
        case "passage": EnvelopeParser(layout: .passage)
        case "passport", "fusionauth": EnvelopeParser(layout: .passport)
        case "ethpass": EnvelopeParser(layout: .ethpass)
        case "passfort": PassFortParser()
        case "standard-webhooks": EnvelopeParser(layout: .standardWebhooks)
        case "github": EnvelopeParser(layout: .github)
        case "stripe": EnvelopeParser(layout: .stripe)
        case "generic": generic.map { EnvelopeParser(layout: $0.layout) }
        default: nil
        }
    }
}
