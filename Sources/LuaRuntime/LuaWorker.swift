import CLuaShim

/// One sandboxed Lua state with a program loaded, running one run at a time.
///
/// Not thread-safe: a worker is confined to one thread at a time (`WorkerSlot` gives each its own).
/// It only hands the C shim bytes and reads bytes back; it never calls the Lua API itself, so no
/// Swift frame can sit between a Lua error and the `lua_pcall`/`lua_resume` that catches it.
public final class LuaWorker: @unchecked Sendable {
    /// How a run step ended: finished, or waiting for the answer to an HTTP call.
    public enum Step: Sendable {
        case finished(RunResult)
        case needsHTTP(HTTPCallRequest)
    }

    /// What a run executes: the rule's `handle`, its `when`, or the file's top level (to describe it).
    public enum Mode: Sendable {
        case handle, when, describe
    }

    private let handle: OpaquePointer
    public let program: LuaProgram
    private var startedAt: ContinuousClock.Instant = .now
    private var calls: [HTTPCallRecord] = []
    private var pending: (request: HTTPCallRequest, since: ContinuousClock.Instant, sent: Bool)?
    /// Where a packed event is written for its run (the shim reads it during `start` only). Kept
    /// between runs up to `keptPackedCapacity`; the buffer of a larger event is let go after its start.
    private var packedEvent: [UInt8] = []
    static let keptPackedCapacity = 64 * 1024

    public init(program: LuaProgram) throws(LuaLoadError) {
        guard let worker = hk_worker_new() else {
            throw LuaLoadError(chunkName: "", message: "cannot create a Lua state: out of memory")
        }
        handle = worker
        self.program = program
        for (name, value) in program.secrets {
            let status = name.withCString { cname in
                if let value {
                    var bytes = Array(value.utf8)
                    return hk_worker_set_secret(worker, cname, &bytes, bytes.count, 1)
                }
                return hk_worker_set_secret(worker, cname, nil, 0, 0)
            }
            if status != 0 { throw LuaLoadError(chunkName: "", message: lastError) }
        }
        for (name, chunk) in program.modules.sorted(by: { $0.key < $1.key }) {
            var source = Array(chunk.source.utf8)
            let status = hk_worker_load_module(worker, name, chunk.chunkName, &source, source.count)
            if status != 0 { throw LuaLoadError(chunkName: chunk.chunkName, message: lastError) }
        }
        for chunk in program.rules {
            var source = Array(chunk.source.utf8)
            if hk_worker_load_rule(worker, chunk.chunkName, &source, source.count) < 0 {
                throw LuaLoadError(chunkName: chunk.chunkName, message: lastError)
            }
        }
    }

    deinit { hk_worker_free(handle) }

    private var lastError: String {
        var len = 0
        let pointer = hk_worker_error(handle, &len)
        return Self.string(pointer, len) ?? "unknown error"
    }

    /// Bytes the state holds now.
    public var memoryInUse: Int { hk_worker_memory(handle) }

    /// Bytes the worker keeps for packing the next run's event.
    var packedBufferCapacity: Int { packedEvent.capacity }

    /// Starts a run of rule `rule` (its index in the program) on the event given as JSON.
    public func start(rule: Int, mode: Mode = .handle, eventJSON: [UInt8], limits: RunLimits) -> Step {
        start(rule: rule, mode: mode, event: .json(eventJSON), limits: limits)
    }

    /// Starts a run of rule `rule` (its index in the program) on `event`.
    public func start(rule: Int, mode: Mode = .handle, event: RunEvent, limits: RunLimits) -> Step {
        startedAt = .now
        calls = []
        pending = nil
        let cLimits = hk_limits(instructions: limits.instructions, memory: limits.memory,
                                wall_ns: limits.wallNanoseconds, http_calls: limits.httpCalls)
        let cMode: hk_mode = switch mode {
        case .handle: HK_MODE_HANDLE
        case .when: HK_MODE_WHEN
        case .describe: HK_MODE_DESCRIBE
        }
        let step: hk_step
        switch event {
        case .json(let json):
            step = Self.start(handle, rule: rule, mode: cMode, event: json, format: HK_EVENT_JSON, limits: cLimits)
        case .fields(let fields):
            fields.pack(into: &packedEvent)
            step = Self.start(handle, rule: rule, mode: cMode, event: packedEvent, format: HK_EVENT_PACKED, limits: cLimits)
            if packedEvent.capacity > Self.keptPackedCapacity { packedEvent = [] }
        }
        return next(step)
    }

