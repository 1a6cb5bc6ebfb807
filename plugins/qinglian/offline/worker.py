"""Material's search worker: its query segmenter mended, article numbers in queries
read as the index writes them, and for file:// wrapped in our shim."""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..common.hashing import short_hash

SHIM = Path(__file__).parent / "assets" / "search-worker-shim.js"
# Put before the worker: 第8条 in a query becomes 第八条 (search-query.js says how)
QUERY_SCRIPT = Path(__file__).parent / "assets" / "search-query.js"
WORKER_GLOB = "assets/javascripts/workers/search.*.js"
# How Material's offline plugin starts search/search_index.js
INDEX_PREFIX = "var __index = "
# The loop of Material's query segmenter (integrations/search/query/segment) that
# looks up each piece of a Chinese query in the index, as minified:
#   for(let o=s+1;o<t.length;o++)t.slice(s,o)in e&&…
# It stops one character short, so a word that ends the query is never found:
# 隐私 is searched as 隐*, 第八条 as 第* (every 第…条 lesson alike)
SEGMENT_LOOP = re.compile(r"(for\(let (\w+)=(\w+)\+1;\2)<(\w+\.length;\2\+\+\)\w+\.slice\(\3,\2\)in )")


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
    source = mend_worker(worker.read_text(encoding="utf-8"))
    script = (
        SHIM.read_text(encoding="utf-8")
        .replace("__WORKER_NAME__", json.dumps(worker.name))
        .replace("__WORKER_SOURCE__", json.dumps(source))
    )
    return f"iframe-worker.{short_hash(script)}.js", script


def mend_worker(source: str) -> str:
    """Return Material's search worker ``source`` with its query segmenter reaching
    the query's last character (a worker without that loop keeps its own), after
    our query script; a worker mended before is returned as it is."""
    query_script = QUERY_SCRIPT.read_text(encoding="utf-8")
    if source.startswith(query_script):
        return source
    return query_script + "\n" + SEGMENT_LOOP.sub(r"\1<=\4", source, count=1)


def mend_site_worker(site_dir: Path) -> None:
    """Mend the search worker copied into ``site_dir`` (see mend_worker)."""
    for path in site_dir.glob(WORKER_GLOB):
        if path.name.endswith(".map"):
            continue
        source = path.read_text(encoding="utf-8")
        mended = mend_worker(source)
        if mended != source:
            path.write_text(mended, encoding="utf-8")


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
