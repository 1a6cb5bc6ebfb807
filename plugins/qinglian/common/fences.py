"""Finds our fenced blocks (```quiz, ```pledge) in a Markdown file.

One scanner for every plugin, following CommonMark's fence rules: a fence
opens with three or more backticks or tildes and closes with the same
character at least as many times, so a ```quiz example shown inside a
````-fence in the authoring guide stays code. Line numbers are those of
the file itself, front matter included.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .errors import ContentError, ContentProblem, did_you_mean
from .yamlio import LineDict, load_yaml

# What stands before the marker may hold quote marks ("> "): such a block is found so
# that it can be refused by name (see fence_id), not left for Markdown to show as code
# in the quote; and a list item's marker ("- ", "1. "): the block goes in the item
_OPENING = re.compile(r"^(?P<indent>[ \t]*(?:>[ \t]*)*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)?)"
                      r"(?P<marker>`{3,}|~{3,})[ \t]*\{?\.?(?P<info>[^\s`{}]*)")


@dataclass(frozen=True)
class Fence:
    language: str
    start: int  # 1-based line of the opening fence in the file
    end: int  # line of the closing fence (the last line when it is never closed)
    indent: str  # what stands before the opening marker, kept when replacing
    body: str  # the lines between, with the opening's indentation removed
    # Indented 4 columns past the text it belongs to: Markdown shows it as code
    code_block: bool = False


def find_fences(markdown: str, languages: set[str], first_line: int = 1) -> list[Fence]:
    """Return the fences of ``markdown`` whose language is in ``languages``.

    ``first_line`` is the file line on which ``markdown`` starts (after front matter).
    """
    found: list[Fence] = []
    # Most pages hold none of our blocks: one search spares the line-by-line scan
    if not _names(frozenset(languages)).search(markdown):
        return found
    lines = markdown.split("\n")
    # A fence opens on a line holding ``` or ~~~ (the search above found one): start
    # at the first such line, and try the pattern on those lines only (trying it on
    # every line was a third of the quiz plugin's on_page_markdown)
    index = markdown.count("\n", 0, min(at for at in (markdown.find("```"), markdown.find("~~~"))
                                         if at >= 0))
    while index < len(lines):
        if "```" not in lines[index] and "~~~" not in lines[index]:
            index += 1
            continue
        opening = _OPENING.match(lines[index])
        if not opening or (opening["marker"][0] == "`" and "`" in lines[index][opening.end():]):
            index += 1
            continue
        indent, marker = opening["indent"], opening["marker"]
        prefix = r"[ \t>]*" if ">" in indent else r"[ \t]*"
        closing = re.compile(rf"^{prefix}{re.escape(marker[0])}{{{len(marker)},}}[ \t]*$")
        end = index + 1
        while end < len(lines) and not closing.match(lines[end]):
            end += 1
        language = opening["info"].lower()
        if language in languages:
            body = "\n".join(_dedent(line, indent) for line in lines[index + 1:end])
            found.append(Fence(language, first_line + index, first_line + min(end, len(lines) - 1),
                               indent, body, _text_column(lines, index) is None))
        index = end + 1
    return found


def replace_fences(markdown: str, fences: list[Fence], replacement, first_line: int = 1) -> str:
    """Return ``markdown`` with each fence replaced by ``replacement(fence)``.

    The replacement stands between blank lines, at the fence's indentation,
    so Markdown reads it as a block of its own.
    """
    lines = markdown.split("\n")
    for fence in sorted(fences, key=lambda f: f.start, reverse=True):
        start, end = fence.start - first_line, fence.end - first_line
        lines[start:end + 1] = ["", fence.indent + replacement(fence), ""]
    return "\n".join(lines)


def body_start_line(source: str, markdown: str) -> int:
    """Return the file line on which ``markdown`` (the source minus front matter) starts."""
    if not markdown or not source.endswith(markdown):
        return 1
    return source[: len(source) - len(markdown)].count("\n") + 1


# The usual body, "id: standard-1", is read without YAML (0.06 ms a block, a
# tenth of the quiz plugin's build time). Ids YAML reads as something else
# (1e3, 2024-01-01, yes, null) start with a digit or are among these words,
# and go through YAML like every other body
_PLAIN_ID = re.compile(r"id:[ \t]+([a-z][a-z0-9-]*)[ \t]*\n?")
_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}


# Where Markdown (tab_length 4) reads the lines after it 4 columns further in: an
# admonition or details title and a content tab at the text's own column; a list
# item, a definition and a footnote up to 3 columns past it
_TITLE = re.compile(r"(?:!!!|\?\?\?\+?|===)[ \t]")
_ITEM = re.compile(r"(?:[-*+]|\d{1,9}[.)]|:|\[\^[^\]]+\]:)[ \t]")


def _width(line: str) -> int:
    """Return the columns of ``line``'s leading whitespace, tabs to the next stop of 4."""
    column = 0
    for char in line:
        if char == " ":
            column += 1
        elif char == "\t":
            column += 4 - column % 4
        else:
            break
    return column


