import Foundation

/// A throwaway project directory (hookd.yaml, rules/, fixtures) for end-to-end tests.
struct ScratchProject {
    let directory: URL

    init(files: [String: String]) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hookd-e2e-\(UUID().uuidString)")
        for (name, text) in files {
            let file = directory.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: file, atomically: true, encoding: .utf8)
        }
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}
