"""Links of a page: as paper shows them, and where the Markdown wrote them."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Collection, Iterator
from urllib.parse import unquote, urlsplit

from ..common.errors import ContentProblem, meant_path, named_path

# The start of an <a> whose href leads to another site (http:, https: or //host)
_OUTSIDE_LINK = re.compile(r"""<a(?=\s[^>]*?\bhref\s*=\s*["']?\s*(?:https?:)?//)""", re.IGNORECASE)


def mark_outside_links(html: str) -> str:
    """Return ``html`` with ``data-ql-outside`` on each link to another site, whose
    address paper shows after it (qinglian.css). In the browser the href cannot tell:
    Material's instant navigation makes every link of the site absolute too."""
    if "//" not in html:  # most pages: a find instead of the pattern (2 vs 15 µs a page)
        return html
    return _OUTSIDE_LINK.sub("<a data-ql-outside", html)


# Where Markdown names another file (MkDocs resolves no other): an inline link or
# image "](x)", or a reference definition "[x]: x"
_LINK_TARGET = re.compile(r"\]\(\s*<?([^)\s>]+)|^ {0,3}\[[^\]]+\]:\s*<?([^\s>]+)", re.M)


# A raw HTML link, whose href Markdown leaves as written
_HTML_LINK = re.compile(r"""<a\s[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""",
                        re.IGNORECASE)

# Where a link is only text: a fenced code block, an inline code span, an HTML comment
_NOT_PROSE = re.compile(r"^[ \t>]*(`{3,}|~{3,}).*?(?:^[ \t>]*\1[`~]*[ \t]*$|\Z)"
                        r"|(?<!`)(`+)[^`\n](?:[^\n]*?[^`\n])??\2(?!`)|<!--.*?-->",
                        re.MULTILINE | re.DOTALL)


def find_link(markdown: str, page: str, target: str) -> tuple[int, str] | None:
    """Return the line and the address as written of the first link in ``markdown``
    (the source of docs-relative ``page``) that leads to docs-relative ``target``,
    resolved as MkDocs resolves it."""
    folder = posixpath.dirname(page)
    for line, written in _markdown_links(markdown):
        if _resolve(written, folder) == target:
            return line, written
    return None


def link_line(markdown: str, written: str) -> int | None:
    """Return the line of the first Markdown link of ``markdown`` to ``written``."""
    return next((line for line, each in _markdown_links(_prose(markdown)) if each == written),
                None)


def dead_markdown_links(markdown: str, page: str, shown: str, sources: Collection[str],
                        excluded: Collection[str] = ()) -> Iterator[ContentProblem]:
    """Yield a problem for each Markdown link of ``markdown`` (the source of docs-relative
    ``page``, named ``shown`` in messages) to a file that is not among ``sources``
    (docs-relative paths of the site's files), or is among those of them ``excluded``
    from the built site, as MkDocs' build finds them."""
    folder = posixpath.dirname(page)
    for line, written in _markdown_links(_prose(markdown)):
        target = _resolve(written, folder)
        if target in excluded:
            yield excluded_link_problem(shown, line, written, target)
        # No file extension: MkDocs calls it unrecognized, not missing, and says so itself
        elif target is not None and target not in sources and posixpath.splitext(target)[1]:
            yield dead_link_problem(page, shown, line, written, sources)


def excluded_link_problem(shown: str, line: int | None, written: str,
                          target: str) -> ContentProblem:
    """Return the problem of a link (``written``, in the page named ``shown``) to
    docs-relative ``target``, which exclude_docs or draft_docs leave out of the site."""
    return ContentProblem(
        shown, line,
        f"link '{written}' leads to '{target}', which exclude_docs or draft_docs in "
        "mkdocs.yml leave out of the site, so the link is dead there",
        "link to a published page (for a data file such as a .yml, to the page that "
        "shows it), or publish the file")


def dead_html_links(markdown: str, page: str, shown: str, page_url: str,
                    sources: Collection[str], urls: Collection[str]) -> Iterator[ContentProblem]:
    """Yield a problem for each raw HTML link of ``markdown`` (the source of docs-relative
    ``page``, named ``shown`` in messages, built at ``page_url``) whose href leads to none
    of ``urls`` (the built files' URLs, normalized as ``site_url_of`` does): Markdown
    leaves such an href as written, and MkDocs does not check it."""
    if "<a" not in markdown and "<A" not in markdown:  # most pages: a find, not the scan
        return
    folder = posixpath.dirname(page)
    base = page_url if page_url.endswith("/") else posixpath.dirname(page_url)
    prose = _prose(markdown)
    for match in _HTML_LINK.finditer(prose):
        written = next(group for group in match.groups() if group is not None)
        target = _resolve(written, base)
        if target is None or target in urls:
            continue
        named = _page_meant(written, page, sources)
        yield ContentProblem(
            shown, prose.count("\n", 0, match.start()) + 1,
            f'<a href="{written}"> leads to no file of the built site',
            "write it as a Markdown link to the page's file, "
            + (f"[文字]({posixpath.relpath(named, folder or '.')})" if named else
               "[文字](页面.md) with the path relative to this page")
            + ": MkDocs turns that into the page's address in both the intranet and the "
            "file:// build, while an href stays as written")


def _page_meant(written: str, page: str, sources: Collection[str]) -> str | None:
    """Return the page file the href ``written`` in docs-relative ``page`` most likely
    means, or None: read as a Markdown link would be, or as an address of the intranet
    build (where the page is a folder), with a page's address ("x/", "x.html") taken for
    its file (x.md, x/index.md)."""
    written = written.replace("\\", "/")
    folder = posixpath.dirname(page)
    as_folder = folder if posixpath.basename(page) == "index.md" else posixpath.splitext(page)[0]
    for base in (folder, as_folder):
        path = _resolve(written, base) or ""
        stem = path.removesuffix(".html")
        for candidate in (path, f"{stem}.md", f"{stem}/index.md"):
            named = candidate if candidate in sources else named_path(candidate, sources)
            if named:
                return named
    return None


def site_url_of(url: str) -> str:
    """Return a built file's URL as ``dead_html_links`` compares it."""
    return posixpath.normpath(unquote(url))


def dead_link_problem(page: str, shown: str, line: int | None, written: str,
                      sources: Collection[str]) -> ContentProblem:
    """Return the problem of a Markdown link in docs-relative ``page`` (named ``shown``)
    that leads to no file of the site."""
    folder = posixpath.dirname(page) or "."
    # Compared relative to the page, so that "did you mean" says what to write there
    wanted = posixpath.relpath(posixpath.normpath(posixpath.join(
        folder, unquote(urlsplit(written.replace("\\", "/")).path))), folder)
    meant = meant_path(wanted, (posixpath.relpath(source, folder) for source in sources))
    return ContentProblem(
        shown, line, f"link '{written}' leads to no file of the site{meant}",
        "write the path as the file is named: on the build machine upper and lower case "
        "count, and folders are separated by /" if meant else
        "correct the path: it is relative to this page (e.g. ../lessons/standard-1.md)")


# -----------------------------------------------------------------------------


def _markdown_links(markdown: str) -> Iterator[tuple[int, str]]:
    """Yield the line and the address as written of each Markdown link of ``markdown``."""
    for match in _LINK_TARGET.finditer(markdown):
        written = next(group for group in match.groups() if group)
        yield markdown.count("\n", 0, match.start()) + 1, written


def _prose(markdown: str) -> str:
    """Return ``markdown`` with its code and comments blanked out (line numbers kept)."""
    return _NOT_PROSE.sub(lambda code: re.sub(r"[^\n]", " ", code.group()), markdown)


def _resolve(written: str, folder: str) -> str | None:
    """Return where a relative address leads from ``folder``, as MkDocs resolves it (None
    for another site, an absolute path, which MkDocs leaves as it is, or an anchor)."""
    parts = urlsplit(written)
    path = unquote(parts.path)
    if parts.scheme or parts.netloc or not path or path.startswith(("/", "\\")):
        return None
    return posixpath.normpath(posixpath.join(folder, path).lstrip("/"))
