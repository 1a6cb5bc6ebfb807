"""Each person's onboarding route, for the 医德医风档案 HR files.

For every member of staff on the roster and every route the site's manifest
names: each step done and when (a read step also as pages studied), the exam
score and the pledge version that completed the route, the date it was
completed and its verification code; and the list of those who have not
finished, with their next step. The rule of what completes a step is the
certificate's (common.verification), so the files and the certificate agree.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from html import escape
from pathlib import Path
from urllib.parse import quote

from ..common.i18n import isolated, isolated_text, translate
from ..common.verification import formatted, step_records, verification_code
from ..common.tables import csv_document
from .manifest import SiteManifest
from ..common.identity import id_key, text_key
from .report import (Person, Roster, document, exam_score, local_time, page_names, write_files,
                     zone_name)
from .store import StoredRecord


@dataclass(frozen=True)
class StepStatus:
    step: dict
    found: tuple[dict | None, ...]  # the completing record of each thing the step needs

    @property
    def done(self) -> str | None:
        """When the step was done (its last completing record), or None."""
        if None in self.found:
            return None
        return max(record["created"] for record in self.found)

    @property
    def detail(self) -> str | None:
        """The exam score or the pledge version that did the step."""
        record = self.found[0]
        if record is None or self.step["kind"] == "read":
            return None
        return str(exam_score(record["attempt"]["score"]) if self.step["kind"] == "quiz"
                   else record["pledge"]["version"])


@dataclass(frozen=True)
class RouteStatus:
    person: Person
    steps: tuple[StepStatus, ...]

    @property
    def completed(self) -> str | None:
        return max((s.done for s in self.steps), default=None) if all(
            s.done for s in self.steps) else None

    @property
    def code(self) -> str | None:
        if not self.completed:
            return None
        return formatted(verification_code(r["id"] for s in self.steps for r in s.found))

    @property
    def next_step(self) -> dict | None:
        return next((s.step for s in self.steps if not s.done), None)


def route_statuses(records: list[StoredRecord], roster: Roster, site: SiteManifest,
                   path: str) -> list[RouteStatus]:
    """Return every roster person's progress on route ``path``, in roster order."""
    names = {id_key(person.staff_id): person.name for person in roster.people}
    mine: dict[str, list[dict]] = defaultdict(list)
    for stored in records:
        record, person = stored.record, stored.record.get("person") or {}
        key = id_key(str(person.get("staff_id", "")))
        # A record under another name is the roster report's "unmatched", not this person's
        if (record.get("site") == site.site and "department" in person and key in names
                and text_key(person.get("name")) == text_key(names[key])):
            mine[key].append(record)
    steps = site.paths[path]["steps"]
    return [RouteStatus(person, tuple(
        StepStatus(step, tuple(step_records(mine[id_key(person.staff_id)], step,
                                            site.current_pledges, path)))
        for step in steps)) for person in roster.people]


def write_route_report(statuses: list[RouteStatus], site: SiteManifest, path: str, out: Path,
                       *, language: str = "zh", tz=None) -> list[Path]:
    """Write report.csv, unfinished.csv, index.html and one printable page per department
    into ``out``/routes/<path>; return the files written. Each route has a folder of its
    own: trainers name routes, and a route named 'report' or 'departments' must not
    overwrite the roster report's files (nor 'x-unfinished' route x's)."""

    def t(key: str, **values) -> str:
        return translate(f"report.route.{key}", language, **values)

    title = site.paths[path]["title"]
    steps = site.paths[path]["steps"]
    departments: dict[str, list[RouteStatus]] = defaultdict(list)
    for status in statuses:
        departments[status.person.department].append(status)
    pages = page_names(list(departments))
    folder = f"routes/{path}"
    files = {f"{folder}/report.csv": _csv(statuses, steps, t),
             f"{folder}/unfinished.csv": _unfinished_csv(statuses, steps, t),
             f"{folder}/index.html": _index(statuses, departments, pages, title, t, language)}
    for department, people in departments.items():
        files[f"{folder}/departments/{pages[department]}"] = _department(
            department, people, steps, title, t, language, tz)
    return write_files(out, files, f"{folder}/departments")


