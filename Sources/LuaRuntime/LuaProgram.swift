/// The Lua sources a generation of workers loads: rule files (run by index), library modules for
/// `require`, and the secrets `secret()` may read. Immutable; every worker of a generation loads
/// the same program into its own state.
public struct LuaProgram: Sendable {
    /// A rule file: the name shown in messages (e.g. `rules/x.lua`) and its text.
    public struct Chunk: Sendable {
        public var chunkName: String
        public var source: String
        public init(chunkName: String, source: String) {
            self.chunkName = chunkName
            self.source = source
        }
    }

    public var rules: [Chunk]
    /// Module name (as given to `require`) to its chunk.
    public var modules: [String: Chunk]
    /// Secret name to value; nil when the name is listed but not set in the environment.
    public var secrets: [String: String?]

    public init(rules: [Chunk], modules: [String: Chunk] = [:], secrets: [String: String?] = [:]) {
        self.rules = rules
        self.modules = modules
        self.secrets = secrets
    }
}

/// A program that does not load: the first chunk that fails and Lua's message (`rules/x.lua:3: …`).
public struct LuaLoadError: Error, Sendable, Equatable, CustomStringConvertible {
    public var chunkName: String
    public var message: String
    public var description: String { message }
}
