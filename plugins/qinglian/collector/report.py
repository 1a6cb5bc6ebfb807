"""Roster reports: who in each department has signed the current pledges and passed
the onboarding exam, for the ethics office's files.

The inputs are the records (corrections already applied: a corrected 工号
counts as that person), the staff roster from HR (工号, 姓名, 科室) and the
build's manifest, which says each pledge's current version. Only a signature
of the current version counts; an older one is shown as such, so a person
knows to sign again. Records the roster cannot place (an unknown 工号, or a
工号 under another name) are listed apart, never counted: they are usually a
typo that a correction fixes.

The outputs are a CSV for Excel, printable HTML pages (one per department,
for signing off and filing) and ``dashboard.json``: counts per department,
without a name or 工号, for the site's dashboard page.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timezone, tzinfo
from html import escape
from pathlib import Path
from urllib.parse import quote

from ..common.errors import device_name
from ..common.i18n import DEFAULT_LANGUAGE, isolated, isolated_text, translate
from ..common.identity import id_key, invisible, text_key
from ..common.records import record_schema
from ..common.tables import TableError, read_tables, row_place, unsaved_formulas
from ..common.writes import write_whole
from ..dashboard.board import DASHBOARD_FORMAT, percent
from .corrections import REDACTED
from .errors import SetupError
from ..common.tables import csv_document
from .manifest import Manifests
from .store import StoredRecord, utc_now

ONBOARDING_QUIZ = "onboarding"  # quizzes/onboarding.yml

# Each roster column and the other headings HR files use for it, English ones last
ROSTER_COLUMNS = {
    "staff_id": ("工号", "职工号", "员工编号", "Staff number", "Staff ID"),
    "name": ("姓名", "名字", "Name"),
    "department": ("科室", "部门", "所在科室", "Department"),
}

# A 工号 as a record carries it (record.schema.json); and a long number as Excel shows it
# in a narrow column, and so saves it as CSV: 1.23457E+11 (no 工号 holds a "+")
_STAFF_ID = re.compile(record_schema()["$defs"]["staff_id"]["pattern"])
_SCIENTIFIC = re.compile(r"\d(\.\d+)?E\+\d+")


@dataclass(frozen=True)
class Person:
    """One member of staff on the roster."""

    staff_id: str
    name: str
    department: str


@dataclass(frozen=True)
class Roster:
    path: str
    encoding: str  # as read_tables names it, for the summary line
    people: list[Person]
    sheets: tuple[str, ...] = ()  # the workbook's sheets the people were read from
    hidden: tuple[str, ...] = ()  # the rows Excel hides (or filtered out), not counted
    foreign: tuple[str, ...] = ()  # rows whose 工号 no record can carry (临001), named


@dataclass(frozen=True)
class CurrentPledge:
    """The version of a staff pledge that counts now."""

    id: str
    title: str
    version: str
    published: str  # the date this version was locked
    hashes: frozenset[str]  # a typo fix adds a second text to a version
    renew_days: int | None = None  # renew_every: a signature older than this has lapsed


@dataclass(frozen=True)
class Published:
    """What the site's build published: its departments and current staff pledges."""

    site: str
    departments: tuple[str, ...]
    pledges: tuple[CurrentPledge, ...]
    language: str = DEFAULT_LANGUAGE  # the site's, for the report's pages and columns


@dataclass(frozen=True)
class PledgeStatus:
    pledge: CurrentPledge
    signed: str | None  # when the current version was last signed (UTC, as recorded)
    older: str | None  # the latest other version signed, if any
    lapsed: str | None = None  # the last signature, when older than the renewal period


@dataclass(frozen=True)
class ExamStatus:
    attempts: int
    best: int | None
    passed: bool


@dataclass(frozen=True)
class PersonStatus:
    person: Person
    pledges: tuple[PledgeStatus, ...]
    exam: ExamStatus

    @property
    def signed_all(self) -> bool:
        # No staff pledge published: nobody has signed one (not everybody)
        return bool(self.pledges) and all(status.signed for status in self.pledges)


