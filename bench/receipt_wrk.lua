-- wrk script for bench/receipt-bench.sh: POSTs the Passage example with a unique event id per
-- request (run number, thread number and counter) and header auth.
--
-- wrk shares the 2 cores with the server it measures, so each request is built with as little work
-- as it can be: the request's text is cut once around the event id, and each request is three
-- pieces and a number joined. Every answer other than 200 is counted (non200).
local counter = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

function init(args)
  local f = assert(io.open(os.getenv("HOOKD_BENCH_FIXTURE"), "r"))
  local template = f:read("*a")
  f:close()
  local marker = '"id": "evt_9b1f"'
  local s, e = template:find(marker, 1, true)
  assert(s, "the fixture has no " .. marker)
  local host = wrk.host .. ":" .. wrk.port
  local id_prefix = string.format("evt-%s-%s-", os.getenv("HOOKD_BENCH_RUN") or 0, tostring(tid or 0))
  body_before = template:sub(1, s - 1) .. '"id": "' .. id_prefix
  body_after = '"' .. template:sub(e + 1)
  head = "POST " .. os.getenv("HOOKD_BENCH_PATH") .. " HTTP/1.1\r\nHost: " .. host ..
    "\r\nContent-Type: application/json\r\nX-Hookd-Key: " .. os.getenv("HOOKD_BENCH_KEY") .. "\r\nContent-Length: "
  fixed_length = #body_before + #body_after
  non200 = 0
end

function request()
  counter = counter + 1
  local n = tostring(counter)
  return head .. (fixed_length + #n) .. "\r\n\r\n" .. body_before .. n .. body_after
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
