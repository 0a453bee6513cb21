-- wrk script for bench/receipt-bench.sh: POSTs the Passage example with a unique event id per
-- request (thread number and counter), header auth, and counts answers by status.
local counter = 0
local thread_id = 0
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  thread_id = tid
  local f = assert(io.open(os.getenv("HOOKD_BENCH_FIXTURE"), "r"))
  template = f:read("*a")
  f:close()
  non200 = 0
end

function request()
  counter = counter + 1
  local id = string.format("evt-%d-%d-%d", os.getenv("HOOKD_BENCH_RUN") or 0, thread_id, counter)
  local body = template:gsub('"id": "evt_9b1f"', '"id": "' .. id .. '"', 1)
  return wrk.format("POST", os.getenv("HOOKD_BENCH_PATH"), {
    ["Content-Type"] = "application/json",
    ["X-Hookd-Key"] = os.getenv("HOOKD_BENCH_KEY"),
  }, body)
end

function response(status, headers, body)
  if status ~= 200 then non200 = non200 + 1 end
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + (t:get("non200") or 0) end
  io.write(string.format("RESULT requests=%d duration_s=%.2f rps=%.0f p50_ms=%.2f p99_ms=%.2f non200=%d socket_errors=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, bad,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