@dataclass(frozen=True)
class Counts:
    staff: int
    pledge_signed: int  # signed every current staff pledge
    onboarding_passed: int
    by_pledge: tuple[int, ...]  # signed each pledge, in Report.pledges order

    @classmethod
    def of(cls, people: list[PersonStatus], pledges: int) -> Counts:
        return cls(len(people), sum(p.signed_all for p in people),
                   sum(p.exam.passed for p in people),
                   tuple(sum(bool(p.pledges[i].signed) for p in people) for i in range(pledges)))


@dataclass(frozen=True)
class Department:
    name: str
    people: list[PersonStatus]


@dataclass(frozen=True)
class Unmatched:
    """A record the roster cannot place."""

    record: dict
    roster_name: str | None  # the roster's name for its 工号, when only the name differs
    # The roster's 工号 under the record's name, when the two differ only by leading zeros:
    # Excel drops them from a roster saved as CSV, but 001234 and 1234 may be two people
    roster_id: str | None = None


@dataclass(frozen=True)
class Report:
    site: str
    generated: str  # UTC
    pledges: tuple[CurrentPledge, ...]
    departments: list[Department]
    unmatched: list[Unmatched]

    def counts(self, department: Department | None = None) -> Counts:
        """Return the counts of one department, or of the whole roster."""
        people = department.people if department else [
            person for each in self.departments for person in each.people]
        return Counts.of(people, len(self.pledges))


# Reading the inputs ----------------------------------------------------------------------

def read_roster(path: Path) -> Roster:
    """Read a roster (.csv, or each sheet of an .xlsx that has a header row: one sheet per
    department is common); raise SetupError with one ``FILE:row N: …`` line per problem."""
    try:
        tables = read_tables(path, [name for names in ROSTER_COLUMNS.values() for name in names])
    except TableError as error:
        raise SetupError(str(error)) from None
    problems: list[str] = []
    people, rows, hidden, foreign = [], {}, [], []  # rows: 工号 → where it was first listed
    # A department written two ways (心内科（一病区） and 心内科(一病区) ) is one: its first
    spelling: dict[str, str] = {}
    for table in tables:
        columns = {}
        for field, names in ROSTER_COLUMNS.items():
            # A roster may have both 科室 and a wider 部门: the first found wins
            found = table.column(names)
            if found:
                columns[field] = found
            else:
                problems.append(str(TableError(path, table.missing(names), table.header_row,
                                               table.sheet)))
        if len(columns) < len(ROSTER_COLUMNS):
            continue
        for row in table.rows:
            # As the question import does: a hidden or filtered-out row is set aside (a
            # person who left, or HR's filter on one department), and named
            if row.hidden:
                hidden.append(row_place(row.number, table.sheet))
                continue
            values = {field: row.cells[column] for field, column in columns.items()}
            # An apostrophe is how a spreadsheet marks 001234 as text, not part of the 工号
            values["staff_id"] = values["staff_id"].removeprefix("'")
            empty = [ROSTER_COLUMNS[field][0] for field, value in values.items() if not value]
            key = id_key(values["staff_id"])
            unsaved = {ROSTER_COLUMNS[field][0]: row.unsaved[column]
                       for field, column in columns.items() if column in row.unsaved}
            if unsaved:
                problems.append(str(TableError(path, unsaved_formulas(unsaved), row.number,
                                               table.sheet)))
            elif empty:
                problems.append(str(TableError(path, f"{'、'.join(empty)} is empty; fill it in "
                                                     "or delete the row", row.number, table.sheet)))
            elif _SCIENTIFIC.fullmatch(key):
                problems.append(str(TableError(
                    path, f"工号 {values['staff_id']} is a long number as Excel shows it, its "
                          "last digits lost; send the roster as .xlsx, or set the 工号 column "
                          "to 文本 before saving it as CSV", row.number, table.sheet)))
            elif key in rows:
                problems.append(str(TableError(path, f"工号 {values['staff_id']} is also on "
                                                     f"{rows[key]}; list each person once",
                                               row.number, table.sheet)))
            else:
                rows[key] = row_place(row.number, table.sheet)
                if not _STAFF_ID.fullmatch(key):
                    foreign.append(f"{row_place(row.number, table.sheet)} {values['staff_id']}")
                department = spelling.setdefault(text_key(values["department"]),
                                                 values["department"])
                people.append(Person(**{**values, "department": department}))
    if not people and not problems:
        shown = (f" shown ({len(hidden)} row(s) are hidden in Excel, or filtered out; show "
                 "them: 取消隐藏, or 清除筛选)" if hidden else "")
        problems.append(str(TableError(path, f"no staff are listed under the header row{shown}",
                                       tables[0].header_row, tables[0].sheet)))
    if problems:
        raise SetupError("\n".join(problems))
    return Roster(str(path), tables[0].encoding, people,
                  tuple(table.sheet for table in tables if table.sheet), tuple(hidden),
                  tuple(foreign))


