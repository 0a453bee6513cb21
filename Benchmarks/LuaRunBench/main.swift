// Lua run benchmark: the Passage rule of SPEC §4 on the Passage example, on one worker, with HTTP
// answered by an in-process mock. Prints runs/s and the cost split. Run: `make bench-lua`.
// BENCH_ONLY=sandbox|json|packed: only 100,000 runs of the no-op rule on that event, then exit, for
// timing one variant as a whole command (`farm-bench`, `time`).
import Foundation
import LuaRuntime

let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
let examplePath = CommandLine.arguments.dropFirst().first
    ?? here.appendingPathComponent("../../examples/passage/data_available.json").path
let passageRule = try String(contentsOf: here.appendingPathComponent("passage-fetch-resources.lua"), encoding: .utf8)
let payload = try Data(contentsOf: URL(fileURLWithPath: examplePath))
let payloadObject = try JSONSerialization.jsonObject(with: payload) as! [String: Any]

/// The event as hookd hands it to rules (SPEC §4): its fields, then the payload byte for byte (as
/// `EventFields.json` writes it).
func eventJSON(_ payload: [String: Any], raw: Data) throws -> [UInt8] {
    let fields: [String: Any] = [
        "id": payload["id"] ?? "evt", "source": "passage", "type": payload["type"] ?? "",
        "status": (payload["data"] as? [String: Any])?["status"] ?? NSNull(),
        "timestamp": payload["timestamp"] ?? NSNull(), "data_path": ["data"],
        "headers": ["content-type": "application/json"], "attempt": 1,
    ]
    var text = Array(try JSONSerialization.data(withJSONObject: fields))
    text.removeLast() // the closing brace
    return text + Array(#","payload":"#.utf8) + Array(raw) + [UInt8(ascii: "}")]
}

let fullEvent = try eventJSON(payloadObject, raw: payload)
/// The same event packed, as the dispatcher hands it to runs (`RunEvent.fields`; packed per run).
let packedEvent = EventFields(
    id: payloadObject["id"] as? String ?? "evt", source: "passage", type: payloadObject["type"] as? String ?? "",
    status: (payloadObject["data"] as? [String: Any])?["status"] as? String, timestamp: payloadObject["timestamp"] as? String,
    attempt: 1, headers: [("content-type", "application/json")], dataPath: ["data"], payload: Array(payload))
let emptyEvent = Array(#"{"id":"evt","source":"passage","type":"Connection.Updated","data":{},"payload":{},"headers":{},"attempt":1}"#.utf8)
let program = LuaProgram(rules: [
    .init(chunkName: "bench/noop.lua", source: "return { on = {}, handle = function(event) end }"),
    .init(chunkName: "rules/passage-fetch-resources.lua", source: passageRule),
], secrets: ["PASSAGE_API_KEY": "pk_live_benchmark_secret"])
let worker = try LuaWorker(program: program)
let resourceBody = Array(#"{"trips":[{"id":"t_1","from":"SFO","to":"JFK","fare":{"amount":412.5,"currency":"USD"}}]}"#.utf8)
let jsonHeaders: [(name: String, value: String)] = [("content-type", "application/json")]

func mock(_ request: HTTPCallRequest) -> HTTPCallAnswer {
    request.method == "GET" ? .response(status: 200, headers: jsonHeaders, body: resourceBody)
        : .response(status: 202, headers: jsonHeaders, body: Array("{}".utf8))
}

/// CPU time of this thread, in seconds: the figure that means "on one core" on a shared machine,
/// where wall time also counts the time other processes held the core.
func threadCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Runs `rule` on `event` for about `seconds`; returns the runs and the CPU and wall µs per run.
func measure(rule: Int, event: RunEvent, seconds: Double) -> (runs: Int, perRunMicros: Double, wallMicros: Double) {
    var runs = 0
    var calls = 0
    let start = ContinuousClock.now
    let cpuStart = threadCPUSeconds()
    let budget = Duration.milliseconds(Int64(seconds * 1000))
    while ContinuousClock.now - start < budget {
        for _ in 0..<200 {
            let result = worker.run(rule: rule, event: event, limits: .defaults, answer: mock)
            guard case .ok = result.outcome else { fatalError("benchmark run failed: \(result.outcome)") }
            calls += result.calls.count
            runs += 1
        }
    }
    let cpu = threadCPUSeconds() - cpuStart
    let elapsed = ContinuousClock.now - start
    let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    if rule == 1 { precondition(calls == runs * 4, "expected 4 calls per run") }
    return (runs, cpu / Double(runs) * 1e6, wall / Double(runs) * 1e6)
}

if let only = ProcessInfo.processInfo.environment["BENCH_ONLY"] {
    let event: RunEvent = only == "packed" ? .fields(packedEvent) : only == "json" ? .json(fullEvent) : .json(emptyEvent)
    for _ in 0..<100_000 { _ = worker.run(rule: 0, event: event, limits: .defaults, answer: mock) }
    exit(0)
}
let seconds = Double(ProcessInfo.processInfo.environment["BENCH_SECONDS"] ?? "3") ?? 3
_ = measure(rule: 1, event: .json(fullEvent), seconds: 0.5) // warm-up
let sandbox = measure(rule: 0, event: .json(emptyEvent), seconds: seconds)
let bridged = measure(rule: 0, event: .json(fullEvent), seconds: seconds)
let packed = measure(rule: 0, event: .fields(packedEvent), seconds: seconds)
let full = measure(rule: 1, event: .json(fullEvent), seconds: seconds)

func fmt(_ value: Double) -> String { String(format: "%.2f", value) }
print("Lua run benchmark: Passage rule (SPEC §4) on the Passage example, one worker, one thread, mock HTTP")
print("event JSON: \(fullEvent.count) bytes; 4 http calls per run (2 GET + 2 POST)")
print("full run:           \(Int(1e6 / full.perRunMicros)) runs/s per CPU-second  (\(fmt(full.perRunMicros)) µs CPU/run, \(full.runs) runs)")
print("                    \(Int(1e6 / full.wallMicros)) runs/s of wall time (lower when other processes share the cores)")
print("cost split per run (CPU time):")
print("  sandbox + runner  \(fmt(sandbox.perRunMicros)) µs  (fresh globals, rule top level, empty event)")
print("  JSON -> Lua       \(fmt(bridged.perRunMicros - sandbox.perRunMicros)) µs  (decoding the \(fullEvent.count)-byte event)")
print("  packed -> Lua     \(fmt(packed.perRunMicros - sandbox.perRunMicros)) µs  (the same event packed, as the dispatcher sends it: packing included)")
print("  rule + host calls \(fmt(full.perRunMicros - bridged.perRunMicros)) µs  (the handle body, 4 yields/resumes, mock answers, JSON of answers)")
