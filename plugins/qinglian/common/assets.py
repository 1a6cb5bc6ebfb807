"""Browser assets: minified at build time, bundled per kind of block and named by
content hash.

Hashed names let browsers cache an asset for good and still never run a
stale copy after an upgrade; a page left open across an upgrade is loaded
afresh when instant navigation brings a page of the new build (the shared
module compares the build's ``_code_version``). Scripts are minified with
their local names shortened (calmjs.parse, which reads the ES5 our scripts
are written in) and a few rewrites of our own that keep the meaning
(``_compacted``); that takes a noticeable part of a second, so the result is
kept in the build cache (``.cache/qinglian/assets``) by the source's hash.

A page with a quiz, a pledge or a route block loads one script and one
stylesheet for it: the shared module (storage, records, the profile form)
and the block's own code in one file each, which gzip compresses together
(gzipped apart, they weigh about 8 % more). A second kind of
block on the same page loads only its own part.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from pathlib import Path

import rcssmin

from .cachefiles import keep_pickled, kept_pickle
from .hashing import sha256_hex, short_hash
from .i18n import strings_for
from .records import person_fields

SOURCES = Path(__file__).parent / "assets"
SHARED_SCRIPT = SOURCES / "qinglian.js"
FORMS_STYLE = SOURCES / "forms.css"
# Sends records to the collector: only sites that have one load it
DELIVERY_SCRIPT = SOURCES / "delivery.js"
# SHA-256, for exam answer digests and certificate codes: only those pages load it
DIGEST_SCRIPT = SOURCES / "sha256.js"
# Filter menus kept in the address: in the gallery's and the register's scripts
FILTERS_SCRIPT = SOURCES / "filters.js"

# A UI string's key as a script writes it ("quiz.start"), and the start of
# one made at run time ("storage." + problem, "path.open_" + kind)
_KEY = re.compile(r'"([a-z_]+(?:\.[a-z0-9_]+)+)"(?!\s*\+)')
_KEY_PREFIX = re.compile(r'"([a-z_]+\.[a-z0-9_.]*)"\s*\+')
# Bundles that carry the shared module are named "qinglian-<kind>.<hash>.js"
_SHARED_CARRIER = re.compile(r'assets/qinglian/qinglian-[a-z]+\.[0-9a-f]{8}\.js"')


@dataclass(frozen=True)
class Asset:
    name: str  # e.g. "quiz.1a2b3c4d.js", written below assets/qinglian/
    content: str

    def write(self, site_dir: Path) -> None:
        path = site_dir / "assets" / "qinglian" / self.name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.content, encoding="utf-8")


@dataclass(frozen=True)
class Bundle:
    """What a page with one kind of block loads: ``full`` is the shared module and
    the block's own script (one file) and style (one file); ``part`` only the
    block's own, for a page whose shared module came with another block."""

    full: tuple[Asset, ...]
    part: tuple[Asset, ...]

    @property
    def assets(self) -> list[Asset]:
        """Every file of the bundle, to write into the site."""
        return [*self.full, *self.part]

    def for_page(self, html: str) -> list[Asset]:
        """Return what a page whose HTML so far is ``html`` needs to load: nothing more
        after an earlier block of this kind, the block's own part after another
        kind's bundle (which brought the shared module), else the whole bundle."""
        # Most pages load none of our assets: one scan of the page instead of five
        if "assets/qinglian/" not in html:
            return list(self.full)
        if any(f'assets/qinglian/{item.name}"' in html for item in self.assets):
            return []
        return list(self.part if _SHARED_CARRIER.search(html) else self.full)


def asset(stem: str, source: Path, language: str | None = None,
          cache_dir: Path | None = None, *, extra_scripts: tuple[Path, ...] = ()) -> Asset:
    """Return the minified ``source`` (.js or .css) as a hashed asset named after ``stem``.

    With ``language``, a script gets its UI strings in that language (see
    ``_localized``). ``extra_scripts`` (shared code from common/assets) go
    before it in the same file: no request more.
    """
    content = _minify_file(source, cache_dir)
    if language:
        content, strings = _localized(content, language)
        content = content.replace("__QINGLIAN_STRINGS__", _json(strings))
    if extra_scripts:
        return _joined(stem, source.suffix, [_minify_file(path, cache_dir) for path in extra_scripts]
                       + [content])
    return Asset(f"{stem}.{short_hash(content)}{source.suffix}", content)


