import Foundation

/// Reads the secrets a configuration refers to (`secret_env`, `secret_file`, `admin.token_env`, the
/// top-level `secrets:`) from an environment and a file reader, both injectable. Each problem names
/// the source and key, and the line that refers to the secret:
/// `hookd.yaml:7:64: sources[passport].auth.secret_env: PASSPORT_API_KEY is not set`.
public struct SecretResolver: Sendable {
    /// What the configuration is resolved for, which decides whether a missing secret is an error.
    public enum Purpose: Sendable, Hashable {
        /// `hookd serve`: a source or admin token with no readable secret is an error; a missing rule
        /// secret, or one missing candidate of a rotation, a warning.
        case serving
        /// `hookd check`: every missing secret is a warning.
        case checking
        /// `hookd check --strict`: every missing secret is an error.
        case checkingStrictly
    }

    public var environment: [String: String]
    public var files: any SecretFileReader

    public init(environment: [String: String] = ProcessInfo.processInfo.environment,
                files: any SecretFileReader = LocalSecretFiles()) {
        self.environment = environment
        self.files = files
    }

    public func resolve(_ config: HookdConfig, for purpose: Purpose) -> SecretResolution {
        var resolution = SecretResolution()
        let origin = config.origin
        for (index, source) in config.sources.enumerated() {
            guard let reference = source.auth.secret else { continue }
            let found = read(reference, key: "sources[\(index)].auth.\(reference.configKey)",
                             shownAs: "sources[\(source.name)].auth.\(reference.configKey)", in: origin)
            // Without any readable candidate the source cannot verify anything; with one, it still can.
            let severe = found.values.isEmpty ? purpose != .checking : purpose == .checkingStrictly
            resolution.add(found.problems, asErrors: severe)
            if !found.values.isEmpty { resolution.sourceSecrets[source.name] = found.values }
        }
        if let tokenEnv = config.admin.tokenEnv {
            let found = read(.environment([tokenEnv]), key: "admin.token_env", shownAs: "admin.token_env", in: origin)
            resolution.add(found.problems, asErrors: purpose != .checking)
            resolution.adminToken = found.values.first
        }
        for (index, name) in config.secrets.enumerated() {
            let found = read(.environment([name]), key: "secrets[\(index)]", shownAs: "secrets", in: origin)
            let problems = found.problems.map { problem in
                var problem = problem
                problem.message += "; rules calling secret(\"\(name)\") will fail"
                return problem
            }
            resolution.add(problems, asErrors: purpose == .checkingStrictly)
            if let value = found.values.first { resolution.ruleSecrets[name] = value }
        }
        resolution.sortInFileOrder()
        return resolution
    }

    /// The values `reference` names that can be read, and a problem for each that cannot, located at
    /// the list element when the file wrote a list, else at `key`.
    private func read(_ reference: SecretReference, key: String, shownAs display: String,
                      in origin: ConfigOrigin) -> (values: [String], problems: [ConfigError]) {
        var values: [String] = []
        var problems: [ConfigError] = []
        for (index, outcome) in read(reference).enumerated() {
            switch outcome {
            case .success(let value):
                values.append(value)
            case .failure(let missing):
                let element = "\(key)[\(index)]"
                let located = origin.position(of: element) == nil ? key : element
                problems.append(origin.error(at: located, displayPath: display, missing.reason))
            }
        }
        return (values, problems)
    }

    /// Why one secret could not be read.
    private struct Missing: Error {
        var reason: String
    }

    private func read(_ reference: SecretReference) -> [Result<String, Missing>] {
        switch reference {
        case .environment(let names):
            return names.map { name in
                guard let value = environment[name] else { return .failure(Missing(reason: "\(name) is not set")) }
                return value.isEmpty ? .failure(Missing(reason: "\(name) is set but empty")) : .success(value)
            }
        case .files(let paths):
            return paths.map { path in
                let contents: Data
                do {
                    contents = try files.contents(ofFile: path)
                } catch {
                    return .failure(Missing(reason: "cannot read \(path): \(error)"))
                }
                // Files written by editors and `echo` end in a newline that is not part of the secret.
                let value = String(decoding: contents, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                return value.isEmpty ? .failure(Missing(reason: "\(path) is empty")) : .success(value)
            }
        }
    }
}
