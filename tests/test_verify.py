"""Certificate verification codes: the rule, the collector's page and ``qinglian verify``."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import tracemalloc
import warnings

import pytest

from qinglian.cli import main
from qinglian.collector.app import create_app
from qinglian.collector.manifest import Manifests
from qinglian.collector.settings import Settings
from qinglian.collector.store import StoredRecord
from qinglian.collector.verify import find
from qinglian.common.verification import (ALPHABET, completing_records, formatted, normalised,
                                          verification_code)
from qinglian.portal.privacy import personal_data
from test_collector_api import PARTS, PLEDGE_HASH, SITE, STAFF, TOKEN, record

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

IDS = ["3f2b6a10-1c2d-4e5f-8a9b-0c1d2e3f4a5b", "0a1b2c3d-4e5f-4a6b-9c7d-8e9f0a1b2c3d",
       "ffffffff-ffff-4fff-bfff-ffffffffffff"]
# The same constant is checked against path.js in tests/test_path_browser.py
KNOWN_CODE = "PTFX93YRPCRGDXDE"
STEPS = [{"id": "lessons", "kind": "read", "title": "学习", "pages": ["lessons/a.md", "lessons/b.md"]},
         {"id": "exam", "kind": "quiz", "title": "测验", "quiz": "onboarding", "pass_mark": 80},
         {"id": "pledge", "kind": "pledge", "title": "承诺", "pledge": "staff"}]
CURRENT = {"staff": ("1", frozenset({PLEDGE_HASH}))}


def _independent_code(ids) -> str:
    """Crockford base32 by way of the standard library's RFC 4648 base32."""
    digest = hashlib.sha256("\n".join(sorted(ids)).encode()).digest()
    rfc = base64.b32encode(digest).decode()
    return "".join(ALPHABET["ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".index(c)] for c in rfc[:16])


def test_code_of_a_set_of_record_ids():
    assert verification_code(IDS) == _independent_code(IDS) == KNOWN_CODE
    assert verification_code(reversed(IDS)) == KNOWN_CODE  # order does not matter
    assert formatted(KNOWN_CODE) == "PTFX-93YR-PCRG-DXDE"


@pytest.mark.parametrize("typed, code", [
    ("ptfx-93yr-pcrg-dxde", KNOWN_CODE),
    (" PTFX 93YR PCRG DXDE ", KNOWN_CODE),
    ("ABCD-EFGH-JKMN-PQOI", "ABCDEFGHJKMNPQ01"),  # O read as 0, I as 1
    ("ｐｔｆｘ－９３ＹＲ－ＰＣＲＧ－ＤＸＤＥ", KNOWN_CODE),  # an input method's full width
    ("PTFX-93YR-PCRG-DXD", None),
    ("PTFX-93YR-PCRG-DXDU", None),  # U is not in Crockford's alphabet
])
def test_typed_codes_are_normalised(typed, code):
    assert normalised(typed) == code


def _route_records(person=STAFF, version="1", passed=True) -> list[dict]:
    reads = [record("progress", person=person, progress={"path": "onboarding", "step": step,
                                                         "done": True})
             for step in ("lessons:lessons/a.md", "lessons:lessons/b.md")]
    exam = record("attempt", person=person, attempt={**PARTS["attempt"], "passed": passed})
    pledge = record("pledge", person=person, pledge={**PARTS["pledge"], "version": version})
    return [*reads, exam, pledge]


def test_the_earliest_record_of_each_step_completes_the_route():
    records = _route_records()
    later = {**records[0], "id": "00000000-0000-4000-8000-000000000000",
             "created": "2026-12-01T00:00:00.000Z"}
    chosen = completing_records([later, *records], STEPS, CURRENT, "onboarding")
    assert [r["id"] for r in chosen] == [r["id"] for r in records]


@pytest.mark.parametrize("change", [
    lambda records: records[1:],  # a page not studied
    lambda records: records[:2] + _route_records(passed=False)[2:3] + records[3:],  # exam failed
    lambda records: records[:3] + _route_records(version="0")[3:],  # an old pledge version
])
def test_route_is_not_complete_while_a_step_is_missing(change):
    assert completing_records(change(_route_records()), STEPS, CURRENT, "onboarding") is None


# The collector ---------------------------------------------------------------------------

