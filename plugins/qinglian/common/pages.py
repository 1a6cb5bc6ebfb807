"""Markdown pages as trainers write them: front matter, body, and generated sections."""

from __future__ import annotations

import os
import re
from pathlib import Path

from .errors import ContentError, ContentProblem, did_you_mean
from .yamlio import LineDict, hidden, load_yaml

# MkDocs' own front matter rule: a YAML block between --- lines at the very top
FRONT_MATTER = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.S)
# Front matter begun but never closed: MkDocs shows its keys as page text
UNCLOSED_FRONT_MATTER = re.compile(r"-{3}[ \t]*\n[A-Za-z_][\w-]*:[ \t\n]")
# The lines git leaves in a file whose merge it could not finish
CONFLICT_MARKER = re.compile(r"^(?:<{7}|>{7})(?: |$)", re.M)

# The front-matter keys a page may have: MkDocs' and Material's own, then those
# Qinglian's plugins read on a lesson, a case, an exhibit and a pledge page.
# MkDocs passes over any other key without a word, so "standrad: 1" would
# quietly leave a lesson without its cases and risks
THEME_KEYS = ("title", "description", "template", "hide", "icon", "status", "subtitle",
              "search", "tags", "comments")
LESSON_KEYS = ("title", "standard", "summary", "duration")
CASE_KEYS = ("title", "summary", "standards", "kind", "post")
EXHIBIT_KEYS = ("title", "creator", "department", "medium", "year", "description", "images")
# (a pledge page holds its pledge under the one key "pledge")
PAGE_KEYS = frozenset(THEME_KEYS + LESSON_KEYS + CASE_KEYS + EXHIBIT_KEYS + ("pledge",))


# The numbers of the nine standards (医疗机构工作人员廉洁从业九项准则)
STANDARDS = range(1, 10)


def is_standard(value) -> bool:
    """Whether ``value`` (as YAML gives it) is the number of one of the nine standards
    (1–9): true is none, though Python counts it as 1."""
    return not isinstance(value, bool) and value in STANDARDS


def split_front_matter(source: str) -> tuple[str, str]:
    """Return (front matter YAML, body) of a Markdown file."""
    match = FRONT_MATTER.match(source)
    return (match.group(1), source[match.end():]) if match else ("", source)


def conflict_line(text: str) -> int | None:
    """Return the line of the first git merge conflict marker in ``text``, if any."""
    match = CONFLICT_MARKER.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else None


def load_front_matter(source: str, shown: str):
    """Return a page's front matter as parsed (None when it has none or it cannot be
    read) and the YAML problems, their lines counted in the whole file."""
    front, _ = split_front_matter(source)
    if not front:
        return None, []
    try:
        return load_yaml(front, shown), []
    except ContentError as error:  # load_yaml counts from the line after the opening ---
        return None, [ContentProblem(p.path, (p.line or 0) + 1, p.message, p.fix)
                      for p in error.problems]


def unknown_key_problems(meta: LineDict, shown: str, allowed) -> list[ContentProblem]:
    """Return a problem for each key of a page's front matter ``meta`` not in ``allowed``
    (the same words whichever plugin finds it, so it is said once). A key another kind
    of page reads (a lesson's duration on a case page) is named as such: "did you mean"
    would suggest the very same word."""
    return [ContentProblem(shown, meta.line_of(key) + 1,
                           f"key '{key}' is not read on this kind of page"
                           if key in PAGE_KEYS else
                           f"unknown key '{key}' in the front matter"
                           + did_you_mean(key, sorted(PAGE_KEYS)),
                           "correct its spelling or delete it (the keys a page can have: "
                           "指南 → 课程、新文件与发布 → 页面开头的设置)")
            for key in meta if key not in allowed]


def site_front_matter_keys(config) -> tuple[str, ...]:
    """Return the keys the site's own templates read (the portal plugin's
    ``front_matter_keys``), which every kind of page may have."""
    portal = config.plugins.get("qinglian/portal")
    return tuple(portal.config.front_matter_keys) if portal is not None else ()


