"""The register of 廉政风险点: YAML entries checked, rendered as a filterable table.

Format of content/risks/*.yml (sub-folders too: risks/药剂科/x.yml)::

    risks:
      - id: r-001
        department: 药剂科
        post: 药品调剂岗
        risk: 为医药代表提供科室或医师药品用量（统方）
        standards: [1]
        level: 高            # 高 | 中 | 低
        measures: [处方数据查询权限分级并留痕, 关键岗位定期轮岗]
        owner: 药剂科主任
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from pathlib import Path

from ..common.errors import ContentError, ContentProblem, did_you_mean
from ..common.pages import STANDARDS, is_standard
from ..common.yamlio import LineDict, LineList, load_yaml, misnamed_files, trainer_files
from ..scaffold import leftover_placeholders

KEYS = ("id", "department", "post", "risk", "standards", "level", "measures", "owner")
LEVELS = ("高", "中", "低")
# What the fix for a missing text key shows (the guide's own example)
EXAMPLES = {"id": "r-001", "department": "药剂科", "post": "药品调剂岗", "risk": "统方",
            "owner": "药剂科主任"}
# Each level's name in the UI strings (risks.level.high …): the YAML value is Chinese on every site
_LEVEL_NAMES = dict(zip(LEVELS, ("high", "medium", "low")))
ID = re.compile(r"^[a-z0-9-]{1,64}$")


@dataclass(frozen=True)
class Risk:
    id: str
    department: str
    post: str
    risk: str
    standards: tuple[int, ...]
    level: str
    measures: tuple[str, ...]
    owner: str


def load_register(folder: Path, shown_folder: str) -> tuple[list[Risk], list[ContentProblem]]:
    """Read every risk point in ``folder``/*.yml and its sub-folders' (a trainer files
    registers by department), with every problem found."""
    risks: list[Risk] = []
    # A register saved as .yaml would be left out (and, as mkdocs.yml excludes
    # *.yaml, not published either) without a word
    problems = misnamed_files(folder, shown_folder, "a register file", "**/*")
    first: dict[str, str] = {}
    for path in trainer_files(folder, "**/*.yml"):
        shown = f"{shown_folder}/{path.relative_to(folder).as_posix()}"
        try:
            text = path.read_text(encoding="utf-8-sig")
            data = load_yaml(text, shown)
        except FileNotFoundError:  # deleted since the folder was listed
            continue
        except ContentError as error:
            problems += error.problems
            continue
        except UnicodeDecodeError:
            problems.append(ContentProblem(shown, None, "the file is not UTF-8 text",
                                           "save it as UTF-8"))
            continue
        problems += leftover_placeholders(text, shown, ("risk",))
        entries = data.get("risks") if isinstance(data, LineDict) else None
        if not isinstance(entries, LineList) or not entries:
            problems.append(ContentProblem(shown, 1, "the file has no 'risks' list",
                                           "start it with 'risks:' and items '- id: …'"))
            continue
        for entry, line in zip(entries, entries.item_lines):
            risk, found = _risk(entry, line, shown)
            if risk and risk.id in first:
                found.append(ContentProblem(shown, line, f"duplicate risk id '{risk.id}' "
                                            f"(first in {first[risk.id]})", "give each risk point its own id"))
            problems += found
            if risk and not found:
                first[risk.id] = shown
                risks.append(risk)
    return risks, problems


def render_register(risks: list[Risk], t, label) -> str:
    """Return the totals, the filters and the table of the register page.

    ``t(key, **values)`` gives UI strings and ``label(n)`` names standard n.
    """
    levels = {name: sum(r.level == level for r in risks) for level, name in _LEVEL_NAMES.items()}
    totals = (f'<p class="ql-risk-totals">'
              f'{t("risks.totals", points=len(risks), measures=sum(len(r.measures) for r in risks), **levels)}</p>')
    departments = sorted({r.department for r in risks})
    filters = (
        # The controls are no content: kept out of search, their labels ran together there
        f'<form class="ql-risk-filters" role="search" aria-label="{t("risks.filters")}" data-search-exclude '
        f'data-count="{escape(t("risks.count", shown="{shown}", total="{total}"))}">'
        + _select("department", t("risks.department"), [(d, d) for d in departments], t)
        + _select("standard", t("risks.standard"), [(str(n), label(n)) for n in STANDARDS], t)
        + _select("level", t("risks.level"), [(level, _level(level, t)) for level in LEVELS], t)
        + '<p class="ql-risk-count" role="status" aria-live="off"></p></form>'
    )
    headings = [t(key) for key in (
        "risks.post", "risks.risk", "risks.standard", "risks.level", "risks.measures", "risks.owner")]
    rows = "".join(_row(r, headings, t, label) for r in risks)
    head = "".join(f'<th scope="col" role="columnheader">{heading}</th>' for heading in headings)
    # Every element states its role: a phone shows the rows as cards (display: block),
    # which leaves no table to Safari's VoiceOver
    table = (f'<table class="ql-risk-table" role="table">'
             f'<caption role="caption">{t("risks.caption")}</caption>'
             f'<thead role="rowgroup"><tr role="row">{head}</tr></thead>'
             f'<tbody role="rowgroup">{rows}</tbody></table>')
    return totals + filters + table


