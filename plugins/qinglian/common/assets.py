"""Browser assets: minified at build time and named by content hash.

Hashed names let browsers cache an asset for good and still never run a
stale copy after an upgrade.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import rcssmin
import rjsmin

from .hashing import short_hash
from .i18n import strings_for

SHARED_SCRIPT = Path(__file__).parent / "assets" / "qinglian.js"
# UI strings the shared module carries; each plugin's script brings its own
SHARED_STRINGS = ("profile.", "storage.")


@dataclass(frozen=True)
class Asset:
    name: str  # e.g. "quiz.1a2b3c4d.js", written below assets/qinglian/
    content: str

    def write(self, site_dir: Path) -> None:
        path = site_dir / "assets" / "qinglian" / self.name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.content, encoding="utf-8")


def asset(stem: str, source: Path, language: str | None = None) -> Asset:
    """Return the minified ``source`` (.js or .css) as a hashed asset named after ``stem``.

    With ``language``, a script's ``__QINGLIAN_STRINGS__`` becomes its UI
    strings (those whose keys start with ``stem.``) in that language.
    """
    content = _minify(source.suffix, source.read_text(encoding="utf-8"))
    if language:
        strings = json.dumps(strings_for((f"{stem}.",), language), ensure_ascii=False,
                             separators=(",", ":"))
        content = content.replace("__QINGLIAN_STRINGS__", strings)
    return Asset(f"{stem}.{short_hash(content)}{source.suffix}", content)


def shared_module(site_id: str, language: str, departments: list[str]) -> Asset:
    """Return the shared browser module, configured for this site."""
    config = json.dumps({
        "siteId": site_id,
        "departments": departments,
        "strings": strings_for(SHARED_STRINGS, language),
    }, ensure_ascii=False, separators=(",", ":"))
    source = _minify(".js", SHARED_SCRIPT.read_text(encoding="utf-8"))
    content = source.replace("__QINGLIAN_CONFIG__", config)
    return Asset(f"qinglian.{short_hash(content)}.js", content)


@cache
def _minify(suffix: str, text: str) -> str:
    return rjsmin.jsmin(text) if suffix == ".js" else rcssmin.cssmin(text)