def _text_column(lines: list[str], index: int) -> int | None:
    """Return the column at which the text that ``lines[index]`` belongs to starts
    (0 at the top of the page, 4 inside an admonition, …), or None when the line
    stands 4 or more columns past it: Markdown shows it as indented code."""
    width = _width(lines[index])
    column = _outer_column(lines, index, width) if width else 0
    return None if column is None or width - column >= 4 else column


def _outer_column(lines: list[str], index: int, width: int) -> int | None:
    # The nearest line above that stands further out holds the answer
    for above in range(index - 1, -1, -1):
        line = lines[above]
        if not line.strip() or _width(line) >= width:
            continue
        column = _text_column(lines, above)
        if column is None:
            return None  # inside indented code, all of it is code
        head = line.lstrip(" \t")
        opens = (_width(line) == column and _TITLE.match(head + " ")) or \
            (_width(line) - column <= 3 and _ITEM.match(head + " "))
        return column + 4 if opens and width >= column + 4 else column
    return 0


# A name only counts right after a fence's marker: the marker's literal "```"
# leads the search to the few fences, where the name alone, ignoring case, was
# tried at every character (a tenth of the time, 4 plugins on 1,000 pages)
@lru_cache(maxsize=64)
def _names(languages: frozenset[str]) -> re.Pattern:
    names = "|".join(sorted(map(re.escape, languages)))
    return re.compile(rf"(?:```|~~~)[ \t]*\{{?\.?(?:{names})", re.IGNORECASE)


def _dedent(line: str, indent: str) -> str:
    return line[len(indent):] if line.startswith(indent) else line.lstrip(" \t")


def fence_id(fence: Fence, path: str) -> tuple[str | None, int, ContentProblem | None]:
    """Read a block whose body is ``id: <id>``: return (id, file line of the id, None),
    or (None, line, the problem)."""
    what = f"the {fence.language} block"
    if ">" in fence.indent:
        return None, fence.start, ContentProblem(
            path, fence.start, f"{what} stands inside a quote (>), where it cannot be shown",
            f"start the ```{fence.language} line and the lines after it without '>'")
    if fence.code_block:
        return None, fence.start, ContentProblem(
            path, fence.start, f"{what} is indented 4 or more spaces past the text it "
            "belongs to, so Markdown shows it as code",
            f"indent the ```{fence.language} line and the lines after it as much as that text "
            "(at the top of a page: not at all)")
    plain = _PLAIN_ID.fullmatch(fence.body)
    if plain and plain[1] not in _YAML_WORDS:
        return plain[1], fence.start + 1, None
    try:
        data = load_yaml(fence.body, path)
    except ContentError:
        return None, fence.start + 1, ContentProblem(
            path, fence.start + 1, f"{what} is not valid YAML", "write it as 'id: <id>'")
    if not isinstance(data, LineDict) or "id" not in data:
        return None, fence.start + 1, ContentProblem(
            path, fence.start + 1, f"{what} does not say which {fence.language} to show",
            "write 'id: <id>' inside it")
    for key in data:
        if key != "id":
            return None, fence.start + data.line_of(key), ContentProblem(
                path, fence.start + data.line_of(key),
                f"unknown key '{key}' in {what}" + did_you_mean(key, ["id"]),
                "write only 'id: <id>'")
    return str(data["id"]), fence.start + data.line_of("id"), None