def read_published(path: Path) -> Published:
    """Read a built site's qinglian-manifest.json; raise SetupError saying what is wrong."""
    [site] = Manifests.load([path]).sites.values()  # the collector's own checks and messages
    data = json.loads(path.read_text(encoding="utf-8"))
    pledges = []
    renew = data.get("renew_days") or {}
    for pledge_id, entries in data.get("pledges", {}).items():
        # The lock lists versions as they were published: the last one is current
        current = entries[-1] if entries else {}
        if current.get("audience") != "staff":
            continue
        same = [entry for entry in entries if entry["version"] == current["version"]]
        pledges.append(CurrentPledge(
            id=pledge_id, title=str(current.get("title") or pledge_id),
            version=current["version"], published=str(same[0].get("date") or ""),
            hashes=frozenset(entry["sha256"] for entry in same),
            renew_days=renew.get(pledge_id)))
    return Published(data["site"], tuple(data.get("departments", [])), tuple(pledges),
                     site.language)


# Building the report ---------------------------------------------------------------------

def build_report(records: list[StoredRecord], roster: Roster, published: Published,
                 generated: str | None = None) -> Report:
    """Match the site's staff pledge signatures and onboarding attempts to the roster."""
    people = {id_key(person.staff_id): person for person in roster.people}
    unzeroed: dict[str, list[Person]] = defaultdict(list)  # 工号 without leading zeros
    for key, person in people.items():
        unzeroed[key.lstrip("0")].append(person)
    current = {pledge.id: pledge for pledge in published.pledges}
    signatures: dict[tuple[str, str], list[dict]] = defaultdict(list)
    attempts: dict[str, list[dict]] = defaultdict(list)
    unmatched = []
    for stored in records:
        record = stored.record
        person, pledge, attempt = (_mapping(record.get(key))
                                   for key in ("person", "pledge", "attempt"))
        kind = record.get("kind")
        counted = ((kind == "pledge" and pledge.get("id") in current)
                   or (kind == "attempt" and attempt.get("quiz_id") == ONBOARDING_QUIZ))
        # Staff carry a department; a family member's 工号 is their relative's
        if (record.get("site") != published.site or not counted or "department" not in person
                or person.get("staff_id") == REDACTED):
            continue
        key = id_key(str(person.get("staff_id", "")))
        entry = people.get(key)
        if entry is None:
            namesake = next((each.staff_id for each in unzeroed.get(key.lstrip("0"), ())
                             if text_key(each.name) == text_key(person.get("name"))), None)
            unmatched.append(Unmatched(record, None, namesake))
        elif text_key(person.get("name")) != text_key(entry.name):
            unmatched.append(Unmatched(record, entry.name))
        elif kind == "pledge":
            signatures[key, pledge["id"]].append(record)
        else:
            attempts[key].append(attempt)
    generated = generated or utc_now()
    statuses = {
        key: PersonStatus(
            person,
            tuple(_pledge_status(pledge, signatures[key, pledge.id], generated)
                  for pledge in published.pledges),
            _exam_status(attempts[key]))
        for key, person in people.items()
    }
    return Report(published.site, generated, published.pledges,
                  _departments(roster, published, statuses),
                  sorted(unmatched, key=lambda item: str(item.record.get("created", ""))))