def block_assets(stem: str, folder: Path, hospital: dict, site_name: str, language: str,
                 cache_dir: Path | None = None, *, name: str | None = None,
                 extra_scripts: tuple[Path, ...] = ()) -> Bundle:
    """Return everything a page with a ``stem`` block loads: the shared module (and
    delivery.js when the site has a collector), then ``extra_scripts`` and
    ``folder``/``stem``.js, and forms.css with ``stem``.css; the files are named
    after ``name`` (``stem`` by default)."""
    name = name or stem
    shared, strings = _localized(_minify_file(SHARED_SCRIPT, cache_dir), language)
    collector = hospital.get("collector_url")
    # Named only on a site that has one: the scripts ask config.collector for truth
    config = _json({"build": _code_version(), "siteId": site_id(hospital, site_name),
                    **({"collector": collector} if collector else {}),
                    "staff": person_fields("staff", hospital.get("departments") or [], language),
                    "strings": strings})
    own = [_minify_file(path, cache_dir) for path in extra_scripts]
    own.append(asset(stem, folder / f"{stem}.js", language, cache_dir).content)
    core = [shared.replace("__QINGLIAN_CONFIG__", config)]
    if collector:
        core.append(_minify_file(DELIVERY_SCRIPT, cache_dir))
    style = asset(stem, folder / f"{stem}.css").content
    return Bundle(
        full=(_joined(f"qinglian-{name}", ".js", core + own),
              _joined(f"qinglian-{name}", ".css", [_minify_file(FORMS_STYLE, cache_dir), style])),
        part=(_joined(name, ".js", own), _joined(name, ".css", [style])))


def page_assets(assets: list[Asset], page_url: str) -> tuple[list[str], list[str]]:
    """Return the URLs of ``assets`` relative to a page: (scripts, stylesheets)."""
    # page.url is "", "a/b/" (directory URLs) or "a/b.html": one ../ per folder
    prefix = "../" * page_url.count("/")
    urls = [(item, f"{prefix}assets/qinglian/{item.name}") for item in assets]
    return ([url for item, url in urls if item.name.endswith(".js")],
            [url for item, url in urls if item.name.endswith(".css")])


def asset_cache(config_file_path: str | None) -> Path | None:
    """Return where minified scripts are kept between builds: .cache/qinglian/assets
    beside mkdocs.yml (safe to delete)."""
    return Path(config_file_path).parent / ".cache" / "qinglian" / "assets" if config_file_path else None


def site_id(hospital: dict, site_name: str) -> str:
    """Return the id that names this site's records: extra.hospital.site_id, else
    one derived from the hospital's and the site's names."""
    return hospital.get("site_id") or short_hash(f"{hospital.get('name', '')}|{site_name}", 12)


# -----------------------------------------------------------------------------


@cache
def _code_version() -> str:
    """Return a hash of every browser script of the package: pages built by another
    version of qinglian carry another one."""
    scripts = sorted(SOURCES.parent.parent.glob("*/assets/*.js"))
    return short_hash("\n".join(path.read_text(encoding="utf-8") for path in scripts))


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _localized(code: str, language: str) -> tuple[str, dict[str, str]]:
    """Put the UI strings into a minified script: each key written out
    (``t("quiz.start")``) becomes its text, which ``t`` shows as it is; keys
    made while the script runs (``t("storage." + problem)``) are looked up in
    the returned table, which has every string under such a prefix."""
    table = strings_for(("",), language)
    prefixes = tuple(set(_KEY_PREFIX.findall(code)))
    dynamic = {key: text for key, text in table.items() if prefixes and key.startswith(prefixes)}
    return _KEY.sub(lambda m: _json(table[m[1]]) if m[1] in table else m[0], code), dynamic


def _joined(stem: str, suffix: str, parts: list[str]) -> Asset:
    if suffix == ".js":  # one statement after another, whatever each one ends with
        parts = [part if part.rstrip().endswith(";") else f"{part};" for part in parts]
    content = "\n".join(parts)
    return Asset(f"{stem}.{short_hash(content)}{suffix}", content)


def _minify_file(source: Path, cache_dir: Path | None) -> str:
    text = source.read_text(encoding="utf-8")
    return _minify_script(text, cache_dir) if source.suffix == ".js" else _minify_style(text)


@cache
def _minify_style(text: str) -> str:
    return rcssmin.cssmin(text)


