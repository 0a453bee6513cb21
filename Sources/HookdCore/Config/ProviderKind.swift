/// Which provider's payload format a source receives (`provider:`), deciding how a body becomes events.
public enum ProviderKind: String, Sendable, Hashable, CaseIterable {
    case passage
    /// Passport, also written `fusionauth`.
    case passport
    case ethpass
    case passfort
    case standardWebhooks = "standard-webhooks"
    case github
    case stripe
    /// Fields taken from the body by the source's `id_from`, `type_from` … keys.
    case generic

    /// Reads a `provider:` value, aliases included.
    public init?(configName: String) {
        if configName == "fusionauth" {
            self = .passport
        } else {
            self.init(rawValue: configName)
        }
    }

    /// Every name `provider:` accepts, for messages and suggestions.
    static let configNames = allCases.map(\.rawValue) + ["fusionauth"]
}
