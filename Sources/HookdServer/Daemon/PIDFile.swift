import Foundation

/// `pid_file`: written at start, removed at a clean exit, so `kill -HUP $(cat data/hookd.pid)` works.
public struct PIDFile: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    public func write() throws(DaemonError) {
        let directory = (path as NSString).deletingLastPathComponent
        do {
            if !directory.isEmpty {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            try "\(getpid())\n".write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw DaemonError("pid_file: cannot write \(path): \(error.localizedDescription)")
        }
    }

    /// Removes the file if it still holds this process's id (another instance may have replaced it).
    public func remove() {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
              text.trimmingCharacters(in: .whitespacesAndNewlines) == "\(getpid())" else { return }
        try? FileManager.default.removeItem(atPath: path)
    }
}
