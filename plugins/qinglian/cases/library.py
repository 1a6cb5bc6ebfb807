"""Cases: teaching composites in content/cases/, checked, indexed and cross-linked.

A case names its standards, its kind (warning or positive) and the post
involved, and has five sections in a fixed order. The index groups cases by
standard and kind; each lesson lists its cases; each case links its lessons.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from ..common.errors import ContentProblem
from ..common.yamlio import LineDict
from ..common.pages import (CASE_KEYS, STANDARDS, THEME_KEYS, is_standard, load_front_matter,
                            read_pages, split_front_matter, unknown_key_problems)

KINDS = ("warning", "positive")
SECTIONS = ("案情", "处理结果", "违反了什么", "启示", "讨论题")


@dataclass(frozen=True)
class Case:
    src: str  # path under content/, e.g. cases/s1-it-tongfang.md
    title: str
    summary: str
    standards: tuple[int, ...]
    kind: str
    post: str


@dataclass
class CaseLibrary:
    cases: list[Case] = field(default_factory=list)
    problems: list[ContentProblem] = field(default_factory=list)

    def for_standard(self, standard: int) -> list[Case]:
        return [case for case in self.cases if standard in case.standards]


def load_cases(folder: Path, docs_dir: Path, shown_folder: str,
               own_keys: tuple[str, ...] = ()) -> CaseLibrary:
    """Read every case page in ``folder`` (all .md files but index.md); messages name
    files as ``shown_folder``/name. ``own_keys`` are front-matter keys the site's own
    templates read."""
    cases, problems = read_pages(
        folder, docs_dir, shown_folder,
        lambda source, src, shown: read_case(source, src, shown, own_keys))
    return CaseLibrary(cases, problems)


def lesson_pages(sources: dict[str, str]) -> dict[int, str]:
    """Return the lesson page (path under content/) of each standard, by the standard its
    front matter names, not its file name: a lesson renamed keeps its cases' links.
    Of two lessons on one standard, the first in name order. ``sources``: the lesson
    pages, path under content/ → Markdown. (The portal plugin reports the lessons'
    front matter problems.)"""
    lessons = {}
    for src in sorted(sources, key=lambda src: src.split("/"), reverse=True):
        meta, _ = load_front_matter(sources[src], src)
        standard = meta.get("standard") if isinstance(meta, LineDict) else None
        if is_standard(standard):
            lessons[standard] = src
    return lessons


def read_case(source: str, src: str, shown: str,
              own_keys: tuple[str, ...] = ()) -> tuple[Case | None, list[ContentProblem]]:
    """Return the case a page holds, or None with the problems found."""
    source = source.replace("\r\n", "\n")
    _, body = split_front_matter(source)
    meta, problems = load_front_matter(source, shown)
    if problems:
        return None, problems
    if not isinstance(meta, LineDict):
        return None, [ContentProblem(shown, 1, "the case has no front matter",
                                     "start it with title, summary, standards, kind and post "
                                     "between --- lines")]
    problems = unknown_key_problems(meta, shown, CASE_KEYS + THEME_KEYS + tuple(own_keys))

    def problem(key, message, fix):
        problems.append(ContentProblem(shown, meta.line_of(key) + 1 if key in meta else 1,
                                       message, fix))

    for key in ("title", "summary", "post"):
        if not isinstance(meta.get(key), str) or not meta[key].strip():
            problem(key, f"'{key}' is missing or empty", f"add '{key}: …' to the front matter")
    standards = meta.get("standards")
    if not isinstance(standards, list) or not standards:
        problem("standards", "'standards' must list the standards involved",
                "write e.g. standards: [1]")
    elif not all(is_standard(s) for s in standards):
        bad = next(s for s in standards if not is_standard(s))
        problem("standards", f"standard '{bad}' is not one of the nine (1–9)",
                "write the standards' numbers, e.g. standards: [1, 3]")
    if "kind" not in meta:
        problem("kind", "'kind' is missing", "add 'kind: warning' or 'kind: positive'")
    elif meta["kind"] not in KINDS:
        problem("kind", f"kind '{meta['kind']}' is neither warning nor positive",
                "write kind: warning or kind: positive")
    problems += _section_problems(body, source.count("\n", 0, len(source) - len(body)), shown)
    if problems:
        return None, problems
    return Case(src, meta["title"].strip(), meta["summary"].strip(), tuple(standards),
                meta["kind"], meta["post"].strip()), []


def _section_problems(body: str, offset: int, shown: str) -> list[ContentProblem]:
    """Check the five sections stand in order and the discussion has 2–4 questions."""
    headings = [(m.group(1).strip(), body.count("\n", 0, m.start()) + offset + 1)
                for m in re.finditer(r"^## (.+)$", body, re.M)]
    names = [name for name, _ in headings]
    missing = [name for name in SECTIONS if name not in names]
    if missing:
        return [ContentProblem(shown, headings[-1][1] if headings else offset + 1,
                               f"the case has no '## {missing[0]}' section",
                               f"give it these sections in order: {'、'.join(SECTIONS)}")]
    if [name for name in names if name in SECTIONS] != list(SECTIONS):
        line = next(line for name, line in headings if name in SECTIONS)
        return [ContentProblem(shown, line, "the case's sections are out of order",
                               f"order them: {'、'.join(SECTIONS)}")]
    line = dict(headings)["讨论题"]
    questions = re.findall(r"^\d+\.\s", body.split("## 讨论题", 1)[1].split("\n## ", 1)[0], re.M)
    if not 2 <= len(questions) <= 4:
        return [ContentProblem(shown, line, f"{len(questions)} discussion question(s)",
                               "give 2 to 4 numbered questions for a group session")]
    return []


def render_index(library: CaseLibrary, href, t, label) -> str:
    """Return the case index: counts by standard and kind, then the cases by standard.

    ``href(case)`` is the case's URL relative to the index page; ``t(key)`` gives
    UI strings and ``label(n)`` names standard n.
    """
    rows = []
    for standard in STANDARDS:
        cases = library.for_standard(standard)
        counts = [sum(case.kind == kind for case in cases) for kind in KINDS]
        rows.append(f'<tr><th scope="row">{label(standard)}</th>'
                    + "".join(f"<td>{n}</td>" for n in counts) + f"<td>{len(cases)}</td></tr>")
    head = "".join(f'<th scope="col">{t(f"cases.kind.{kind}")}</th>' for kind in KINDS)
    table = (f'<table class="ql-case-counts"><caption>{t("cases.count_caption")}</caption>'
             f'<thead><tr><th scope="col">{t("cases.standard")}</th>{head}'
             f'<th scope="col">{t("cases.total")}</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')
    groups = []
    for standard in STANDARDS:
        cases = library.for_standard(standard)
        if cases:
            groups.append(f'<h2 id="standard-{standard}">{label(standard)}</h2>'
                          + _list(cases, href, t))
    return table + "".join(groups)


def render_list(cases: list[Case], href, t) -> str:
    """Return the section a lesson shows: the cases on its standard."""
    if not cases:
        return ""
    return f'<h2 id="related-cases">{t("cases.related")}</h2>' + _list(cases, href, t)


def _list(cases: list[Case], href, t) -> str:
    items = "".join(
        f'<li><span class="ql-case-kind ql-case-kind--{case.kind}">{t(f"cases.kind.{case.kind}")}</span> '
        f'<a href="{escape(href(case))}">{escape(case.title)}</a>'
        f'<span class="ql-case-post">{t("cases.post", post=escape(case.post))}</span><br>{escape(case.summary)}</li>'
        for kind in KINDS for case in cases if case.kind == kind)
    return f'<ul class="ql-case-list">{items}</ul>'
