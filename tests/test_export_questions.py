"""``qinglian export questions``: our sheet layout back (it round-trips exactly), a QTI 2.1
package valid against the IMS schemas, and Moodle XML.

The schemas are the public IMS files in ``../shared/schemas/`` (see its README),
read offline with lxml; where that folder is absent (a user's own clone) the
schema checks are skipped and the structural checks still run.
"""

from __future__ import annotations

import csv
import dataclasses
import errno
import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from openpyxl import load_workbook

from conftest import disk_full_past
from qinglian.cli import main
from qinglian.common import writes
from qinglian.common.pages import docs_files
from qinglian.quiz.loader import load_library

SCHEMAS = Path(__file__).resolve().parents[2] / "shared" / "schemas" / "qti"
QTI = "{http://www.imsglobal.org/xsd/imsqti_v2p1}"
CP = "{http://www.imsglobal.org/xsd/imscp_v1p1}"
PARSER = etree.XMLParser(no_network=True, resolve_entities=False)

# Every type, several standards, a lesson, and text that tempts every format: a formula,
# a leading minus, markup, a Moodle wildcard, a line break, numbers, an id starting with
# a digit (not an XML name)
BANK = """\
# 导出用题库
questions:
  - id: e-001
    type: single
    stem: "=SUM(A1:A3) 这样的内容会被 Excel 当成公式吗？"
    options: ["-5", "<b>不会</b>", "7"]
    answer: B
    explanation: 导出时会处理。
    standards: [1]
    difficulty: easy
    lesson: lessons/standard-1.md

  - id: e-002
    type: multiple
    stem: "下列哪些属于违规？\\n（可多选）"
    options: [收红包, 统方, 按劳取酬, 收回扣]
    answer: [A, B, D]
    explanation: 收红包、统方、收回扣都违规。
    standards: [1, 8]
    difficulty: medium

  - id: e-003
    type: true_false
    stem: 可以收受回扣。
    answer: false
    explanation: 第三条禁止。
    standards: [3]
    difficulty: hard

  - id: 004-blank
    type: fill_blank
    stem: 出于商业目的统计医师用药量，俗称“____”。
    answer: [统方, 统计处方, "a*b"]
    explanation: 叫统方。
    standards: [1]
    difficulty: easy
"""


