import Foundation
import NIOConcurrencyHelpers

/// Where log lines go. The daemon's sink buffers them and writes them from a thread of its own
/// every `interval` (or as soon as `highWater` bytes wait), so a request's log line costs a copy
/// into memory, not a write(2) on the request's path. `flush()` writes what waits (at exit).
public final class LogSink: Sendable {
    private struct Buffer {
        var bytes: [UInt8] = []
        var closed = false
    }

    private let buffer = NIOLockedValueBox(Buffer())
    private let wake = NSCondition()
    private let output: @Sendable ([UInt8]) -> Void
    private let buffered: Bool
    public static let interval: TimeInterval = 0.05
    public static let highWater = 64 * 1024

    /// `buffered: false` writes each line at once (tests, tools).
    public init(buffered: Bool = true, output: @escaping @Sendable ([UInt8]) -> Void) {
        self.output = output
        self.buffered = buffered
        guard buffered else { return }
        let wake = self.wake
        // Holds the sink weakly, so a sink that goes away takes its thread with it.
        let thread = Thread { [weak self] in
            while true {
                wake.lock()
                _ = wake.wait(until: Date(timeIntervalSinceNow: Self.interval))
                wake.unlock()
                guard let self else { return }
                self.flush()
            }
        }
        thread.name = "hookd-log"
        thread.start()
    }

    /// Standard error, buffered.
    public static let standardError = LogSink { bytes in
        bytes.withUnsafeBufferPointer { pointer in
            var offset = 0
            while offset < pointer.count {
                let written = Foundation.write(2, pointer.baseAddress! + offset, pointer.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }

    func write(_ line: String) {
        write(Array(line.utf8))
    }

    func write(_ line: [UInt8]) {
        guard buffered else { return output(line) }
        let full = buffer.withLockedValue { buffer -> Bool in
            buffer.bytes.append(contentsOf: line)
            return buffer.bytes.count >= Self.highWater
        }
        if full { wake.signal() }
    }

    /// Writes every line still waiting.
    public func flush() {
        let bytes = buffer.withLockedValue { buffer -> [UInt8] in
            defer { buffer.bytes.removeAll(keepingCapacity: true) }
            return buffer.bytes
        }
        if !bytes.isEmpty { output(bytes) }
    }
}
