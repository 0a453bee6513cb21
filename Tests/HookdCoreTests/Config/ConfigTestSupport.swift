import Foundation
import HookdCore
import Testing

/// Loads `yaml` as `hookd.yaml`, expecting it to be valid.
func loadConfig(_ yaml: String, directory: String = ".") throws -> HookdConfig {
    try ConfigLoader.load(yaml: yaml, file: "hookd.yaml", directory: directory)
}

/// Loads `yaml`, expecting it to be refused, and returns every problem's printed line.
func configErrors(_ yaml: String, directory: String = ".", sourceLocation: SourceLocation = #_sourceLocation) -> [String] {
    do {
        _ = try ConfigLoader.load(yaml: yaml, file: "hookd.yaml", directory: directory)
        Issue.record("the configuration was accepted", sourceLocation: sourceLocation)
        return []
    } catch {
        return error.errors.map(\.description)
    }
}

/// A minimal valid source, to append to in tests about one key.
let minimalSourceYAML = """
    sources:
      - name: hooks
        path: /hooks
        provider: github
        auth: { scheme: github, secret_env: GITHUB_SECRET }
    """

/// A directory under the system's temporary directory, removed by `remove()`.
struct ConfigScratchDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "hookd-config-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Writes `contents` to `name` (which may contain directories) and returns the file's full path.
    @discardableResult
    func write(_ name: String, _ contents: String) throws -> String {
        let file = "\(path)/\(name)"
        try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try Data(contents.utf8).write(to: URL(fileURLWithPath: file))
        return file
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

let fakePublicKeyPEM = """
    -----BEGIN PUBLIC KEY-----
    MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEfakefakefakefakefakefakefakefake
    -----END PUBLIC KEY-----

    """
