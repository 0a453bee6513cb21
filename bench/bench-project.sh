# Sourced by the receipt benchmarks: bench_project WORK PORT ADMIN_PORT writes, in WORK, the
# configuration every receipt benchmark serves (one Passage source, header auth, the store in
# WORK/data) and the rules of MODE: receipt (one rule that matches nothing), dispatch (one rule that
# matches every event and returns at once) or reload (1,000 generated rules, each with a `when`).
export BENCH_KEY=bench-key-0123456789 HOOKD_BENCH_KEY=bench-key-0123456789
export HOOKD_BENCH_FIXTURE=$PWD/examples/passage/data_available.json HOOKD_BENCH_PATH=/webhooks/passage

bench_project() {
  local work=$1 port=$2 admin_port=$3
  rm -rf "$work" && mkdir -p "$work/rules"
  case ${MODE:-receipt} in
    dispatch)
      echo 'return { on = { source = "passage" }, handle = function(event) end }' > "$work/rules/instant.lua" ;;
    reload)
      for n in $(seq -w 1 1000); do
        printf 'return { on = { source = "passage", type = "generated.%s", status = { "a", "b*" } },\n  when = function(event) return event.data ~= nil end,\n  handle = function(event) log.info("rule %s") end }\n' "$n" "$n" > "$work/rules/gen-$n.lua"
      done ;;
    *)
      echo 'return { on = { source = "nothing-here" }, handle = function(event) end }' > "$work/rules/unmatched.lua" ;;
  esac
  cat > "$work/hookd.yaml" <<YAML
server: { listen: 127.0.0.1:$port, max_body: 1MiB }
admin: { listen: 127.0.0.1:$admin_port }
store: sqlite:data/hookd.sqlite
rules: rules/
pid_file: data/hookd.pid
sources:
  - name: passage
    path: /webhooks/passage
    provider: passage
    auth: { scheme: header, header: X-Hookd-Key, secret_env: BENCH_KEY }
YAML
}
