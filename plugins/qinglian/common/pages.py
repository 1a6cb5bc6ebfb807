"""Markdown pages as trainers write them: front matter, body, and generated sections."""

from __future__ import annotations

import re
from pathlib import Path

from .errors import ContentProblem

# MkDocs' own front matter rule: a YAML block between --- lines at the very top
FRONT_MATTER = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.S)


def split_front_matter(source: str) -> tuple[str, str]:
    """Return (front matter YAML, body) of a Markdown file."""
    match = FRONT_MATTER.match(source)
    return (match.group(1), source[match.end():]) if match else ("", source)


def read_source(path: Path, shown: str) -> tuple[str | None, ContentProblem | None]:
    """Return the text of a trainer's file (UTF-8, with or without a BOM), or None and
    the problem naming the line of the first byte that is not UTF-8."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        return None, ContentProblem(shown, data[:error.start].count(b"\n") + 1,
                                    "the file is not UTF-8 text",
                                    "save it as UTF-8 (记事本/WPS: 另存为 → 编码 UTF-8)")


def insert_before_heading(html: str, heading: str, section: str) -> str:
    """Put ``section`` before the first <h2> reading ``heading`` (a lesson's 自测),
    or at the end of ``html`` when there is none."""
    match = re.search(rf"<h2[^>]*>\s*{re.escape(heading)}\b", html)
    return html[:match.start()] + section + html[match.start():] if match else html + section
