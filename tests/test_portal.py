"""The portal plugin: sections from folders, the hospital's branding, option errors."""

import io
import json
import re
import sqlite3
import subprocess
import sys
import zipfile
from contextlib import closing

import pytest
from openpyxl import Workbook

from conftest import PROJECT
from test_cases_risks import CASE
from test_gallery import EXHIBIT
from qinglian.collector.app import safe_json
from qinglian.collector.report import Person, Published, Roster, build_report, write_report
from qinglian.collector.store import StoredRecord
from qinglian.collector.xapi import statement
from qinglian.common.errors import device_name, undevice_name
from qinglian.common.pages import front_matter_problems
from qinglian.portal import privacy
from qinglian.portal.links import find_link, mark_outside_links


def nav_links(html: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)" class="md-nav__link', html)


def test_new_page_appears_in_nav_without_editing_config(make_site):
    """A file a trainer drops into a section folder is in the navigation."""
    site = make_site({"content/lessons/standard-2.md": "# 第二条\n\n正文。\n",
                      "content/lessons/standard-10.md": "# 第十条\n\n正文。\n"})
    assert site.build().returncode == 0
    links = nav_links(site.read("lessons/standard-1/index.html"))
    # index first, then natural order: 2 before 10
    assert links[links.index("../"):] == ["../", "./", "../standard-2/", "../standard-10/"]


def test_a_draft_is_not_in_the_built_sites_nav(make_site):
    """A page draft_docs keeps back is not built: the derived navigation leaves it out
    rather than link to a page that is not there."""
    site = make_site({"content/lessons/draft.md": "# 草稿\n"}, {"draft_docs": "lessons/draft.md\n"})
    result = site.build()
    assert result.returncode == 0, result.stderr
    assert "draft/" not in nav_links(site.read("lessons/standard-1/index.html"))
    assert "is included in the 'nav' configuration" not in result.stderr


def test_section_titles_come_from_config(make_site):
    """Each folder's section carries the Chinese title from the sections map."""
    site = make_site()
    assert site.build().returncode == 0
    html = site.read("index.html")
    assert re.search(r">\s*九项准则\s*<", html)
    assert re.search(r">\s*术语表\s*<", html)
    assert ">Lessons<" not in html


def test_folder_without_title_fails_strict(make_site):
    """A content folder missing from the sections map is named, with the fix."""
    site = make_site({"content/extra/index.md": "# 其他\n"})
    log = site.failed_build_log()
    assert "mkdocs.yml: content folder 'extra/' has no section title" in log


def test_missing_section_folder_fails_strict(make_site):
    """A section in the map without a folder is named."""
    site = make_site(config={"plugins": {"qinglian/portal": {"sections": {"cases": "警示案例"}}}})
    log = site.failed_build_log()
    assert ("mkdocs.yml: section folder 'cases/' does not exist in 'content/'; create it with "
            "an index.md, or remove 'cases' from the portal's sections") in log


def test_section_folder_in_other_letter_case_is_named(make_site):
    """content/Lessons/ for the section 'lessons' (Windows opens either): the message
    says which folder to rename, once, in check and build."""
    site = make_site({"content/lessons/index.md": None, "content/lessons/standard-1.md": None,
                      "content/Lessons/index.md": "# 九项准则\n"})
    message = ("mkdocs.yml: section folder 'lessons/' does not exist in 'content/', but 'Lessons/' does; "
               "rename it to 'lessons/' (upper and lower case count on the build machine)")
    log = site.failed_build_log()
    assert message in log and "has no section title" not in log
    result = subprocess.run([sys.executable, "-m", "qinglian.cli", "check"],
                            capture_output=True, text=True, cwd=site.root)
    assert result.stdout.splitlines() == [message]


def test_pages_not_named_md_are_named(make_site):
    """案例.MD saved on Windows is published as a file to download and 课.markdown is a page
    no section lists, neither read by our plugins: check and build say to rename them."""
    site = make_site({"content/cases/s1-extra.MD": "# 案例\n",
                      "content/lessons/extra.markdown": "# 课\n",
                      "content/lessons/drafts/old.MD": "# 旧\n"},
                     config={"exclude_docs": "lessons/drafts/\n"})
    expected = [
        "content/cases/s1-extra.MD: a page must be named *.md (lower case), or it is "
        "published as a file to download, not as a page; rename it to s1-extra.md",
        "content/lessons/extra.markdown: a page must be named *.md (lower case), or it is left "
        "out of the navigation and not read as a lesson, case or exhibit; rename it to extra.md",
    ]
    log = site.failed_build_log()
    assert all(line in log for line in expected) and "old.MD" not in log
    result = subprocess.run([sys.executable, "-m", "qinglian.cli", "check"],
                            capture_output=True, text=True, cwd=site.root)
    assert result.returncode == 1 and result.stdout.splitlines() == expected