def render_for_standard(risks: list[Risk], standard: int, register_href: str, t) -> str:
    """Return the section a lesson shows: the risk points its standard touches."""
    mine = [r for r in risks if standard in r.standards]
    if not mine:
        return ""
    items = "".join("<li>" + t(
        "risks.related_item", level=_level(r.level, t), risk=escape(r.risk),
        post=f'<a href="{escape(register_href)}#{escape(r.id)}">{escape(r.department)} · {escape(r.post)}</a>')
        + "</li>" for r in mine)
    return f'<h2 id="related-risks">{t("risks.related")}</h2><ul class="ql-risk-list">{items}</ul>'


# -----------------------------------------------------------------------------


def _level(level: str, t) -> str:
    return t(f"risks.level.{_LEVEL_NAMES[level]}")


def _row(risk: Risk, headings: list[str], t, label) -> str:
    """Return a risk point's table row; each cell names its column, so that a phone
    can show the row as a card of labelled lines (six columns left a few characters each)."""
    cells = [
        f"{escape(risk.department)}<br><small>{escape(risk.post)}</small>",
        escape(risk.risk),
        t("list.separator").join(label(n) for n in risk.standards),
        f'<span class="ql-risk-level ql-risk-level--{LEVELS.index(risk.level)}">{_level(risk.level, t)}</span>',
        f"<ul>{''.join(f'<li>{escape(m)}</li>' for m in risk.measures)}</ul>",
        escape(risk.owner),
    ]
    return (f'<tr id="{escape(risk.id)}" data-department="{escape(risk.department)}" '
            f'data-standards=" {" ".join(map(str, risk.standards))} " data-level="{risk.level}" '
            'role="row">'
            + "".join(f'<td role="cell" data-label="{escape(heading)}">{cell}</td>'
                      for heading, cell in zip(headings, cells))
            + "</tr>")


def _select(name: str, label: str, options: list[tuple[str, str]], t) -> str:
    choices = "".join(f'<option value="{escape(v)}">{escape(text)}</option>' for v, text in options)
    return (f'<label>{label} <select name="{name}"><option value="">{t("risks.all")}</option>'
            f"{choices}</select></label>")


def _risk(entry, line: int, shown: str) -> tuple[Risk | None, list[ContentProblem]]:
    if not isinstance(entry, LineDict):
        return None, [ContentProblem(shown, line, "a risk point must be a mapping",
                                     "write it as '- id: …' with the other keys below")]
    problems = []

    def problem(key, message, fix):
        problems.append(ContentProblem(shown, entry.line_of(key), message, fix))

    for key in entry:
        if key not in KEYS:
            problem(key, f"unknown key '{key}'" + did_you_mean(key, KEYS), f"use only {', '.join(KEYS)}")
    for key in ("id", "department", "post", "risk", "owner"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            problem(key, f"'{key}' is missing or empty", f"write e.g. {key}: {EXAMPLES[key]}")
    if isinstance(entry.get("id"), str) and not ID.fullmatch(entry["id"]):
        problem("id", f"id {entry['id']!r} may hold only a-z, 0-9 and -", "write e.g. id: r-001")
    standards = entry.get("standards")
    if standards is None:
        problem("standards", "'standards' is missing", "add e.g. standards: [1, 9]")
    elif (not isinstance(standards, list) or not standards
            or not all(is_standard(s) for s in standards)):
        problem("standards", f"standards {standards!r} are not a list of the nine (1–9)",
                "write e.g. standards: [1, 9]")
    if entry.get("level") is None:
        problem("level", "'level' is missing", "add level: 高, 中 or 低")
    elif entry.get("level") not in LEVELS:
        problem("level", f"level '{entry.get('level')}' is not 高, 中 or 低", "write level: 高, 中 or 低")
    measures = entry.get("measures")
    if not isinstance(measures, list) or not measures or not all(isinstance(m, str) and m.strip() for m in measures):
        problem("measures", "'measures' must list at least one control measure",
                "write measures: followed by '- …' lines")
    if problems:
        return None, problems
    return Risk(entry["id"], entry["department"].strip(), entry["post"].strip(),
                entry["risk"].strip(), tuple(standards), entry["level"],
                tuple(m.strip() for m in measures), entry["owner"].strip()), []