def run(site, *args: str, capsys) -> tuple[int, str, str]:
    code = main([*args, "-f", str(site.config_file)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def export(site, fmt: str, capsys, bank: str = "demo") -> Path:
    out = site.root / "out" / f"demo.{ {'qti': 'zip', 'moodle': 'xml'}.get(fmt, fmt)}"
    code, stdout, err = run(site, "export", "questions", "--format", fmt, "--bank", bank,
                            "-o", str(out), capsys=capsys)
    assert (code, err) == (0, ""), err
    assert f"Wrote 4 question(s) of quizzes/banks/{bank}.yml to {out} ({fmt})." in stdout
    return out


def questions(site, bank: str) -> list:
    """The bank's questions as the loader reads them, without where they stand."""
    library = load_library(site.root / "quizzes", "quizzes",
                           docs_files(site.root / "content"))
    assert library.problems == [], [str(p) for p in library.problems]
    return [dataclasses.replace(q, where="") for q in library.questions.values()
            if q.where.startswith(f"quizzes/banks/{bank}.yml:")]


@pytest.fixture
def site(make_site):
    return make_site({"quizzes/banks/demo.yml": BANK})


# Our layout: export → import gives the same questions ---------------------------------

@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_then_import_into_a_new_bank_is_exact(site, capsys, fmt):
    """Export, then import into an empty bank of the same name: the same questions."""
    out = export(site, fmt, capsys)
    (site.root / "quizzes/banks/demo.yml").rename(site.root / "original.yml")
    code, _, err = run(site, "import", "questions", str(out), "--bank", "demo", capsys=capsys)
    assert (code, err) == (0, "")
    copy = questions(site, "demo")
    (site.root / "original.yml").replace(site.root / "quizzes/banks/demo.yml")
    assert [q.id for q in copy] == ["e-001", "e-002", "e-003", "004-blank"]
    assert copy == questions(site, "demo")


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_reimporting_an_unchanged_export_changes_nothing(site, capsys, fmt):
    """Importing an export back into its own bank leaves the file as it was."""
    out = export(site, fmt, capsys)
    code, stdout, _ = run(site, "import", "questions", str(out), "--bank", "demo", capsys=capsys)
    assert code == 0
    assert "left unchanged 4 question(s) (e-001 … 004-blank)" in stdout
    assert (site.root / "quizzes/banks/demo.yml").read_text(encoding="utf-8") == BANK


def test_edit_in_excel_then_replace_keeps_ids(site, capsys):
    """A typo fixed in the exported sheet replaces that question under the same id."""
    out = export(site, "xlsx", capsys)
    workbook = load_workbook(out)
    sheet = workbook.worksheets[0]
    assert sheet["C4"].value == "可以收受回扣。"
    sheet["C4"] = "可以收受回扣吗？"
    workbook.save(out)
    code, stdout, _ = run(site, "import", "questions", str(out), "--bank", "demo", "--replace",
                          capsys=capsys)
    assert code == 0 and "replaced 1 question(s) (e-003)" in stdout
    assert [q.stem for q in questions(site, "demo") if q.id == "e-003"] == ["可以收受回扣吗？"]
    text = (site.root / "quizzes/banks/demo.yml").read_text(encoding="utf-8")
    assert text.startswith("# 导出用题库\n")


def test_xlsx_layout(site, capsys):
    """The header, our notations, the formula kept as text, and a sheet of instructions."""
    workbook = load_workbook(export(site, "xlsx", capsys))
    sheet, notes = workbook.worksheets
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["ID", "题型", "题干", "选项A", "选项B", "选项C", "选项D", "选项E", "选项F",
                       "选项G", "选项H", "答案", "解析", "准则", "难度", "课程"]
    assert rows[1][:4] == ["e-001", "单选题", "=SUM(A1:A3) 这样的内容会被 Excel 当成公式吗？", "-5"]
    assert sheet["C2"].data_type == "s"
    assert [row[11] for row in rows[1:]] == ["B", "ABD", "错", "统方|统计处方|a*b"]
    assert [row[13:16] for row in rows[1:3]] == [["1", "容易", "lessons/standard-1.md"],
                                                 ["1、8", "中等", None]]
    assert notes.title == "填写说明"


def test_csv_is_for_excel(site, capsys):
    """UTF-8 with a byte order mark; cells Excel would run as formulas behind a quote."""
    data = export(site, "csv", capsys).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[1][2].startswith("'=SUM") and rows[1][3] == "'-5"


def test_an_answer_holding_a_bar_cannot_go_into_a_sheet(make_site, capsys):
    """An accepted answer with | would come back as two; the export says so instead."""
    site = make_site({"quizzes/banks/demo.yml": BANK.replace('"a*b"', '"a|b"')})
    out = site.root / "out.xlsx"
    code, _, err = run(site, "export", "questions", "--format", "xlsx", "--bank", "demo",
                       "-o", str(out), capsys=capsys)
    assert code == 1
    assert "question '004-blank' (quizzes/banks/demo.yml:30): an accepted answer holds |" in err
    assert not out.exists()


# QTI 2.1 ------------------------------------------------------------------------------

def qti_files(site, capsys) -> dict[str, etree._Element]:
    with zipfile.ZipFile(export(site, "qti", capsys)) as package:
        return {name: etree.fromstring(package.read(name), PARSER)
                for name in package.namelist()}


def schema(path: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / path), PARSER))


@pytest.mark.skipif(not SCHEMAS.is_dir(), reason="../shared/schemas/ (the IMS schemas) is "
                    "not beside this clone")
def test_qti_items_and_manifest_are_valid(site, capsys):
    """Every item against the QTI 2.1 schema, the manifest against IMS CP 1.1."""
    files = qti_files(site, capsys)
    items, manifest = schema("qtiv2p1/imsqti_v2p1.xsd"), schema("imscp_v1p1.xsd")
    assert manifest.validate(files.pop("imsmanifest.xml")), manifest.error_log
    assert len(files) == 4
    for name, item in files.items():
        assert items.validate(item), (name, str(items.error_log))


