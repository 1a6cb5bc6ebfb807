"""The glossary: one YAML file of domain terms, read, validated and rendered.

The same list feeds jieba (so search splits 统方 or 医联体 as words) and the
glossary page, so there is never a second list to keep in step.

File format::

    terms:
      - term: 统方          # required, unique
        definition: ……      # required
"""

from __future__ import annotations

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


def render_terms(terms: list[Term]) -> str:
    """Return the glossary as an HTML definition list, in file order."""
    rows = "".join(
        f'<dt id="term-{escape(term.term)}">{escape(term.term)}</dt>'
        f"<dd>{escape(term.definition)}</dd>"
        for term in terms
    )
    return f'<dl class="ql-glossary">{rows}</dl>'


# -----------------------------------------------------------------------------


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
