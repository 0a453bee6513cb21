/// Where events and jobs are stored (`store:`). Only SQLite exists so far; `postgres://` is refused
/// at load until the PostgreSQL store lands.
public enum StoreLocation: Sendable, Hashable, CustomStringConvertible {
    /// `sqlite:PATH`; a relative path was resolved against the configuration file's directory.
    case sqlite(path: String)

    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        }
    }
}
