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
from .records import person_fields

SHARED_SCRIPT = Path(__file__).parent / "assets" / "qinglian.js"
FORMS_SCRIPT = Path(__file__).parent / "assets" / "forms.js"
FORMS_STYLE = Path(__file__).parent / "assets" / "forms.css"


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


def shared_assets(hospital: dict, site_name: str, language: str) -> list[Asset]:
    """Return the browser modules every quiz and pledge page loads, configured for
    this site (``extra.hospital``): the shared module, then the forms module and
    its stylesheet."""
    # The UI strings travel with the forms module, which every page with the
    # shared module loads: the shared module's 3 KB (gzipped) are for code
    shared = json.dumps({"siteId": site_id(hospital, site_name),
                         "collector": hospital.get("collector_url"), "strings": {}},
                        ensure_ascii=False, separators=(",", ":"))
    forms = json.dumps({"staff": person_fields("staff", hospital.get("departments") or []),
                        "strings": strings_for(("profile.", "form.", "field.", "storage.",
                                                "records."), language)},
                       ensure_ascii=False, separators=(",", ":"))
    return [_configured("qinglian", SHARED_SCRIPT, "__QINGLIAN_CONFIG__", shared),
            _configured("forms", FORMS_SCRIPT, "__QINGLIAN_FORMS__", forms),
            asset("forms", FORMS_STYLE)]


def block_assets(stem: str, folder: Path, hospital: dict, site_name: str,
                 language: str) -> list[Asset]:
    """Return everything a page with a ``stem`` block loads: the shared modules, then
    ``folder``/``stem``.js (with its UI strings) and ``stem``.css."""
    return [*shared_assets(hospital, site_name, language),
            asset(stem, folder / f"{stem}.js", language), asset(stem, folder / f"{stem}.css")]


def page_assets(assets: list[Asset], page_url: str) -> tuple[list[str], list[str]]:
    """Return the URLs of ``assets`` relative to a page: (scripts, stylesheets)."""
    # page.url is "", "a/b/" (directory URLs) or "a/b.html": one ../ per folder
    prefix = "../" * page_url.count("/")
    urls = [(item, f"{prefix}assets/qinglian/{item.name}") for item in assets]
    return ([url for item, url in urls if item.name.endswith(".js")],
            [url for item, url in urls if item.name.endswith(".css")])


def site_id(hospital: dict, site_name: str) -> str:
    """Return the id that names this site's records: extra.hospital.site_id, else
    one derived from the hospital's and the site's names."""
    return hospital.get("site_id") or short_hash(f"{hospital.get('name', '')}|{site_name}", 12)


def _configured(stem: str, source: Path, placeholder: str, value: str) -> Asset:
    content = _minify(".js", source.read_text(encoding="utf-8")).replace(placeholder, value)
    return Asset(f"{stem}.{short_hash(content)}.js", content)


@cache
def _minify(suffix: str, text: str) -> str:
    return rjsmin.jsmin(text) if suffix == ".js" else rcssmin.cssmin(text)