_minified: dict[str, str] = {}  # scripts minified in this process, by source text


@cache
def _minifier() -> str:
    # Asked once: importlib.metadata scans the installed packages each time
    # (3 ms a script, ~40 ms a build). This module's code counts too: its
    # rewrites (_compacted) change the output as much as calmjs does
    return f"calmjs.parse {version('calmjs.parse')} {short_hash(Path(__file__).read_text('utf-8'))}"


def _minify_script(text: str, cache_dir: Path | None) -> str:
    # Keyed by the minifier too: another version may write other code
    key = sha256_hex(f"{_minifier()}\n{text}")[:32]
    # Pickled with its key, not as a plain .js: a file cut short (a build killed,
    # a USB stick pulled out) would be published cut short
    kept = cache_dir / f"{key}.pickle" if cache_dir else None
    minified = _minified.get(text)
    if minified is None and kept:
        minified = kept_pickle(kept, key)
    made = minified is None
    if made:
        # Imported only when needed: a tenth of a second, which a build that finds
        # every script in the cache need not spend
        from calmjs.parse import es5

        minified = "".join(chunk.text for chunk in _printer()(_compacted(es5(text))))
    if kept and (made or not kept.is_file()):
        keep_pickled(kept, key, minified)
    _minified[text] = minified
    return minified


@cache
def _printer():
    """Return calmjs's minifying printer: local names shortened, while globals
    (window.qinglian, the build's __QINGLIAN_…__ placeholders) keep theirs; a
    block's last semicolon dropped, and the spaces it puts after the semicolons
    of a for loop's header (``for(var i=0;i<8;i++)``)."""
    from calmjs.parse import rules
    from calmjs.parse.handlers.core import layout_handler_semicolon
    from calmjs.parse.lexers.es5 import Lexer
    from calmjs.parse.ruletypes import EndStatement, OptionalSpace
    from calmjs.parse.unparsers.es5 import Unparser

    def tight_for_headers():
        return {"layout_handlers": {(EndStatement, OptionalSpace): layout_handler_semicolon}}

    return Unparser(rules=[rules.minify(drop_semi=True), tight_for_headers,
                           rules.obfuscate(obfuscate_globals=False, reserved_keywords=Lexer.keywords_dict.keys())])


def _compacted(program):
    """Rewrite a parsed script, in place, into shorter code of the same meaning, where
    calmjs's printer keeps what was written: ``var a = 1; var b = 2;`` becomes
    ``var a=1,b=2``, ``true`` and ``false`` become ``!0`` and ``!1``, and a block of
    one simple statement loses its braces. Returns ``program``."""
    from calmjs.parse import asttypes as js

    # Where each kind of node keeps its list of statements
    lists = {js.Program: "_children_list", js.Block: "_children_list", js.FuncBase: "elements",
             js.Case: "elements", js.Default: "elements"}
    # What may stand without braces: no `if` (an `else` after it would change
    # hands), nothing that declares
    simple = (js.ExprStatement, js.Return, js.Throw, js.Break, js.Continue, js.Try)

    def shorter(value):
        if isinstance(value, js.Boolean):
            return js.UnaryExpr("!", js.Number("0" if value.value == "true" else "1"))
        if isinstance(value, js.Block) and len(value.children()) == 1 and isinstance(value.children()[0], simple):
            return value.children()[0]
        return value

    def rewrite(node):
        held = next((name for kind, name in lists.items() if isinstance(node, kind)), None)
        if held:
            merged = []
            for statement in getattr(node, held):
                if isinstance(statement, js.VarStatement) and merged and isinstance(merged[-1], js.VarStatement):
                    merged[-1].children().extend(statement.children())
                else:
                    merged.append(statement)
            setattr(node, held, merged)
        for name, value in vars(node).items():
            if isinstance(value, list):  # arguments, array items, object values …
                value[:] = [shorter(item) if isinstance(item, js.Boolean) else item for item in value]
            elif isinstance(value, js.Boolean) and name not in ("node", "identifier"):
                # Not where a property is read or a function called: `true.x` is no `!0.x`
                setattr(node, name, shorter(value))
            elif name in ("consequent", "alternative", "statement") and not isinstance(node, js.DoWhile):
                # The body of an if, an else or a loop (a do-while's keeps its braces)
                setattr(node, name, shorter(value))
        for child in node:
            rewrite(child)

    rewrite(program)
    return program
