#!/usr/bin/env bash
# Installs the Debian packages hookd needs, only when they are missing.
#   scripts/install-deps.sh build   liblua5.4-dev, libsqlite3-dev and pkg-config (to build and run hookd)
#   scripts/install-deps.sh test    the above, plus what the test suite uses
#   scripts/install-deps.sh bench   the above, plus wrk and nginx with its Lua module (bench/)
set -euo pipefail

want=(liblua5.4-dev libsqlite3-dev pkg-config)
if [[ "${1:-build}" == "test" || "${1:-build}" == "bench" ]]; then
  want+=(python3)
fi
if [[ "${1:-build}" == "bench" ]]; then
  want+=(wrk nginx-light libnginx-mod-http-lua lua-cjson)
fi

missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -eq 0 ]]; then sudo=(); else sudo=(sudo); fi
echo "installing: ${missing[*]}"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
