"""The glossary: one YAML file of domain terms, read, validated and rendered.

The same list feeds jieba (so search splits 统方 or 医联体 as words) and the
glossary page, so there is never a second list to keep in step.

File format::

    terms:
      - term: 统方          # required, unique
        definition: ……      # required
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

from ..common.errors import ContentError, ContentProblem
from ..common.yamlio import LineDict, load_yaml

TERM_KEYS = {"term", "definition"}


@dataclass(frozen=True)
class Term:
    term: str
    definition: str


def parse_terms(text: str, path: str) -> tuple[list[Term], list[ContentProblem]]:
    """Return the valid terms of the glossary file and every problem found in it."""
    try:
        data = load_yaml(text, path)
    except ContentError as error:
        return [], error.problems
    if not isinstance(data, LineDict) or not isinstance(data.get("terms"), list):
        return [], [ContentProblem(
            path, getattr(data, "line", None) or 1, "the glossary has no 'terms' list",
            "start the file with 'terms:' followed by items '- term: …' and 'definition: …'",
        )]

    terms: list[Term] = []
    problems: list[ContentProblem] = []
    first_line: dict[str, int] = {}
    for entry, line in zip(data["terms"], data["terms"].item_lines):
        problem = _check_entry(entry, line, path, first_line)
        if problem:
            problems.append(problem)
            continue
        first_line[entry["term"].strip()] = line
        terms.append(Term(entry["term"].strip(), entry["definition"].strip()))
    return terms, problems


@dataclass(frozen=True)
class Tooltips:
    """The site's terms made ready to annotate pages with (see annotate_terms)."""

    definitions: dict[str, str]
    pattern: re.Pattern | None  # every term, longest first; None without terms


def tooltips_for(terms: list[Term]) -> Tooltips:
    """Return the tooltips of ``terms``, made once per build for every page."""
    definitions = {term.term: term.definition for term in terms}
    longest_first = sorted(definitions, key=len, reverse=True)
    return Tooltips(definitions, re.compile("|".join(map(re.escape, longest_first)))
                    if definitions else None)


def annotate_terms(html: str, tooltips: Tooltips) -> str:
    """Return ``html`` with the first use of each term per section wrapped in a tooltip.

    Longest terms win and there are no word boundaries (Chinese has none, so
    Markdown's abbreviations, which match \\b…\\b, miss 统方 in "商业目的统方，").
    Code, links, headings and our own blocks are left alone; each heading
    starts a new section.
    """
    pattern = tooltips.pattern
    if pattern is None or not pattern.search(html):
        return html
    skipped, depth = "", 0  # the element whose text is left alone, and its nesting
    used: set[str] = set()

    def tooltip(match: re.Match) -> str:
        term = match[0]
        if term in used:
            return term
        used.add(term)
        # Material's content.tooltips shows the title on hover; tabindex adds focus
        return (f'<abbr class="ql-term" title="{escape(tooltips.definitions[term], quote=True)}" '
                f'tabindex="0">{term}</abbr>')

    # The split gives text, then per tag: the tag, its "/", its name (None if
    # none) and the text after it; the names come from the one split instead
    # of a match per tag (half of this function's time)
    pieces = _TAG.split(html)
    for index in range(0, len(pieces), 4):
        if index:
            tag, closing, name = pieces[index - 3], pieces[index - 2], pieces[index - 1]
            pieces[index - 2] = pieces[index - 1] = ""  # not part of the page
            name = name.lower() if name else ""
            closing = bool(closing) and bool(name)
            if name in _HEADINGS and not closing:
                used.clear()
            if depth and name == skipped and not tag.endswith("/>"):
                depth += -1 if closing else 1
            elif not depth and not closing and (name in _SKIP or 'class="qinglian-' in tag):
                skipped, depth = name, 1
        text = pieces[index]
        if not depth and text and not text.isspace():
            pieces[index] = pattern.sub(tooltip, text)
    return "".join(pieces)


def render_terms(terms: list[Term]) -> str:
    """Return the glossary as an HTML definition list, in file order."""
    rows = "".join(
        f'<dt id="term-{escape(term.term)}">{escape(term.term)}</dt>'
        f"<dd>{escape(term.definition)}</dd>"
        for term in terms
    )
    return f'<dl class="ql-glossary">{rows}</dl>'


# -----------------------------------------------------------------------------

_TAG = re.compile(r"(<\s*(/?)\s*([a-zA-Z0-9]+)?[^>]*>)")
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_SKIP = {"a", "abbr", "code", "pre", "kbd", "script", "style", "textarea", "button"} | _HEADINGS


def _check_entry(entry, line: int, path: str, first_line: dict[str, int]) -> ContentProblem | None:
    """Return the first problem of one glossary entry, or None when it is valid."""
    if not isinstance(entry, LineDict):
        return ContentProblem(path, line, "a glossary entry must be a mapping",
                              "write it as '- term: …' with 'definition: …' below")
    unknown = sorted(set(entry) - TERM_KEYS, key=str)
    if unknown:
        return ContentProblem(path, entry.line_of(unknown[0]), f"unknown key '{unknown[0]}'",
                              f"use only {', '.join(sorted(TERM_KEYS))}")
    for key in ("term", "definition"):
        value = entry.get(key)
        if not isinstance(value, str) or not value.strip():
            return ContentProblem(path, entry.line_of(key), f"'{key}' is missing or empty",
                                  f"give every entry a non-empty '{key}'")
    term = entry["term"].strip()
    if term in first_line:
        return ContentProblem(path, entry.line_of("term"),
                              f"duplicate term '{term}' (first on line {first_line[term]})",
                              "keep one entry per term")
    if any(char.isspace() for char in term):
        return ContentProblem(path, entry.line_of("term"), f"term '{term}' contains a space",
                              "search treats spaces as word breaks; write the term without them")
    return None
