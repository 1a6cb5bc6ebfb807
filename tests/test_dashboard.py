"""The dashboard page (qinglian/dashboard), built from a real report's dashboard.json.

Each test writes a small site with ``make_site`` and builds it with --strict:
with a report's data, with none (a note, not a failure) and with a broken or
foreign file (a warning naming the file, so --strict fails).
"""

from __future__ import annotations

import json
import re
import threading
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import PHONE, STATED_ROLES, accessible_table, static_server
from qinglian.collector.report import (CurrentPledge, Person, Published, Roster, build_report,
                                       write_report)
from qinglian.collector.store import StoredRecord
from qinglian.dashboard.board import Figures, pool_small

SITE = "test-hospital"
HASH = "a" * 64
DATA = "content/dashboard/data.json"
# The boxes of elements on the screen, each as [left, top, right, bottom] in CSS pixels
BOXES = """(elements) => elements.map(element => {
  const r = element.getBoundingClientRect();
  return [r.left, r.top, r.right, r.bottom];
})"""
# The style of an element (or its ::before) for one property
STYLE = "(element, [property, pseudo]) => getComputedStyle(element, pseudo)[property]"
# A row of the table: name, staff, the widths of its two bars
ROWS = re.compile(r'<tr role="row"><th scope="row" role="rowheader">(.*?)</th><td class="ql-dashboard-num"[^>]*>(\d+)</td>'
                  r'.*?width: ([\d.]+)%.*?width: ([\d.]+)%')


def report_data(tmp_path, departments: dict[str, list[tuple[bool, bool]]]) -> str:
    """Run the report on a roster of ``departments`` (each person: signed?, passed?) and
    return the dashboard.json it writes."""
    people, records = [], []
    for department, members in departments.items():
        for signed, passed in members:
            person = Person(f"{len(people) + 1:04d}", f"职工{len(people) + 1}", department)
            people.append(person)
            who = {"name": person.name, "staff_id": person.staff_id, "department": department}
            if signed:
                records.append(_record(who, "pledge", pledge={"id": "staff", "version": "3",
                                                               "sha256": HASH}))
            records.append(_record(who, "attempt", attempt={"quiz_id": "onboarding",
                                                             "score": 90 if passed else 50,
                                                             "passed": passed}))
    published = Published(SITE, tuple(departments), (CurrentPledge(
        "staff", "廉洁从业承诺书", "3", "2026-01-01", frozenset({HASH})),))
    report = build_report(records, Roster("roster.csv", "UTF-8", people), published,
                          generated="2026-11-24T04:00:00.000Z")
    write_report(report, tmp_path / "report")
    return (tmp_path / "report" / "dashboard.json").read_text(encoding="utf-8")


def _record(who: dict, kind: str, **part) -> StoredRecord:
    return StoredRecord({"id": str(uuid.uuid4()), "site": SITE, "kind": kind,
                         "created": "2026-11-24T02:00:00.000Z", "person": who, **part},
                        "2026-11-24T02:00:01.000Z", None, None)


@pytest.fixture
def dashboard_site(make_site):
    """Return a function making a site with the dashboard page and ``data`` (None: no file)."""

    def dashboard_site(data: str | None, *, offline: bool = False, **options):
        """``offline``: the file:// build (Material's offline plugin)."""
        return make_site(
            files={"content/dashboard/index.md": "# 数据看板\n\n各科室完成情况。\n", DATA: data},
            config={"extra": {"hospital": {"site_id": SITE}},
                    "plugins": {"qinglian/portal": {"sections": {"dashboard": "数据看板"}},
                                "qinglian/dashboard": options,
                                **({"material/offline": {}} if offline else {})}})

    return dashboard_site


def test_dashboard_from_a_report(tmp_path, dashboard_site):
    """A report's dashboard.json becomes a table with a bar per figure, and its date."""
    data = report_data(tmp_path, {"内科": [(True, True), (True, False), (False, False)],
                                  "外科": [(True, True)]})
    site = dashboard_site(data, min_group=1)  # every department alone, however small
    result = site.build()
    assert result.returncode == 0, result.stderr
    page = site.read("dashboard/index.html")
    assert "数据截至 2026-11-24，全院名单共 4 人。" in page
    assert "签署率按承诺书的当前版本计算：廉洁从业承诺书（第 3 版）。" in page
    rows = ROWS.findall(page)
    assert rows == [("内科", "3", "66.7", "33.3"), ("外科", "1", "100", "100"),
                    ("全院", "4", "75", "50")]
    assert "66.7%（2/3）" in page and "33.3%（1/3）" in page
    assert "职工1" not in page and "0001" not in page
    # The data file is read by the plugin, not published; the stylesheet is
    style = re.search(r'<link rel="stylesheet" href="\.\./(assets/qinglian/dashboard\.\w+\.css)">',
                      page).group(1)
    assert (site.root / "site" / style).is_file()
    assert not (site.root / "site" / "dashboard" / "data.json").exists()
    # No name of the report's people anywhere in the site (search index included)
    people = [f"职工{n}".encode() for n in range(1, 5)]
    for path in (site.root / "site").rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert not [who for who in people if who in data], path


