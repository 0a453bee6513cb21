/// The secret values a configuration refers to, read by `SecretResolver`, with what could not be read.
public struct SecretResolution: Sendable {
    /// Each source's candidate secrets, by source name, in the order written: any one verifies.
    /// A source none of whose secrets could be read has no entry.
    public var sourceSecrets: [String: [String]] = [:]
    /// The top-level `secrets:` found in the environment, by name: what rules' `secret()` returns.
    public var ruleSecrets: [String: String] = [:]
    /// The value of `admin.token_env`, when it names a variable that is set.
    public var adminToken: String?
    /// Problems that stop this use of the configuration (see `SecretResolver.Purpose`), in file order.
    public var errors: [ConfigError] = []
    /// Problems worth telling the operator that do not stop it, in file order.
    public var warnings: [ConfigError] = []

    public init() {}

    mutating func add(_ problems: [ConfigError], asErrors: Bool) {
        if asErrors { errors += problems } else { warnings += problems }
    }

    mutating func sortInFileOrder() {
        errors.sort(by: ConfigError.inFileOrder)
        warnings.sort(by: ConfigError.inFileOrder)
    }
}