@pytest.mark.parametrize("name, device", [
    # Windows drops the spaces before the extension, and keeps COM0, LPT0 and the
    # superscript ports too
    ("con .md", True), ("COM0.yml", True), ("lpt¹.md", True), ("Nul", True),
    ("console.md", False), ("com10.yml", False), ("con-1.md", False), ("a.con", False),
])
def test_device_names_are_those_windows_keeps(name, device):
    assert device_name(name) is device
    assert not device_name(undevice_name(name))


def test_files_named_like_windows_devices_are_named(make_site):
    """A lesson saved as con.md, a folder named aux/ or a draft Com1.x.md cannot be copied to
    a Windows PC or USB stick (Windows takes them for devices), nor the site published from
    them: check and build name each once, with a name to rename it to."""
    site = make_site({"content/lessons/con.md": "# 课\n",
                      "content/lessons/aux/a.md": "# 甲\n", "content/lessons/aux/b.md": "# 乙\n",
                      "content/lessons/drafts/Com1.x.md": "# 旧\n"},
                     config={"exclude_docs": "lessons/drafts/\n"})
    devices = "(CON, PRN, AUX, NUL, COM0-COM9, LPT0-LPT9)"
    expected = [
        f"content/lessons/aux: 'aux' is a name Windows keeps for a device {devices}: a folder "
        "so named, and the site published from it, cannot be copied to a Windows PC or USB "
        "stick; rename it, e.g. to aux-1",
        f"content/lessons/con.md: 'con.md' is a name Windows keeps for a device {devices}: a "
        "file so named, and the site published from it, cannot be copied to a Windows PC or "
        "USB stick; rename it, e.g. to con-1.md",
        f"content/lessons/drafts/Com1.x.md: 'Com1.x.md' is a name Windows keeps for a device "
        f"{devices}: a file so named, and the site published from it, cannot be copied to a "
        "Windows PC or USB stick; rename it, e.g. to Com1-1.x.md",
    ]
    log = site.failed_build_log()
    assert all(line in log for line in expected), log
    result = subprocess.run([sys.executable, "-m", "qinglian.cli", "check"],
                            capture_output=True, text=True, cwd=site.root)
    assert result.returncode == 1 and result.stdout.splitlines() == expected


def test_explicit_nav_is_respected(make_site):
    """A site that writes its own nav keeps it."""
    site = make_site(config={"nav": [{"首页": "index.md"}, {"只有这页": "lessons/standard-1.md"}]})
    result = site.build(strict=False)
    assert result.returncode == 0
    assert "只有这页" in site.read("index.html")


@pytest.mark.parametrize("config, message", [
    # plugin config laid over the fixture, what MkDocs says
    ({"qinglian/portal": {"section": {}}},
     "Plugin 'qinglian/portal' option 'section': Unrecognised configuration name: section"),
    ({"qinglian/portal": {"sections": ["lessons"]}},
     "Plugin 'qinglian/portal' option 'sections'"),
    ({"qinglian/glossary": {"terms_fil": "x.yml"}},
     "Plugin 'qinglian/glossary' option 'terms_fil': Unrecognised configuration name"),
    ({"qinglian/offline": {"guard": "yes"}},
     "Plugin 'qinglian/offline' option 'guard': Expected type: <class 'bool'>"),
])
def test_mistyped_option_gives_config_error(make_site, config, message):
    """A wrong option name or type of a qinglian plugin is MkDocs' clear config error."""
    site = make_site(config={"plugins": config})
    log = site.failed_build_log()
    assert message in log
    assert "Traceback" not in log


@pytest.mark.parametrize("hospital, message", [
    (None, "Config value 'extra.hospital': expected a mapping with at least 'name' (the "
           "hospital's name shown in header and footer); write e.g. 'hospital: {name: "
           "示例人民医院}' under 'extra:'"),
    # laid over the fixture's hospital, so None removes the name
    ({"name": None}, "Config value 'extra.hospital.name': Required configuration not provided; "
                     "write e.g. 'name: 示例人民医院' under 'hospital:'"),
    ({"logo_path": "x.png"}, "Config value 'extra.hospital.logo_path': Unrecognised configuration "
                             "name: logo_path (did you mean 'logo'?); use only name, short_name, "
                             "logo, contact, report_channels, departments, site_id, collector_url"),
    ({"name": "某医院", "contact": "电话"}, "Config value 'extra.hospital.contact': Expected a list "
     "of items, but a <class 'str'> was given; write e.g. 'contact: [廉政监督电话：0000-00000000]' "
     "under 'hospital:'"),
    # every record carries the site id: the collector refuses one outside the schema
    ({"site_id": "青山县医院"}, "Config value 'extra.hospital.site_id': Expected lower-case "
                               "letters, digits and hyphens, at most 64 (e.g. qingshan-hospital) "
                               "but received: \"青山县医院\""),
    ({"site_id": "Qingshan_Hospital"}, "Config value 'extra.hospital.site_id': Expected"),
])
def test_hospital_branding_is_validated(make_site, hospital, message):
    """extra.hospital must name the hospital; mistakes stop the build clearly, starting
    with mkdocs.yml as its other problems do, with a value to write."""
    site = make_site(config={"extra": {"hospital": hospital}})
    log = site.failed_build_log()
    assert f"mkdocs.yml: {message}" in log
    assert "Traceback" not in log
    result = subprocess.run([sys.executable, "-m", "qinglian.cli", "check"],
                            capture_output=True, text=True, cwd=site.root)
    assert result.returncode == 1 and result.stdout.startswith(f"mkdocs.yml: {message}")


