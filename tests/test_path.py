"""Routes (quizzes/paths/*.yml): every mistake named with file and line, the manifest
part the collector loads, and the route's blocks as built."""

import json
import re
import subprocess
import sys
from datetime import date

import pytest
import yaml

from conftest import block_data
from qinglian.common.fences import find_fences
from qinglian.path.routes import Site, load_routes, resolve_fence
from qinglian.pledge.lock import update_lock, write_lock
from qinglian.pledge.models import read_pledge
from test_pledge import PLEDGE, PLEDGE_CONFIG
from test_quiz_validation import GOOD_BANK

ROUTE = """\
title: 入职培训
min_read_seconds: 60
steps:
  - id: overview
    kind: read
    title: 总览
    pages: [lessons/index.md]
    min_read_seconds: 30
  - id: exam
    kind: quiz
    title: 测验
    quiz: exam
  - id: pledge
    kind: pledge
    title: 承诺
    pledge: staff
"""
STAFF_HASH, FAMILY_HASH = "a" * 64, "b" * 64
SITE = Site(
    pages=frozenset({"lessons/index.md", "lessons/standard-1.md", "onboarding/index.md"}),
    quizzes={"exam": 80},
    broken_quizzes=frozenset({"broken"}),
    lock={"staff": [{"version": "1", "sha256": "c" * 64, "audience": "staff"},
                    {"version": "2", "sha256": "d" * 64, "audience": "staff"},
                    {"version": "2", "sha256": STAFF_HASH, "audience": "staff", "minor_change": True}],
          "family": [{"version": "1", "sha256": FAMILY_HASH, "audience": "family"}]},
    blocks={("quiz", "exam"): "quizzes/exam.md", ("pledge", "staff"): "pledges/staff.md",
            ("pledge", "family"): "pledges/family.md", ("path", "onboarding"): "onboarding/index.md",
            ("certificate", "onboarding"): "onboarding/certificate.md"},
)


def load(tmp_path, text: str, name: str = "onboarding.yml", site: Site = SITE):
    folder = tmp_path / "paths"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return load_routes(folder, "quizzes/paths", site)


def problems(library) -> list[str]:
    return [str(problem) for problem in library.problems]


def test_good_route_loads(tmp_path):
    """Control: the route loads with its pass mark, the pledge's current version and
    both of its published hashes (a typo fix), and the pages that show each part."""
    library = load(tmp_path, ROUTE)
    assert problems(library) == []
    overview, exam, pledge = library.routes["onboarding"].steps
    assert overview.pages == ("lessons/index.md",) and overview.min_read_seconds == 30
    assert exam.pass_mark == 80 and exam.page == "quizzes/exam.md"
    assert pledge.version == "2" and pledge.hashes == ("d" * 64, STAFF_HASH)
    route = library.routes["onboarding"]
    assert (route.landing, route.certificate) == ("onboarding/index.md", "onboarding/certificate.md")