@pytest.fixture
def manifest(tmp_path):
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps({
        "site": SITE, "departments": ["内科"],
        "pledges": {"staff": [{"version": "0", "sha256": "0" * 64, "audience": "staff"},
                              {"version": "1", "sha256": PLEDGE_HASH, "audience": "staff"}]},
        "paths": {"onboarding": {"title": "新职工入职培训 <b>", "steps": STEPS}},
    }, ensure_ascii=False), encoding="utf-8")
    return path


def _collector(tmp_path, manifest, records) -> TestClient:
    client = TestClient(create_app(Settings(db=tmp_path / "r.db", admin_token=TOKEN,
                                            manifests=Manifests.load([manifest]))))
    for item in records:
        assert client.post("/api/v1/records", json=item).status_code == 201, item
    return client


def test_collector_page_says_what_a_code_certifies(tmp_path, manifest):
    records = _route_records(person={**STAFF, "name": "<img src=x>张三"})
    client = _collector(tmp_path, manifest, records)
    code = formatted(verification_code(r["id"] for r in records))

    valid = client.get(f"/verify/{code.lower()}")
    assert valid.status_code == 200 and valid.headers["content-type"].startswith("text/html")
    assert "证书有效。" in valid.text and "新职工入职培训 &lt;b&gt;" in valid.text
    assert "&lt;*" in valid.text and "张三" not in valid.text and "<img" not in valid.text
    assert "2026-11-24" in valid.text
    assert '<meta name="renderer" content="webkit">' in valid.text.split("</head>")[0]

    tampered = code[:-1] + ("0" if code[-1] != "0" else "1")
    assert client.get(f"/verify/{tampered}").status_code == 404
    assert "未找到" in client.get(f"/verify/{tampered}").text
    malformed = client.get("/verify/<script>")
    assert malformed.status_code == 400 and "<script>" not in malformed.text



@pytest.mark.parametrize("name, shown", [
    ("\u200b张三", "张*"),  # a zero-width space pasted in front
    ("\u202e三张", "三*"),  # a right-to-left override: shows as 张三, reverses the sentence
    ("\x9b张三", "张*"),  # a C1 control (a terminal's CSI), which the schema lets through
])
def test_the_masked_name_starts_at_its_first_visible_character(tmp_path, manifest, name, shown):
    """An invisible first character is not the masked name's: alone it showed as "*", and
    a direction override turned the rest of the page's sentence (the date) back to front."""
    records = _route_records(person={**STAFF, "name": name})
    client = _collector(tmp_path, manifest, records)
    page = client.get(f"/verify/{formatted(verification_code(r['id'] for r in records))}").text
    assert f"</strong> {shown} " in page
    assert name[0] not in page


def test_the_verification_page_tells_the_date_not_the_time(tmp_path, manifest):
    """The page is public and promises the date: it carried the completion time to the
    millisecond. Only the quarter of an hour the viewer's date needs is left."""
    records = [{**item, "created": "2026-11-24T09:37:12.345Z"} for item in _route_records()]
    client = _collector(tmp_path, manifest, records)
    html = client.get(f"/verify/{formatted(verification_code(r['id'] for r in records))}").text
    assert '<time datetime="2026-11-24T09:30Z">2026-11-24（UTC）</time>' in html
    assert ":37" not in html and "12.345" not in html


@pytest.mark.browser
@pytest.mark.parametrize("created, zone", [
    ("2026-12-31T23:00:00.000Z", "Asia/Shanghai"),
    # 00:05 on 1 January in Kathmandu (UTC+05:45), in the quarter hour the page keeps
    ("2026-12-31T18:20:59.999Z", "Asia/Kathmandu"),
])
def test_verification_page_gives_the_day_the_certificate_gives(tmp_path, manifest, browser,
                                                               created, zone):
    """A route finished at 07:00 on 1 January in Beijing is 31 December in UTC: the page
    said that day, one before the certificate's (the browser's own day), for any
    route finished between midnight and 08:00."""
    records = [{**item, "created": created} for item in _route_records()]
    client = _collector(tmp_path, manifest, records)
    html = client.get(f"/verify/{formatted(verification_code(r['id'] for r in records))}").text
    assert "2026-12-31（UTC）" in html  # without script, the day named by its zone
    context = browser.new_context(timezone_id=zone, java_script_enabled=True)
    try:
        page = context.new_page()
        page.set_content(html)
        assert page.locator("[role=status]").inner_text() == (
            "证书有效。 张* 已于 2027-01-01 完成《新职工入职培训 <b>》。")
    finally:
        context.close()


