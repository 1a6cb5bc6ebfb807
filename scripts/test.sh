#!/usr/bin/env bash
# Sets up (Python packages, Debian's Chromium and CJK fonts) and runs every
# test, browser tests included. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --browser
export NO_MKDOCS_2_WARNING=1
exec .venv/bin/python -m pytest "$@"
