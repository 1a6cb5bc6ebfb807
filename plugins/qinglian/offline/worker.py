"""The file:// search worker script: Material's worker source wrapped in our shim."""

from __future__ import annotations

import json
from pathlib import Path

from ..common.hashing import short_hash

SHIM = Path(__file__).parent / "assets" / "search-worker-shim.js"
WORKER_GLOB = "assets/javascripts/workers/search.*.js"
# How Material's offline plugin starts search/search_index.js
INDEX_PREFIX = "var __index = "


def find_search_worker(theme_dirs: list[str]) -> Path | None:
    """Return Material's search worker script from the first theme dir that has it."""
    for directory in theme_dirs:
        for path in sorted(Path(directory).glob(WORKER_GLOB)):
            if not path.name.endswith(".map"):
                return path
    return None


def render_worker_script(worker: Path) -> tuple[str, str]:
    """Return (file name, script) of the shim that starts ``worker`` from a blob: URL.

    The name holds a hash of the script, like Material's own assets, so a
    browser never keeps a stale copy after an upgrade.
    """
    script = (
        SHIM.read_text(encoding="utf-8")
        .replace("__WORKER_NAME__", json.dumps(worker.name))
        .replace("__WORKER_SOURCE__", json.dumps(worker.read_text(encoding="utf-8")))
    )
    return f"iframe-worker.{short_hash(script)}.js", script


def compact_index_script(path: Path) -> None:
    """Write Material's ``search_index.js`` with its text as UTF-8 instead of escapes.

    A file in another shape (another Material version) is left as it is.
    """
    try:
        script = path.read_text(encoding="utf-8")
        if not script.startswith(INDEX_PREFIX):
            return
        index = json.loads(script[len(INDEX_PREFIX):])
    except (OSError, ValueError):
        return
    text = json.dumps(index, ensure_ascii=False, separators=(",", ":"))
    # Before ES2019 these two end a line even inside a string
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    path.write_text(INDEX_PREFIX + text, encoding="utf-8")
