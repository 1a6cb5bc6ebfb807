#!/usr/bin/env bash
# Sets up, builds both flavours of the site with --strict, then serves the
# intranet build with live reload on http://127.0.0.1:8000/.
#   site/          intranet build: copy to any web server
#   site-offline/  file:// build: open site-offline/index.html from disk or a USB stick
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export NO_MKDOCS_2_WARNING=1
.venv/bin/mkdocs build --strict
.venv/bin/mkdocs build --strict -f mkdocs.offline.yml
echo "==> site/ and site-offline/ are built; serving on http://127.0.0.1:8000/ (Ctrl+C stops)"
exec .venv/bin/mkdocs serve --dev-addr 127.0.0.1:8000 "$@"