def test_a_look_up_keeps_no_practice_attempt(manifest):
    """The page is public and reads every record: a large hospital's year, practice quizzes'
    attempts and their answers included, took 950 MB a look-up. Only what a route can
    count is kept while the records stream past."""
    records = _route_records()

    def stream():
        yield from (StoredRecord(item, "", None, None) for item in records)
        for _ in range(300):
            answers = [{"question": f"q-{n}", "answer": "A", "correct": True} for n in range(200)]
            yield StoredRecord(record(attempt={**PARTS["attempt"], "quiz_id": "practice-1",
                                               "answers": answers}), "", None, None)

    tracemalloc.start()
    try:
        completion = find(verification_code(r["id"] for r in records), stream(),
                          Manifests.load([manifest]))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert completion is not None and completion.path == "onboarding"
    assert peak < 3_000_000  # one practice attempt is some 50 kB, all 300 some 15 MB


def test_a_corrected_staff_id_still_verifies(tmp_path, manifest, capsys):
    records = _route_records()
    records[0]["person"] = {**STAFF, "staff_id": "A01"}  # one page studied under a typo
    client = _collector(tmp_path, manifest, records)
    code = formatted(verification_code(r["id"] for r in records))
    assert client.get(f"/verify/{code}").status_code == 404
    assert main(["collector", "correct", "--db", str(tmp_path / "r.db"), "--site", SITE,
                 "--staff-id", "A01", "--set", "staff_id=A001", "--operator", "人事科",
                 "--reason", "录入错误"]) == 0
    assert client.get(f"/verify/{code}").status_code == 200


def test_verify_command_against_the_database_and_an_export(tmp_path, manifest, capsys):
    records = _route_records()
    client = _collector(tmp_path, manifest, records)
    code = formatted(verification_code(r["id"] for r in records))
    db = str(tmp_path / "r.db")
    assert main(["verify", code, "--db", db, "--manifest", str(manifest)]) == 0
    assert f"{code}: valid — 张* completed '新职工入职培训 <b>'" in capsys.readouterr().out
    export = tmp_path / "export.json"
    export.write_text(client.get("/api/v1/records",
                                 headers={"Authorization": f"Bearer {TOKEN}"}).text, encoding="utf-8")
    assert main(["verify", code, "--export", str(export), "--manifest", str(manifest)]) == 0
    assert main(["verify", "ZZZZ-ZZZZ-ZZZZ-ZZZZ", "--db", db, "--manifest", str(manifest)]) == 1
    assert main(["verify", "nonsense", "--db", db, "--manifest", str(manifest)]) == 2


def test_verification_page_is_rate_limited(tmp_path, manifest):
    """Past the limit the person still gets the page, in the site's language (it was
    the JSON error meant for admin clients), the code as the certificate prints it, as
    on the page answered, and what they typed that is no code escaped."""
    client = _collector(tmp_path, manifest, [])
    answers = [client.get("/verify/zzzz zzzz zzzz zzzz") for _ in range(80)]
    assert answers[0].status_code == 404 and answers[-1].status_code == 429
    busy = answers[-1]
    assert busy.headers["content-type"].startswith("text/html") and busy.headers["Retry-After"]
    assert '<html lang="zh">' in busy.text and "查询太频繁。" in busy.text
    assert all("<code>ZZZZ-ZZZZ-ZZZZ-ZZZZ</code>" in page.text for page in (answers[0], busy))
    typed = client.get("/verify/<b>x")
    assert typed.status_code == 429 and "&lt;b&gt;x" in typed.text and "<b>" not in typed.text
    assert client.post("/api/v1/records", json={}).json()["error"].startswith("Too many")


# The route per person, for the HR files ---------------------------------------------------