@pytest.mark.parametrize("old, new, line, message", [
    # text replaced in ROUTE, the line reported, the message
    ("title: 入职", "titel: 入职", 1, "unknown key 'titel' (did you mean 'title'?)"),
    ("title: 入职培训\n", "", 1, "missing 'title'"),
    ("steps:\n", "stepz:\n", 3, "unknown key 'stepz' (did you mean 'steps'?)"),
    ("steps:\n", "stepz:\n", 1, "missing 'steps'"),
    ("  - id: exam", "  - id: overview", 9, "duplicate step id 'overview' (first on line 4)"),
    ("  - id: exam", "  - id: Exam", 9, "step id 'Exam' may hold only a-z, 0-9 and -"),
    ("kind: quiz", "kind: quizz", 10, "unknown kind 'quizz' (did you mean 'quiz'?)"),
    ("    kind: quiz\n", "", 9, "missing 'kind'"),
    ("    title: 测验\n", "", 9, "missing 'title'"),
    ("    min_read_seconds: 30", "    min_read_second: 30", 8,
     "unknown key 'min_read_second' for a read step (did you mean 'min_read_seconds'?)"),
    ("quiz: exam", "pages: [lessons/index.md]", 12, "unknown key 'pages' for a quiz step"),
    ("[lessons/index.md]", "[lessons/standard-10.md]", 7,
     "page 'lessons/standard-10.md' is not a page of the site (did you mean 'lessons/standard-1.md'?)"),
    ("[lessons/index.md]", "[]", 7, "'pages' must be a non-empty list"),
    ("    pages: [lessons/index.md]\n", "", 4, "missing 'pages'"),
    ("[lessons/index.md]", "[lessons/index.md, lessons/index.md]", 4,
     "page 'lessons/index.md' is already in step 'overview'"),
    ("min_read_seconds: 30", "min_read_seconds: soon", 8,
     "'min_read_seconds' is 'soon', not a whole number from 0 to 3600"),
    ("quiz: exam", "quiz: exams", 12, "unknown quiz 'exams' (did you mean 'exam'?)"),
    ("quiz: exam", "quiz: broken", 12, "quiz 'broken' is left out because its file has errors"),
    ("pledge: staff", "pledge: stuff", 16,
     "pledge 'stuff' is not published (not in pledges.lock.json) (did you mean 'staff'?)"),
    ("pledge: staff", "pledge: family", 16, "pledge 'family' is signed by family, not by staff"),
    ("title: 入职培训", "title: [入职", 2, "invalid YAML"),
])
def test_route_mistakes(tmp_path, old, new, line, message):
    """Each mistake names the file, the line and what is wrong; the route is left out."""
    assert old in ROUTE
    library = load(tmp_path, ROUTE.replace(old, new))
    assert "onboarding" not in library.routes and "onboarding" in library.broken
    assert any(p.startswith(f"quizzes/paths/onboarding.yml:{line}: {message}")
               for p in problems(library)), problems(library)


@pytest.mark.parametrize("missing, line, message", [
    (("quiz", "exam"), 12, "quiz 'exam' is on no page — add a block ```quiz with 'id: exam'"),
    (("pledge", "staff"), 16, "pledge 'staff' is on no page"),
    (("path", "onboarding"), 1, "route 'onboarding' has no page with a ```path block"),
    (("certificate", "onboarding"), 1,
     "route 'onboarding' has no page with a ```certificate block — add a block ```certificate "
     "with 'id: onboarding' to the page that should show its certificate"),
])
def test_every_part_needs_a_page(tmp_path, missing, line, message):
    """The route links to its quiz, its pledge and its certificate: each must stand on a page."""
    blocks = {key: page for key, page in SITE.blocks.items() if key != missing}
    library = load(tmp_path, ROUTE, site=Site(SITE.pages, SITE.quizzes, SITE.broken_quizzes,
                                              SITE.lock, blocks))
    assert problems(library) and problems(library)[0].startswith(
        f"quizzes/paths/onboarding.yml:{line}: {message}")


def test_route_file_name_is_its_id(tmp_path):
    """The file name becomes the id in every progress record: a slug."""
    library = load(tmp_path, ROUTE, name="Onboarding.yml")
    assert problems(library) == [
        "quizzes/paths/Onboarding.yml:1: route id 'Onboarding' (the file name) may hold only "
        "a-z, 0-9 and - — rename the file, e.g. onboarding.yml"]


def test_route_file_not_in_utf8(tmp_path):
    """A route saved as GBK is named with the line of its first foreign byte."""
    folder = tmp_path / "paths"
    folder.mkdir()
    (folder / "onboarding.yml").write_bytes(ROUTE.encode("gbk"))
    library = load_routes(folder, "quizzes/paths", SITE)
    assert problems(library) == ["quizzes/paths/onboarding.yml:1: the file is not UTF-8 text — "
                                 "save it as UTF-8 (记事本/WPS: 另存为 → 编码 UTF-8)"]


def test_route_saved_as_yaml_is_named(tmp_path):
    """Only *.yml is read: a route saved as .yaml is reported, not silently left out."""
    library = load(tmp_path, ROUTE, name="onboarding.yaml")
    assert library.routes == {} and problems(library) == [
        "quizzes/paths/onboarding.yaml: a route file must end in .yml — rename it to onboarding.yml"]


