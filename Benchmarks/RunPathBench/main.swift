// Run-path benchmark: what a rule run costs hookd once its event is accepted, without HTTP, wrk or
// the event loops. N events of the Passage example are accepted into a real SQLite store with their
// job claimed at receipt (20 per transaction, as under load), then handed to the dispatcher 20 at a
// time, as the receipt does after each commit; one rule matches and returns at once. Prints the CPU
// per job of each phase by thread (from /proc), so a change to the run path can be measured without
// the noise of a load generator on the same cores. Run: `make bench-runs` (BENCH_EVENTS=N).
import Foundation
import HookdCore
import HookdServer
import HookdSQLite
import Logging
import LuaRuntime
import Synchronization

let events = Int(ProcessInfo.processInfo.environment["BENCH_EVENTS"] ?? "40000") ?? 40000
let batch = 20
let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
let example = try String(contentsOf: here.appendingPathComponent("../../examples/passage/data_available.json"), encoding: .utf8)

/// CPU seconds (user + system) so far of each thread, by its name.
func cpuByThread() -> [String: Double] {
    let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
    var totals: [String: Double] = [:]
    let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
    for task in tasks {
        guard let stat = try? String(contentsOfFile: "/proc/self/task/\(task)/stat", encoding: .utf8),
              let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")") else { continue }
        var name = String(stat[stat.index(after: open)..<close])
        if name.hasPrefix("hookd-lua") { name = "Lua workers" } else if name.contains("qos") { name = "writer (dispatch queue)" }
        let fields = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
        totals[name, default: 0] += ((Double(fields[11]) ?? 0) + (Double(fields[12]) ?? 0)) / ticks
    }
    return totals
}

func report(_ phase: String, from before: [String: Double], count: Int, seconds: Double) {
    let after = cpuByThread()
    let total = after.reduce(0.0) { $0 + $1.value - (before[$1.key] ?? 0) }
    print("\(phase): \(String(format: "%.1f", total / Double(count) * 1e6)) µs CPU per job, \(Int(Double(count) / seconds)) jobs/s of wall time")
    for (name, value) in after.sorted(by: { $0.key < $1.key }) {
        let spent = value - (before[name] ?? 0)
        if spent / Double(count) * 1e6 >= 0.5 { print("    \(name.padding(toLength: 26, withPad: " ", startingAt: 0)) \(String(format: "%6.1f", spent / Double(count) * 1e6)) µs") }
    }
}

func require<T>(_ value: T?, _ message: String) -> T {
    guard let value else { fatalError(message) }
    return value
}

/// Counts finished runs by their log line, and formats each line as the daemon does (to nowhere),
/// taking the same ordered-fields path as the daemon's handler.
struct CountingLogHandler: OrderedFieldLogging {
    static let runs = Atomic<Int>(0)
    var inner = LineLogHandler(label: "hookd", sink: LogSink(output: { _ in }))
    var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }
    var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }
    func log(event: LogEvent) {
        if event.message.description == "rule run" { Self.runs.add(1, ordering: .relaxed) }
        inner.log(event: event)
    }
    func log(level: Logger.Level, message: String, orderedFields fields: [LogField]) {
        if message == "rule run" { Self.runs.add(1, ordering: .relaxed) }
        inner.log(level: level, message: message, orderedFields: fields)
    }
}

let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("hookd-runpath-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: scratch.appendingPathComponent("rules"), withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: scratch) }
try #"return { on = { source = "passage" }, handle = function(event) end }"#
    .write(to: scratch.appendingPathComponent("rules/instant.lua"), atomically: true, encoding: .utf8)
let ruleSet = try RuleSet(directory: RuleDirectory(path: scratch.appendingPathComponent("rules").path))
let generation = RuleGeneration(ruleSet: ruleSet, pool: try WorkerPool(program: ruleSet.program, size: 4))
let store = try SQLiteStore(path: scratch.appendingPathComponent("hookd.sqlite").path)
let dispatcher = Dispatcher(store: store, generation: { generation }, settings: .init(pollInterval: .seconds(60)),
                            host: UnusedHost(), mask: SecretMask(secrets: ["bench-key-0123456789"]), logger: Logger(label: "hookd") { _ in CountingLogHandler() })

/// The rule makes no call.
struct UnusedHost: HostCalls {
    var sendsForReal: Bool { false }
    func perform(_ request: HTTPCallRequest, deadline: ContinuousClock.Instant) async -> HTTPCallAnswer { .failure("no calls") }
}

let idMarker = require(example.range(of: #""id": ""#), "the example has no id").upperBound
let originalID = example[idMarker...].prefix { $0 != "\"" }
let headers = [RawRequest.Header(name: "Content-Type", value: "application/json"), RawRequest.Header(name: "X-Hookd-Key", value: "***")]
func incoming(_ n: Int) -> IncomingEvent {
    let id = "bench-\(n)"
    let body = Array(example.replacingOccurrences(of: String(originalID), with: id).utf8)
    return IncomingEvent(source: "passage", id: id, type: "Connection.Updated", status: "data_available", payload: body,
                         dataPath: ["data"], receivedAt: Date(), request: RawRequest(body: body, headers: headers),
                         rules: ["instant"], claimedAtReceipt: true)
}

print("run-path benchmark: \(events) events of the Passage example, one rule that returns at once, 4 Lua workers")
let prepared = (0..<events / batch).map { b in (0..<batch).map { incoming(b * batch + $0) } }

var before = cpuByThread()
var started = Date()
var accepted: [[ClaimedJob]] = []
for group in prepared {
    let result = try await store.accept(group)
    accepted.append(result.claimed.map { ClaimedJob(id: $0.job, rule: $0.rule, attempts: 0, event: group[$0.event].stored) })
}
report("accept (events and their running jobs, \(batch) per transaction)", from: before, count: events,
       seconds: Date().timeIntervalSince(started))

dispatcher.start()
before = cpuByThread()
started = Date()
for jobs in accepted { dispatcher.run(claimedAtReceipt: jobs) }
while CountingLogHandler.runs.load(ordering: .relaxed) < events { try await Task.sleep(for: .milliseconds(5)) }
_ = await dispatcher.stop()
try await store.close()
report("run and record (hand-over, Lua, attempt, log line, commit)", from: before, count: events,
       seconds: Date().timeIntervalSince(started))