@pytest.mark.parametrize("logo", ["logo.png", "content/assets/logo.png", "/assets/logo.png"])
def test_logo_outside_the_site_is_named(make_site, logo):
    """A logo left beside mkdocs.yml, or written with content/ or a leading /, is a broken
    image on every page: build and check name mkdocs.yml, the key and where the image goes."""
    site = make_site({"logo.png": "png", "content/assets/logo.png": "png"},
                     config={"extra": {"hospital": {"logo": logo}}})
    message = (f"Config value 'extra.hospital.logo': '{logo}' is no file of content/, so every "
               "page shows a broken image; put the image in content/ (e.g. "
               "content/assets/logo.png) and write its path relative to content/ (assets/logo.png)")
    assert f"mkdocs.yml: {message}" in site.failed_build_log()
    result = subprocess.run([sys.executable, "-m", "qinglian.cli", "check"],
                            capture_output=True, text=True, cwd=site.root)
    assert result.stdout.splitlines() == [f"mkdocs.yml: {message}"]


def test_logo_in_the_content_folder_passes(make_site):
    """The logo written relative to content/ builds with --strict and is published."""
    site = make_site({"content/assets/logo.png": "png"},
                     config={"extra": {"hospital": {"logo": "assets/logo.png"}}})
    result = site.build()
    assert result.returncode == 0, result.stderr
    assert site.read("assets/logo.png") == "png"


def test_cli_version():
    """qinglian --version prints the package version."""
    result = subprocess.run([sys.executable, "-m", "qinglian.cli", "--version"],
                            capture_output=True, text=True)
    assert result.returncode == 0
    assert re.fullmatch(r"qinglian \d+\.\d+\.\d+\n", result.stdout)