def test_route_named_like_a_windows_device_is_named(tmp_path):
    """A route's id is its file name: quizzes/paths/con.yml cannot be copied to a Windows
    PC or USB stick (Windows takes CON for a device), so check and build name it."""
    library = load(tmp_path, ROUTE, name="con.yml")
    assert problems(library)[0] == (
        "quizzes/paths/con.yml: 'con' is a name Windows keeps for a device (CON, PRN, AUX, "
        "NUL, COM0-COM9, LPT0-LPT9): a route file so named cannot be copied to a Windows PC "
        "or USB stick — rename it, e.g. to con-1.yml")


def test_route_in_a_sub_folder_is_named(tmp_path):
    """Routes are read from quizzes/paths/ itself (the file name is the id): one filed
    in a sub-folder is reported, not silently left out."""
    (tmp_path / "paths" / "2024").mkdir(parents=True)
    (tmp_path / "paths" / "2024" / "nurses.yml").write_text(ROUTE, encoding="utf-8")
    library = load(tmp_path, ROUTE)
    assert list(library.routes) == ["onboarding"] and problems(library) == [
        "quizzes/paths/2024/nurses.yml: a route file in a sub-folder is not read — move it "
        "into quizzes/paths/ itself, or out of quizzes/paths/ if it is not to be used"]


def test_excluded_page_is_named_as_such(tmp_path):
    """A page exclude_docs leaves out is not "missing": the message says why it is not there."""
    site = Site(SITE.pages, SITE.quizzes, SITE.broken_quizzes, SITE.lock, SITE.blocks,
                excluded=frozenset({"pledges/archive/old.md"}))
    library = load(tmp_path, ROUTE.replace("[lessons/index.md]", "[pledges/archive/old.md]"),
                   site=site)
    assert problems(library) == [
        "quizzes/paths/onboarding.yml:7: page 'pledges/archive/old.md' is left out of the site "
        "by exclude_docs or draft_docs in mkdocs.yml — name a published page, or publish this one"]


def test_route_blocks_name_a_route(tmp_path):
    """A ```path or ```certificate block names a route that loaded: unknown and broken
    ids are reported at the block's line."""
    good = load(tmp_path, ROUTE)
    page = "# 入职\n\n```path\nid: onbording\n```\n\n```certificate\nid: onboarding\n```\n"
    fences = find_fences(page, {"path", "certificate"})
    (unknown, problem), known = [resolve_fence(fence, "content/x.md", good) for fence in fences]
    assert unknown is None and str(problem) == (
        "content/x.md:4: unknown route id 'onbording' (did you mean 'onboarding'?) — use the "
        "name of a file in quizzes/paths/ without .yml")
    assert known == ("onboarding", None)
    broken = load(tmp_path, ROUTE.replace("quiz: exam", "quiz: exams"))
    assert str(resolve_fence(fences[1], "content/x.md", broken)[1]).startswith(
        "content/x.md:8: route 'onboarding' is left out because its file has errors")
    # The misspelt id is why the route has no page: the hint still names it
    assert str(resolve_fence(fences[0], "content/x.md", broken)[1]).startswith(
        "content/x.md:4: unknown route id 'onbording' (did you mean 'onboarding'?)")


# -----------------------------------------------------------------------------
# The repository's site as built


def test_manifest_names_the_onboarding_route(intranet_site):
    """The collector's manifest part: the overview, the nine lessons, three cases, the
    onboarding exam with its pass mark and the staff pledge, beside the pledge lock."""
    manifest = json.loads((intranet_site / "qinglian-manifest.json").read_text("utf-8"))
    assert manifest["paths"] == {"onboarding": {"title": "新职工入职培训", "steps": [
        {"id": "overview", "kind": "read", "title": "了解九项准则总览", "pages": ["lessons/index.md"]},
        {"id": "lessons", "kind": "read", "title": "学习九项准则",
         "pages": [f"lessons/standard-{n}.md" for n in range(1, 10)]},
        {"id": "cases", "kind": "read", "title": "阅读警示案例",
         "pages": ["cases/s1-it-tongfang.md", "cases/s8-director-gift-list.md",
                   "cases/s8-nurse-hands-in-envelope.md"]},
        {"id": "exam", "kind": "quiz", "title": "通过入职测验", "quiz": "onboarding", "pass_mark": 80},
        {"id": "pledge", "kind": "pledge", "title": "签署廉洁从业承诺书", "pledge": "staff"}]}}
    assert manifest["pledges"]["staff"][-1]["version"] == "1"


