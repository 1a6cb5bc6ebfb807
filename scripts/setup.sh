#!/usr/bin/env bash
# Installs everything Qinglian needs into .venv (and, with --browser, Debian's
# Chromium and CJK fonts for the browser tests and the exhibit images, and
# PostgreSQL for the collector's tests). Safe to run again: it only installs
# what is missing. Used by scripts/serve.sh and scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

apt_install() {
  local missing=()
  for package in "$@"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "==> apt-get install ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

# Debian's python3 has no venv module until python3-venv is installed
if ! python3 -c "import ensurepip, venv" >/dev/null 2>&1; then
  apt_install python3-venv
fi
if [ "${1:-}" = "--browser" ]; then
  # Playwright cannot download its own browsers here: use Debian's Chromium.
  # The Kai font draws the calligraphy of scripts/make_exhibit_images.py.
  # The collector's API tests start a PostgreSQL server of their own (initdb).
  apt_install chromium fonts-noto-cjk fonts-arphic-ukai postgresql
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
echo "==> pip install -e .[test]"
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test]"
