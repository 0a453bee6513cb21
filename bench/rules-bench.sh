#!/usr/bin/env bash
# Issue 3's benchmarks, whole process, release build:
#   1. `hookd dry-run` on the Passage example (goal < 150 ms wall time);
#   2. `hookd check` on 1,000 generated rules (goal < 1 s).
# Usage: bench/rules-bench.sh [RUNS]   (make bench-rules)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
if [[ -z "${HOOKD_BINARY:-}" ]]; then
  swift build -c release --product hookd >/dev/null
fi
hookd=${HOOKD_BINARY:-$(swift build -c release --show-bin-path)/hookd}
set -a; . examples/dev.env; set +a

echo "== dry-run on the Passage example"
python3 bench/time_command.py "$runs" -- "$hookd" dry-run examples/passage/data_available.json --source passage

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/rules"
for i in $(seq 1 1000); do
  cat > "$work/rules/rule-$i.lua" <<LUA
-- generated rule $i
return {
  on = { source = "passage", type = "Connection.Updated", status = { "data_available", "s$i*" } },
  when = function(event) return event.data.connectionId ~= "$i" end,
  handle = function(event)
    local res = http.get("https://api.example.com/$i/" .. event.id)
    if res.status ~= 200 then error("answered " .. res.status) end
  end,
}
LUA
done
printf 'rules: rules/\nsources: []\n' > "$work/hookd.yaml"
echo "== check on 1,000 generated rules"
(cd "$work" && "$hookd" check --config hookd.yaml)
python3 bench/time_command.py "$runs" -- "$hookd" check --config "$work/hookd.yaml"