@pytest.mark.browser
def test_bars_show_in_forced_colours(tmp_path, dashboard_site, open_page):
    """In Windows high contrast (forced colours), which drops backgrounds, a bar still
    shows how far it is filled: its fill has the text's colour, its track an outline."""
    data = report_data(tmp_path, {"内科": [(True, True), (False, False)]})
    site = dashboard_site(data, min_group=1)
    assert site.build().returncode == 0
    page = open_page().page
    page.emulate_media(forced_colors="active")
    page.goto((site.root / "site" / "dashboard" / "index.html").as_uri())
    bar = page.locator(".ql-dashboard-bar").first
    assert bar.evaluate("""(bar) => {
        const fill = getComputedStyle(bar.firstElementChild), track = getComputedStyle(bar);
        return fill.backgroundColor == track.color && fill.backgroundColor != track.backgroundColor
            && track.borderTopStyle == 'solid';
    }""")


# A hospital's departments as HR names them, each person (signed?, passed?)
HOSPITAL = {"心血管内科（一病区）": [(True, True), (True, False), (False, False)] * 3,
            "普通外科": [(True, True)] * 6 + [(False, False)],
            "急诊医学科": [(True, False)] * 5,
            "药剂科": [(True, True)] * 2, "病案统计室": [(False, False)] * 3}


@pytest.fixture(params=["file", "http"])
def phone_dashboard(request, tmp_path, dashboard_site, open_page):
    """The dashboard of ``HOSPITAL`` on a phone, in the file:// build, then over http."""
    offline = request.param == "file"
    site = dashboard_site(report_data(tmp_path, HOSPITAL), offline=offline)
    result = site.build()
    assert result.returncode == 0, result.stderr
    page = open_page(**PHONE).page
    if offline:
        page.goto((site.root / "site" / "dashboard" / "index.html").as_uri())
        yield page
        return
    server = static_server(site.root / "site")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    page.goto(f"http://127.0.0.1:{server.server_address[1]}/dashboard/")
    yield page
    server.shutdown()
    server.server_close()


@pytest.mark.browser
def test_a_phone_shows_a_card_per_department(phone_dashboard):
    """On a phone each department (and the total) is a card, its figures on full-width
    lines each named by its column: the table was 509 px wide, its 入职测验通过率
    off-screen until one swiped inside it."""
    page = phone_dashboard
    width = PHONE["viewport"]["width"]
    table = page.locator(".ql-dashboard table")
    headings = table.locator("thead th").all_inner_texts()[1:]  # the figures' columns
    assert table.evaluate("(table) => table.getBoundingClientRect().right") <= width
    assert page.evaluate("document.scrollingElement.scrollWidth") <= width
    rows = table.locator("tbody tr, tfoot tr")
    assert rows.count() == 5  # 3 departments, the pooled ones, the total
    for row in rows.all():
        name = row.locator("th").inner_text()
        cells = row.locator("td")
        assert cells.count() == len(headings) == 3
        for index, heading in enumerate(headings):
            cell = cells.nth(index)
            assert cell.evaluate(STYLE, ["content", "::before"]) == f'"{heading}"'
            for box in cell.locator("*").evaluate_all(BOXES):  # bars and figures in sight
                assert 0 <= box[0] and box[2] <= width, (name, heading)
    value = rows.first.locator(".ql-dashboard-value").last
    assert value.inner_text() == "33.3%（3/9）"
    assert value.evaluate("(value) => value.getBoundingClientRect().right") <= width


