/// Where a source's secret comes from. Several names mean rotation: any one of them verifies.
/// The values themselves never sit in the file; `SecretResolver` reads them.
public enum SecretReference: Sendable, Hashable {
    /// `secret_env`: environment variable names.
    case environment([String])
    /// `secret_file`: file paths, resolved against the configuration file's directory.
    case files([String])

    /// The key that names this reference in `hookd.yaml`.
    public var configKey: String {
        switch self {
        case .environment: "secret_env"
        case .files: "secret_file"
        }
    }
}