def test_report_lists_each_persons_route_and_who_has_not_finished(tmp_path, manifest, capsys):
    done = _route_records()
    hostile = {"name": "<script>alert(1)</script>", "staff_id": "B002", "department": "内科"}
    started = _route_records(person=hostile)[:1]  # one page of two studied
    _collector(tmp_path, manifest, done + started)
    roster = tmp_path / "roster.csv"
    roster.write_text("工号,姓名,科室\nA001,张三,内科\nB002,<script>alert(1)</script>,内科\n"
                      "C003,王五,内科\n", encoding="utf-8")
    out = tmp_path / "report"
    assert main(["report", "--db", str(tmp_path / "r.db"), "--roster", str(roster),
                 "--manifest", str(manifest), "--out", str(out)]) == 0

    route = out / "routes" / "onboarding"
    rows = list(csv.reader(io.StringIO((route / "report.csv").read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["科室", "工号", "姓名", "学习", "测验", "承诺", "入职测验成绩", "承诺书版本",
                       "完成时间（UTC）", "验证码"]
    code = formatted(verification_code(r["id"] for r in done))
    assert rows[1][:3] == ["内科", "A001", "张三"] and rows[1][6:] == ["90", "1", done[0]["created"], code]
    assert rows[2][3:6] == ["1/2", "", ""] and rows[3][3:] == [""] * 7
    unfinished = (route / "unfinished.csv").read_text(encoding="utf-8-sig").splitlines()
    assert unfinished[1:] == ["内科,B002,<script>alert(1)</script>,学习,0/3", "内科,C003,王五,学习,0/3"]

    page = (route / "departments" / "内科.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>" not in page
    assert code in page and "90 分" in page and "第 1 版" in page
    assert '<a href="../index.html">' in page
    index = (route / "index.html").read_text(encoding="utf-8")
    assert "已完成 1 / 3 人" in index and "新职工入职培训 &lt;b&gt;" in index
    assert '<a href="departments/%E5%86%85%E7%A7%91.html">' in index


def test_an_english_sites_report_and_verification_page_are_in_english(tmp_path, manifest, capsys):
    """The manifest names the site's language: `qinglian report` and the collector's
    verification page use it (they were in Chinese whatever the site's language)."""
    data = json.loads(manifest.read_text(encoding="utf-8"))
    manifest.write_text(json.dumps({**data, "language": "en"}), encoding="utf-8")
    records = _route_records()
    client = _collector(tmp_path, manifest, records)
    code = formatted(verification_code(r["id"] for r in records))
    for typed, outcome in ((code, "Valid."), ("ZZZZ-ZZZZ-ZZZZ-ZZZZ", "Not found."),
                           ("nonsense", "Not a code.")):
        page = client.get(f"/verify/{typed}").text
        assert '<html lang="en">' in page and outcome in page
    roster = tmp_path / "roster.csv"
    roster.write_text("工号,姓名,科室\nA001,张三,内科\n", encoding="utf-8")
    out = tmp_path / "report"
    assert main(["report", "--db", str(tmp_path / "r.db"), "--roster", str(roster),
                 "--manifest", str(manifest), "--out", str(out)]) == 0
    index = (out / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in index and "Completion by department" in index
    assert (out / "report.csv").read_text(encoding="utf-8-sig").startswith("Department,Staff number,")
    route = (out / "routes" / "onboarding" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in route and "1 of 1 finished" in route
    # Copied into content/ by mistake, the English files are still kept off the site
    assert personal_data(out / "routes" / "onboarding" / "report.csv") == (
        "a table with the column(s) Staff ID")


def test_verification_page_escapes_the_manifests_language(tmp_path, manifest):
    """The language comes from a manifest file copied onto the server: escaped like the
    report's, it cannot put markup on the page."""
    data = json.loads(manifest.read_text(encoding="utf-8"))
    manifest.write_text(json.dumps({**data, "language": 'zh"><script>alert(1)</script>'}),
                        encoding="utf-8")
    page = _collector(tmp_path, manifest, []).get("/verify/ZZZZ-ZZZZ-ZZZZ-ZZZZ").text
    assert "<script>alert" not in page and '<html lang="zh&quot;&gt;&lt;script&gt;' in page


def test_a_route_score_written_as_90_0_shows_as_90(tmp_path, manifest, capsys):
    records = _route_records()
    records[2]["attempt"]["score"] = 90.0  # JSON's other way to write the integer 90
    _collector(tmp_path, manifest, records)
    roster = tmp_path / "roster.csv"
    roster.write_text("工号,姓名,科室\nA001,张三,内科\n", encoding="utf-8")
    out = tmp_path / "report"
    assert main(["report", "--db", str(tmp_path / "r.db"), "--roster", str(roster),
                 "--manifest", str(manifest), "--out", str(out)]) == 0
    route = out / "routes" / "onboarding"
    rows = list(csv.reader(io.StringIO((route / "report.csv").read_text(encoding="utf-8-sig"))))
    assert rows[1][6] == "90"
    assert "90 分" in (route / "departments" / "内科.html").read_text(encoding="utf-8")


def test_routes_named_like_the_roster_reports_files_keep_to_their_folders(tmp_path, capsys):
    """Trainers name routes: one named 'report' or 'departments' (or 'onboarding-unfinished'
    beside 'onboarding') writes into routes/<id>/ and overwrites nothing of another's."""
    names = ("onboarding", "report", "departments", "onboarding-unfinished")
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({
        "site": SITE, "departments": ["内科"],
        "pledges": {"staff": [{"version": "1", "sha256": PLEDGE_HASH, "audience": "staff"}]},
        "paths": {name: {"title": f"路线 {name}", "steps": STEPS} for name in names},
    }, ensure_ascii=False), encoding="utf-8")
    _collector(tmp_path, manifest, _route_records())
    roster = tmp_path / "roster.csv"
    roster.write_text("工号,姓名,科室\nA001,张三,内科\n", encoding="utf-8")
    out = tmp_path / "report"
    assert main(["report", "--db", str(tmp_path / "r.db"), "--roster", str(roster),
                 "--manifest", str(manifest), "--out", str(out)]) == 0
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert written == sorted(["dashboard.json", "departments/内科.html", "index.html",
                              "report.csv", "unmatched.csv"] + [
        f"routes/{name}/{file}" for name in names
        for file in ("departments/内科.html", "index.html", "report.csv", "unfinished.csv")])
    assert "入职测验最高分" in (out / "report.csv").read_text(encoding="utf-8-sig")
    assert "廉洁从业承诺与入职测验完成情况" in (out / "departments" / "内科.html").read_text(
        encoding="utf-8")
    for name in names:
        assert f"路线 {name}" in (out / "routes" / name / "index.html").read_text(encoding="utf-8")


def test_a_department_named_with_a_direction_override_turns_no_text_after_it(tmp_path,
                                                                             manifest, capsys):
    """A department name from HR's roster holding a right-to-left override (U+202E) showed
    what follows it backwards, in running text: the counts after it in the route's list
    of departments, the route's title in a department page's heading. It is set apart
    (<bdi>); in its own cell, the list of who has not finished, it needs not."""
    _collector(tmp_path, manifest, _route_records())
    roster = tmp_path / "roster.csv"
    roster.write_text("工号,姓名,科室\nA001,张三,\u202e内科\nB002,李四,\u202e内科\n",
                      encoding="utf-8")
    out = tmp_path / "report"
    assert main(["report", "--db", str(tmp_path / "r.db"), "--roster", str(roster),
                 "--manifest", str(manifest), "--out", str(out)]) == 0
    route = out / "routes" / "onboarding"
    index = (route / "index.html").read_text(encoding="utf-8")
    assert "<bdi>\u202e内科</bdi></a> 已完成 1 / 2 人</li>" in index
    assert "<td>\u202e内科</td>" in index
    page = (route / "departments" / "内科.html").read_text(encoding="utf-8")
    assert "<h1><bdi>\u202e内科</bdi> · 新职工入职培训 &lt;b&gt;（医德医风档案）</h1>" in page


def test_a_route_id_that_is_no_slug_is_refused(tmp_path, manifest, capsys):
    """A hand-edited manifest's route '../x' would name a folder outside routes/."""
    _collector(tmp_path, manifest, _route_records())
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["paths"] = {"../x": data["paths"]["onboarding"]}
    manifest.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    roster = tmp_path / "roster.csv"
    roster.write_text("工号,姓名,科室\nA001,张三,内科\n", encoding="utf-8")
    out = tmp_path / "report" / "2026-11"
    assert main(["report", "--db", str(tmp_path / "r.db"), "--roster", str(roster),
                 "--manifest", str(manifest), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"qinglian report: manifest '{manifest}': paths: '../x' does not match")
    assert not (tmp_path / "report").exists()