def _cell(status: StepStatus) -> str | None:
    """A step as a CSV cell: when it was done (UTC), or pages studied so far."""
    if status.done:
        return status.done
    if status.step["kind"] == "read":
        done = sum(record is not None for record in status.found)
        return f"{done}/{len(status.found)}" if done else None
    return None


def _csv(statuses: list[RouteStatus], steps: list[dict], t) -> str:
    header = [t("department"), t("staff_id"), t("name"), *(step["title"] for step in steps),
              t("exam_score"), t("pledge_version"), t("completed"), t("code")]
    return csv_document(header, (
        [s.person.department, s.person.staff_id, s.person.name,
         *(_cell(step) for step in s.steps), _detail(s, "quiz"), _detail(s, "pledge"),
         s.completed, s.code]
        for s in statuses))


def _unfinished_csv(statuses: list[RouteStatus], steps: list[dict], t) -> str:
    header = [t("department"), t("staff_id"), t("name"), t("next_step"), t("progress")]
    return csv_document(header, (
        [s.person.department, s.person.staff_id, s.person.name, s.next_step["title"],
         f"{sum(bool(step.done) for step in s.steps)}/{len(steps)}"]
        for s in statuses if not s.completed))


def _detail(status: RouteStatus, kind: str) -> str | None:
    return next((s.detail for s in status.steps if s.step["kind"] == kind), None)


def _index(statuses, departments, pages, title, t, language) -> str:
    links = "".join(
        f'<li><a href="departments/{escape(quote(pages[name]))}">{isolated(name)}</a> '
        f'{escape(t("finished", done=sum(bool(s.completed) for s in people), total=len(people)))}</li>'
        for name, people in departments.items())
    unfinished = [s for s in statuses if not s.completed]
    rows = "".join(
        f"<tr><td>{escape(s.person.department)}</td><td>{escape(s.person.staff_id)}</td>"
        f"<td>{escape(s.person.name)}</td><td>{escape(s.next_step['title'])}</td></tr>"
        for s in unfinished)
    table = (f'<table><thead><tr><th scope="col">{escape(t("department"))}</th>'
             f'<th scope="col">{escape(t("staff_id"))}</th><th scope="col">{escape(t("name"))}</th>'
             f'<th scope="col">{escape(t("next_step"))}</th></tr></thead><tbody>{rows}</tbody></table>'
             if unfinished else f'<p>{escape(t("all_finished"))}</p>')
    body = (f'<h1>{escape(title)}</h1><ul>{links}</ul>'
            f'<h2>{escape(t("unfinished"))}</h2>{table}')
    return document(title, body, language)


def _department(department, people, steps, title, t, language, tz) -> str:
    head = "".join(f'<th scope="col">{escape(step["title"])}</th>' for step in steps)
    rows = []
    for status in people:
        cells = "".join(_html_cell(step, t, tz) for step in status.steps)
        rows.append(f"<tr><td>{escape(status.person.staff_id)}</td>"
                    f"<td>{escape(status.person.name)}</td>{cells}"
                    f"<td>{escape(status.code or '')}</td></tr>")
    heading = t("department_title", department=isolated_text(department), title=title)
    h1 = escape(t("department_title")).format(department=isolated(department), title=escape(title))
    body = (f'<nav><a href="../index.html">{escape(t("back"))}</a></nav><h1>{h1}</h1>'
            f'<table><thead><tr><th scope="col">{escape(t("staff_id"))}</th>'
            f'<th scope="col">{escape(t("name"))}</th>{head}'
            f'<th scope="col">{escape(t("code"))}</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>'
            f'<p>{escape(t("zone", zone=zone_name(tz)))}</p>'
            f'<p class="sign-off"><span>{escape(t("sign_off"))}</span></p>')
    return document(heading, body, language)


def _html_cell(status: StepStatus, t, tz) -> str:
    if status.done:
        text = local_time(status.done, tz)
        if status.detail:
            text += " " + (t("score", score=status.detail) if status.step["kind"] == "quiz"
                           else t("version", version=status.detail))
        return f"<td>{escape(text)}</td>"
    progress = _cell(status)
    return f'<td class="no">{escape(progress or t("not_done"))}</td>'