def test_route_page_carries_the_route(intranet_site):
    """The route's page: a search-excluded form with the route, page titles and
    addresses, and the records download (pledge.js) for 换人."""
    page = (intranet_site / "onboarding" / "index.html").read_text("utf-8")
    assert re.search(r'<div class="qinglian-path-block" data-search-exclude>.*?<form class="qinglian-path" '
                     r'data-path-id="onboarding"', page, re.S)
    data = block_data(page, "path")
    route = data["route"]
    assert data["base"] == "../"
    assert (route["landing"], route["certificate"]) == ("onboarding/", "onboarding/certificate/")
    overview, lessons, cases, exam, pledge = route["steps"]
    assert overview["min_read_seconds"] == 30 and cases["min_read_seconds"] == 90
    assert lessons["min_read_seconds"] == 60
    assert lessons["pages"][0] == {"src": "lessons/standard-1.md", "url": "lessons/standard-1/",
                                   "title": "第一条 合法按劳取酬，不接受商业提成"}
    assert exam["url"] == "quizzes/onboarding/" and exam["pass_mark"] == 80
    lock = json.loads((intranet_site / "qinglian-manifest.json").read_text("utf-8"))["pledges"]
    assert pledge["url"] == "pledges/staff/" and pledge["version"] == "1"
    assert pledge["hashes"] == [lock["staff"][0]["sha256"]]
    assert re.search(r'src="\.\./assets/qinglian/pledge\.[0-9a-f]{8}\.js"', page)


def test_study_blocks_on_read_pages_only(intranet_site, offline_site):
    """Each page of a read step ends with its "我已学习" block; the certificate page has its
    block; other pages of those sections carry the route for the nav; others nothing."""
    lesson = (intranet_site / "lessons" / "standard-3" / "index.html").read_text("utf-8")
    assert re.search(r'<form class="qinglian-study" data-study-id="onboarding" data-step="lessons" '
                     r'data-page="lessons/standard-3.md"', lesson)
    assert lesson.rindex("qinglian-study") > lesson.rindex("qinglian-quiz")  # after the lesson's quiz
    # the quiz's bundle brings the shared module; the route's part adds only its own code
    assert re.findall(r"assets/qinglian/([\w-]+)\.[0-9a-f]{8}\.js", lesson) == ["qinglian-quiz", "path"]
    assert "assets/qinglian/pledge." not in lesson
    case = (intranet_site / "cases" / "s8-director-gift-list" / "index.html").read_text("utf-8")
    assert 'data-step="cases" data-page="cases/s8-director-gift-list.md"' in case
    certificate = (intranet_site / "onboarding" / "certificate" / "index.html").read_text("utf-8")
    assert '<form class="qinglian-certificate" data-certificate-id="onboarding"' in certificate
    for name in ["cases/index.html", "cases/s2-fake-admissions/index.html"]:
        other = (intranet_site / name).read_text("utf-8")
        assert 'class="qinglian-path-nav"' in other and "qinglian-study" not in other, name
    for name in ["index.html", "glossary/index.html", "pledges/staff/index.html"]:
        assert "data-path" not in (intranet_site / name).read_text("utf-8"), name
    offline = (offline_site / "lessons" / "standard-3.html").read_text("utf-8")
    assert block_data(offline, "study")["route"]["steps"][1]["pages"][2]["url"] == "lessons/standard-3.html"


# -----------------------------------------------------------------------------
# A small site of its own


