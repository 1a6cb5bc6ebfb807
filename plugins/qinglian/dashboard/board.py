"""The dashboard (数据看板): completion of pledges and onboarding by department.

Its data is the ``dashboard.json`` that ``qinglian report`` writes: counts and
percentages per department, never a name or a 工号. An admin copies the file
into the site's sources, and the next build shows it as a table with bars; the
page needs no script and no request to the collector. It is read by every
member of staff, so departments too small to hide a person are shown only
pooled (see pool_small).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, tzinfo
from html import escape

from ..common.i18n import isolated


DASHBOARD_FORMAT = 1  # bumped when the file changes shape; written by collector/report.py

_FIGURES = {
    "type": "object",
    "required": ["staff", "pledge_signed", "pledge_signed_percent",
                 "onboarding_passed", "onboarding_passed_percent"],
    "properties": {
        "staff": {"type": "integer", "minimum": 0},
        "pledge_signed": {"type": "integer", "minimum": 0},
        "pledge_signed_percent": {"type": "number", "minimum": 0, "maximum": 100},
        "onboarding_passed": {"type": "integer", "minimum": 0},
        "onboarding_passed_percent": {"type": "number", "minimum": 0, "maximum": 100},
    },
}
_SHAPE = {
    "type": "object",
    "required": ["format", "generated", "site", "pledges", "departments", "total"],
    "properties": {
        "format": {"const": DASHBOARD_FORMAT},
        "generated": {"type": "string",
                      "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$"},
        "site": {"type": "string"},
        "pledges": {"type": "array", "items": {
            "type": "object", "required": ["title", "version"],
            "properties": {"title": {"type": "string"}, "version": {"type": "string"}}}},
        "departments": {"type": "array", "items": {
            "allOf": [_FIGURES, {"required": ["name"],
                                 "properties": {"name": {"type": "string", "minLength": 1}}}]}},
        "total": _FIGURES,
    },
}


@dataclass(frozen=True)
class Figures:
    staff: int
    pledge_signed: int
    pledge_signed_percent: float
    onboarding_passed: int
    onboarding_passed_percent: float


@dataclass(frozen=True)
class Dashboard:
    generated: str  # UTC
    site: str
    pledges: list[tuple[str, str]]  # (title, current version)
    departments: list[tuple[str, Figures]]
    total: Figures


def read_dashboard(text: str) -> tuple[Dashboard | None, str | None]:
    """Return the dashboard in ``text``, or (None, what is wrong with it)."""
    try:
        data = json.loads(text)
    except ValueError as error:
        return None, f"line {getattr(error, 'lineno', '?')}: not valid JSON ({error})"
    # Imported here: it takes 50 ms, which only sites with a dashboard.json need spend
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import best_match

    problem = best_match(Draft202012Validator(_SHAPE).iter_errors(data))
    if problem is not None:
        where = ".".join(str(part) for part in problem.absolute_path) or "the file"
        return None, f"{where}: {problem.message}"
    rows = [(d["name"], d) for d in data["departments"]] + [("total", data["total"])]
    for name, figures in rows:
        for count in ("pledge_signed", "onboarding_passed"):
            if figures[count] > figures["staff"]:
                return None, (f"{name}: {count} is {figures[count]}, more than its "
                              f"{figures['staff']} staff")
    return Dashboard(
        generated=data["generated"], site=data["site"],
        pledges=[(p["title"], p["version"]) for p in data["pledges"]],
        departments=[(d["name"], _figures(d)) for d in data["departments"]],
        total=_figures(data["total"]),
    ), None


def percent(part: int, whole: int) -> float:
    """Return ``part`` of ``whole`` in percent, to one decimal (0 of nobody is 0)."""
    return round(100 * part / whole, 1) if whole else 0.0


def pool_small(departments: list[tuple[str, Figures]], min_group: int
               ) -> tuple[list[tuple[str, Figures]], list[str], Figures | None]:
    """Split ``departments`` into those shown alone and those pooled into one row
    (their names, and the row's figures; None when none is pooled).

    A department of fewer than ``min_group`` people would show each one's
    progress to every member of staff. Such departments are pooled, and while
    the pool itself holds fewer, the smallest other department joins it (else
    the total less the other rows would give it away).
    """
    alone = [row for row in departments if row[1].staff >= min_group]
    pooled = [row for row in departments if row[1].staff < min_group]
    while alone and 0 < sum(figures.staff for _, figures in pooled) < min_group:
        smallest = min(alone, key=lambda row: row[1].staff)
        alone.remove(smallest)
        pooled.append(smallest)
    if not pooled:
        return alone, [], None
    staff, signed, passed = (sum(getattr(figures, name) for _, figures in pooled)
                             for name in ("staff", "pledge_signed", "onboarding_passed"))
    row = Figures(staff, signed, percent(signed, staff), passed, percent(passed, staff))
    shown = {name for name, _ in alone}
    return alone, [name for name, _ in departments if name not in shown], row


def render_dashboard(dashboard: Dashboard, t, tz: tzinfo | None = None, *,
                     min_group: int = 1) -> str:
    """Return the dashboard as HTML: the data's date, then a table with a bar per figure,
    departments of fewer than ``min_group`` people pooled (see pool_small).
    ``t(key, **values)`` gives UI strings; the date is shown in ``tz`` (default: local)."""
    date = datetime.fromisoformat(dashboard.generated).astimezone(tz).date().isoformat()
    notes = [escape(t("dashboard.date", date=date, staff=dashboard.total.staff))]
    if dashboard.pledges:
        notes.append(escape(t("dashboard.pledges", pledges=t("list.separator").join(
            t("dashboard.pledge_version", title=title, version=version)
            for title, version in dashboard.pledges))))
    alone, pooled, pool = pool_small(dashboard.departments, min_group)
    if pool:
        names = escape(t("list.separator")).join(isolated(name) for name in pooled)
        notes.append(escape(t("dashboard.pooled")).format(size=min_group, departments=names))
        alone.append((t("dashboard.pooled_row"), pool))
    rows = "".join(_row(name, figures, t) for name, figures in alone)
    head = "".join(f'<th scope="col" role="columnheader">{escape(t(f"dashboard.{key}"))}</th>'
                   for key in ("department", "staff", "pledge", "onboarding"))
    return ('<div class="ql-dashboard">'
            + "".join(f'<p class="ql-dashboard-note">{note}</p>' for note in notes)
            # No class on the table: Material styles only tables without one. Every
            # element states its role: a phone shows the rows as cards (display: block),
            # which leaves no table to Safari's VoiceOver
            + '<table role="table">'
            f'<caption role="caption">{escape(t("dashboard.caption"))}</caption>'
            f'<thead role="rowgroup"><tr role="row">{head}</tr></thead>'
            f'<tbody role="rowgroup">{rows}</tbody>'
            f'<tfoot role="rowgroup">{_row(t("dashboard.total"), dashboard.total, t)}</tfoot>'
            '</table></div>')


def render_no_data(path: str, t) -> str:
    """Return the note shown until an admin copies a report's dashboard.json to ``path``."""
    return (f'<div class="ql-dashboard ql-dashboard--empty">'
            f'<p class="ql-dashboard-empty"><strong>{escape(t("dashboard.no_data"))}</strong></p>'
            f'<p>{escape(t("dashboard.no_data_hint", path=path))}</p></div>')


# -----------------------------------------------------------------------------


def _figures(data: dict) -> Figures:
    # JSON Schema counts 12.0 as an integer; show it as 12
    return Figures(int(data["staff"]), int(data["pledge_signed"]),
                   float(data["pledge_signed_percent"]), int(data["onboarding_passed"]),
                   float(data["onboarding_passed_percent"]))


def _row(name: str, figures: Figures, t) -> str:
    return (f'<tr role="row"><th scope="row" role="rowheader">{escape(name)}</th>'
            f'{_cells(figures, t)}</tr>')


def _cells(figures: Figures, t) -> str:
    # Each cell names its column, so that a phone can show the row as a card of
    # labelled lines (the table was too wide for its second rate to be in sight)
    return (f'<td class="ql-dashboard-num" role="cell" data-label="{escape(t("dashboard.staff"))}">'
            f'{figures.staff}</td>'
            + _bar(figures.pledge_signed, figures.staff, figures.pledge_signed_percent,
                   t("dashboard.pledge"), t)
            + _bar(figures.onboarding_passed, figures.staff, figures.onboarding_passed_percent,
                   t("dashboard.onboarding"), t))


def _bar(part: int, whole: int, percent: float, label: str, t) -> str:
    # The width is a number checked by the schema, never text from the file
    value = t("dashboard.value", percent=f"{percent:g}", part=part, whole=whole)
    return (f'<td class="ql-dashboard-cell" role="cell" data-label="{escape(label)}">'
            f'<span class="ql-dashboard-bar" aria-hidden="true">'
            f'<span style="width: {percent:g}%"></span></span>'
            f'<span class="ql-dashboard-value">{escape(value)}</span></td>')
