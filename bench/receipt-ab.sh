#!/usr/bin/env bash
# A/B of two hookd binaries under the receipt load: A and B are run in turn, ROUNDS times each (so a
# drift of the machine's speed touches both), each with a fresh store, 64 connections for DURATION.
# Per run it prints accepted events/s, p99, hookd's CPU per accepted event (user + system, from
# /proc/PID/stat, counted until hookd is idle again, so work left after the load counts too), the
# bytes hookd had written to the disk per accepted event (write_bytes of /proc/PID/io: the WAL and
# the checkpoints' copies into the database, over the same span), and
# with THREADS=1 that CPU per thread name (the NIO event loops, the store's writer, the Lua workers).
# With MODE=dispatch a rule that returns at once matches every event.
# Usage: bench/receipt-ab.sh BINARY_A BINARY_B [ROUNDS] [DURATION]
set -euo pipefail
cd "$(dirname "$0")/.."
a=$1 b=$2 rounds=${3:-3} duration=${4:-8s}
scripts/install-deps.sh bench
work=$PWD/.build/bench-ab
source bench/bench-project.sh
bench_project "$work" 18090 19095
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
written() { awk '/^write_bytes/ { print $2 }' "/proc/$1/io"; }
# "TID NAME TICKS" per thread, sorted by TID for join (a thread started during the run counts from 0).
per_thread() { for task in /proc/$1/task/*; do echo "$(basename "$task") $(tr ' ' _ < "$task/comm") $(awk '{ print $14 + $15 }' "$task/stat")"; done | sort; }

run() {
  local label=$1 binary=$2
  rm -rf "$work/data"
  (cd "$work" && exec "$binary" serve --config hookd.yaml > "$work/hookd.log" 2>&1) &
  for _ in $(seq 1 100); do grep -q "listening on" "$work/hookd.log" 2>/dev/null && break; sleep 0.1; done
  local pid; pid=$(cat "$work/data/hookd.pid")
  per_thread "$pid" > "$work/threads-before"
  local before; before=$(ticks "$pid")
  local written_before; written_before=$(written "$pid")
  local result; result=$(HOOKD_BENCH_RUN=1 wrk -t2 -c64 -d"$duration" --latency -s bench/receipt_wrk.lua http://127.0.0.1:18090 | grep '^RESULT')
  # Until hookd is idle again (the dispatcher may still be running the rules).
  while :; do local x; x=$(ticks "$pid"); sleep 0.5; (( $(ticks "$pid") - x <= 3 )) && break; done
  local after; after=$(ticks "$pid")
  local written_after; written_after=$(written "$pid")
  per_thread "$pid" > "$work/threads-after"
  local requests; requests=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$result")
  local hz; hz=$(getconf CLK_TCK)
  echo "$label $(sed -E 's/.*(rps=[0-9]+).*(p99_ms=[0-9.]+).*/\1 \2/' <<<"$result") cpu_us_per_event=$(( (after - before) * 1000000 / hz / requests )) disk_bytes_per_event=$(( (written_after - written_before) / requests ))"
  if [[ ${THREADS:-0} == 1 ]]; then
    join -a 2 -o 2.2,1.3,2.3 -e 0 "$work/threads-before" "$work/threads-after" | awk -v n="$requests" -v hz="$hz" \
      '{ d[$1] += $3 - $2 } END { for (t in d) if (d[t] > 0) printf "    %-16s %6.1f us/event\n", t, d[t] * 1e6 / hz / n }'
  fi
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
}

for _ in $(seq 1 "$rounds"); do
  run A "$a"
  run B "$b"
done
