"""Finds what would make a page load something from an outside host.

The site must work on a ward PC with no internet, so a rendered page may not
reference any http(s) resource that the browser fetches by itself, and may not
use fences that Material draws by loading a library from a CDN.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser

from ..common.errors import ContentProblem

# Fence languages that Material renders by loading a library from a CDN
CDN_FENCES = {
    "mermaid": "Material draws Mermaid diagrams with a script it loads from unpkg.com",
}

# A URL as a browser reads it: spaces around it and tabs and newlines in it
# dropped, a backslash taken for "/" (as http, https and file URLs read it)
_AROUND_URL = "".join(map(chr, range(0x21)))
_URL_NOISE = str.maketrans({"\t": None, "\n": None, "\r": None, "\\": "/"})
# "//host", and any http(s) scheme: "https:host/x" names a host too, from a
# file:// or http:// page
_OUTSIDE = re.compile(r"https?:|//", re.IGNORECASE)
# Finding "//" in HTML, where nearly every tag holds a "/": the compiled pattern
# takes two thirds of str.find's time (31 vs 47 ms per 1,000 pages of 50 KB)
_SLASHES = re.compile("//")
# Tags that may reach another host without "//" in them: "\\host",
# "&#47;&#47;host", "https:host", "/<newline>/host". Possessive, and a colon
# only after a scheme's last letter: 14 ms per 1,000 pages, not 82 (a quiz's
# JSON attribute is full of colons)
_ODD_TAG = re.compile(r"<[a-zA-Z](?:[^<>\\&:/]++|/(?![\t\n\r])|(?<![pPsS\t\n\r]):)*+"
                      r"(?:[\\&]|/[\t\n\r]|:)[^<>]*+>")
# A CSS URL: quoted, or unquoted up to a space that does not end an escape
_CSS_VALUE = r"""(?:"([^"]*)"|'([^']*)'|((?:\\[0-9a-fA-F]{1,6}\s?|\\.|[^)\s\\;])*))"""
_CSS_URL = re.compile(r"url\(\s*" + _CSS_VALUE, re.IGNORECASE)
_CSS_IMPORT = re.compile(r"@import\s+(?:url\(\s*)?" + _CSS_VALUE, re.IGNORECASE)
# image-set() takes a URL as a plain string too: image-set("a.png" 1x, "b.png" 2x)
_CSS_IMAGE_SET = re.compile(r"image-set\(((?:[^()]|\([^()]*\))*)\)", re.IGNORECASE)
_CSS_STRING = re.compile(r""""([^"]*)"|'([^']*)'""")
_CSS_ESCAPE = re.compile(r"\\(?:([0-9a-fA-F]{1,6})\s?|(.))", re.S)
_STYLE_BLOCK = re.compile(r"<style\b[^>]*>.*?</style\s*>", re.S | re.I)
_CDN_LANGUAGE = re.compile("|".join(CDN_FENCES), re.IGNORECASE)
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})\s*\{?\s*\.?([\w-]+)")

# Attributes whose URL the browser fetches without a click
_FETCHED = {"src", "poster", "data", "background"}
# Tags whose href the browser fetches (SVG pictures), or that send every
# relative URL of the page to it (<base>)
_FETCHED_HREF = {"image", "feimage", "base"}


@dataclass(frozen=True)
class OutsideReference:
    url: str
    where: str  # e.g. "<img src>", "CSS url()"


def find_outside_references(html: str, content: str | None = None) -> list[OutsideReference]:
    """Return every reference in ``html`` that makes the browser contact another host.

    Spellings without "//" ("\\\\host", "&#47;&#47;host", "https:host") are looked
    for in ``content``, the page's own part of ``html`` (all of it when not given):
    trainers may type them, the theme does not, and a whole page costs a scan more.
    """
    # Only tags and style blocks can fetch from another host: parsing just
    # those holding a URL, instead of the whole page, keeps the guard cheap
    own = html if content is None else content
    tags, loose = _tags_holding_slashes(html)
    found = []
    for tag in tags:
        found += _references_in(tag)
    for tag in _ODD_TAG.findall(own):
        if "//" not in tag:  # parsed above
            found += _references_in(tag)
    # A style block reaches another host by "//", or by an odd spelling (in the
    # content only, as for tags): most pages have no "//" outside their tags,
    # and need no scan of the whole page for <style>
    for match in _STYLE_BLOCK.finditer(html if loose else own):
        found += _references_in(match.group(0))
    return found


def is_outside(url: str) -> bool:
    """Say whether the browser would fetch ``url`` from another host."""
    return bool(_OUTSIDE.match(url.strip(_AROUND_URL).translate(_URL_NOISE)))


def find_cdn_fences(markdown: str) -> list[tuple[int, str]]:
    """Return (line, language) for each fence in ``markdown`` that needs a CDN."""
    found = []
    if not _CDN_LANGUAGE.search(markdown):  # most pages: no line-by-line scan
        return found
    for number, line in enumerate(markdown.splitlines(), start=1):
        match = _FENCE.match(line)
        if match and match.group(2).lower() in CDN_FENCES:
            found.append((number, match.group(2).lower()))
    return found


def fence_problems(source: str, path: str) -> list[ContentProblem]:
    """Return a problem for each CDN fence in the Markdown file ``path``."""
    return [
        ContentProblem(
            path, line,
            f"a '{language}' fence cannot be shown offline ({CDN_FENCES[language]})",
            "draw the diagram as an SVG or PNG image, save it beside the page and "
            "embed it with ![说明](图片.svg)",
        )
        for line, language in find_cdn_fences(source)
    ]


def reference_problems(
    references: list[OutsideReference], own: set[OutsideReference], source: str, path: str
) -> tuple[list[ContentProblem], list[OutsideReference]]:
    """Return problems for the outside ``references`` of a page that are its ``own``
    (in its content) or stand in its ``source``.

    The others come from the theme or mkdocs.yml; they are returned apart, for the
    caller to report once for the whole site.
    """
    problems, elsewhere = [], []
    for reference in references:
        line = locate(source, reference.url)  # None when spelled otherwise there
        if line is None and reference not in own:
            elsewhere.append(reference)
            continue
        problems.append(ContentProblem(
            path, line,
            f"{reference.where} loads '{reference.url}' from an outside host, which a "
            "ward PC without internet cannot reach",
            "download the file into the page's folder and refer to it by a relative path",
        ))
    return problems, elsewhere


def describe_site_reference(reference: OutsideReference) -> str:
    """Say what to do about an outside reference that is on every page."""
    return (
        f"{reference.where} loads '{reference.url}' from an outside host on every page; "
        "it comes from mkdocs.yml (extra_css, extra_javascript, polyfills) or theme/: "
        "put the file in the project and refer to it by a relative path"
    )


def locate(source: str, needle: str) -> int | None:
    """Return the 1-based line of the first occurrence of ``needle`` in ``source``."""
    index = source.find(needle)
    return source.count("\n", 0, index) + 1 if index >= 0 else None


# -----------------------------------------------------------------------------


def _tags_holding_slashes(html: str) -> tuple[list[str], bool]:
    """Return each start tag of ``html`` with "//" in it, and whether some "//"
    stand outside tags (a regex scanning every tag for "//" cost half the guard's
    time; jumping between the few "//" does not)."""
    tags, loose = [], False
    end = 0  # of the last tag found: the "//" before it were in it
    for match in _SLASHES.finditer(html):
        slashes = match.start()
        if slashes < end:
            continue
        start, close = html.rfind("<", 0, slashes), html.find(">", slashes)
        if (start >= 0 and close >= 0 and html[start + 1:start + 2].isascii()
                and html[start + 1:start + 2].isalpha()
                and html.find(">", start, slashes) < 0 and html.find("<", slashes, close) < 0):
            tags.append(html[start:close + 1])
            end = close
        else:
            loose = True
    return tags, loose


# Pages repeat the same tags (Material's icons, our assets): parse each once
@lru_cache(maxsize=4096)
def _references_in(markup: str) -> tuple[OutsideReference, ...]:
    finder = _ReferenceFinder()
    finder.feed(markup)
    finder.close()
    return tuple(finder.found)


class _ReferenceFinder(HTMLParser):

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[OutsideReference] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attributes.items():
            if not value:
                continue
            if name in _FETCHED and is_outside(value):
                self.found.append(OutsideReference(value.strip(), f"<{tag} {name}>"))
            elif name == "srcset":
                for candidate in value.split(","):
                    url = candidate.strip().split(" ")[0]
                    if is_outside(url):
                        self.found.append(OutsideReference(url, f"<{tag} srcset>"))
            elif name == "style":
                self._find_in_css(value, f"<{tag} style>")
            elif name in {"href", "xlink:href"} and tag in _FETCHED_HREF and is_outside(value):
                self.found.append(OutsideReference(value.strip(), f"<{tag} {name}>"))
        if tag == "link" and is_outside(attributes.get("href") or ""):
            rel = (attributes.get("rel") or "").lower()
            if rel not in {"canonical", "alternate", "author", "license", "help", "me"}:
                self.found.append(OutsideReference(attributes["href"].strip(), f"<link rel={rel}>"))
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self._find_in_css(data, "<style>")

    def _find_in_css(self, css: str, where: str) -> None:
        imported = {_written(match) for match in _CSS_IMPORT.finditer(css)}
        for url in sorted(imported):
            if is_outside(_css_unescaped(url)):
                self.found.append(OutsideReference(url, f"CSS @import in {where}"))
        for match in _CSS_URL.finditer(css):
            url = _written(match)
            if url not in imported and is_outside(_css_unescaped(url)):
                self.found.append(OutsideReference(url, f"CSS url() in {where}"))
        for match in _CSS_IMAGE_SET.finditer(css):
            for string in _CSS_STRING.finditer(_CSS_URL.sub("", match[1])):  # url() above
                url = _written(string)
                if is_outside(_css_unescaped(url)):
                    self.found.append(OutsideReference(url, f"CSS image-set() in {where}"))


def _written(match: re.Match) -> str:
    """Return the URL of a CSS url() or @import, quoted or not."""
    return next(group for group in match.groups() if group is not None)


def _css_unescaped(text: str) -> str:
    """Return CSS ``text`` with its escapes ("\\2f", "\\/") read as the browser reads them
    (zero, or past the last code point: U+FFFD)."""
    def unescaped(match: re.Match) -> str:
        if not match.group(1):
            return match.group(2)
        code = int(match.group(1), 16)
        return chr(code) if 0 < code <= 0x10FFFF else "\ufffd"

    return _CSS_ESCAPE.sub(unescaped, text)