def test_qti_manifest_lists_every_item(site, capsys):
    """One resource per item, each pointing at a file that is in the package."""
    files = qti_files(site, capsys)
    manifest = files.pop("imsmanifest.xml")
    assert manifest.findtext(f"{CP}metadata/{CP}schema") == "QTIv2.1 Package"
    resources = manifest.findall(f"{CP}resources/{CP}resource")
    assert [(r.get("type"), r.get("href"), r.find(f"{CP}file").get("href")) for r in resources] \
        == [("imsqti_item_xmlv2p1", f"items/{name}.xml", f"items/{name}.xml")
            for name in ("e-001", "e-002", "e-003", "Q004-blank")]
    assert sorted(files) == sorted(r.get("href") for r in resources)


def test_qti_interactions_per_type(site, capsys):
    """The interaction, cardinality and correct response of each question type."""
    files = qti_files(site, capsys)
    single, multiple, judge, blank = (files[f"items/{name}.xml"] for name in
                                      ("e-001", "e-002", "e-003", "Q004-blank"))

    def declaration(item):
        response = item.find(f"{QTI}responseDeclaration")
        values = [v.text for v in response.findall(f"{QTI}correctResponse/{QTI}value")]
        return response.get("cardinality"), response.get("baseType"), values

    def choices(item):
        interaction = item.find(f"{QTI}itemBody/{QTI}choiceInteraction")
        return (interaction.get("maxChoices"), interaction.findtext(f"{QTI}prompt"),
                [(c.get("identifier"), c.text) for c in interaction.findall(f"{QTI}simpleChoice")])

    assert declaration(single) == ("single", "identifier", ["B"])
    assert choices(single) == ("1", "=SUM(A1:A3) 这样的内容会被 Excel 当成公式吗？",
                               [("A", "-5"), ("B", "<b>不会</b>"), ("C", "7")])
    assert declaration(multiple) == ("multiple", "identifier", ["A", "B", "D"])
    assert choices(multiple)[0] == "0"
    assert declaration(judge) == ("single", "identifier", ["false"])
    assert choices(judge) == ("1", "可以收受回扣。", [("true", "正确"), ("false", "错误")])
    assert declaration(blank) == ("single", "string", ["统方"])
    assert blank.find(f".//{QTI}choiceInteraction") is None
    paragraph = blank.find(f"{QTI}itemBody/{QTI}p")
    assert paragraph.text == "出于商业目的统计医师用药量，俗称“"
    assert paragraph.find(f"{QTI}textEntryInteraction").tail == "”。"
    assert [(e.get("mapKey"), e.get("mappedValue")) for e in blank.iter(f"{QTI}mapEntry")] == [
        ("统方", "1"), ("统计处方", "1"), ("a*b", "1")]
    assert blank.find(f".//{QTI}mapResponse") is not None
    for item in (single, multiple, judge, blank):
        feedback = item.find(f"{QTI}modalFeedback")
        assert feedback.get("outcomeIdentifier") == "FEEDBACK" and feedback.text
    assert single.get("identifier") == "e-001" and blank.get("identifier") == "Q004-blank"


def test_qti_package_is_the_same_each_time(site, capsys):
    """The same bank gives the same bytes (fixed times in the zip)."""
    first = export(site, "qti", capsys).read_bytes()
    assert export(site, "qti", capsys).read_bytes() == first


# Moodle XML ---------------------------------------------------------------------------

def test_moodle_xml_per_type(site, capsys):
    """multichoice (single and not), truefalse and shortanswer, with fractions and tags."""
    quiz = etree.fromstring(export(site, "moodle", capsys).read_bytes(), PARSER)
    assert quiz.tag == "quiz"
    single, multiple, judge, blank = quiz.findall("question")
    assert [q.get("type") for q in (single, multiple, judge, blank)] == [
        "multichoice", "multichoice", "truefalse", "shortanswer"]

    def answers(question):
        return [(a.get("fraction"), a.findtext("text")) for a in question.findall("answer")]

    assert single.findtext("single") == "true"
    assert answers(single) == [("0", "<p>-5</p>"), ("100", "<p>&lt;b&gt;不会&lt;/b&gt;</p>"),
                               ("0", "<p>7</p>")]
    assert multiple.findtext("single") == "false"
    assert answers(multiple) == [("33.33333", "<p>收红包</p>"), ("33.33333", "<p>统方</p>"),
                                 ("-100", "<p>按劳取酬</p>"), ("33.33333", "<p>收回扣</p>")]
    assert multiple.findtext("questiontext/text") == "<p>下列哪些属于违规？<br>（可多选）</p>"
    assert answers(judge) == [("0", "true"), ("100", "false")]
    assert answers(blank) == [("100", "统方"), ("100", "统计处方"), ("100", "a\\*b")]
    assert blank.findtext("usecase") == "0"
    for question, tags in ((single, ["准则1", "难度-容易"]), (multiple, ["准则1", "准则8", "难度-中等"])):
        assert [t.findtext("text") for t in question.findall("tags/tag")] == tags
    assert [q.findtext("idnumber") for q in (single, blank)] == ["e-001", "004-blank"]
    assert judge.findtext("generalfeedback/text") == "<p>第三条禁止。</p>"