def dashboard_data(report: Report) -> dict:
    """Return the dashboard's data: counts and percentages per department, no names."""

    def figures(counts: Counts) -> dict:
        return {"staff": counts.staff,
                "pledge_signed": counts.pledge_signed,
                "pledge_signed_percent": percent(counts.pledge_signed, counts.staff),
                "onboarding_passed": counts.onboarding_passed,
                "onboarding_passed_percent": percent(counts.onboarding_passed, counts.staff)}

    return {
        "format": DASHBOARD_FORMAT,
        "generated": report.generated,
        "site": report.site,
        "pledges": [{"id": p.id, "title": p.title, "version": p.version} for p in report.pledges],
        "departments": [{"name": department.name, **figures(report.counts(department))}
                        for department in report.departments],
        "total": figures(report.counts()),
    }


def _pledge_status(pledge: CurrentPledge, records: list[dict], now: str) -> PledgeStatus:
    signed = [str(r.get("created", "")) for r in records
              if r["pledge"].get("version") == pledge.version
              and r["pledge"].get("sha256") in pledge.hashes]
    older = sorted((str(r.get("created", "")), str(r["pledge"].get("version"))) for r in records
                   if r["pledge"].get("version") != pledge.version)
    older_version = older[-1][1] if older else None
    last = max(signed, default=None)
    # As the pledge page asks: a signature older than renew_every is to be renewed
    if last and pledge.renew_days and _days_between(last, now) > pledge.renew_days:
        return PledgeStatus(pledge, None, older_version, last)
    return PledgeStatus(pledge, last, older_version)


def _days_between(start: str, end: str) -> float:
    """Return the days from ``start`` to ``end`` (ISO UTC times), 0 when either is no time."""
    try:
        return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds() / 86400
    except (ValueError, TypeError):
        return 0


def _exam_status(attempts: list[dict]) -> ExamStatus:
    scores = [score for score in (exam_score(a.get("score")) for a in attempts)
              if isinstance(score, int)]
    return ExamStatus(len(attempts), max(scores, default=None),
                      any(a.get("passed") is True for a in attempts))


