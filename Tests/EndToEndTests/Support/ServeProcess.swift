import Foundation

/// `hookd serve` as a child process in a scratch project; `port` is read from its "listening on" line.
final class ServeProcess: @unchecked Sendable {
    let process = Process()
    let port: Int
    /// The admin listener's port (its "admin listener on" line).
    let adminPort: Int
    private let output = Pipe()
    private var collected = Data()
    private let lock = NSLock()

    init(in directory: URL, environment: [String: String] = HookdProcess.developmentEnvironment, arguments: [String] = []) throws {
        process.executableURL = HookdProcess.binary
        process.arguments = ["serve", "--config", "hookd.yaml"] + arguments
        process.currentDirectoryURL = directory
        process.environment = environment
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        var found: Int?
        var admin: Int?
        var seen = Data()
        while found == nil || admin == nil, Date() < deadline, process.isRunning {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { usleep(10_000); continue }
            seen += chunk
            let text = String(decoding: seen, as: UTF8.self)
            if let range = text.range(of: #"listening on http://127\.0\.0\.1:(\d+)"#, options: .regularExpression) {
                found = Int(text[range].split(separator: ":").last ?? "")
            }
            if let range = text.range(of: #"admin listener on http://127\.0\.0\.1:(\d+)"#, options: .regularExpression) {
                admin = Int(text[range].split(separator: ":").last ?? "")
            }
        }
        guard let found, let admin else {
            process.terminate()
            throw ServeProcessError.didNotStart(String(decoding: seen, as: UTF8.self))
        }
        port = found
        adminPort = admin
        collected = seen
        // Keep draining so the daemon never blocks on a full pipe.
        output.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let chunk = handle.availableData
            self?.lock.withLock { self?.collected += chunk }
        }
    }

    var log: String { String(decoding: lock.withLock { collected }, as: UTF8.self) }

    func kill(_ signal: Int32) {
        Foundation.kill(process.processIdentifier, signal)
    }

    /// Waits for the process to end; its exit status, or nil past the timeout.
    func wait(timeout: TimeInterval = 30) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        if process.isRunning { return nil }
        output.fileHandleForReading.readabilityHandler = nil
        return process.terminationStatus
    }
}

enum ServeProcessError: Error {
    case didNotStart(String)
}
