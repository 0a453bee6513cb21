#!/usr/bin/env bash
# Installs the Debian packages hookd needs, only when they are missing.
#   scripts/install-deps.sh build   liblua5.4-dev, libsqlite3-dev and pkg-config (to build and run hookd)
#   scripts/install-deps.sh test    the above, plus what the test suite uses (with Chromium, its driver
#                                   and Selenium for Tests/Browser/)
#   scripts/install-deps.sh bench   the above, plus wrk and nginx with its Lua module (bench/)
set -euo pipefail

want=(liblua5.4-dev libsqlite3-dev pkg-config)
if [[ "${1:-build}" == "test" || "${1:-build}" == "bench" ]]; then
  want+=(python3)
fi
if [[ "${1:-build}" == "test" ]]; then
  want+=(chromium chromium-driver)
  # pip for Selenium below, unless the python3 on PATH already has one (pyenv, a venv).
  python3 -m pip --version >/dev/null 2>&1 || want+=(python3-pip)
fi
if [[ "${1:-build}" == "bench" ]]; then
  want+=(wrk nginx-light libnginx-mod-http-lua lua-cjson)
fi

missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done

if [[ ${#missing[@]} -gt 0 ]]; then
  if [[ $(id -u) -eq 0 ]]; then sudo=(); else sudo=(sudo); fi
  echo "installing: ${missing[*]}"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Selenium drives the Debian chromium through /usr/bin/chromedriver (Tests/Browser/), so its own
# driver download never runs. It comes from pip: the python3 first on PATH may not be Debian's.
if [[ "${1:-build}" == "test" ]] && ! python3 -c 'import selenium' 2>/dev/null; then
  echo "installing: selenium (pip)"
  # Debian's own python3 refuses a plain pip install (PEP 668); a pyenv or venv python ignores this.
  PIP_BREAK_SYSTEM_PACKAGES=1 python3 -m pip install -q selenium
fi