def test_cli_check_passes_on_repository_site():
    """qinglian check finds nothing wrong with the repository's own content."""
    result = subprocess.run([sys.executable, "-m", "qinglian.cli", "check"],
                            capture_output=True, text=True, cwd=PROJECT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


def test_cli_check_lists_every_problem(make_site):
    """qinglian check lists all problems as file:line: message and exits 1."""
    site = make_site({
        "content/lessons/bad.md": "# 坏\n\n![x](https://example.com/x.png)\n\n```mermaid\n```\n",
        "content/glossary/terms.yml": "terms:\n  - term: 统方\n    meaning: x\n",
        "content/extra/index.md": "# 其他\n",
    }, config={"plugins": {"qinglian/portal": {"sectionz": {}}}})
    result = subprocess.run([sys.executable, "-m", "qinglian.cli", "check"],
                            capture_output=True, text=True, cwd=site.root)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert any(line.startswith("mkdocs.yml: ") and "sectionz" in line for line in lines)
    assert any(line.startswith("content/lessons/bad.md:3: <img src>") for line in lines)
    assert any(line.startswith("content/lessons/bad.md:5: a 'mermaid' fence") for line in lines)
    assert any(line.startswith("content/glossary/terms.yml:3: unknown key") for line in lines)
    assert any("content folder 'extra/' has no section title" in line for line in lines)
    assert "problem(s) found" in result.stderr


@pytest.mark.parametrize("plugins", [
    "  - search\n",
    "  - search\n  - qinglian/portal:\n      enabled: false\n",
])
def test_cli_check_on_a_config_without_qinglian_plugins_says_nothing_was_checked(tmp_path,
                                                                               plugins):
    """A mkdocs.yml enabling none of Qinglian's plugins was "No problems found.": nothing
    had read its pages, quiz banks or files."""
    (tmp_path / "content").mkdir()
    (tmp_path / "content/index.md").write_text("# 首页\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(f"site_name: 测试\ndocs_dir: content\nplugins:\n{plugins}",
                                         encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "qinglian.cli", "check"],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith("mkdocs.yml: enables none of Qinglian's plugins (")
    assert "qinglian/portal, qinglian/posters, qinglian/quiz" in result.stdout
    assert "so nothing was checked" in result.stdout
    assert "No problems found" not in result.stderr


def test_pages_carry_only_their_own_section_nav(make_site):
    """navigation.prune: a lesson page holds no links into another section's pages,
    which keeps page size and build time linear in the number of pages."""
    site = make_site(
        {f"content/glossary/term-{n}.md": f"# 术语 {n}\n" for n in range(5)},
        config={"theme": {"features": ["navigation.prune"]}},
    )
    assert site.build().returncode == 0
    assert "term-3" in site.read("glossary/term-1/index.html")
    assert "term-3" not in site.read("lessons/standard-1/index.html")


def test_repository_site_enables_prune():
    """The repository's mkdocs.yml keeps navigation.prune on."""
    config = (PROJECT / "mkdocs.yml").read_text(encoding="utf-8")
    assert "- navigation.prune" in config


# Personal data never reaches the site ----------------------------------------------------

PERSONAL = {
    # HR's roster as Chinese Excel saves CSV: GBK, a title row above the header
    "content/files/职工名单.csv": ("2026年职工名单\n工号,姓名,科室\n0001,张三,内科\n", "gb18030"),
    # The collector's export, and a person's records as the browser downloads them
    "content/files/records.csv": ("id,site,kind,name,staff_id,department\n1,h,pledge,李四,0002,外科\n",
                                  "utf-8-sig"),
    "content/files/qinglian-records.json": (
        '[{"id": "1", "kind": "pledge", "person": {"name": "王五", "staff_id": "0003"}}]', "utf-8"),
    # A page of `qinglian report`, copied into content/ with its dashboard.json
    "content/files/2026-11/departments/内科.html": (
        '<!doctype html>\n<html lang="zh"><body><table><thead><tr><th scope="col">序号</th>'
        '<th scope="col">工号</th>\n<th scope="col">姓名</th></tr></thead><tbody><tr>'
        '<td class="num">1</td><td>0004</td><td>孙七</td></tr></tbody></table></body></html>\n',
        "utf-8"),
}
HARMLESS = {
    "content/files/schedule.csv": "日期,主题\n2026-12-01,廉洁从业九项准则\n",
    "content/files/data.json": '{"title": "培训安排", "items": [1, 2, 3]}',
    "content/files/课程表.html": "<table><tr><th>日期</th><th>主题</th></tr>"
                                "<tr><td>12月1日</td><td>姓名与工号的填写</td></tr></table>\n",
}


@pytest.fixture
def site_with_personal_files(make_site):
    site = make_site({"content/files/index.md": "# 资料下载\n", **HARMLESS},
                     config={"plugins": {"qinglian/portal": {"sections": {"files": "资料下载"}}}})
    for name, (text, encoding) in PERSONAL.items():
        (site.root / name).parent.mkdir(parents=True, exist_ok=True)
        (site.root / name).write_bytes(text.encode(encoding))
    folder = site.root / "content" / "files"
    roster = Workbook()
    roster.active.append(["姓名", "手机号"])
    roster.active.append(["赵六", "13800000000"])
    roster.save(folder / "联系表.xlsx")
    with closing(sqlite3.connect(folder / "records.db")) as db:  # the collector's database
        db.execute("create table records (id text)")
        db.commit()
    (folder / "backup").write_bytes((folder / "records.db").read_bytes())  # no suffix
    # HR's roster as Excel 97–2003 saves it: its text in UTF-16
    (folder / "名单.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
                                    + "工号姓名科室0005周八".encode("utf-16-le"))
    return site


PERSONAL_FILES = {**{name: None for name in PERSONAL}, "content/files/联系表.xlsx": None,
                  "content/files/records.db": None, "content/files/backup": None,
                  "content/files/名单.xls": None}


def test_personal_data_in_content_is_left_out_and_fails_strict(site_with_personal_files):
    site = site_with_personal_files
    log = site.failed_build_log()
    for name in PERSONAL_FILES:
        assert f"{name}: looks like personal data (" in log, name
    assert "(a table with the column(s) 工号, 姓名)" in log
    assert "(a table with the column(s) 姓名, 手机号)" in log
    assert "(a database file)" in log and "content/files/schedule.csv" not in log
    assert "(a page with a table of people, column(s) 工号, 姓名)" in log
    assert "(an old Excel file with the column(s) 工号, 姓名)" in log
    assert "content/files/课程表.html" not in log
    assert "keep rosters, record exports and databases outside content/" in log

    # Without --strict the site is built, without those files
    assert site.build(strict=False).returncode == 0
    published = {path.relative_to(site.root / "site").as_posix()
                 for path in (site.root / "site").rglob("*") if path.is_file()}
    assert {"files/schedule.csv", "files/data.json", "files/课程表.html"} <= published
    assert not {name.removeprefix("content/") for name in PERSONAL_FILES} & published
    for path in (site.root / "site").rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert "张三".encode() not in data and "0002".encode() not in data, path
            assert "孙七".encode() not in data and "周八".encode("utf-16-le") not in data, path


def test_an_english_sites_report_is_personal_data(tmp_path):
    """The files `qinglian report` writes for an English site, copied into content/,
    are recognised by their "Staff number" column (only 工号 and 姓名 were)."""
    roster = Roster("roster.csv", "UTF-8", [Person("0001", "Ann Lee", "Medicine")])
    report = build_report([], roster, Published("test-hospital", ("Medicine",), ()),
                          generated="2026-11-24T04:00:00.000Z")
    written = write_report(report, tmp_path / "report", language="en")
    found = {path.name: privacy.personal_data(path) for path in written
             if path.name not in ("index.html", "dashboard.json", "unmatched.csv")}
    assert found == {"report.csv": "a table with the column(s) Staff number",
                     "Medicine.html": "a page with a table of people, column(s) Staff number"}


def test_a_hidden_person_column_is_personal_data(tmp_path):
    """A column hidden in Excel is published with the file: a hidden 身份证号 counts,
    though imports read the table as if the column were not there."""
    workbook = Workbook()
    workbook.active.append(["日期", "主题", "身份证号"])
    workbook.active.append(["2026-12-01", "廉洁从业", "110101199001011234"])
    workbook.active.column_dimensions["C"].hidden = True
    path = tmp_path / "安排.xlsx"
    workbook.save(path)
    assert privacy.personal_data(path) == "a table with the column(s) 身份证号"

def _ods(cells: list[str]) -> bytes:
    """An OpenDocument spreadsheet as LibreOffice saves it, one row of ``cells``."""
    row = "".join(f'<table:table-cell office:value-type="string"><text:p>{cell}</text:p>'
                  "</table:table-cell>" for cell in cells)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        package.writestr("content.xml", '<?xml version="1.0" encoding="UTF-8"?><office:document-content>'
                         f"<office:body><office:spreadsheet><table:table><table:table-row>{row}"
                         "</table:table-row></table:table></office:spreadsheet></office:body>"
                         "</office:document-content>", zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _zip_without_content() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


@pytest.mark.parametrize("name, data, found", [
    # Excel's 文本文件 (制表符分隔): tabs, the system code page, a title row
    ("名单.txt", "2026年职工名单\n工号\t姓名\t科室\n0001\t张三\t内科\n".encode("gb18030"),
     "a text table with the column(s) 工号, 姓名"),
    # Excel's "Unicode 文本": UTF-16 with its byte order mark
    ("名单.txt", "姓名\t手机号\r\n赵六\t13800000000\r\n".encode("utf-16"),
     "a text table with the column(s) 姓名, 手机号"),
    # Notepad's "UTF-8 with BOM": the mark is not taken into the first heading
    ("名单.txt", "\ufeff工号\t成绩\n0004\t95\n".encode(), "a text table with the column(s) 工号"),
    ("export.tsv", "id\tname\tstaff_id\n1\t李四\t0002\n".encode(),
     "a text table with the column(s) staff_id"),
    ("export.txt", '"工号（必填）",姓名\n0003,王五\n'.encode(),
     "a text table with the column(s) 工号, 姓名"),
    ("名单.ods", _ods(["序号", "<text:span>姓名</text:span>", "身份证号"]),
     "an OpenDocument spreadsheet with the column(s) 姓名, 身份证号"),
    # WPS 表格's own format, an OLE compound file as .xls is
    ("名单.et", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
     + "工号姓名科室0005周八".encode("utf-16-le"), "a WPS 表格 file with the column(s) 工号, 姓名"),
    # Text and spreadsheets without a person's column, or only mentioning one
    ("说明.txt", "请在表格中填写姓名和工号。\n姓名与工号必须一致\n".encode(), None),
    ("课程.tsv", "日期\t主题\n2026-12-01\t廉洁从业\n".encode(), None),
    ("课程.ods", _ods(["日期", "姓名与工号的填写"]), None),
    ("坏.ods", b"PK\x03\x04 not a zip", None),
    # A zip that is no OpenDocument file (an .xlsx renamed .ods): no content.xml
    ("改名.ods", _zip_without_content(), None),
])
def test_rosters_saved_as_text_ods_or_et_are_personal_data(tmp_path, name, data, found):
    """A roster saved as text (.txt, .tsv), by LibreOffice (.ods) or by WPS (.et) was
    published as it was: only .csv, .xlsx and .xls were searched for person columns."""
    path = tmp_path / name
    path.write_bytes(data)
    assert privacy.personal_data(path) == found


def test_a_record_export_larger_than_the_search_limit_is_still_found(tmp_path, monkeypatch):
    """A record export is searched from its start however large it is: 50,000 records
    (some 50 MB) were published as they were, unsearched, once past the limit."""
    monkeypatch.setattr(privacy, "SEARCH_LIMIT", 2**16, raising=False)
    monkeypatch.setattr(privacy, "JSON_LIMIT", 2**16, raising=False)  # its name before
    entry = {"record": {"id": "1", "kind": "pledge", "person": {"name": "王五", "staff_id": "0003"}}}
    path = tmp_path / "qinglian-records.json"
    path.write_text(json.dumps({"records": [entry] * 2000}, ensure_ascii=False), encoding="utf-8")
    assert path.stat().st_size > 2 * 2**16
    assert privacy.personal_data(path) == ("Qinglian records (pledges, quiz attempts) with the "
                                           "people who made them")


def test_the_collectors_xapi_export_is_personal_data(tmp_path):
    """The collector's /api/v1/export.xapi download names each person as the actor of a
    statement, without the records' "person": it was published as it was."""
    entry = {"id": "1", "site": "h", "kind": "pledge", "created": "2026-11-24T04:00:00.000Z",
             "person": {"name": "王五", "staff_id": "0003", "department": "内科"},
             "pledge": {"id": "staff", "version": "1", "sha256": "0" * 64}}
    path = tmp_path / "statements.json"
    stored = StoredRecord(entry, "2026-11-24T04:00:01.000Z", None, None)
    path.write_text("[" + safe_json(statement(stored))
                    + "]", encoding="utf-8")
    assert privacy.personal_data(path) == "xAPI statements, each naming the person who made it"


def test_a_postgresql_dump_under_any_name_is_personal_data(tmp_path):
    """pg_dump's custom format, which the guide names for a PostgreSQL collector's
    backups, is known by its first bytes whatever the file is called."""
    path = tmp_path / "records.backup"
    path.write_bytes(b"PGDMP\x01\x0e\x00\x04\x08\x01\x01" + "王五 0003".encode() * 10)
    assert privacy.personal_data(path) == "a database file"


def test_check_names_personal_data_in_content(site_with_personal_files):
    result = subprocess.run([sys.executable, "-m", "qinglian.cli", "check"],
                            capture_output=True, text=True, cwd=site_with_personal_files.root)
    assert result.returncode == 1
    named = {line.split(":")[0] for line in result.stdout.splitlines()
             if "looks like personal data" in line}
    assert named == set(PERSONAL_FILES)


def test_page_that_cannot_be_read_is_named_not_a_traceback(make_site):
    """A page that is a shortcut to a deleted file stops the build with its name;
    qinglian check names it too (and passes over a folder named like a page)."""
    site = make_site()
    (site.root / "content/lessons/standard-2.md").symlink_to(site.root / "gone.md")
    (site.root / "content/lessons/archive.md").mkdir()
    log = site.failed_build_log()
    assert "content/lessons/standard-2.md: the file cannot be read (No such file or directory)" in log
    assert "Traceback" not in log
    result = subprocess.run([sys.executable, "-m", "qinglian.cli", "check"],
                            capture_output=True, text=True, cwd=site.root)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stdout.splitlines() == [
        "content/lessons/standard-2.md: the file cannot be read (No such file or directory) "
        "— restore the file, or delete it"]


def test_front_matter_keys_of_the_sites_own_templates(make_site):
    """A key the site's own templates read is named in front_matter_keys and passes;
    a misspelt one beside it still fails the strict build and qinglian check."""
    page = "---\ntitle: 第二条\nreviewer: 王主任\nsumary: 要点\n---\n\n# 第二条\n"
    site = make_site({"content/lessons/standard-2.md": page},
                     config={"plugins": {"qinglian/portal": {"front_matter_keys": ["reviewer"]}}})
    expected = ("content/lessons/standard-2.md:4: unknown key 'sumary' in the front matter "
                "(did you mean 'summary'?)")
    log = site.failed_build_log()
    assert expected in log and "reviewer" not in log
    result = subprocess.run([sys.executable, "-m", "qinglian.cli", "check"],
                            capture_output=True, text=True, cwd=site.root)
    assert result.returncode == 1
    assert [line.split(" — ")[0] for line in result.stdout.splitlines()] == [expected]


@pytest.mark.parametrize("source, found", [
    ("---\ntitle: 第二条\nsummary: 要点\n\n# 第二条\n", True),
    ("---\ntitle: 第二条\n---", True),  # MkDocs wants a line end after the closing ---
    ("---\ntitle: 第二条\n---\n\n# 第二条\n", False),
    ("---\n\n上面是一条分隔线。\n", False),
])
def test_front_matter_left_open_is_named(source, found):
    """Without its closing ---, MkDocs shows the front matter's keys as page text."""
    problems = [str(p) for p in front_matter_problems(source, "content/lessons/standard-2.md")]
    assert problems == ([
        "content/lessons/standard-2.md:1: the front matter has no closing --- line, so the page "
        "shows its keys as text — add a line --- after its last key, before the page's text"]
        if found else [])


# A case and an exhibit as their own tests write them, with a key the site's templates read
CASE_PAGE = CASE.replace("summary:", "reviewer: 王主任\nsummary:", 1)
EXHIBIT_PAGE = EXHIBIT.replace("creator:", "reviewer: 王主任\ncreator:", 1)


def _site_with_a_case_and_an_exhibit(make_site, case=CASE_PAGE, exhibit=EXHIBIT_PAGE):
    site = make_site({"content/cases/index.md": "# 案例\n", "content/cases/x.md": case,
                      "content/exhibits/index.md": "# 长廊\n", "content/exhibits/x.md": exhibit},
                     config={"extra": {"hospital": {"name": "测试医院", "departments": ["内科"]}},
                             "plugins": {"qinglian/portal": {
                                 "sections": {"lessons": "九项准则", "glossary": "术语表",
                                              "cases": "案例", "exhibits": "长廊"},
                                 "front_matter_keys": ["reviewer"]},
                                 "qinglian/cases": {}, "qinglian/gallery": {}}})
    image = PROJECT / "content/exhibits/images/shufa-qingfeng-zhengqi.jpg"
    (site.root / "content/exhibits/images").mkdir()
    (site.root / "content/exhibits/images/a.jpg").write_bytes(image.read_bytes())
    return site


def test_front_matter_keys_hold_on_case_and_exhibit_pages(make_site):
    """The site's own keys pass on every kind of page, cases and exhibits included:
    the guide tells trainers to name them once in mkdocs.yml."""
    site = _site_with_a_case_and_an_exhibit(make_site)
    result = subprocess.run([sys.executable, "-m", "qinglian.cli", "check"],
                            capture_output=True, text=True, cwd=site.root)
    assert (result.returncode, result.stdout) == (0, ""), result.stdout


def test_a_key_of_another_kind_of_page_is_named_as_such(make_site):
    """A lesson's key on a case page is not misspelt: the message says it is not read
    there, instead of "did you mean" the very same word."""
    site = _site_with_a_case_and_an_exhibit(
        make_site, case=CASE_PAGE.replace("reviewer: 王主任", "duration: 20"))
    result = subprocess.run([sys.executable, "-m", "qinglian.cli", "check"],
                            capture_output=True, text=True, cwd=site.root)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "content/cases/x.md:3: key 'duration' is not read on this kind of page — correct its "
        "spelling or delete it (the keys a page can have: 指南 → 课程、新文件与发布 → 页面开头的设置)"]


@pytest.mark.parametrize("html, marked", [
    ('<a href="https://www.nhc.gov.cn/">卫健委</a>', True),
    ('<a title="法规" href="http://example.org/x">法规</a>', True),
    ("<a href='//example.org/'>x</a>", True),
    ('<a href="../standard-9/">第九条</a>', False),
    ('<a href="#自测">自测</a>', False),
    ('<abbr title="https://example.org/">统方</abbr>', False),
])
def test_links_to_other_sites_are_marked(html, marked):
    """Only a link whose href leads to another host gets data-ql-outside."""
    assert mark_outside_links(html).startswith("<a data-ql-outside ") == marked


def test_links_reach_the_ids_plugins_add(make_site):
    """A link to a glossary term (an id the glossary plugin writes, not the Markdown)
    builds with --strict; one to a term that is gone is named."""
    site = make_site({"content/lessons/standard-1.md": "# 第一条\n\n见[统方](../glossary/index.md#term-统方)。\n"},
                     {"validation": {"anchors": "warn"}})
    result = site.build()
    assert result.returncode == 0, result.stderr
    (site.root / "content/lessons/standard-1.md").write_text(
        "# 第一条\n\n见[回扣](../glossary/index.md#term-回扣)。\n", encoding="utf-8")
    assert ("Doc file 'lessons/standard-1.md' contains a link '../glossary/index.md#term-回扣', "
            "but the doc 'glossary/index.md' does not contain an anchor '#term-回扣'."
            in site.failed_build_log())


def test_a_link_to_a_file_left_out_of_the_site_fails_strict(make_site):
    """A link to a file exclude_docs or draft_docs leave out (an archived pledge, the
    glossary's terms.yml, a draft) is dead in the built site: MkDocs says so only at
    INFO, so it is named with its line and the fix, and --strict fails."""
    site = make_site({
        "content/lessons/standard-1.md": ("---\ntitle: 第一条\n---\n# 第一条\n\n"
                                          "见[旧承诺][old]和[术语](../glossary/terms.yml)。\n\n"
                                          "[草稿](draft.md#草稿)\n\n"
                                          "[old]: ../pledges/archive/2023.md\n"),
        "content/lessons/draft.md": "# 草稿\n",
        "content/pledges/index.md": "# 承诺\n",
        "content/pledges/archive/2023.md": "# 旧承诺\n",
    }, {"exclude_docs": "*.yml\n/pledges/archive/\n", "draft_docs": "lessons/draft.md\n",
        "plugins": {"qinglian/portal": {"sections": {"pledges": "承诺"}}}})
    log = site.failed_build_log()
    fix = ("which exclude_docs or draft_docs in mkdocs.yml leave out of the site, so the link "
           "is dead there — link to a published page (for a data file such as a .yml, to the "
           "page that shows it), or publish the file")
    for line, written, target in [(6, "../glossary/terms.yml", "glossary/terms.yml"),
                                  (8, "draft.md#草稿", "lessons/draft.md"),
                                  (10, "../pledges/archive/2023.md", "pledges/archive/2023.md")]:
        assert (f"content/lessons/standard-1.md:{line}: link '{written}' leads to '{target}', "
                f"{fix}") in log
    # qinglian check names them too, without building
    result = subprocess.run([sys.executable, "-m", "qinglian.cli", "check"],
                            cwd=site.root, capture_output=True, text=True)
    assert result.returncode == 1, result.stdout + result.stderr
    for line, written, target in [(6, "../glossary/terms.yml", "glossary/terms.yml"),
                                  (8, "draft.md#草稿", "lessons/draft.md"),
                                  (10, "../pledges/archive/2023.md", "pledges/archive/2023.md")]:
        assert (f"content/lessons/standard-1.md:{line}: link '{written}' leads to '{target}', "
                f"{fix}") in result.stdout + result.stderr


def test_a_link_left_out_only_warns_as_validation_asks(make_site):
    """validation.links.not_found: info keeps such links at INFO, as MkDocs would."""
    site = make_site({"content/lessons/standard-1.md": "# 第一条\n\n[术语](../glossary/terms.yml)\n"},
                     {"validation": {"links": {"not_found": "info"}}})
    result = site.build()
    assert result.returncode == 0, result.stderr
    assert "which is excluded from the built site" in result.stderr


@pytest.mark.parametrize("markdown, found", [
    ("# 页\n\n[a](https://example.org/pledges/old.md) [b](../pledges/old.md)\n", (3, "../pledges/old.md")),
    ("[a](/pledges/old.md)\n\n[b]: <../pledges/old%2Emd>\n", (3, "../pledges/old%2Emd")),
    ("![图](../pledges/old.md 'title')\n", (1, "../pledges/old.md")),
    ("[a](old.md)\n", None),
])
def test_a_link_is_found_where_it_was_written(markdown, found):
    """The line and the address as written of a link to a file, resolved as MkDocs does."""
    assert find_link(markdown, "lessons/standard-1.md", "pledges/old.md") == found


WINDOWS_LINKS = ("# 第二条\n\n见[第一条](..\\lessons\\standard-1.md)和[一][one]。\n\n"
                 "示例：`[一](Standard-1.md)`\n\n```markdown\n[术语](../Glossary/index.md)\n```\n\n"
                 "[one]: Standard-1.md#自测\n")


def test_a_link_written_on_windows_names_the_file_meant(make_site):
    """A link with Windows' backslashes or other letter case than the file works on the
    trainer's PC only: qinglian check and the strict build name its line and the path to
    write; links shown as code are left alone."""
    site = make_site({"content/lessons/standard-2.md": WINDOWS_LINKS})
    fix = ("write the path as the file is named: on the build machine upper and lower case "
           "count, and folders are separated by /")
    expected = [
        "content/lessons/standard-2.md:3: link '..\\lessons\\standard-1.md' leads to no file "
        f"of the site (did you mean 'standard-1.md'?) — {fix}",
        "content/lessons/standard-2.md:11: link 'Standard-1.md#自测' leads to no file of the "
        f"site (did you mean 'standard-1.md'?) — {fix}"]
    result = subprocess.run([sys.executable, "-m", "qinglian.cli", "check"],
                            capture_output=True, text=True, cwd=site.root)
    assert result.returncode == 1
    assert result.stdout.splitlines() == expected
    log = site.failed_build_log()
    assert [line.split("qinglian: ", 1)[1] for line in log.splitlines()
            if line.startswith("WARNING")] == expected
    assert "not found among documentation files" not in log


HTML_LINKS = ('# 第二条\n\n<a href="standard-1.md">第一条</a>\n'
              '<a href="../standard-1/">第一条</a> <a href="https://example.org/x.md">外</a>\n'
              '<a href="/lessons/">总览</a> <a href="#top">顶</a> <A HREF=../../glossary/>术语</A>\n'
              '`<a href="x.md">`\n')


def test_a_raw_html_link_that_leads_nowhere_is_named(make_site):
    """Markdown leaves an <a href> as written and MkDocs does not check it: a relative one
    that leads to no built file is named with its line and the Markdown link to write, in
    each build; links to other sites, absolute ones and anchors are left alone."""
    site = make_site({"content/lessons/standard-2.md": HTML_LINKS})
    fix = ("write it as a Markdown link to the page's file, [文字](standard-1.md): MkDocs "
           "turns that into the page's address in both the intranet and the file:// build, "
           "while an href stays as written")
    source = "content/lessons/standard-2.md:3: <a href=\"standard-1.md\"> leads to no file of the built site"
    result = subprocess.run([sys.executable, "-m", "qinglian.cli", "check"],
                            capture_output=True, text=True, cwd=site.root)
    assert result.stdout.splitlines() == [f"{source} — {fix}"]
    log = site.failed_build_log()
    assert f"{source} — {fix}" in log and log.count("leads to no file") == 1
    # Without directory URLs (the file:// build) the page is lessons/standard-2.html
    site = make_site({"content/lessons/standard-2.md": HTML_LINKS.replace(
        '<a href="standard-1.md">第一条</a>', "")}, {"use_directory_urls": False})
    log = site.failed_build_log()
    assert [line.split(": <a href=")[0] for line in log.splitlines() if "leads to no file" in line] == [
        "WARNING -  qinglian: content/lessons/standard-2.md:4",
        "WARNING -  qinglian: content/lessons/standard-2.md:5"]
    # The intranet build's addresses, named as the pages' files to link instead
    assert ('<a href="../standard-1/"> leads to no file of the built site — write it as a '
            "Markdown link to the page's file, [文字](standard-1.md)") in log
    assert ('<a href="../../glossary/"> leads to no file of the built site — write it as a '
            "Markdown link to the page's file, [文字](../glossary/index.md)") in log
