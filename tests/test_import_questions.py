"""``qinglian import questions``: sheets as trainers and exam platforms save them.

Fixture files are real: .xlsx written by openpyxl (a merged title, an
instruction row, decorated headings, formatted empty rows, a second sheet)
and CSV in UTF-8 with and without a BOM and in GBK. Every import runs
through the ``qinglian`` command on a small site, and what it writes is read
back by the quiz loader itself.
"""

from __future__ import annotations

import csv
import errno
import io
import os
import re
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.styles import PatternFill

from qinglian.cli import main
from qinglian.common.tables import read_table
from qinglian.quiz import importer
from qinglian.quiz.importer import read_sheet
from qinglian.common.pages import docs_files
from qinglian.quiz.loader import load_library
from qinglian.quiz.sheet import Defaults

HEADER = ["题型", "题干", "选项A", "选项B", "选项C", "选项D", "答案", "解析", "准则", "难度"]
# One good row of each type, in our own layout
GOOD_ROWS = [
    ["单选题", "第一条禁止什么？", "统方", "按劳取酬", "", "", "A", "第一条禁止统方。", "1", "容易"],
    ["多选题", "哪些属于违规？", "收红包", "统方", "按劳取酬", "", "AB", "收红包和统方。", "1、8", "中等"],
    ["判断题", "可以收受回扣。", "", "", "", "", "错", "第三条禁止。", "3", "较难"],
    ["填空题", "俗称“____”。", "", "", "", "", "统方|统计处方", "叫统方。", "1", "容易"],
]
HAND_WRITTEN = """\
# 手写题库：注释要保留
questions:
  # ---------- 第一条 ----------
  - id: h-001
    type: single
    stem: 手写的题。
    options: [甲, 乙]
    answer: A
    explanation: 甲。
    standards: [1]
    difficulty: easy  # 行尾注释

  # ---------- 第二条 ----------
  - id: h-002
    type: true_false
    stem: 第二道手写的题。
    answer: true
    explanation: 对。
    standards: [2]
    difficulty: medium
"""