@pytest.fixture
def route_site(make_site):
    """A site with a quiz, a locked staff pledge and the route of ROUTE."""
    site = make_site({
        "quizzes/banks/a.yml": GOOD_BANK,
        "quizzes/exam.yml": "title: 考试\nmode: exam\nquestions: [s1-001]\npass_mark: 80\n",
        "content/quizzes/exam.md": "# 考试\n\n```quiz\nid: exam\n```\n",
        "content/pledges/index.md": "# 承诺\n",
        "content/pledges/staff.md": PLEDGE,
        "content/onboarding/index.md": "# 入职培训\n\n路线：\n\n```path\nid: onboarding\n```\n",
        "content/onboarding/certificate.md": "# 证书\n\n```certificate\nid: onboarding\n```\n",
        "quizzes/paths/onboarding.yml": ROUTE,
    }, config={**PLEDGE_CONFIG, "plugins": {
        **PLEDGE_CONFIG["plugins"], "qinglian/path": {},
        "qinglian/portal": {"sections": {"lessons": "九项准则", "glossary": "术语表", "pledges": "承诺",
                                         "quizzes": "测验", "onboarding": "入职培训"}}}})
    pledge, _ = read_pledge(PLEDGE, "content/pledges/staff.md")
    lock, added, _ = update_lock([pledge], {}, date(2026, 11, 24))
    write_lock(site.root / "content" / "pledges", lock, added)
    return site


def test_small_site_builds_with_its_route(route_site):
    """Control: the route builds strict; the manifest names it; its read page has the block."""
    result = route_site.build()
    assert result.returncode == 0, result.stderr
    manifest = json.loads(route_site.read("qinglian-manifest.json"))
    assert [step["id"] for step in manifest["paths"]["onboarding"]["steps"]] == ["overview", "exam", "pledge"]
    assert 'data-step="overview" data-page="lessons/index.md"' in route_site.read("lessons/index.html")


def test_route_mistake_fails_strict_and_check(route_site):
    """A mistake in the route fails --strict and `qinglian check` with file:line; without
    --strict the route is left out, and its block says why at the block's line."""
    (route_site.root / "quizzes/paths/onboarding.yml").write_text(
        ROUTE.replace("[lessons/index.md]", "[lessons/standard-10.md]"), encoding="utf-8")
    unknown = ("quizzes/paths/onboarding.yml:7: page 'lessons/standard-10.md' is not a page of "
               "the site (did you mean 'lessons/standard-1.md'?)")
    left_out = "content/onboarding/index.md:6: route 'onboarding' is left out because its file has errors"
    log = route_site.failed_build_log()
    assert unknown in log and left_out in log
    check = subprocess.run([sys.executable, "-m", "qinglian.cli", "check"], capture_output=True,
                           text=True, cwd=route_site.root)
    assert check.returncode == 1 and unknown in check.stdout and left_out in check.stdout
    assert route_site.build(strict=False).returncode == 0
    assert "qinglian-path" not in route_site.read("onboarding/index.html")
    assert json.loads(route_site.read("qinglian-manifest.json"))["paths"] == {}


def test_hostile_titles_come_out_as_text(route_site):
    """A <script> or {{ … }} in a route's or step's title is text: escaped in the page's
    data attribute, never markup, and read back unchanged."""
    hostile = "<script>alert(1)</script>{{ config.site_name }}"
    (route_site.root / "quizzes/paths/onboarding.yml").write_text(
        ROUTE.replace("title: 入职培训", f"title: '{hostile}'")
        .replace("title: 总览", "title: '\"><img src=x onerror=alert(1)>'"), encoding="utf-8")
    result = route_site.build()
    assert result.returncode == 0, result.stderr
    page = route_site.read("onboarding/index.html")
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    route = block_data(page, "path")["route"]
    assert route["title"] == hostile
    assert route["steps"][0]["title"] == '"><img src=x onerror=alert(1)>'
    assert json.loads(route_site.read("qinglian-manifest.json"))["paths"]["onboarding"]["title"] == hostile


def test_page_not_in_utf8_is_named_whatever_the_plugin_order(route_site):
    """A GBK page stops the build with its name and line, never a traceback, even with
    qinglian/path listed before the portal plugin that names such pages."""
    config = yaml.safe_load(route_site.config_file.read_text(encoding="utf-8"))
    plugins = config["plugins"]
    config["plugins"] = {"qinglian/path": plugins.pop("qinglian/path"), **plugins}
    route_site.config_file.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False),
                                      encoding="utf-8")
    (route_site.root / "content/lessons/index.md").write_bytes("# 九项准则\n\n目录。\n".encode("gbk"))
    log = route_site.failed_build_log()
    assert "content/lessons/index.md:1: the file is not UTF-8 text" in log and "Traceback" not in log
