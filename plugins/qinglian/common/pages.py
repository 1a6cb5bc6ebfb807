"""Markdown pages as trainers write them: front matter, body, and generated sections."""

from __future__ import annotations

import re

# MkDocs' own front matter rule: a YAML block between --- lines at the very top
FRONT_MATTER = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.S)


def split_front_matter(source: str) -> tuple[str, str]:
    """Return (front matter YAML, body) of a Markdown file."""
    match = FRONT_MATTER.match(source)
    return (match.group(1), source[match.end():]) if match else ("", source)


def insert_before_heading(html: str, heading: str, section: str) -> str:
    """Put ``section`` before the first <h2> reading ``heading`` (a lesson's 自测),
    or at the end of ``html`` when there is none."""
    match = re.search(rf"<h2[^>]*>\s*{re.escape(heading)}\b", html)
    return html[:match.start()] + section + html[match.start():] if match else html + section