def write_csv(path: Path, rows: list[list], encoding: str = "utf-8-sig") -> Path:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def run(site, *args: str, capsys) -> tuple[int, str, str]:
    code = main(["import", "questions", *args, "-f", str(site.config_file)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def import_workbook(workbook, make_site, tmp_path, capsys) -> tuple:
    """Save ``workbook`` as 题库.xlsx and import it into the bank demo of a new site;
    return the site, the file, and the command's exit code, output and errors."""
    path = tmp_path / "题库.xlsx"
    workbook.save(path)
    site = make_site()
    return (site, path, *run(site, str(path), "--bank", "demo", capsys=capsys))


def questions(site) -> dict:
    """The site's questions as the quiz loader reads them; fails on any problem."""
    library = load_library(site.root / "quizzes", "quizzes",
                           docs_files(site.root / "content"))
    assert library.problems == [], [str(p) for p in library.problems]
    return library.questions


def bank_text(site, name: str = "demo") -> str:
    return (site.root / "quizzes" / "banks" / f"{name}.yml").read_text(encoding="utf-8")


# Messy files from exam platforms ------------------------------------------------------

def platform_xlsx(path: Path) -> Path:
    """An export as 考试宝 or 超星 make them: a merged title, an instruction row, headings
    with notes, spaces, tabs and line breaks, other names for the columns, any order, a 序号
    column, numbers stored as numbers, formatted empty rows and a second sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet["A1"] = "2026 年廉洁从业题库（导出）"
    sheet.merge_cells("A1:K1")
    sheet["A2"] = "说明：题型可填 单选、多选、判断、填空；多选答案直接写字母。"
    sheet.append([])
    sheet.append(["序号", "题目类型", "题干（必填）", "选项 A", "选项B", "选项C", "选项D",
                  "选项E\n(勿删)", "\t正确答案\t", "答案解析", "难易度", "知识点"])
    sheet.append([1, "单选", "第一条禁止什么？", "统方", "按劳取酬", None, None, None,
                  " b ", "按劳取酬是允许的。", "易", " 1 "])
    sheet.append([2, "多选题", "哪些属于违规？", "收红包", "统方", "按劳取酬", "收回扣", None,
                  "A、B、D", "收红包、统方、收回扣。", "中", "第一条、第八条"])
    for column in "ABCDEFGHIJKL":  # row 7: formatted, but empty
        sheet[f"{column}7"].fill = PatternFill("solid", fgColor="FFFF00")
    sheet.append([3, "判断题", "可以收受回扣。", "正确", "错误", None, None, None, "B",
                  "第三条禁止。", "难", 3])
    sheet.append([4, "填空题", "俗称“____”。", None, None, None, None, None, "统方｜统计处方",
                  "叫统方。", "简单", "1"])
    sheet.append([5, "单选题", "数字选项：几项准则？", 9, 8.5, 7, None, None, "a",
                  "九项。", "容易", "一"])
    sheet.append([6])  # a numbered template row with no question in it
    sheet.append([None] * 12)
    extra = workbook.create_sheet("统计")
    extra.append(["这张表不是题目", "随便"])
    workbook.save(path)
    return path


def test_platform_xlsx_imports_into_a_new_bank(make_site, tmp_path, capsys):
    """Title rows, decorated headings, aliases, any column order, numbers and formatted
    empty rows all import; the summary names the header row and what was not imported."""
    site = make_site()
    code, out, err = run(site, str(platform_xlsx(tmp_path / "导出.xlsx")), "--bank", "demo",
                         capsys=capsys)
    assert (code, err) == (0, "")
    assert "(xlsx, header on row 4 of sheet Sheet; not imported: 序号)" in out
    assert "quizzes/banks/demo.yml: added 5 question(s) (demo-001 … demo-005)" in out
    got = questions(site)
    assert sorted(got) == ["demo-001", "demo-002", "demo-003", "demo-004", "demo-005"]
    first, multiple, judge, blank, numbers = (got[f"demo-00{n}"] for n in range(1, 6))
    assert (first.type, first.answer, first.standards, first.difficulty) == (
        "single", (1,), (1,), "easy")
    assert (multiple.answer, multiple.standards, multiple.difficulty) == ((0, 1, 3), (1, 8),
                                                                          "medium")
    assert (judge.type, judge.options, judge.answer, judge.difficulty) == (
        "true_false", (), (False,), "hard")
    assert (blank.type, blank.answer) == ("fill_blank", ("统方", "统计处方"))
    assert numbers.options == ("9", "8.5", "7") and numbers.standards == (1,)
    assert bank_text(site).startswith("# 题库 demo")
    assert "next_id: 6\n" in bank_text(site)


def test_decorated_headings_name_the_same_column(tmp_path):
    """题干（必填）, 选项E with (勿删) on a second line, 选项 A and a heading with tabs."""
    path = write_csv(tmp_path / "q.csv", [["*题型", "题干（必填）", "选项 A", "选项E\n(勿删)",
                                           "\t答案\t", "解析【必填】"], ["x"] * 6])
    assert read_table(path, ["题干"]).columns == ("题型", "题干", "选项a", "选项e", "答案", "解析")


def by_type_workbook(path: Path) -> Path:
    """A bank kept one type per sheet, as hospitals often do: a hidden sheet of drop-down
    lists first, a notes sheet, 单选题 and 多选题 without a 题型 column (the sheet's name
    says it), 判断题 with one, and a hidden sheet of retired questions."""
    workbook = Workbook()
    lists = workbook.active
    lists.title = "下拉列表"
    lists.append(["题型", "难度"])
    lists.append(["单选题", "容易"])
    lists.sheet_state = "hidden"
    notes = workbook.create_sheet("填表说明")
    notes.append(["每张工作表放一种题型。"])
    columns = ["题干", "选项A", "选项B", "选项C", "答案", "解析", "准则", "难度"]
    single = workbook.create_sheet("单选题")
    single.append(columns)
    single.append(["第一条禁止什么？", "统方", "按劳取酬", None, "A", "禁止统方。", 1, "易"])
    multiple = workbook.create_sheet("多选题")
    multiple.append(["2026 年多选题"])
    multiple.append(columns)
    multiple.append(["哪些属于违规？", "收红包", "统方", "按劳取酬", "A、B", "都违规。", 1, "中"])
    judge = workbook.create_sheet("判断题")
    judge.append(["题型", *columns])
    judge.append(["判断", "可以收受回扣。", None, None, None, "×", "禁止。", 3, "难"])
    retired = workbook.create_sheet("作废")
    retired.append(["题型", *columns])
    retired.append(["单选", "旧题", "甲", "乙", None, "A", "旧。", 1, "易"])
    retired.sheet_state = "hidden"
    workbook.save(path)
    return path


def test_every_visible_sheet_with_a_header_is_imported(make_site, tmp_path, capsys):
    """One sheet per type: each is read (a sheet named for a type gives its rows that type);
    hidden sheets and sheets without a header row are passed over; the summary names them."""
    site = make_site()
    code, out, err = run(site, str(by_type_workbook(tmp_path / "题库.xlsx")), "--bank", "demo",
                         capsys=capsys)
    assert (code, err) == (0, "")
    assert ("(xlsx, header on row 1 of sheet 单选题, row 2 of sheet 多选题, row 1 of sheet "
            "判断题)") in out
    got = questions(site)
    assert [(q.type, q.stem, q.answer) for q in got.values()] == [
        ("single", "第一条禁止什么？", (0,)), ("multiple", "哪些属于违规？", (0, 1)),
        ("true_false", "可以收受回扣。", (False,))]


def test_problems_in_a_workbook_name_the_sheet(make_site, tmp_path, capsys):
    """Row numbers repeat from sheet to sheet: each problem names its sheet, and a sheet
    without 题型 whose name is no type is told to add the column or rename the sheet."""
    site = make_site()
    path = by_type_workbook(tmp_path / "题库.xlsx")
    workbook = load_workbook(path)
    workbook["多选题"]["E3"] = "E"
    workbook.save(path)
    code, _, err = run(site, str(path), "--bank", "demo", capsys=capsys)
    assert code == 1
    assert err.splitlines()[0] == f'{path}:sheet 多选题:row 3: 答案 "E" is not among 选项A–C'
    workbook["多选题"].title = "第二部分"
    workbook.save(path)
    code, _, err = run(site, str(path), "--bank", "demo", capsys=capsys)
    assert code == 1
    assert err == (f"{path}:sheet 第二部分:row 2: no 题型 column; head it 题型 or 题目类型 or "
                   "试题类型 (or name the sheet 单选题, 多选题, 判断题 or 填空题)\n")


# Merged cells, two-row headers and hidden rows ----------------------------------------

def merged_workbook(path: Path) -> Path:
    """A bank as trainers lay it out by hand: a title merged over two rows, 题型, 准则 and
    难度 written once and merged down over their group, a 填空题 whose 题干 is merged over
    the empty option columns, and a long question whose every cell is merged with the
    (otherwise empty) row below."""
    workbook = Workbook()
    sheet = workbook.active
    sheet["A1"] = "2026年廉洁知识题库"
    sheet.append([])
    sheet.append(HEADER)  # row 3
    sheet.append(["单选", "第一条禁止什么？", "统方", "按劳取酬", None, None, "A", "禁止统方。", 1, "易"])
    sheet.append([None, "第三条禁止什么？", "收回扣", "按劳取酬", None, None, "A", "禁止回扣。", None,
                  None])
    sheet.append([None, "第八条禁止什么？", "收红包", "按劳取酬", None, None, "A", "禁止红包。", None,
                  None])
    sheet.append(["填空", "俗称“____”。", None, None, None, None, "统方", "叫统方。", None, None])
    sheet.append(["判断", "很长的一道判断题。", None, None, None, None, "错", "第三条禁止。", 3, None])
    for cells in ("A1:J2", "A4:A6", "I4:I7", "J4:J9", "B7:F7"):
        sheet.merge_cells(cells)
    for column in "ABCDEFGHI":  # row 8 stretched over row 9 ("J" is merged with the group)
        sheet.merge_cells(f"{column}8:{column}9")
    workbook.save(path)
    return path


def test_a_value_merged_down_applies_to_each_row(make_site, tmp_path, capsys):
    """A merged 题型, 准则 or 难度 is the value of every row it covers; a 题干 merged
    sideways stays the 题干; a row only stretching the one above is no question."""
    site = make_site()
    code, out, err = run(site, str(merged_workbook(tmp_path / "题库.xlsx")), "--bank", "demo",
                         capsys=capsys)
    assert (code, err) == (0, "")
    assert "header on row 3 of sheet Sheet)" in out
    assert [(q.type, q.stem, q.options, q.standards, q.difficulty)
            for q in questions(site).values()] == [
        ("single", "第一条禁止什么？", ("统方", "按劳取酬"), (1,), "easy"),
        ("single", "第三条禁止什么？", ("收回扣", "按劳取酬"), (1,), "easy"),
        ("single", "第八条禁止什么？", ("收红包", "按劳取酬"), (1,), "easy"),
        ("fill_blank", "俗称“____”。", (), (1,), "easy"),
        ("true_false", "很长的一道判断题。", (), (3,), "easy")]


def test_a_merged_answer_stem_or_id_is_refused(make_site, tmp_path, capsys):
    """One 答案 (or 题干, or ID) merged over several questions would serve them all: each
    row it covers is refused, naming the range and how to unmerge it."""
    site = make_site()
    path = merged_workbook(tmp_path / "题库.xlsx")
    workbook = load_workbook(path)
    workbook.active.merge_cells("G5:G6")
    workbook.save(path)
    code, _, err = run(site, str(path), "--bank", "demo", capsys=capsys)
    assert code == 1
    message = ("the 答案 cell is one merged cell over several questions (G5:G6), so they would "
               "share one 答案; unmerge it (Excel: 开始 → 合并后居中 → 取消单元格合并) and fill "
               "in each row's own")
    assert err.splitlines()[:2] == [f"{path}:sheet Sheet:row {number}: {message}"
                                    for number in (5, 6)]
    assert not (site.root / "quizzes" / "banks" / "demo.yml").exists()


def test_a_heading_merged_over_two_rows(make_site, tmp_path, capsys):
    """A two-row header: 选项 merged over A, B, C, D below it, the other headings merged
    down over both rows."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["2026年廉洁知识题库"])
    sheet.append(["题型", "题干", "选项", None, None, None, "答案", "解析", "准则", "难度"])
    sheet.append([None, None, "A", "B", "C", "D"])
    sheet.merge_cells("C2:F2")
    for column in "ABGHIJ":
        sheet.merge_cells(f"{column}2:{column}3")
    sheet.append(GOOD_ROWS[1])
    site, _, code, out, err = import_workbook(workbook, make_site, tmp_path, capsys)
    assert (code, err) == (0, "")
    assert "header on row 2 of sheet Sheet)" in out
    assert questions(site)["demo-001"].options == ("收红包", "统方", "按劳取酬")


@pytest.mark.parametrize("merge", [None, "C1:F1"])
def test_a_second_header_row_not_merged(make_site, tmp_path, capsys, merge):
    """A, B, C, D typed in the row under 选项, with no heading merged down (选项 merged
    across, or not at all), is a second header row too: its options were missing."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["题型", "题干", "选项", None, None, None, "答案", "解析", "准则", "难度"])
    sheet.append([None, None, "A", "B", "C", "D"])
    if merge:
        sheet.merge_cells(merge)
    sheet.append(GOOD_ROWS[1])
    site, _, code, out, err = import_workbook(workbook, make_site, tmp_path, capsys)
    assert (code, err) == (0, "")
    assert "not imported" not in out
    assert questions(site)["demo-001"].options == ("收红包", "统方", "按劳取酬")


def test_hidden_and_filtered_out_rows_are_left_out_and_named(make_site, tmp_path, capsys):
    """Rows Excel hides, by hand or by a filter, are set aside as hidden sheets are, and
    the summary names them and says how to import them."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in GOOD_ROWS:
        sheet.append(row)
    sheet.auto_filter.ref = "A1:J5"
    sheet.auto_filter.add_filter_column(0, ["单选题", "判断题"])
    for number in (3, 5, 7):  # 多选题 and 填空题 filtered out; row 7 is empty
        sheet.row_dimensions[number].hidden = True
    site, _, code, out, err = import_workbook(workbook, make_site, tmp_path, capsys)
    assert (code, err) == (0, "")
    assert ("Left out 2 row(s) hidden in Excel, or filtered out (row 3 of sheet Sheet, row 5 "
            "of sheet Sheet); to import them, show them (取消隐藏, or 清除筛选) and import "
            "those rows.") in out
    assert [q.type for q in questions(site).values()] == ["single", "true_false"]


def test_hidden_columns_are_left_out_and_named(make_site, tmp_path, capsys):
    """Columns Excel hides are set aside as hidden rows are: a hidden stale 答案 column
    gives way to the visible 正确答案, hidden empty 选项E–F (a template's) and a scratch
    column are passed over, and the summary names them."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([*HEADER, "正确答案", "选项E", "选项F", "备注"])
    for row in GOOD_ROWS:
        sheet.append([*row[:6], "D", *row[7:], row[6], None, None, "草稿"])
    sheet.column_dimensions["G"].hidden = True
    sheet.column_dimensions.group("L", "N", hidden=True)  # as Excel's 组合 hides a range
    site, _, code, out, err = import_workbook(workbook, make_site, tmp_path, capsys)
    assert (code, err) == (0, "")
    assert ("Left out 4 column(s) hidden in Excel (column G (答案) of sheet Sheet, column L "
            "(选项E) of sheet Sheet, column M (选项F) of sheet Sheet, column N (备注) of sheet "
            "Sheet).") in out
    assert questions(site)["demo-001"].answer == (0,)


@pytest.mark.parametrize("heading, letter", [("答案", "G"), ("ID", "K")])
def test_a_column_only_hidden_is_refused(make_site, tmp_path, capsys, heading, letter):
    """A column the import reads that is there only hidden (the 答案 hidden to print a
    paper, an ID column hidden while editing) is neither read nor silently dropped, which
    would import every question as new: the import says to show it."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([*HEADER, "ID"])
    for number, row in enumerate(GOOD_ROWS, start=1):
        sheet.append([*row, f"x-{number}"])
    sheet.column_dimensions[letter].hidden = True
    site, path, code, _, err = import_workbook(workbook, make_site, tmp_path, capsys)
    assert code == 1
    assert err == (f"{path}:sheet Sheet:row 1: the {heading} column ({letter}) is hidden; show "
                   "it (取消隐藏) to read it, or delete the column\n")


def save_with_results(workbook: Workbook, path: Path, results: dict[str, str]) -> Path:
    """Save ``workbook`` as Excel would have saved the formulas of ``results`` (cell → text
    it calculated); its other formulas keep no result, as openpyxl and some WPS save them."""
    workbook.save(path)
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    for cell, text in results.items():
        sheet, count = re.subn(rf'<c r="{cell}"><f>(.*?)</f><v></v></c>',
                               rf'<c r="{cell}" t="str"><f>\1</f><v>{text}</v></c>', sheet)
        assert count == 1, cell
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def test_a_formula_saved_without_its_result_is_named(make_site, tmp_path, capsys):
    """A formula whose result was never saved (a file written by a script) is no empty
    cell: the import names the cell and how to get the result saved, rather than "no 答案"
    or passing over a row of such formulas as blank. Formulas Excel calculated, to text or
    to nothing (=""), read as their results."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([*HEADER, "课程"])
    sheet.append([*GOOD_ROWS[0][:6], '="A"', *GOOD_ROWS[0][7:]])
    sheet.append(["", "=题源!B2", "", "", "", "", "=题源!C2"])
    sheet.append([*GOOD_ROWS[1][:6], '="A"&"B"', *GOOD_ROWS[1][7:], '=""'])
    path = save_with_results(workbook, tmp_path / "题库.xlsx", {"G4": "AB", "K4": ""})
    site = make_site()
    code, _, err = run(site, str(path), "--bank", "demo", "--skip-bad", capsys=capsys)
    fix = ("saved without a result (the file was written by a program that does not "
           "calculate); open the file in Excel or WPS, save it, and try again")
    assert (code, err.splitlines()) == (0, [
        f"{path}:sheet Sheet:row 2: the cell G2 (答案) holds a formula {fix}",
        f"{path}:sheet Sheet:row 3: the cells B3 (题干), G3 (答案) hold formulas {fix}",
        "Skipped 2 row(s) with problems (listed above)."])
    [question] = questions(site).values()
    assert (question.answer, question.lesson) == ((0, 1), None)

@pytest.mark.parametrize("headings", [
    ["选项A", "选项B", "选项C"],
    ["A选项", "B选项", "C选项"],
    ["A", "B", "C"],
    ["Ａ选项（必填）", "B 选项", "c"],
])
def test_option_columns_headed_each_way(tmp_path, headings):
    """Option columns headed 选项A, A选项 or just A (as many templates do) are the options."""
    path = write_csv(tmp_path / "q.csv", [["题型", "题干", *headings, "答案", "解析", "准则", "难度"],
                                          ["单选", "题干", "甲", "乙", "丙", "C", "解", "1", "易"]])
    sheet = read_sheet(path, Defaults())
    assert sheet.ignored == ()
    assert sheet.rows[0].entry["options"] == ["甲", "乙", "丙"]


@pytest.mark.parametrize("kind, options, answer, expected", [
    # 题型, 选项A.. as written, 答案, the options and answer imported
    ("单选", ["A.统方", "B. 按劳取酬", "C、收红包"], "B", (["统方", "按劳取酬", "收红包"], "B")),
    ("多选", ["Ａ．统方", "b）收红包", "C：按劳取酬"], "AB", (["统方", "收红包", "按劳取酬"],
                                                   ["A", "B"])),
    ("判断", ["A.正确", "B.错误"], "B", ([], False)),
    # Not every option lettered, or not in order: the text is the trainer's own
    ("单选", ["A.统方", "按劳取酬"], "A", (["A.统方", "按劳取酬"], "A")),
    ("单选", ["B.统方", "A.按劳取酬"], "A", (["B.统方", "A.按劳取酬"], "A")),
    ("单选", ["A型血", "B型血"], "A", (["A型血", "B型血"], "A")),
])
def test_option_letters_written_in_the_cells_are_dropped(tmp_path, kind, options, answer,
                                                         expected):
    """Options pasted with their letters (A.统方) lose them when every option has its own:
    the site letters the options itself, after shuffling them."""
    options = options + [""] * (4 - len(options))
    path = write_csv(tmp_path / "q.csv", [HEADER, [kind, "题干", *options, answer, "解析",
                                                   "1", "易"]])
    row = read_sheet(path, Defaults()).rows[0]
    assert row.problems == []
    assert (row.entry.get("options", []), row.entry["answer"]) == expected


@pytest.mark.parametrize("encoding, shown", [
    # how the CSV is saved, how the summary names it
    ("utf-8-sig", "UTF-8 with BOM"),
    ("utf-8", "UTF-8"),
    ("gbk", "GB18030"),
])
def test_csv_in_each_encoding(make_site, tmp_path, capsys, encoding, shown):
    """CSV in UTF-8 (with or without a BOM) and in GBK imports; the summary names which."""
    site = make_site()
    path = write_csv(tmp_path / "q.csv", [HEADER, *GOOD_ROWS], encoding)
    code, out, _ = run(site, str(path), "--bank", "demo", capsys=capsys)
    assert code == 0
    assert f"({shown}, header on row 1)" in out
    assert questions(site)["demo-004"].answer == ("统方", "统计处方")


# Notations ----------------------------------------------------------------------------

@pytest.mark.parametrize("kind, options, answer, expected", [
    # 题型 as written, 选项A.., 答案 as written, the bank entry's type and answer
    ("判断", [], "对", ("true_false", True)),
    ("判断题", [], "错", ("true_false", False)),
    ("判断", [], "正确", ("true_false", True)),
    ("判断", [], "错误", ("true_false", False)),
    ("判断", [], "√", ("true_false", True)),
    ("判断", [], "×", ("true_false", False)),
    ("判断", [], "T", ("true_false", True)),
    ("判断", [], "f", ("true_false", False)),
    ("是非题", ["对", "错"], "A", ("true_false", True)),
    ("判断", ["错误", "正确"], "a", ("true_false", False)),
    ("判断", ["正确", "错误"], "B", ("true_false", False)),
    ("多选", ["甲", "乙", "丙", "丁"], "ACD", ("multiple", ["A", "C", "D"])),
    ("多选题", ["甲", "乙", "丙", "丁"], "A,C,D", ("multiple", ["A", "C", "D"])),
    ("多项选择题", ["甲", "乙", "丙", "丁"], "A、C、D", ("multiple", ["A", "C", "D"])),
    ("多选", ["甲", "乙", "丙", "丁"], "acd", ("multiple", ["A", "C", "D"])),
    ("多选", ["甲", "乙", "丙", "丁"], "ＡＣＤ", ("multiple", ["A", "C", "D"])),
    ("多选", ["甲", "乙", "丙", "丁"], "D，A", ("multiple", ["A", "D"])),
    ("不定项选择题", ["甲", "乙"], "B", ("multiple", ["B"])),
    ("单选", ["甲", "乙"], "Ｂ", ("single", "B")),
    ("单项选择题", ["甲", "乙"], " b ", ("single", "B")),
    ("填空", [], "统方|统计处方", ("fill_blank", ["统方", "统计处方"])),
    ("填空题", [], "统方｜ 统计处方 ｜", ("fill_blank", ["统方", "统计处方"])),
    ("填空", [], "30", ("fill_blank", ["30"])),
])
def test_answer_notations(tmp_path, kind, options, answer, expected):
    """Every accepted way of writing 题型 and 答案 gives the same bank entry."""
    options = options + [""] * (4 - len(options))
    path = write_csv(tmp_path / "q.csv", [HEADER, [kind, "题干", *options, answer, "解析",
                                                   "1", "易"]])
    row = read_sheet(path, Defaults()).rows[0]
    assert row.problems == []
    assert (row.entry["type"], row.entry["answer"]) == expected


def test_cells_excel_turned_into_numbers_read_as_shown(tmp_path):
    """Excel stores a typed 10% as 0.1 and a typed 2026年1月1日 as a date, in its own format
    or in one of Chinese Excel's built-in ones (id 31, which openpyxl does not know): each
    reads as the trainer sees it, so a 填空题 key is what staff will type; digits no date can
    be (Excel shows ####) read as typed."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(["单选", "自费比例？", 0.1, 0.125, 0.5, None, "A", "解", 1, "易"])
    sheet.append(["填空", "不超过____。", None, None, None, None, 0.1, "解", 1, "易"])
    sheet.append(["填空", "施行日期____。", None, None, None, None, datetime(2026, 1, 1), "解",
                  1, "易"])
    sheet.append(["填空", "公示截止____。", None, None, None, None, datetime(2026, 3, 5), "解",
                  1, "易"])
    sheet.append(["填空", "自____起施行。", None, None, None, None, datetime(2026, 7, 1), "解",
                  1, "易"])
    # Typed as digits into a 年月日 cell: no date Excel has (it shows ####)
    sheet.append(["填空", "于____起施行。", None, None, None, None, 20260701, "解", 1, "易"])
    for cell, code in (("C2", "0%"), ("D2", "0.0%"), ("E2", "0%"), ("G3", "0%"),
                       ("G4", 'yyyy"年"m"月"d"日"'), ("G5", 'm"月"d"日"'), ("G6", "0.000"),
                       ("G7", "0.000")):
        sheet[cell].number_format = code
    path = tmp_path / "q.xlsx"
    workbook.save(path)
    # Rows 6 and 7 as Chinese Excel saves 2026年7月1日: numFmtId 31, no format code in the file
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    styles = parts["xl/styles.xml"].decode()
    own = re.search(r'<numFmt numFmtId="(\d+)" formatCode="0.000"/>', styles)
    parts["xl/styles.xml"] = styles.replace(own[0], "").replace(
        f'numFmtId="{own[1]}"', 'numFmtId="31"').encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    rows = read_sheet(path, Defaults()).rows
    assert [row.problems for row in rows] == [[]] * 6
    assert rows[0].entry["options"] == ["10%", "12.5%", "50%"]
    assert [row.entry["answer"] for row in rows[1:]] == [["10%"], ["2026年1月1日"], ["3月5日"],
                                                         ["2026年7月1日"], ["20260701"]]


@pytest.mark.parametrize("standards, difficulty, expected", [
    # 准则 and 难度 as written, what they read as
    ("3", "容易", ([3], "easy")),
    (" 1 , 3 ", "简单", ([1, 3], "easy")),
    ("1、3", "中", ([1, 3], "medium")),
    ("第一条、第三条", "一般", ([1, 3], "medium")),
    ("准则九", "较难", ([9], "hard")),
    ("１", "hard", ([1], "hard")),
    ("2 和 2", "困难", ([2], "hard")),
])
def test_standard_and_difficulty_notations(tmp_path, standards, difficulty, expected):
    """准则 as numbers, lists, 第一条 or 准则九; 难度 in each accepted word."""
    path = write_csv(tmp_path / "q.csv", [HEADER, ["单选", "题干", "甲", "乙", "", "", "A",
                                                   "解析", standards, difficulty]])
    row = read_sheet(path, Defaults()).rows[0]
    assert (row.entry["standards"], row.entry["difficulty"]) == expected


def test_defaults_fill_only_empty_cells(make_site, tmp_path, capsys):
    """--standard and --difficulty fill rows without 准则/难度 (or without the columns);
    rows that have them keep theirs."""
    site = make_site()
    path = write_csv(tmp_path / "q.csv", [
        ["题目", "题型", "选项A", "选项B", "参考答案", "解析", "难度"],
        ["甲对吗？", "单选", "对", "不对", "A", "甲。", ""],
        ["乙对吗？", "单选", "对", "不对", "B", "乙。", "难"],
    ])
    code, _, err = run(site, str(path), "--bank", "demo", "--standard", "4",
                       "--difficulty", "中等", capsys=capsys)
    assert (code, err) == (0, "")
    got = questions(site)
    assert [(q.standards, q.difficulty) for q in got.values()] == [((4,), "medium"),
                                                                   ((4,), "hard")]


# Errors -------------------------------------------------------------------------------

# (cells of the bad row under ERROR_HEADER, the message after "FILE:row N: ")
ERROR_CASES = [
    (["单选", "题干", "甲", "乙", "丙", "丁", "", "E", "解", "1", "易", ""],
     '答案 "E" is not among 选项A–D'),
    (["单选", "题干", "甲", "乙", "", "", "", "AB", "解", "1", "易", ""],
     '答案 "AB" names 2 options; a 单选题 has one (or make it a 多选题)'),
    (["多选", "题干", "甲", "乙", "", "", "", "A1", "解", "1", "易", ""],
     '答案 "A1" is not option letters such as ACD'),
    (["多选", "题干", "甲", "乙", "", "", "", "AA", "解", "1", "易", ""],
     '答案 "AA" names an option twice'),
    (["单选", "题干", "甲", "", "丙", "", "", "A", "解", "1", "易", ""],
     "选项B is empty but a later option is not; fill the options in from 选项A without gaps"),
    (["单选", "题干", "甲", "", "", "", "", "A", "解", "1", "易", ""],
     "a 单选题 needs at least two options (选项A, 选项B …)"),
    (["判断", "题干", "", "", "", "", "", "也许", "解", "1", "易", ""],
     '答案 "也许" of a 判断题 is not 对/错, 正确/错误, √/×, T/F or the letter of a 对/错 option'),
    (["判断", "题干", "是的吧", "不是", "", "", "", "A", "解", "1", "易", ""],
     '答案 "A" names 选项A "是的吧", which is not 对 or 错'),
    (["填空", "题干", "甲", "", "", "", "", "甲", "解", "1", "易", ""],
     "a 填空题 has no options; clear 选项A–选项A or change 题型"),
    (["填空", "题干", "", "", "", "", "", "｜", "解", "1", "易", ""],
     '答案 "｜" holds no answer between the | signs'),
    (["问答题", "题干", "", "", "", "", "", "甲", "解", "1", "易", ""],
     '题型 "问答题" is not one of 单选、多选、判断、填空'),
    (["", "题干", "甲", "乙", "", "", "", "A", "解", "1", "易", ""],
     "题型 is empty; write 单选、多选、判断 or 填空"),
    (["单选", "", "甲", "乙", "", "", "", "A", "解", "1", "易", ""], "题干 is empty"),
    (["单选", "题干", "甲", "乙", "", "", "", "", "解", "1", "易", ""], "答案 is empty"),
    (["单选", "题干", "甲", "乙", "", "", "", "A", "", "1", "易", ""],
     "解析 is empty; every question needs one (it is shown after answering)"),
    (["单选", "题干", "甲", "乙", "", "", "", "A", "解", "10", "易", ""],
     '准则 "10" is not a standard number 1–9; write e.g. 1, 1、3 or 第一条'),
    (["单选", "题干", "甲", "乙", "", "", "", "A", "解", "", "易", ""],
     "准则 is empty; fill it in (1–9) or give --standard N"),
    (["单选", "题干", "甲", "乙", "", "", "", "A", "解", "1", "超难", ""],
     '难度 "超难" is not one of 容易、中等、较难 (or 易、中、难, 简单、一般、困难, '
     "easy、medium、hard)"),
    (["单选", "题干", "甲", "乙", "", "", "", "A", "解", "1", "", ""],
     "难度 is empty; fill it in (容易、中等、较难) or give --difficulty D"),
    (["单选", "题干", "甲", "乙", "", "", "", "A", "解", "1", "易", "S1_001"],
     'ID "S1_001" may hold only a-z, 0-9 and - (e.g. s1-001); clear it to have one made'),
    (["单选", "题干", "甲", "乙", "", "", "", "A", "解", "1", "易", "x-1"],
     "ID x-1 is also on row 2; give each row its own ID, or clear it to have one made"),
    (["单选", "题干", "甲", "乙", "", "", "", "A", "解", "1", "易", "h-001"],
     "ID h-001 is already used in quizzes/banks/hand.yml:4; ids are unique across all "
     "banks, so clear it to have one made"),
    (["单选", "题干", "甲", "乙", "", "", "", "A", "解", "1", "易", "d-001"],
     "ID d-001 is already in quizzes/banks/demo.yml:2 with other content; give --replace to "
     "update that question, or clear the ID to add the row as a new question"),
    (["单选", "题干", "甲", "乙", "", "", "丁", "A", "解", "1", "易", ""],
     "选项I is filled in, but a question has at most eight options (选项A–选项H)"),
    (["填空", "题干", "", "", "", "", "", "#N/A", "解", "1", "易", ""],
     "the 答案 cell shows #N/A: its formula failed; correct the formula, or type the value in"),
]
ERROR_HEADER = ["题型", "题干", "选项A", "选项B", "选项C", "选项D", "选项I", "答案", "解析", "准则",
                "难度", "ID"]
DEMO_BANK = """questions:
  - id: d-001
    type: single
    stem: 已有的题。
    options: [甲, 乙]
    answer: A
    explanation: 甲。
    standards: [1]
    difficulty: easy
"""


def error_sheet(tmp_path: Path) -> Path:
    """Row 2: a good row with ID x-1, then one bad row per case, then a good row."""
    good = ["单选", "好题", "甲", "乙", "", "", "", "A", "解", "1", "易"]
    rows = [ERROR_HEADER, [*good, "x-1"], *(cells for cells, _ in ERROR_CASES), [*good, ""]]
    return write_csv(tmp_path / "bad.csv", rows)


def test_every_row_error_at_once_and_nothing_written(make_site, tmp_path, capsys):
    """Each bad row is reported with its real row number; the bank stays as it was."""
    site = make_site({"quizzes/banks/demo.yml": DEMO_BANK, "quizzes/banks/hand.yml": HAND_WRITTEN})
    path = error_sheet(tmp_path)
    code, out, err = run(site, str(path), "--bank", "demo", capsys=capsys)
    assert code == 1
    expected = [f"{path}:row {number}: {message}"
                for number, (_, message) in enumerate(ERROR_CASES, start=3)]
    assert err.splitlines()[:-1] == expected
    assert err.splitlines()[-1] == (f"Nothing was imported: {len(expected)} problem(s) in the "
                                    "rows above. Fix them, or give --skip-bad to import the "
                                    "other rows.")
    assert bank_text(site) == DEMO_BANK


def test_a_bank_that_cannot_be_written_is_left_as_it_was(make_site, tmp_path, capsys,
                                                         monkeypatch):
    """The disk is full when the bank is written: a message, exit 2, the bank unchanged."""
    site = make_site({"quizzes/banks/demo.yml": DEMO_BANK})
    path = write_csv(tmp_path / "q.csv", [HEADER, *GOOD_ROWS])

    def disk_full(path, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(importer, "write_whole", disk_full)
    code, _, err = run(site, str(path), "--bank", "demo", capsys=capsys)
    assert code == 2
    bank = site.root / "quizzes/banks/demo.yml"
    assert err == (f"qinglian import questions: cannot write '{bank}': No space left on device; "
                   "give a path in a writable folder\nNothing was imported.\n")
    assert bank_text(site) == DEMO_BANK


@pytest.mark.parametrize("bank", [None, DEMO_BANK])
def test_a_temporary_folder_that_cannot_be_used_is_a_message(make_site, tmp_path, capsys,
                                                             monkeypatch, bank):
    """The new bank is checked in a temporary folder: the system's being full or gone
    (TMPDIR at a missing folder) was a traceback. A message, exit 2, the bank unchanged."""
    site = make_site({"quizzes/banks/demo.yml": bank} if bank else {})
    path = write_csv(tmp_path / "q.csv", [HEADER, *GOOD_ROWS])
    missing = tmp_path / "missing"
    monkeypatch.setattr(tempfile, "tempdir", str(missing))
    code, _, err = run(site, str(path), "--bank", "demo", capsys=capsys)
    assert code == 2
    assert err == (f"qinglian import questions: cannot check the bank in the temporary folder "
                   f"'{missing}': No such file or directory; free space there, or set TMPDIR "
                   "to a folder you can write to\nNothing was imported.\n")
    assert (bank_text(site) == bank) if bank else not (site.root / "quizzes/banks/demo.yml").exists()


def test_the_loaders_own_checks_name_the_row(make_site, tmp_path, capsys):
    """A problem only the quiz loader finds (a lesson that does not exist) names the row."""
    site = make_site()
    path = write_csv(tmp_path / "q.csv", [[*HEADER, "课程"], [*GOOD_ROWS[0], "lessons/standard-1.md"],
                                          [*GOOD_ROWS[1], "lessons/none.md"]])
    code, _, err = run(site, str(path), "--bank", "demo", capsys=capsys)
    assert code == 1
    assert err.splitlines()[0] == (
        f"{path}:row 3: lesson 'lessons/none.md' does not exist under content/ — give the path "
        "of a page relative to content/, e.g. lessons/standard-1.md (folders separated by /, "
        "upper and lower case as in the file's name)")
    assert not (site.root / "quizzes" / "banks" / "demo.yml").exists()


def test_skip_bad_imports_the_good_rows_and_lists_the_others(make_site, tmp_path, capsys):
    """With --skip-bad the good rows go in and each bad one is listed with its reason."""
    site = make_site({"quizzes/banks/demo.yml": DEMO_BANK, "quizzes/banks/hand.yml": HAND_WRITTEN})
    path = error_sheet(tmp_path)
    code, out, err = run(site, str(path), "--bank", "demo", "--skip-bad", capsys=capsys)
    assert code == 0
    assert "quizzes/banks/demo.yml: added 2 question(s) (x-1, demo-001)" in out
    assert f"{path}:row 3: 答案 \"E\" is not among 选项A–D" in err
    assert err.splitlines()[-1] == (f"Skipped {len(ERROR_CASES)} row(s) with problems "
                                    "(listed above).")
    assert sorted(questions(site)) == ["d-001", "demo-001", "h-001", "h-002", "x-1"]


@pytest.mark.parametrize("name, content, message", [
    # file name, its bytes, the error after the file's path
    ("q.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 100, ": this is an old Excel 97–2003 (.xls) file"),
    ("q.csv", "题型,题干,解析\n单选,x,y\n".encode(), ":row 1: no 答案 column; head it 答案 or 正确答案 or "
     "参考答案 or 标准答案"),
    ("q.csv", "序号,名称\n1,x\n".encode(), ": no header row found"),
    ("q.csv", "题型,题干,答案\n,,\n".encode(), ":row 1: no questions under the header row"),
    ("q.txt", b"", ": cannot read '.txt' files; give a .csv or .xlsx file"),
])
def test_unreadable_files(make_site, tmp_path, capsys, name, content, message):
    """A file that cannot be read as a question sheet says why, naming the file."""
    site = make_site()
    path = tmp_path / name
    path.write_bytes(content)
    code, _, err = run(site, str(path), "--bank", "demo", capsys=capsys)
    assert code == 1
    assert err.startswith(f"{path}{message}")


@pytest.mark.parametrize("name, what, how", [
    # the file's name, what the message says it is, where to save it as .xlsx
    ("题库.et", "a WPS 表格 (.et) file", "in WPS or Excel: 文件 → 另存为, 文件类型 Excel 工作簿 (*.xlsx)"),
    ("题库.xls", "an old Excel 97–2003 (.xls) file", "in WPS or Excel: 文件 → 另存为, 文件类型 "
     "Excel 工作簿 (*.xlsx)"),
    ("题库.numbers", "an Apple Numbers file", "in Numbers: 文件 → 导出为 → Excel"),
])
def test_other_spreadsheet_files_say_how_to_save_them_as_xlsx(make_site, tmp_path, capsys, name,
                                                               what, how):
    """A WPS .et file (WPS 表格's own format), an old .xls or a Numbers file is refused
    with the menu that saves it as .xlsx, not just "give a .csv or .xlsx file"."""
    site = make_site()
    path = tmp_path / name
    path.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    code, _, err = run(site, str(path), "--bank", "demo", capsys=capsys)
    assert (code, err) == (1, f"{path}: this is {what}, which cannot be read; save it as .xlsx "
                              f"({how}), or as CSV, and give that file\n")

@pytest.mark.parametrize("args, message", [
    # the command's arguments after FILE, what it says
    (["--bank", "Demo Bank"], "argument --bank: 'Demo Bank' may hold only a-z, 0-9 and -"),
    (["--bank", "con.yml"], "argument --bank: 'con' is a name Windows keeps for a device "
     "(CON, PRN, AUX, NUL, COM0-COM9, LPT0-LPT9): a bank file so named cannot be copied to a "
     "Windows PC or USB stick; choose another, e.g. con-1"),
    (["--bank", "demo", "--standard", "10"], 'argument --standard: --standard "10" is not a '
     "standard number 1–9"),
    (["--bank", "demo", "--difficulty", "hardest"], 'argument --difficulty: 难度 "hardest" is '
     "not one of"),
])
def test_bad_arguments(make_site, tmp_path, capsys, args, message):
    """A bad bank name, standard or difficulty is refused before anything is read."""
    site = make_site()
    path = write_csv(tmp_path / "q.csv", [HEADER, *GOOD_ROWS])
    with pytest.raises(SystemExit) as exit_info:
        main(["import", "questions", str(path), *args, "-f", str(site.config_file)])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


# Ids and existing banks ---------------------------------------------------------------

def test_ids_come_from_a_persisted_sequence(make_site, tmp_path, capsys):
    """A second import continues the sequence; a deleted question's id is not handed out
    again; an id another bank uses is skipped; the bank's other questions keep theirs."""
    site = make_site({"quizzes/banks/other.yml": DEMO_BANK.replace("d-001", "demo-003")})
    path = write_csv(tmp_path / "q.csv", [HEADER, *GOOD_ROWS[:2]])
    assert run(site, str(path), "--bank", "demo", capsys=capsys)[0] == 0
    assert "next_id: 3\n" in bank_text(site)
    # Delete demo-002 by hand: its number stays used
    text = bank_text(site)
    start = text.index("  - id: demo-002")
    (site.root / "quizzes/banks/demo.yml").write_text(text[:start].rstrip() + "\n",
                                                      encoding="utf-8")
    code, out, _ = run(site, str(path), "--bank", "demo", capsys=capsys)
    assert code == 0
    assert "added 2 question(s) (demo-004, demo-005)" in out  # demo-003 is other.yml's
    assert sorted(questions(site)) == ["demo-001", "demo-003", "demo-004", "demo-005"]
    assert "next_id: 6\n" in bank_text(site)


def test_appending_keeps_a_hand_written_bank_and_its_comments(make_site, tmp_path, capsys):
    site = make_site({"quizzes/banks/hand.yml": HAND_WRITTEN})
    path = write_csv(tmp_path / "q.csv", [HEADER, GOOD_ROWS[2]])
    code, out, _ = run(site, str(path), "--bank", "hand", capsys=capsys)
    assert code == 0 and "added 1 question(s) (hand-001)" in out
    text = bank_text(site, "hand")
    before, after = text.split("next_id: 2\n")
    assert before.startswith("# 手写题库：注释要保留\n# next_id：")
    assert after.startswith("questions:\n") and HAND_WRITTEN.split("questions:\n")[1] in after
    assert text.endswith("\n  - id: hand-001\n    type: true_false\n    stem: 可以收受回扣。\n"
                         "    answer: false\n    explanation: 第三条禁止。\n    standards: [3]\n"
                         "    difficulty: hard\n")
    assert sorted(questions(site)) == ["h-001", "h-002", "hand-001"]


def test_a_changed_question_is_replaced_only_when_asked(make_site, tmp_path, capsys):
    """Without --replace a row with a known ID and new content is refused; the same content
    is left alone; with --replace the entry is swapped in place, comments around it kept."""
    site = make_site({"quizzes/banks/hand.yml": HAND_WRITTEN})
    same = ["ID", *HEADER], ["h-002", "判断", "第二道手写的题。", "", "", "", "", "对", "对。", "2",
                             "中等"]
    path = write_csv(tmp_path / "same.csv", list(same))
    code, out, _ = run(site, str(path), "--bank", "hand", capsys=capsys)
    assert code == 0 and "left unchanged 1 question(s) (h-002)" in out
    assert "Nothing to write" in out and bank_text(site, "hand") == HAND_WRITTEN

    changed = write_csv(tmp_path / "changed.csv", [
        ["ID", *HEADER], ["h-001", "单选", "手写的题（改正错字）。", "甲", "乙", "", "", "B", "乙。",
                          "1", "容易"]])
    code, _, err = run(site, str(changed), "--bank", "hand", capsys=capsys)
    assert code == 1 and "ID h-001 is already in quizzes/banks/hand.yml:4 with other content" in err
    assert bank_text(site, "hand") == HAND_WRITTEN

    code, out, _ = run(site, str(changed), "--bank", "hand", "--replace", capsys=capsys)
    assert code == 0 and "replaced 1 question(s) (h-001)" in out
    text = bank_text(site, "hand")
    assert "  # ---------- 第一条 ----------\n  - id: h-001\n    type: single\n" \
           "    stem: 手写的题（改正错字）。\n" in text
    assert "\n  # ---------- 第二条 ----------\n  - id: h-002\n" in text
    assert questions(site)["h-001"].answer == (1,)
    assert "next_id: 1\n" in text  # no new id was handed out


def test_a_bank_with_problems_is_not_touched(make_site, tmp_path, capsys):
    """An import into a bank that fails its own checks stops and lists them."""
    broken = DEMO_BANK.replace("answer: A", "answer: E")
    site = make_site({"quizzes/banks/demo.yml": broken})
    path = write_csv(tmp_path / "q.csv", [HEADER, *GOOD_ROWS])
    code, _, err = run(site, str(path), "--bank", "demo", capsys=capsys)
    assert code == 2
    assert "quizzes/banks/demo.yml:6: answer 'E' is not among the options A–B" in err
    assert bank_text(site) == broken


def test_a_bank_whose_questions_are_not_last_is_not_touched(make_site, tmp_path, capsys):
    """A layout the text edit cannot follow is refused, not rewritten."""
    unusual = DEMO_BANK + "exam_only: false\n"
    site = make_site({"quizzes/banks/demo.yml": unusual})
    path = write_csv(tmp_path / "q.csv", [HEADER, *GOOD_ROWS])
    code, _, err = run(site, str(path), "--bank", "demo", capsys=capsys)
    assert code == 2
    assert "quizzes/banks/demo.yml:1: 'questions' must be the last key" in err
    assert bank_text(site) == unusual