def exam_score(value):
    """Return an attempt's score, 90.0 as 90: JSON may write an integer so, and the
    schema takes it for one (a passed attempt must not show as no exam taken)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _departments(roster: Roster, published: Published,
                 statuses: dict[str, PersonStatus]) -> list[Department]:
    grouped: dict[str, list[PersonStatus]] = defaultdict(list)
    for person in roster.people:
        grouped[person.department].append(statuses[id_key(person.staff_id)])
    # The site's own order of departments first, then any others as the roster has them
    listed = {text_key(name): place for place, name in enumerate(published.departments)}
    order = sorted(grouped, key=lambda name: listed.get(text_key(name), len(listed)))
    return [Department(name, grouped[name]) for name in order]


def _mapping(value) -> dict:
    """Return ``value`` if it is a JSON object, else {}: an export file may hold anything."""
    return value if isinstance(value, dict) else {}


# Writing the report ----------------------------------------------------------------------

def write_report(report: Report, out: Path, *, language: str = "zh",
                 tz: tzinfo | None = None) -> list[Path]:
    """Write report.csv, unmatched.csv, index.html, one page per department and
    dashboard.json into ``out``; return the files written. Pages show times in ``tz``
    (default: this computer's time zone); the CSVs keep them in UTC, as recorded."""

    def t(key: str, **values) -> str:
        return translate(key, language, **values)

    pages = page_names([department.name for department in report.departments])
    files = {
        "report.csv": _report_csv(report, t),
        "unmatched.csv": _unmatched_csv(report, t),
        "index.html": _render_index(report, pages, t, language, tz),
        "dashboard.json": json.dumps(dashboard_data(report), ensure_ascii=False, indent=2) + "\n",
    }
    for department in report.departments:
        files[f"departments/{pages[department.name]}"] = _render_department(
            report, department, t, language, tz)
    return write_files(out, files, "departments")


def write_files(out: Path, files: dict[str, str], pages: str) -> list[Path]:
    """Write ``files`` (name → text) into ``out``, first removing the department pages of an
    earlier run from ``out``/``pages`` (departments no longer on the roster)."""
    for stale in (out / pages).glob("*.html"):
        stale.unlink()
    written = []
    for name, text in files.items():
        path = out / name
        write_whole(path, text.encode("utf-8"))
        written.append(path)
    return written


def _report_csv(report: Report, t) -> str:
    header = [t(f"report.column.{name}") for name in (
        "department", "staff_id", "name", "pledge", "pledge_title", "version", "signed",
        "signed_at", "older", "exam_best", "exam_passed", "exam_attempts")]
    rows = []
    for department in report.departments:
        for status in department.people:
            person, exam = status.person, status.exam
            for pledge in status.pledges or (None,):
                rows.append([
                    department.name, person.staff_id, person.name,
                    *((pledge.pledge.id, pledge.pledge.title, pledge.pledge.version,
                       _yes_no(bool(pledge.signed), t), pledge.signed or pledge.lapsed,
                       pledge.older)
                      if pledge else (None,) * 6),
                    exam.best, _yes_no(exam.passed, t), exam.attempts])
    return csv_document(header, rows)


def _unmatched_csv(report: Report, t) -> str:
    header = [t(f"report.column.{name}") for name in (
        "record", "created", "what", "name", "staff_id", "department", "reason")]
    return csv_document(header, (
        [item.record.get("id"), item.record.get("created"), _what(item.record, report, t),
         *(item.record["person"].get(key) for key in ("name", "staff_id", "department")),
         _reason(item, t)]
        for item in report.unmatched))


def _render_index(report: Report, pages: dict[str, str], t, language: str, tz) -> str:
    head = "".join(f'<th scope="col">{escape(t("report.signed_column", title=p.title))}</th>'
                   for p in report.pledges)
    # With several pledges, also the figure the dashboard and the department pages give
    every = len(report.pledges) > 1
    if every:
        head += f'<th scope="col">{escape(t("report.signed_every_column"))}</th>'
    rows = []
    for department in report.departments:
        counts = report.counts(department)
        href = f"departments/{quote(pages[department.name])}"
        link = f'<a href="{escape(href)}">{escape(department.name)}</a>'
        rows.append(f'<tr><th scope="row">{link}</th>{_count_cells(counts, t, every)}</tr>')
    total = (f'<tr class="total"><th scope="row">{escape(t("report.total"))}</th>'
             f'{_count_cells(report.counts(), t, every)}</tr>')
    table = (f'<table><caption>{escape(t("report.by_department"))}</caption><thead><tr>'
             f'<th scope="col">{escape(t("report.department"))}</th>'
             f'<th scope="col">{escape(t("report.staff"))}</th>{head}'
             f'<th scope="col">{escape(t("report.exam_passed"))}</th></tr></thead>'
             f'<tbody>{"".join(rows)}</tbody><tfoot>{total}</tfoot></table>')
    body = (_header(report, escape(t("report.title")), t, tz) + table
            + _render_unmatched(report, t, tz))
    return document(t("report.title"), body, language)


def _render_department(report: Report, department: Department, t, language: str, tz) -> str:
    counts = report.counts(department)
    head = "".join('<th scope="col">' + escape(t("report.pledge_column", title=p.title,
                                                   version=p.version)) + "</th>"
                   for p in report.pledges)
    rows = []
    for number, status in enumerate(department.people, start=1):
        cells = "".join(_pledge_cell(pledge, t, tz) for pledge in status.pledges)
        rows.append(f'<tr><td class="num">{number}</td><td>{escape(status.person.staff_id)}</td>'
                    f'<td>{escape(status.person.name)}</td>{cells}'
                    f'{_exam_cell(status.exam, t)}</tr>')
    summary = t("report.summary", staff=counts.staff, signed=counts.pledge_signed,
                unsigned=counts.staff - counts.pledge_signed, passed=counts.onboarding_passed)
    title = t("report.department_title", department=isolated_text(department.name))
    heading = escape(t("report.department_title")).format(department=isolated(department.name))
    body = (f'<nav><a href="../index.html">{escape(t("report.back"))}</a></nav>'
            + _header(report, heading, t, tz) + f'<p class="summary">{escape(summary)}</p>'
            f'<table><thead><tr><th scope="col">{escape(t("report.number"))}</th>'
            f'<th scope="col">{escape(t("report.column.staff_id"))}</th>'
            f'<th scope="col">{escape(t("report.column.name"))}</th>{head}'
            f'<th scope="col">{escape(t("report.exam"))}</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>'
            f'<p class="sign-off"><span>{escape(t("report.sign_off"))}</span>'
            f'<span>{escape(t("report.sign_off_date"))}</span></p>')
    return document(title, body, language)


def _render_unmatched(report: Report, t, tz) -> str:
    heading = f'<h2>{escape(t("report.unmatched"))}</h2>'
    if not report.unmatched:
        return heading + f'<p>{escape(t("report.unmatched_none"))}</p>'
    rows = "".join(
        f'<tr><td>{escape(local_time(item.record.get("created"), tz))}</td>'
        f'<td>{escape(_what(item.record, report, t))}</td>'
        + "".join(f'<td>{escape(_visible(str(item.record["person"].get(key, ""))))}</td>'
                  for key in ("name", "staff_id", "department"))
        + f'<td>{escape(_reason(item, t))}</td></tr>'
        for item in report.unmatched)
    head = "".join(f'<th scope="col">{escape(t(f"report.column.{name}"))}</th>' for name in
                   ("created_local", "what", "name", "staff_id", "department", "reason"))
    return (heading + f'<p>{escape(t("report.unmatched_hint"))}</p>'
            f'<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>')


def _visible(text: str) -> str:
    """Return ``text`` with each invisible or control character written out (<U+202E>): a
    right-to-left override shows 三张 as 张三, the roster's name it does not match."""
    return "".join(f"<U+{ord(char):04X}>" if invisible(char) else char for char in text)


def _header(report: Report, heading: str, t, tz) -> str:
    """Return the page's header: ``heading`` (HTML), when and where the report was made,
    the pledges' current versions."""
    versions = "".join(
        "<li>" + escape(t("report.current_version", title=p.title, version=p.version,
                          date=p.published)) + "</li>"
        for p in report.pledges)
    meta = t("report.generated", site=report.site, time=local_time(report.generated, tz),
             zone=zone_name(tz))
    return (f'<h1>{heading}</h1><p class="meta">{escape(meta)}</p>'
            f'<ul class="versions">{versions}</ul>')


def _count_cells(counts: Counts, t, every: bool = False) -> str:
    signed = [*counts.by_pledge, *([counts.pledge_signed] if every else [])]
    return (f'<td class="num">{counts.staff}</td>'
            + "".join(f'<td class="num">{_fraction(n, counts.staff, t)}</td>'
                      for n in signed)
            + f'<td class="num">{_fraction(counts.onboarding_passed, counts.staff, t)}</td>')


def _fraction(part: int, whole: int, t) -> str:
    return escape(t("report.fraction", part=part, whole=whole, percent=f"{percent(part, whole):g}"))


def _pledge_cell(status: PledgeStatus, t, tz) -> str:
    if status.signed:
        return f'<td>{escape(t("report.signed", time=local_time(status.signed, tz)))}</td>'
    if status.lapsed:
        text = t("report.signed_lapsed", time=local_time(status.lapsed, tz))
    elif status.older:
        text = t("report.signed_older", version=status.older)
    else:
        text = t("report.unsigned")
    return f'<td class="no">{escape(text)}</td>'


def _exam_cell(exam: ExamStatus, t) -> str:
    if exam.best is None:
        return f'<td class="no">{escape(t("report.exam_none"))}</td>'
    if exam.passed:
        return f'<td>{escape(t("report.exam_pass", score=exam.best))}</td>'
    return f'<td class="no">{escape(t("report.exam_fail", score=exam.best))}</td>'


def _what(record: dict, report: Report, t) -> str:
    if record.get("kind") == "pledge":
        titles = {p.id: p.title for p in report.pledges}
        pledge = record["pledge"]
        return t("report.what_pledge", title=titles.get(pledge.get("id"), pledge.get("id")),
                 version=pledge.get("version"))
    return t("report.what_exam", score=exam_score(record["attempt"].get("score")))


def _reason(item: Unmatched, t) -> str:
    staff_id = item.record["person"].get("staff_id")
    if item.roster_id is not None:
        return t("report.reason_zeros", staff_id=staff_id, roster_id=item.roster_id)
    if item.roster_name is None:
        return t("report.reason_unknown", staff_id=staff_id)
    return t("report.reason_name", staff_id=staff_id, name=item.roster_name)


def _yes_no(value: bool, t) -> str:
    return t("report.yes") if value else t("report.no")


def local_time(value, tz) -> str:
    """Return an ISO UTC time as local wall-clock time, 2026-11-24 10:00, or the text as
    recorded when it is no time, or a time the zone would push past year 9999 or before
    year 1 (a ward PC with a wrong clock): a report never fails on one record's time."""
    try:
        return datetime.fromisoformat(str(value)).astimezone(tz).strftime("%Y-%m-%d %H:%M")
    except (ValueError, OverflowError, OSError):
        return str(value or "")


def zone_name(tz) -> str:
    """Name the zone of the pages' times, UTC+08:00: the CSVs are in UTC, and a server
    may run in UTC while the hospital reads Beijing time."""
    offset = datetime.now(timezone.utc).astimezone(tz).strftime("%z")
    return f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC"


def page_names(departments: list[str]) -> dict[str, str]:
    """Return a safe, distinct file name for each department's page (a department may be
    named anything, '../x' or 'a/b' included), one Windows can hold too: the folder is
    copied to a PC or a share for filing."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for department in departments:
        stem = re.sub(r'[\x00-\x1f\x7f/\\:*?"<>|]', "_", department)
        # Characters that show nothing are left out: a file manager shows a page
        # named 外科<U+202E>exe.html, right-to-left override and all, as 外科lmth.exe
        stem = "".join(char for char in stem if not invisible(char)).strip(" .")[:80] or "_"
        # Linux takes 255 bytes: 80 characters of four bytes each are 320
        stem = stem.encode("utf-8")[:_STEM_BYTES].decode("utf-8", errors="ignore")
        # Windows opens the device, not a file, for CON or con.x.html
        if device_name(stem):
            stem = "_" + stem
        name, number = f"{stem}.html", 1
        while name.lower() in taken:
            number += 1
            name = f"{stem}-{number}.html"
        taken.add(name.lower())
        names[department] = name
    return names


_STEM_BYTES = 200  # a page name's stem, leaving room for "-2.html"


def document(title: str, body: str, language: str) -> str:
    return (f'<!doctype html>\n<html lang="{escape(language)}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="renderer" content="webkit">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<title>{escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n'
            f'<body>\n{body}\n</body>\n</html>\n')


# A4 printouts: the header row repeats on each sheet, a row never splits
_STYLE = """
@page { size: A4; margin: 15mm 12mm; }
body { max-width: 62rem; margin: 1.5rem auto; padding: 0 1rem; color: #222; line-height: 1.5;
  font-family: system-ui, "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif; }
h1 { font-size: 1.5rem; margin: 0 0 .3rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .5rem; }
.meta { color: #555; margin: 0; }
.versions { margin: .3rem 0 1rem; padding-left: 1.2rem; color: #555; }
table { border-collapse: collapse; width: 100%; font-size: .95rem; }
caption { text-align: left; font-weight: bold; padding: .3rem 0; }
th, td { border: 1px solid #999; padding: .25rem .5rem; text-align: left; vertical-align: top; }
thead th, tfoot th, tfoot td { background: #f0f0f0; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.no { color: #b71c1c; }
.sign-off { display: flex; gap: 6rem; margin-top: 3rem; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 10.5pt; }
  nav { display: none; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
  thead th, tfoot th, tfoot td { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
}
"""