# Errors -------------------------------------------------------------------------------

def test_an_unknown_bank(site, capsys):
    """A bank name that is not a file lists the banks there are."""
    code, _, err = run(site, "export", "questions", "--format", "csv", "--bank", "demi", "-o",
                       str(site.root / "x.csv"), capsys=capsys)
    assert code == 2
    assert "there is no bank 'demi'" in err and "(banks: demo)" in err


def test_an_output_path_through_a_file_names_the_file(site, capsys):
    """-o out.csv/demo.csv where out.csv is a file: the file is named, not "File exists"."""
    (site.root / "out.csv").write_text("", encoding="utf-8")
    code, _, err = run(site, "export", "questions", "--format", "csv", "--bank", "demo", "-o",
                       str(site.root / "out.csv" / "demo.csv"), capsys=capsys)
    assert code == 2
    assert f"'{site.root / 'out.csv'}' is a file, not a folder; rename that file, " \
        "or write elsewhere" in err


def test_an_export_that_cannot_be_written_whole_leaves_the_last_one(site, capsys):
    """The disk fills part-way: a message, exit 2, and the earlier export as it was
    (it was left cut short, and looked whole)."""
    out = export(site, "csv", capsys)
    before = out.read_bytes()
    site.root.joinpath("quizzes/banks/demo.yml").write_text(
        BANK.replace("explanation: ", "explanation: 另有说明。", 1), encoding="utf-8")
    with disk_full_past(len(before) // 2):
        code, _, err = run(site, "export", "questions", "--format", "csv", "--bank", "demo",
                           "-o", str(out), capsys=capsys)
    assert code == 2
    assert f"cannot write '{out}': File too large" in err
    assert out.read_bytes() == before and not list(out.parent.glob("*.tmp"))


@pytest.mark.parametrize("fmt, name, message", [
    ("xlsx", "题库.csv", "names a .csv file, but --format xlsx writes .xlsx; name it '{out}/题库.xlsx', "
                        "or give --format csv"),
    ("qti", "题库.xml", "names a .xml file, but --format qti writes .zip; name it '{out}/题库.zip', "
                       "or give --format moodle"),
])
def test_an_output_named_for_another_format_is_refused(site, capsys, fmt, name, message):
    """An xlsx written to 题库.csv opened in Excel as garbage, and said "Wrote"."""
    out = site.root / "out"
    code, _, err = run(site, "export", "questions", "--format", fmt, "--bank", "demo",
                       "-o", str(out / name), capsys=capsys)
    assert code == 2
    assert err == f"qinglian export questions: -o '{out / name}' {message.format(out=out)}\n"
    assert not out.exists()


def test_a_bank_with_problems_is_not_exported(make_site, capsys):
    """A bank that fails its checks is not exported; its problems are listed."""
    site = make_site({"quizzes/banks/demo.yml": BANK.replace("answer: B", "answer: E")})
    out = site.root / "x.zip"
    code, _, err = run(site, "export", "questions", "--format", "qti", "--bank", "demo", "-o",
                       str(out), capsys=capsys)
    assert code == 1
    assert "quizzes/banks/demo.yml:7: answer 'E' is not among the options A–C" in err
    assert not out.exists()


def test_an_export_open_in_excel_says_to_close_it(site, capsys, monkeypatch):
    """Windows refuses to replace a file Excel has open ("Permission denied"): the
    message says what usually holds it."""
    out = site.root / "demo.xlsx"

    def open_in_excel(path, data):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(writes, "write_whole", open_in_excel)
    code, _, err = run(site, "export", "questions", "--format", "xlsx", "--bank", "demo",
                       "-o", str(out), capsys=capsys)
    assert code == 2
    assert err == (f"qinglian export questions: cannot write '{out}': Permission denied; close it "
                   "if Excel or WPS has it open, or give a path in a writable folder\n")