@pytest.mark.browser
def test_a_phones_cards_are_a_table_to_a_screen_reader(phone_dashboard, open_page):
    """Shown as cards on a phone, the dashboard is still a table to a screen reader: named
    by its caption, its headings column headers, each department (and the total) a row
    headed by its name, with three cells. Chromium keeps it a table whatever the CSS;
    Safari (VoiceOver) drops a table shown as blocks, so each part states its role. On a
    desktop, where Material dresses th[role=columnheader] as a sortable column, the
    headings show no sort arrow."""
    page = phone_dashboard
    table = page.locator(".ql-dashboard table")
    role, name, rows = accessible_table(page, ".ql-dashboard table")
    assert (role, name) == ("table", "各科室完成情况")
    assert rows[0] == [("columnheader", heading)
                       for heading in ("科室", "人数", "承诺书签署率", "入职测验通过率")]
    assert [row[0] for row in rows[1:]] == [("rowheader", name) for name in (
        "心血管内科（一病区）", "普通外科", "急诊医学科", "其他科室（合并）", "全院")]
    assert all([role for role, _ in row[1:]] == ["cell"] * 3 for row in rows[1:])
    assert set(table.evaluate(STATED_ROLES)) == {
        "table table", "caption caption", "thead rowgroup", "thead tr row",
        "thead th columnheader", "tbody rowgroup", "tbody tr row", "tbody th rowheader",
        "tbody td cell", "tfoot rowgroup", "tfoot tr row", "tfoot th rowheader", "tfoot td cell"}
    desk = open_page().page
    desk.goto(page.url)
    heading = desk.locator(".ql-dashboard th").first
    assert heading.evaluate(STYLE, ["content", "::after"]) == "none"
    assert heading.evaluate(STYLE, ["cursor", None]) == "auto"


@pytest.mark.browser
def test_the_table_stays_a_table_on_a_desktop_and_on_paper(tmp_path, dashboard_site, open_page):
    """A desktop screen, and a phone's printout, keep the table of columns under their
    headings."""
    site = dashboard_site(report_data(tmp_path, HOSPITAL))
    assert site.build().returncode == 0
    address = (site.root / "site" / "dashboard" / "index.html").as_uri()
    phone = open_page(**PHONE).page
    phone.emulate_media(media="print")
    for page in (open_page().page, phone):
        page.goto(address)
        table = page.locator(".ql-dashboard table")
        assert table.locator("thead").evaluate(STYLE, ["display", None]) == "table-header-group"
        assert table.locator("tbody tr").first.evaluate(STYLE, ["display", None]) == "table-row"
        assert table.locator("td").first.evaluate(STYLE, ["content", "::before"]) == "none"


