#!/usr/bin/env bash
# Issue 4's benchmark: `hookd serve` (release build) driven by wrk with the Passage example, a unique
# event id per request and header auth, every 200 durably committed (WAL, synchronous=FULL); then the
# same load against nginx + Lua doing check-parse-dedupe-match in memory (bench/nginx-baseline.conf).
# Prints accepted events/s, p50/p99, errors, peak RSS, fsyncs (transactions) per second, the
# filesystem, and hookd as a ratio of nginx.
#
# With MODE=dispatch (issue 5's benchmark, `make bench-dispatch`) a rule that returns at once matches
# every event, so the dispatcher runs one job per accepted event during the load; after the load it
# reports how long the queue took to drain, rule runs/s and the acceptance-to-completion latency
# (nginx is not run). In the default MODE=receipt no rule matches, so only receipt is measured.
#
# With MODE=reload (issue 6's benchmark, `make bench-reload`) the rules directory holds 1,000 generated
# rules; the same load runs four times, quiet and with a SIGHUP every second in turn, and it reports
# each reload's time to build and swap the generation, the failed requests, and accepted events/s
# during reloads as a ratio of the quiet run (nginx is not run).
# Usage: bench/receipt-bench.sh [DURATION] [CONNECTIONS]     (make bench-receipt; defaults 10s, 64)
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10s}
connections=${2:-64}
mode=${MODE:-receipt}
scripts/install-deps.sh bench
if [[ -z "${HOOKD_BINARY:-}" ]]; then
  swift build -c release --product hookd >/dev/null
fi
hookd=${HOOKD_BINARY:-$(swift build -c release --show-bin-path)/hookd}

# The store must be on a real disk: tmpfs makes fsync free and the figure meaningless.
work=$PWD/.build/bench-receipt
source bench/bench-project.sh
bench_project "$work" 18080 19090

peak_rss() { awk '/VmHWM/ { printf "%.1f MiB", $2 / 1024 }' "/proc/$1/status"; }
run_wrk() { HOOKD_BENCH_RUN=$1 wrk -t2 -c"$connections" -d"$duration" --latency -s bench/receipt_wrk.lua "http://127.0.0.1:$2" | grep '^RESULT'; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); filesystem of the store: $(stat -f -c %T "$work")"
(cd "$work" && exec "$hookd" serve --config hookd.yaml > "$work/hookd.log" 2>&1) &
for _ in $(seq 1 100); do grep -q "listening on" "$work/hookd.log" 2>/dev/null && break; sleep 0.1; done
pid=$(cat "$work/data/hookd.pid")
if [[ $mode == reload ]]; then
  # Quiet and reloading runs alternate (quiet, reloading, quiet, reloading), so a drift of the
  # machine or of the store's size does not favour either.
  quiet=() reloading=()
  for round in 1 2; do
    quiet+=("$(run_wrk "1$round" 18080)")
    ( while kill -HUP "$pid" 2>/dev/null; do sleep 1; done ) &
    hupper=$!
    reloading+=("$(run_wrk "2$round" 18080)")
    kill "$hupper" 2>/dev/null || true
    wait "$hupper" 2>/dev/null || true
    sleep 1.5
  done
  hookd_rss=$(peak_rss "$pid")
  kill -TERM "$pid"; wait "$pid" || true
  for round in 0 1; do
    echo "hookd, 1,000 rules, no reload:       ${quiet[$round]}"
    echo "hookd, 1,000 rules, SIGHUP every 1s: ${reloading[$round]}"
  done
  echo "peak RSS: $hookd_rss"
  grep 'in force' "$work/hookd.log" | sed -E 's/.*duration_ms=([0-9.]+).*/\1/' > "$work/reload-ms.txt"
  python3 - "$work/reload-ms.txt" "${quiet[*]}" "${reloading[*]}" <<'PY'
import re, statistics, sys
times = [float(line) for line in open(sys.argv[1]) if line.strip()]
rps = lambda text: sum(float(x) for x in re.findall(r"rps=([0-9.]+)", text))
failed = lambda text: sum(int(x) for x in re.findall(r"(?:non200|socket_errors)=([0-9]+)", text))
print(f"reloads: {len(times)} ok, time to build and swap: median {statistics.median(times):.0f} ms, max {max(times):.0f} ms")
print(f"failed requests during reloads: {failed(sys.argv[3])}; events/s during reloads / quiet: {rps(sys.argv[3]) / rps(sys.argv[2]):.2f}")
PY
  exit 0
fi
load_start=$(date +%s.%N)
hookd_result=$(run_wrk 1 18080)
load_end=$(date +%s.%N)
if [[ $mode == dispatch ]]; then
  # Wait (at most 120 s) until every accepted event is dispatched and every job finished.
  while (( $(bench/queue_stats.py "$work/data/hookd.sqlite" backlog) > 0 )); do
    (( $(date +%s) - ${load_end%.*} > 120 )) && break
    sleep 0.05
  done
  drained=$(date +%s.%N)
fi
hookd_rss=$(peak_rss "$pid")
kill -TERM "$pid"; wait "$pid" || true
echo "hookd:        $hookd_result peak_rss=$hookd_rss"
grep -o 'group commit: .*' "$work/hookd.log" | tail -1 | sed 's/^/              /'
if [[ $mode == dispatch ]]; then
  runs=$(bench/queue_stats.py "$work/data/hookd.sqlite" runs)
  done_jobs=$(sed -E 's/done_jobs=([0-9]+).*/\1/' <<<"$runs")
  python3 -c "print(f'rule runs: {$done_jobs} done, {$done_jobs / ($drained - $load_start):.0f} runs/s over load+drain; queue drained {$drained - $load_end:.2f} s after the load ended')"
  echo "              $runs"
  exit 0
fi

sed -e "s#PIDFILE#$work/nginx.pid#" -e "s#PORT#18081#" -e "s#KEY#$BENCH_KEY#" bench/nginx-baseline.conf > "$work/nginx.conf"
nginx -c "$work/nginx.conf" -p "$work" -g 'daemon off;' 2> "$work/nginx.log" &
nginx_pid=$!
sleep 0.5
nginx_result=$(run_wrk 2 18081)
kill -QUIT "$nginx_pid"; wait "$nginx_pid" || true
echo "nginx+Lua:    $nginx_result (in memory, no durability)"

hookd_rps=$(sed -E 's/.*rps=([0-9]+).*/\1/' <<<"$hookd_result")
nginx_rps=$(sed -E 's/.*rps=([0-9]+).*/\1/' <<<"$nginx_result")
python3 -c "print(f'hookd / nginx+Lua: {$hookd_rps / $nginx_rps:.2f}')"