def front_matter_problems(source: str, shown: str,
                          own_keys: tuple[str, ...] = ()) -> list[ContentProblem]:
    """Return what MkDocs would pass over in a page's front matter: YAML it cannot
    read or that is no mapping (it then shows the block as page text and drops the
    title), a key no one reads (but ``own_keys``, which the site's own templates
    read), a title that is not text, a lesson's standard that is not one of the nine."""
    meta, problems = load_front_matter(source, shown)
    if meta is None and UNCLOSED_FRONT_MATTER.match(source) and not FRONT_MATTER.match(source):
        return [ContentProblem(shown, 1, "the front matter has no closing --- line, so the "
                               "page shows its keys as text",
                               "add a line --- after its last key, before the page's text")]
    if meta is None:
        return problems
    if not isinstance(meta, LineDict):
        return [ContentProblem(shown, 2, "the front matter between the --- lines is not "
                               "'key: value' lines", "write e.g. title: 第一条 …")]
    problems = unknown_key_problems(meta, shown, PAGE_KEYS.union(own_keys))
    title = meta.get("title")
    if "title" in meta and not (isinstance(title, str) and title.strip()):
        problems.append(ContentProblem(shown, meta.line_of("title") + 1,
                                       f"'title' must be text, not {title!r}",
                                       "put the title in quotes, e.g. title: \"2024\""))
    standard = meta.get("standard")
    if "standard" in meta and not is_standard(standard):
        problems.append(ContentProblem(shown, meta.line_of("standard") + 1,
                                       f"standard {standard!r} is not one of the nine (1–9)",
                                       "write the standard's number, e.g. standard: 1"))
    return problems


def read_source(path: Path, shown: str) -> tuple[str | None, ContentProblem | None]:
    """Return the text of a trainer's file (UTF-8, with or without a BOM), or None and
    the problem: the line of the first byte that is not UTF-8, or why it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError as error:  # a shortcut to a file that is gone, a folder named x.md
        return None, ContentProblem(shown, None, f"the file cannot be read ({error.strerror})",
                                    "restore the file, or delete it")
    return decode_source(data, shown)


def decode_source(data: bytes, shown: str) -> tuple[str | None, ContentProblem | None]:
    """Return the text of a trainer's file read as ``data`` (see read_source), with
    Windows (CRLF) and old Mac (CR) line ends as "\\n", as MkDocs reads pages."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return None, ContentProblem(shown, data[:error.start].count(b"\n") + 1,
                                    "the file is not UTF-8 text",
                                    "save it as UTF-8 (记事本/WPS: 另存为 → 编码 UTF-8)")
    # Notepad saves CRLF: a fence's closing "```\r" or front matter's "---\r"
    # would not be seen, and the page shows its YAML as text
    return text.replace("\r\n", "\n").replace("\r", "\n"), None


def docs_files(docs_dir: Path) -> frozenset[str]:
    """Return the path of every file under ``docs_dir``, relative to it with "/", as named
    on disk: a path written in other letter case is none of them, on Windows too."""
    found: list[str] = []
    for folder, _, names in os.walk(docs_dir):
        # One path made per folder, not per file: 1,000 lessons took 8 ms
        relative = Path(folder).relative_to(docs_dir).as_posix()
        found += names if relative == "." else [f"{relative}/{name}" for name in names]
    return frozenset(found)


def is_section_page(relative: str) -> bool:
    """Whether the file at ``relative`` (its path in a section folder, with "/") is one
    of the section's pages: a .md file in the folder or a sub-folder (a trainer files
    cases by year: cases/2024/x.md) but their index.md and hidden ones (see trainer_files)."""
    parts = relative.split("/")
    return parts[-1].endswith(".md") and parts[-1] != "index.md" and not hidden(parts)


def read_pages(folder: Path, docs_dir: Path, shown_folder: str, read) -> tuple[list, list[ContentProblem]]:
    """Read every page of a section ``folder`` (see is_section_page), in path order,
    with ``read(source, src, shown)`` → (an item or None, its problems); return the
    items and all problems. Messages name files as ``shown_folder``/path."""
    items, problems = [], []
    for path in sorted(folder.glob("**/*.md")):
        relative = path.relative_to(folder).as_posix()
        if not is_section_page(relative):
            continue
        shown = f"{shown_folder}/{relative}"
        source, problem = read_source(path, shown)
        if problem:
            problems.append(problem)
            continue
        item, found = read(source, path.relative_to(docs_dir).as_posix(), shown)
        problems += found
        if item:
            items.append(item)
    return items, problems


def insert_before_heading(html: str, heading: str, section: str) -> str:
    """Put ``section`` before the first <h2> reading ``heading`` (a lesson's 自测),
    or at the end of ``html`` when there is none."""
    match = re.search(rf"<h2[^>]*>\s*{re.escape(heading)}\b", html)
    return html[:match.start()] + section + html[match.start():] if match else html + section