@pytest.mark.parametrize("sizes, rows, pooled", [
    # people per department → the rows shown (name, staff), the pooled departments
    ({"内科": 6, "儿科": 7, "外科": 3, "药剂科": 2},
     [("内科", "6"), ("儿科", "7"), ("其他科室（合并）", "5")], "外科、药剂科"),
    # a pool of 3 would be the total less the other rows: the smallest (内科) joins it
    ({"内科": 6, "儿科": 7, "外科": 2, "药剂科": 1}, [("儿科", "7"), ("其他科室（合并）", "9")],
     "内科、外科、药剂科"),
    ({"内科": 5, "外科": 9}, [("内科", "5"), ("外科", "9")], None),
])
def test_departments_too_small_to_hide_a_person_are_pooled(tmp_path, dashboard_site, sizes,
                                                          rows, pooled):
    """By default no row stands for fewer than 5 people: the page would show each one's
    progress to all staff. The pooled row's figures are its people's."""
    data = report_data(tmp_path, {name: [(True, n % 2 == 0) for n in range(size)]
                                  for name, size in sizes.items()})
    site = dashboard_site(data)
    assert site.build().returncode == 0
    page = site.read("dashboard/index.html")
    shown = [(name, staff) for name, staff, _, _ in ROWS.findall(page)]
    assert shown == rows + [("全院", str(sum(sizes.values())))]
    note = ("为免显示个人的完成情况，不足 5 人的科室合并为一行（必要时并入人数最少的其他科室）："
            + "、".join(f"<bdi>{name}</bdi>" for name in (pooled or "").split("、")) + "。")
    assert (note in page) == bool(pooled)
    if pooled:
        people = sum(sizes[name] for name in pooled.split("、"))
        passed = sum((size + 1) // 2 for name, size in sizes.items() if name in pooled.split("、"))
        assert f"100%（{people}/{people}）" in page and f"（{passed}/{people}）" in page


def test_no_data_is_a_note_not_a_failure(dashboard_site):
    """Without data.json the page says 暂无数据 and how to make it; --strict passes."""
    site = dashboard_site(None)
    result = site.build()
    assert result.returncode == 0, result.stderr
    page = site.read("dashboard/index.html")
    assert "<strong>暂无数据</strong>" in page
    assert "qinglian report" in page and "content/dashboard/data.json" in page


@pytest.mark.parametrize("change, problem", [
    # (how the report's file is spoiled, what the warning says after the file name)
    (lambda text: text[:-20], r"line \d+: not valid JSON"),
    (lambda text: text.replace('"staff": 3', '"staff": -3', 1),
     r"departments\.0\.staff: -3 is less than the minimum of 0"),
    (lambda text: text.replace('"pledge_signed": 2', '"pledge_signed": 9'),
     r"内科: pledge_signed is 9, more than its 3 staff"),
    (lambda text: text.replace('"format": 1', '"format": 7'), r"format: 1 was expected"),
    (lambda text: text.replace(f'"site": "{SITE}"', '"site": "other-hospital"'),
     r"it is for site 'other-hospital', not this site 'test-hospital'; copy the dashboard\.json "
     r"of a report made with this site's manifest"),
])
def test_malformed_data_warns_naming_the_file(tmp_path, dashboard_site, change, problem):
    """A spoiled or foreign file is a warning naming it and what is wrong: --strict fails,
    and the page shows no figures."""
    data = change(report_data(tmp_path, {"内科": [(True, True), (True, False), (False, False)]}))
    site = dashboard_site(data)
    log = site.failed_build_log()
    warning = rf"WARNING -  qinglian: Error reading dashboard data '{re.escape(DATA)}': {problem}"
    assert re.search(warning, log), log
    lenient = site.build(strict=False)
    assert lenient.returncode == 0
    assert "暂无数据" in site.read("dashboard/index.html")


def test_hostile_department_names_are_escaped(tmp_path, dashboard_site):
    """A department named like markup shows as text."""
    site = dashboard_site(report_data(tmp_path, {"<img src=x onerror=alert(1)>": [(True, True)]}))
    result = site.build()
    assert result.returncode == 0, result.stderr
    page = site.read("dashboard/index.html")
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "<img src=x" not in page


def test_a_department_named_with_a_direction_override_turns_no_text_after_it(
        tmp_path, dashboard_site):
    """A department name from HR's roster holding a right-to-left override (U+202E) showed
    the rest of the note about pooled departments backwards: each name is set apart
    (<bdi>). In its own row's heading cell it needs not."""
    site = dashboard_site(report_data(tmp_path, {"\u202e内科": [(True, True)] * 5,
                                                 "\u202e儿科": [(True, True)] * 2,
                                                 "外科": [(True, False)] * 3}))
    assert site.build().returncode == 0
    page = site.read("dashboard/index.html")
    assert "：<bdi>\u202e儿科</bdi>、<bdi>外科</bdi>。</p>" in page
    assert '<th scope="row" role="rowheader">\u202e内科</th>' in page


def test_missing_page_is_reported(make_site):
    """An enabled dashboard without its page warns, naming the page to create, and how a
    hospital that deleted the sample's dashboard section turns the plugin off."""
    site = make_site(config={"plugins": {"qinglian/dashboard": {}}})
    log = site.failed_build_log()
    assert ("content/dashboard/index.md: the dashboard page does not exist; create it, set "
            "the dashboard plugin's page, or, for a site without a dashboard, remove "
            "qinglian/dashboard from the plugins in mkdocs.yml") in log


def test_report_data_round_trips(tmp_path):
    """What the report writes is exactly what the dashboard reads (one format, two ends)."""
    from qinglian.dashboard.board import read_dashboard

    dashboard, problem = read_dashboard(report_data(tmp_path, {"内科": [(True, False)]}))
    assert problem is None
    assert dashboard.departments[0][0] == "内科"
    assert (dashboard.total.staff, dashboard.total.pledge_signed,
            dashboard.total.onboarding_passed) == (1, 1, 0)
    assert json.loads((tmp_path / "report" / "dashboard.json").read_text())["format"] == 1


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 12), max_size=8), st.integers(1, 10))
def test_no_row_stands_for_fewer_people_than_min_group(sizes, min_group):
    """Every row shown alone, and the pooled row unless it is empty, holds at least
    min_group people (or is the whole hospital); no one is lost or counted twice."""
    departments = [(f"科室{n}", Figures(size, size // 2, 0.0, size // 3, 0.0))
                   for n, size in enumerate(sizes)]
    alone, pooled, pool = pool_small(departments, min_group)
    assert all(figures.staff >= min_group for _, figures in alone)
    if pool is not None and alone:
        assert pool.staff == 0 or pool.staff >= min_group
    # Each department once: alone or pooled
    assert sorted([name for name, _ in alone] + pooled) == sorted(name for name, _ in departments)
    staff = sum(figures.staff for _, figures in alone) + (pool.staff if pool else 0)
    signed = sum(figures.pledge_signed for _, figures in alone) + (pool.pledge_signed if pool else 0)
    assert (staff, signed) == (sum(sizes), sum(size // 2 for size in sizes))