    private static func start(_ handle: OpaquePointer, rule: Int, mode: hk_mode, event: [UInt8], format: hk_event_format,
                              limits: hk_limits) -> hk_step {
        event.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) {
                hk_run_start(handle, Int32(rule), mode, $0.baseAddress, $0.count, format, limits)
            }
        }
    }

    /// Resumes a run that waits for an HTTP answer. `sent` says whether the answer came from the network.
    public func resume(with answer: HTTPCallAnswer, sent: Bool = true) -> Step {
        if let pending {
            record(answer, for: pending.request, since: pending.since, sent: sent)
        }
        pending = nil
        switch answer {
        case let .response(status, headers, body):
            var flat: [UInt8] = []
            for (name, value) in headers {
                flat.append(contentsOf: name.lowercased().utf8.filter { $0 != 0 })
                flat.append(0)
                flat.append(contentsOf: value.utf8.filter { $0 != 0 })
                flat.append(0)
            }
            flat.withUnsafeBufferPointer { h in
                body.withUnsafeBufferPointer { b in
                    h.withMemoryRebound(to: CChar.self) { hc in
                        b.withMemoryRebound(to: CChar.self) { bc in
                            _ = hk_response_set(handle, Int32(clamping: status), hc.baseAddress, hc.count, bc.baseAddress, bc.count)
                        }
                    }
                }
            }
        case let .failure(message):
            var bytes = Array(message.utf8)
            _ = hk_response_set_error(handle, &bytes, bytes.count)
        }
        return next(hk_run_resume(handle))
    }

    /// Ends a run that waits for an HTTP answer as failed by `limit` (its wall time ran out while waiting).
    public func cancel(limit: LimitKind) -> RunResult {
        if let pending {
            record(.failure("cancelled: \(limit.rawValue) limit"), for: pending.request, since: pending.since, sent: false)
        }
        pending = nil
        let cLimit: hk_limit = switch limit {
        case .instructions: HK_LIMIT_INSTRUCTIONS
        case .memory: HK_LIMIT_MEMORY
        case .wallTime: HK_LIMIT_WALL_TIME
        case .httpCalls: HK_LIMIT_HTTP_CALLS
        }
        _ = hk_run_cancel(handle, cLimit)
        return result(of: HK_STEP_FAILED)
    }

    /// Runs to the end, answering HTTP calls synchronously with `answer` (mocks, dry-run, benchmarks).
    public func run(rule: Int, mode: Mode = .handle, eventJSON: [UInt8], limits: RunLimits,
                    answer: (HTTPCallRequest) -> HTTPCallAnswer) -> RunResult {
        run(rule: rule, mode: mode, event: .json(eventJSON), limits: limits, answer: answer)
    }

    /// `run` on an event given as a `RunEvent`.
    public func run(rule: Int, mode: Mode = .handle, event: RunEvent, limits: RunLimits,
                    answer: (HTTPCallRequest) -> HTTPCallAnswer) -> RunResult {
        var step = start(rule: rule, mode: mode, event: event, limits: limits)
        while true {
            switch step {
            case let .finished(result): return result
            case let .needsHTTP(request): step = resume(with: answer(request), sent: false)
            }
        }
    }

    private func record(_ answer: HTTPCallAnswer, for request: HTTPCallRequest, since: ContinuousClock.Instant, sent: Bool) {
        let duration = ContinuousClock.now - since
        switch answer {
        case let .response(status, _, _):
            calls.append(HTTPCallRecord(request: request, status: status, error: nil, duration: duration, sent: sent))
        case let .failure(message):
            calls.append(HTTPCallRecord(request: request, status: nil, error: message, duration: duration, sent: sent))
        }
    }

    private func next(_ step: hk_step) -> Step {
        if step == HK_STEP_HTTP {
            let request = currentRequest()
            pending = (request, .now, true)
            return .needsHTTP(request)
        }
        return .finished(result(of: step))
    }

    private func currentRequest() -> HTTPCallRequest {
        var len = 0
        let method = Self.string(hk_request_method(handle, &len), len) ?? "GET"
        let url = Self.string(hk_request_url(handle, &len), len) ?? ""
        let headerBytes = Self.bytes(hk_request_headers(handle, &len), len)
        var fields = headerBytes.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        if fields.last == "" { fields.removeLast() }
        var headers: [(name: String, value: String)] = []
        var index = 0
        while index + 1 < fields.count {
            headers.append((fields[index], fields[index + 1]))
            index += 2
        }
        let body = Self.bytes(hk_request_body(handle, &len), len)
        let timeoutMs = hk_request_timeout_ms(handle)
        return HTTPCallRequest(method: method, url: url, headers: headers, body: body,
                               timeout: timeoutMs > 0 ? .milliseconds(Int64(timeoutMs)) : nil,
                               number: Int(hk_request_number(handle)))
    }

    private func result(of step: hk_step) -> RunResult {
        var len = 0
        let message = Self.string(hk_result_message(handle, &len), len)
        let location = Self.string(hk_result_location(handle, &len), len)
        let traceback = Self.string(hk_result_traceback(handle, &len), len) ?? ""
        let value = Self.string(hk_result_value(handle, &len), len)
        let limit: LimitKind? = switch hk_result_limit(handle) {
        case HK_LIMIT_INSTRUCTIONS: .instructions
        case HK_LIMIT_MEMORY: .memory
        case HK_LIMIT_WALL_TIME: .wallTime
        case HK_LIMIT_HTTP_CALLS: .httpCalls
        default: nil
        }
        let outcome: RunOutcome = switch step {
        case HK_STEP_OK: .ok
        case HK_STEP_SKIPPED: .skipped(reason: message ?? "")
        default: .failed(RunFailure(message: message ?? "the run failed", location: location,
                                     traceback: Self.ruleFrames(of: traceback), limit: limit))
        }
        return RunResult(outcome: outcome, logs: logLines(), logsDropped: hk_log_dropped(handle), calls: calls,
                         value: value, instructions: hk_result_instructions(handle),
                         duration: ContinuousClock.now - startedAt)
    }

    private func logLines() -> [RuleLogLine] {
        let count = hk_log_count(handle)
        guard count > 0 else { return [] }
        var lines: [RuleLogLine] = []
        lines.reserveCapacity(count)
        for index in 0..<count {
            var level: Int32 = 0
            var message: UnsafePointer<CChar>?
            var messageLen = 0
            var fields: UnsafePointer<CChar>?
            var fieldsLen = 0
            guard hk_log_get(handle, index, &level, &message, &messageLen, &fields, &fieldsLen) == 0 else { continue }
            let lineLevel: RuleLogLine.Level = switch level {
            case 0: .debug
            case 2: .warn
            case 3: .error
            default: .info
            }
            lines.append(RuleLogLine(level: lineLevel, message: Self.string(message, messageLen) ?? "",
                                     fieldsJSON: Self.string(fields, fieldsLen)))
        }
        return lines
    }

    /// Lua's traceback without the runner's own frames, which mean nothing to a rule's author.
    static func ruleFrames(of traceback: String) -> String {
        traceback.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.contains("[hookd]") && !$0.contains("[C]: in ?") }
            .joined(separator: "\n")
    }

    static func string(_ pointer: UnsafePointer<CChar>?, _ len: Int) -> String? {
        guard let pointer else { return nil }
        return pointer.withMemoryRebound(to: UInt8.self, capacity: len) {
            String(decoding: UnsafeBufferPointer(start: $0, count: len), as: UTF8.self)
        }
    }

    static func bytes(_ pointer: UnsafePointer<CChar>?, _ len: Int) -> [UInt8] {
        guard let pointer, len > 0 else { return [] }
        return pointer.withMemoryRebound(to: UInt8.self, capacity: len) { Array(UnsafeBufferPointer(start: $0, count: len)) }
    }
}
