"""``qinglian report``: rosters as HR keeps them, records in a real store, every output.

Rosters are real files: CSV in UTF-8 and in GBK (with a title row above the
header, as Chinese Excel saves them) and an .xlsx written by openpyxl. Records
go through the collector's own intake into an SQLite store, corrections
included, and the report runs through the ``qinglian`` command.
"""

from __future__ import annotations

import csv
import io
import json
import re
import time
import tracemalloc
import uuid
import zipfile
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote

import pytest
from openpyxl import Workbook
from openpyxl.styles import PatternFill

from conftest import disk_full_past
from qinglian.cli import main
from qinglian.collector.corrections import new_correction
from qinglian.collector.errors import SetupError
from qinglian.collector.intake import Outcome, receive_all
from qinglian.collector.manifest import Manifests
from qinglian.collector.report import build_report, page_names, read_published, read_roster
from qinglian.collector.report_cli import records_from
from qinglian.collector.store import Evidence, StoredRecord, open_store
from qinglian.common import tables
from qinglian.common.tables import TableError, read_table

SITE = "example-hospital"
OLD_HASH, CURRENT_HASH, TYPO_FIX_HASH, FAMILY_HASH = "a" * 64, "b" * 64, "c" * 64, "d" * 64
ROSTER_NAMES = ("工号", "姓名", "科室")
HOSTILE = "<script>alert(1)</script>"
FORMULA = "=cmd|' /C calc'!A0"

# 工号, 姓名, 科室: the one roster every format below holds
STAFF = [
    ("1001", "张三", "内科"),
    ("1002", "李四", "内科"),
    ("1003", "王五", "外科"),
    ("1004", "赵六", "外科"),
]


def write_manifest(folder: Path) -> Path:
    """A manifest whose staff pledge is at version 2 (with a typo fix), after version 1."""
    path = folder / "qinglian-manifest.json"
    entry = {"title": "廉洁从业承诺书", "audience": "staff"}
    path.write_text(json.dumps({
        "site": SITE, "departments": ["外科", "内科"],
        "pledges": {
            "staff": [{**entry, "version": "1", "sha256": OLD_HASH, "date": "2025-01-10"},
                      {**entry, "version": "2", "sha256": CURRENT_HASH, "date": "2026-03-01"},
                      {**entry, "version": "2", "sha256": TYPO_FIX_HASH, "date": "2026-03-05",
                       "minor_change": True}],
            "family": [{"version": "1", "sha256": FAMILY_HASH, "date": "2025-01-10",
                        "title": "家庭助廉承诺书", "audience": "family"}],
        },
    }, ensure_ascii=False), encoding="utf-8")
    return path


def person(staff_id: str, name: str, department: str = "内科") -> dict:
    return {"name": name, "staff_id": staff_id, "department": department}


def signature(who: dict, version: str = "2", sha256: str = CURRENT_HASH,
              created: str = "2026-11-24T02:00:00.000Z", pledge_id: str = "staff") -> dict:
    return _record("pledge", who, created, pledge={"id": pledge_id, "version": version,
                                                    "sha256": sha256})


def attempt(who: dict, score: int | float, passed: bool, quiz_id: str = "onboarding",
            created: str = "2026-11-24T03:00:00.000Z") -> dict:
    return _record("attempt", who, created, attempt={
        "quiz_id": quiz_id, "quiz_hash": "e" * 64, "started": created, "finished": created,
        "score": score, "passed": passed,
        "answers": [{"question": "q-1", "answer": "A", "correct": passed}],
        "by_standard": {"1": {"correct": int(passed), "total": 1}}})


def _record(kind: str, who: dict, created: str, **part) -> dict:
    return {"id": str(uuid.uuid4()), "site": SITE, "kind": kind, "created": created,
            "person": who, "page": "http://intranet.test/pledges/staff/", **part}


@pytest.fixture
def manifest(tmp_path) -> Path:
    return write_manifest(tmp_path)


@pytest.fixture
def store_with(tmp_path, manifest):
    """Return a function storing records through the collector's intake; it returns
    the database's path."""
    db = tmp_path / "records.db"
    manifests = Manifests.load([manifest])

    def store_with(*records: dict, corrections=()) -> Path:
        store = open_store(db)
        try:
            for item in records:
                (receipt,) = receive_all([item], store, manifests,
                                         Evidence.now("127.0.0.1", "test"))
                assert receipt.outcome is Outcome.STORED, receipt.problems
            for correction in corrections:
                store.add_correction(correction)
        finally:
            store.close()
        return db

    return store_with


def roster_csv(folder: Path, rows=STAFF, *, encoding: str = "utf-8-sig", title: bool = False,
               header=ROSTER_NAMES, name: str = "roster.csv") -> Path:
    out = io.StringIO()
    writer = csv.writer(out)
    if title:
        writer.writerow(["示例人民医院 2026 年在职职工名单"])
        writer.writerow([])
    writer.writerow(header)
    writer.writerows(rows)
    path = folder / name
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def run_report(capsys, out: Path, *args: str) -> tuple[int, str, str]:
    code = main(["report", *args, "--out", str(out)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def read_csv(path: Path) -> list[dict]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("\ufeff"), "Excel needs the byte order mark"
    return list(csv.DictReader(io.StringIO(text[1:])))


# Reading tables -------------------------------------------------------------------------

def test_csv_in_utf8_with_bom(tmp_path):
    """A CSV saved as 'CSV UTF-8' reads with its real row numbers."""
    table = read_table(roster_csv(tmp_path), ROSTER_NAMES)
    assert table.encoding == "UTF-8 with BOM"
    assert table.header_row == 1
    assert [(row.number, row.cells["工号"], row.cells["姓名"]) for row in table.rows][:2] == [
        (2, "1001", "张三"), (3, "1002", "李四")]


def test_csv_in_gbk_below_a_title_row(tmp_path):
    """A GBK CSV (Chinese Excel's 'CSV') with a title and a blank row above the header."""
    path = roster_csv(tmp_path, encoding="gbk", title=True)
    path.write_bytes(path.read_bytes() + b",,\r\n\r\n" + "1005,孙七,儿科\r\n".encode("gbk"))
    table = read_table(path, ROSTER_NAMES)
    assert table.encoding == "GB18030"
    assert table.header_row == 3
    assert [row.number for row in table.rows] == [4, 5, 6, 7, 10]
    assert table.rows[-1].cells == {"工号": "1005", "姓名": "孙七", "科室": "儿科"}


def test_csv_in_plain_utf8_with_a_quoted_line_break(tmp_path):
    """Without a BOM the text is still UTF-8; a cell spanning lines keeps row numbers true."""
    path = tmp_path / "roster.csv"
    path.write_text('工号,姓名,科室\n1001,"张三\n（借调）",内科\n1002,李四,内科\n', encoding="utf-8")
    table = read_table(path, ROSTER_NAMES)
    assert table.encoding == "UTF-8"
    assert [row.number for row in table.rows] == [2, 4]


def write_xlsx(path: Path) -> Path:
    """An Excel roster as HR sends it: a merged title, 工号 stored as numbers, a blank
    but formatted row, a date column and spaces inside a heading."""
    workbook = Workbook()
    sheet = workbook.active
    sheet["A1"] = "2026 年职工名单"
    sheet.merge_cells("A1:D1")
    sheet.append([])
    sheet.append(["工 号", "姓名", "科室", "入职日期"])
    sheet.append([1001, "张三", "内科", datetime(2020, 9, 1)])
    sheet.append([1002.0, "李四", "内科", None])
    for column in "ABCD":  # row 6: formatted, but empty
        sheet[f"{column}6"].fill = PatternFill("solid", fgColor="FFFF00")
    sheet.append(["A1003", "王五", "外科", None])
    sheet.append([1004, "赵六", "外科", None])
    workbook.save(path)
    return path


def test_xlsx_numbers_titles_and_formatted_blank_rows(tmp_path):
    """工号 stored as numbers read as "1001", the title and formatted blank rows are skipped,
    and row numbers are the sheet's."""
    def as_poi_writes(xml: str) -> str:
        # openpyxl saves 1002.0 as "1002"; HR systems in Java (Apache POI) save "1002.0"
        assert "<v>1002</v>" in xml
        return xml.replace("<v>1002</v>", "<v>1002.0</v>")

    table = read_table(changed_xlsx(tmp_path / "roster.xlsx", as_poi_writes), ROSTER_NAMES)
    assert table.encoding == "xlsx"
    assert table.header_row == 3
    assert [(row.number, row.cells["工号"]) for row in table.rows] == [
        (4, "1001"), (5, "1002"), (7, "A1003"), (8, "1004")]
    assert table.rows[0].cells["入职日期"] == "2020-09-01"


def test_a_department_merged_down_is_each_persons(tmp_path):
    """科室 written once and merged down over its staff (as HR rosters often are) is the
    department of each of them, not empty below the first."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["工号", "姓名", "科室"])
    for row in ([1001, "张三", "内科"], [1002, "李四", None], [1003, "王五", "外科"]):
        sheet.append(row)
    sheet.merge_cells("C2:C3")
    path = tmp_path / "roster.xlsx"
    workbook.save(path)
    assert [person.department for person in read_roster(path).people] == ["内科", "内科", "外科"]


def test_a_staff_number_kept_as_a_number_shown_with_leading_zeros_keeps_them(tmp_path):
    """HR's 工号 001001 stored as the number 1001 and shown through the format 000000 reads
    as Excel shows it, the 工号 staff type: not 1001, which matches nobody."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["工号", "姓名", "科室"])
    sheet.append([1001, "张三", "内科"])
    sheet.append([1002.0, "李四", "内科"])
    sheet.append([1003, "王五", "外科"])
    for cell in ("A2", "A3"):
        sheet[cell].number_format = "000000"
    path = tmp_path / "roster.xlsx"
    workbook.save(path)
    assert [person.staff_id for person in read_roster(path).people] == [
        "001001", "001002", "1003"]


def test_xls_asks_to_save_as_xlsx(tmp_path):
    """An old .xls file gets a clear fix, not a parser error."""
    path = tmp_path / "名单.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    with pytest.raises(TableError, match=r"名单\.xls: .*save it as \.xlsx"):
        read_table(path, ROSTER_NAMES)


def xlsx_with_shared_strings(path: Path, count: int) -> Path:
    """A roster .xlsx whose shared strings part holds ``count`` one-letter strings: a few KB
    of zip that openpyxl would unpack to ``count`` Python strings before the first row."""
    write_xlsx(path)
    packed = path.read_bytes()
    with zipfile.ZipFile(io.BytesIO(packed)) as source, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for part in source.infolist():
            data = source.read(part.filename)
            if part.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" '
                                    b'ContentType="application/vnd.openxmlformats-officedocument.'
                                    b'spreadsheetml.sharedStrings+xml"/></Types>')
            out.writestr(part.filename, data)
        out.writestr("xl/sharedStrings.xml", b'<sst xmlns="http://schemas.openxmlformats.org/'
                     b'spreadsheetml/2006/main">' + b"<si><t>a</t></si>" * count + b"</sst>")
    return path


def test_xlsx_that_unpacks_to_far_more_than_a_sheet_is_refused_unread(tmp_path, monkeypatch):
    """A zip bomb (a 200 KB .xlsx of 5 million shared strings took 35 s and 500 MB) is
    refused by its packing, before openpyxl unpacks anything; so is a file too large."""
    bomb = xlsx_with_shared_strings(tmp_path / "bomb.xlsx", 300_000)  # 5 MB, packed ~1:1000
    assert bomb.stat().st_size < 100_000
    with pytest.raises(TableError, match=r"bomb\.xlsx: its part xl/sharedStrings\.xml is "
                                         r"packed 1:[\d,]+, as no spreadsheet is"):
        read_table(bomb, ROSTER_NAMES)
    monkeypatch.setattr(tables, "XLSX_UNPACKED_LIMIT", 2**20)
    big = tmp_path / "big.xlsx"
    write_xlsx(big)
    with zipfile.ZipFile(big, "a", zipfile.ZIP_STORED) as out:
        out.writestr("docProps/custom.xml", b" " * 2**20)
    with pytest.raises(TableError, match=r"big\.xlsx: the \.xlsx file unpacks to 1 MB, more "
                                         r"than the 1 MB any sheet"):
        read_table(big, ROSTER_NAMES)
    assert read_table(write_xlsx(tmp_path / "roster.xlsx"), ROSTER_NAMES).rows  # a real one


def changed_xlsx(path: Path, change, part: str = "xl/worksheets/sheet1.xml") -> Path:
    """The roster of write_xlsx at ``path``, with the XML of ``part`` changed by ``change``."""
    write_xlsx(path)
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as source, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == part:
                data = change(data.decode("utf-8")).encode("utf-8")
            out.writestr(info.filename, data)
    return path


def far_right(cell: str) -> Callable[[str], str]:
    """A change adding rows 10 to 199 below the roster, each with ``cell`` (its reference
    left as {}) in column XFD."""
    extra = "".join(f'<row r="{n}">{cell.format(f"XFD{n}")}</row>' for n in range(10, 200))
    return lambda xml: xml.replace("</sheetData>", extra + "</sheetData>")


def test_xlsx_of_far_more_cells_than_its_bytes_is_refused_as_read(tmp_path, monkeypatch):
    """A few KB of sheet XML can stand for millions of cells: a value in column XFD of each
    of 190 rows (16,384 cells a row), or a range merged down 300,000 rows. It is refused as
    it is read (a 41 KB file of the first took 71 s and 2 GB). Cells only formatted (WPS
    may write them out to XFD) count for nothing."""
    wide = changed_xlsx(tmp_path / "wide.xlsx", far_right('<c r="{}"><v>1</v></c>'))
    with pytest.raises(TableError, match=r"wide\.xlsx:sheet Sheet: the rows and merged ranges "
                                         r"come to more than 2,000,000 cells"):
        read_table(wide, ROSTER_NAMES)
    formatted = changed_xlsx(tmp_path / "formatted.xlsx", far_right('<c r="{}" s="2" t="n"/>'))
    assert len(read_table(formatted, ROSTER_NAMES).rows) == 4
    monkeypatch.setattr(tables, "XLSX_CELL_LIMIT", 100_000)
    merged = changed_xlsx(tmp_path / "merged.xlsx", lambda xml: xml.replace(
        "</sheetData>", '<row r="300000"><c r="E300000"><v>1</v></c></row></sheetData>').replace(
        '<mergeCell ref="A1:D1"/>', '<mergeCell ref="A1:D1"/><mergeCell ref="A8:A300000"/>'))
    with pytest.raises(TableError, match=r"merged\.xlsx:sheet Sheet: the rows and merged "
                                         r"ranges come to more than 100,000 cells"):
        read_table(merged, ROSTER_NAMES)


def test_xlsx_hiding_columns_past_xfd_is_read_in_little_memory(tmp_path):
    """A <col> element may state any range to hide; read as stated, one of 40 bytes
    hiding columns 5 to 2,000,000,000 ran out of memory."""
    path = changed_xlsx(tmp_path / "roster.xlsx", lambda xml: xml.replace(
        "<sheetData>", '<cols><col min="5" max="5000000" hidden="1"/></cols><sheetData>'))
    tracemalloc.start()
    try:
        assert len(read_table(path, ROSTER_NAMES).rows) == 4
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * 2**20, f"{peak:,} bytes"


# Ten entities of ten of the one before: "&lol9;" would expand to 3 GB of text
_LAUGHS = ('<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY lol0 "lol">'
           + "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)) + "]>")


@pytest.mark.parametrize("part, change", [
    # (the part changed, how)
    ("xl/worksheets/sheet1.xml", lambda xml: xml[:-40]),  # cut short
    ("xl/workbook.xml", lambda xml: xml[:-40]),
    ("xl/worksheets/sheet1.xml",
     lambda xml: _LAUGHS + xml.replace("<sheetData>", "<sheetData>&lol9;")),
    ("xl/worksheets/sheet1.xml", lambda xml: '<!DOCTYPE worksheet [<!ENTITY x SYSTEM '
     '"file:///etc/hostname">]>' + xml.replace("<sheetData>", "<sheetData>&x;")),
])
def test_xlsx_whose_xml_does_not_parse_is_named(tmp_path, part, change):
    """A part cut short, or entities that would expand without end or read another file
    (which the XML parsers refuse), is a file that cannot be read, not a traceback."""
    path = changed_xlsx(tmp_path / "roster.xlsx", change, part)
    with pytest.raises(TableError, match=r"roster\.xlsx: not a readable \.xlsx file \(.+\); "
                                         r"open it in Excel or WPS and save it again"):
        read_table(path, ROSTER_NAMES)


@pytest.mark.parametrize("name, content, message", [
    # (file name, its bytes, the error after "FILE")
    ("r.csv", "序号,名称\n1,张三\n".encode(), r"r\.csv: no header row found"),
    ("r.csv", "工号,姓名,工号\n1,张三,2\n".encode(), r"r\.csv:row 1: two columns are headed '工号'"),
    ("r.xlsx", b"not a zip file", r"r\.xlsx: not a readable \.xlsx file"),
    # HR's rosters often have a password to open: an encrypted OLE file, not a zip
    ("r.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
     r"r\.xlsx: the workbook has a password to open .+; open it, clear the password"),
    # A workbook renamed .csv by hand (Windows hides the extension it had)
    ("r.csv", b"PK\x03\x04" + bytes(100), r"r\.csv: this is an Excel workbook, not CSV text; "
                                          r"open it in Excel or WPS and save it as \.xlsx"),
    # An old .xls renamed .csv: an OLE compound file
    ("r.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
     r"r\.csv: this is an Excel workbook, not CSV text"),
    ("r.txt", b"", r"r\.txt: cannot read '\.txt' files"),
])
def test_table_errors_name_file_and_row(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(TableError, match=message):
        read_table(path, ROSTER_NAMES)


@pytest.mark.parametrize("given, message", [
    # (the path given, in a folder holding 名单.xlsx and a folder rosters; the error after it)
    ("rosters", "this is a folder, not a file; give the .csv or .xlsx file"),
    ("名单", "the file does not exist (did you mean '名单.xlsx'?)"),
    ("missing/名单.xlsx", "the file does not exist"),
])
def test_a_roster_path_that_names_no_file_says_so(tmp_path, given, message):
    """A folder, or a name missing or mistyped (its extension left off), is named as
    such: not "cannot read 'no extension' files" nor the system's "Is a directory"."""
    (tmp_path / "rosters").mkdir()
    _xlsx_roster(tmp_path / "名单.xlsx")
    with pytest.raises(TableError) as raised:
        read_table(tmp_path / given, ROSTER_NAMES)
    assert str(raised.value) == f"{tmp_path / given}: {message}"


# Rosters ------------------------------------------------------------------------------

def test_roster_accepts_other_headings(tmp_path):
    """职工号 / 名字 / 所在科室 are read as 工号 / 姓名 / 科室; other columns are ignored."""
    path = roster_csv(tmp_path, [("1001", "男", "张三", "内科")],
                      header=("职工号", "性别", "名字", "所在科室"))
    assert [(p.staff_id, p.name, p.department) for p in read_roster(path).people] == [
        ("1001", "张三", "内科")]


@pytest.mark.parametrize("header", [("Staff number", "Name", "Department"),
                                    ("STAFF ID", "name", "department")])
def test_roster_of_an_english_hospital(tmp_path, header):
    """A roster headed in English, as an English site's HR keeps it, is read too."""
    path = roster_csv(tmp_path, [("1001", "Ann Lee", "Medicine")], header=header)
    assert [(p.staff_id, p.name, p.department) for p in read_roster(path).people] == [
        ("1001", "Ann Lee", "Medicine")]


def test_roster_problems_are_listed_by_row(tmp_path):
    """Every problem at once, each as FILE:row N: message."""
    path = roster_csv(tmp_path, [("1001", "张三", "内科"), ("", "李四", "内科"),
                                 ("1001", "王五", "外科")])
    with pytest.raises(SetupError) as error:
        read_roster(path)
    assert str(error.value).splitlines() == [
        f"{path}:row 3: 工号 is empty; fill it in or delete the row",
        f"{path}:row 4: 工号 1001 is also on row 2; list each person once",
    ]
    missing = roster_csv(tmp_path, [("1001", "张三")], header=("工号", "姓名"), name="m.csv")
    with pytest.raises(SetupError, match=r"m\.csv:row 1: no 科室 column; head it 科室 or 部门 or "
                                         "所在科室 or Department"):
        read_roster(missing)


def test_roster_with_a_sheet_per_department_is_read_whole(tmp_path, capsys, manifest, store_with):
    """A workbook with one sheet per department (and a notes sheet) gives every person; a
    工号 on two sheets is named with both; the summary names the sheets read."""
    workbook = Workbook()
    notes = workbook.active
    notes.title = "说明"
    notes.append(["本表由人事科每月更新"])
    for department, people in (("内科", STAFF[:2]), ("外科", STAFF[2:])):
        sheet = workbook.create_sheet(department)
        sheet.append(ROSTER_NAMES)
        for staff_id, name, dept in people:
            sheet.append([staff_id, name, dept])
    path = tmp_path / "roster.xlsx"
    workbook.save(path)
    assert [p.staff_id for p in read_roster(path).people] == [p[0] for p in STAFF]
    db = store_with(signature(person("1001", "张三")))
    code, out, err = run_report(capsys, tmp_path / "out", "--db", str(db), "--roster", str(path),
                                "--manifest", str(manifest))
    assert (code, err) == (0, "")
    assert out.startswith("4 staff in 2 departments (roster read as xlsx, sheets 内科、外科): ")

    workbook["外科"].append([STAFF[0][0], "重名", "外科"])
    workbook.save(path)
    with pytest.raises(SetupError) as error:
        read_roster(path)
    assert str(error.value) == (f"{path}:sheet 外科:row 4: 工号 {STAFF[0][0]} is also on row 2 of "
                                "sheet 内科; list each person once")


def test_hidden_and_filtered_out_roster_rows_are_left_out_and_named(tmp_path, capsys, manifest,
                                                                   store_with):
    """Rows Excel hides, by hand or by HR's filter, are not counted, as a question import
    leaves them out (a hidden duplicate is no problem), and the summary names them; a
    roster with every row hidden says so."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(ROSTER_NAMES)
    for row in [*STAFF, ("1001", "张三", "离职")]:
        sheet.append(row)
    sheet.auto_filter.ref = "A1:C6"
    sheet.auto_filter.add_filter_column(2, ["内科"])
    for number in (4, 5, 6):  # 外科 filtered out, and a hidden row of a person who left
        sheet.row_dimensions[number].hidden = True
    path = tmp_path / "roster.xlsx"
    workbook.save(path)
    assert [p.staff_id for p in read_roster(path).people] == ["1001", "1002"]
    db = store_with(signature(person("1001", "张三")))
    code, out, err = run_report(capsys, tmp_path / "out", "--db", str(db), "--roster", str(path),
                                "--manifest", str(manifest))
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == ("Left out 3 roster row(s) hidden in Excel, or filtered out "
                                   "(row 4 of sheet Sheet, row 5 of sheet Sheet, row 6 of sheet "
                                   "Sheet); to count them, show them (取消隐藏, or 清除筛选).")
    assert out.splitlines()[1].startswith("2 staff in 1 departments")

    for number in (2, 3):
        sheet.row_dimensions[number].hidden = True
    workbook.save(path)
    with pytest.raises(SetupError) as error:
        read_roster(path)
    assert str(error.value) == (f"{path}:sheet Sheet:row 1: no staff are listed under the header "
                                "row shown (5 row(s) are hidden in Excel, or filtered out; show "
                                "them: 取消隐藏, or 清除筛选)")


def test_a_roster_column_only_hidden_is_named(tmp_path):
    """A 工号 column HR hid (to print the list) is not taken for a missing one."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(ROSTER_NAMES)
    sheet.append(STAFF[0])
    sheet.column_dimensions["A"].hidden = True
    path = tmp_path / "roster.xlsx"
    workbook.save(path)
    with pytest.raises(SetupError) as error:
        read_roster(path)
    assert str(error.value) == (f"{path}:sheet Sheet:row 1: the 工号 column (A) is hidden; show "
                                "it (取消隐藏) to read it, or delete the column")


def test_a_roster_formula_saved_without_its_result_is_named(tmp_path):
    """A 科室 looked up by formula in a roster a script wrote (no result saved) is named
    with how to fix it, not taken for an empty cell."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(ROSTER_NAMES)
    sheet.append([*STAFF[0][:2], "=VLOOKUP(A2,科室表!A:B,2,FALSE)"])
    path = tmp_path / "roster.xlsx"
    workbook.save(path)
    with pytest.raises(SetupError) as error:
        read_roster(path)
    assert str(error.value) == (
        f"{path}:sheet Sheet:row 2: the cell C2 (科室) holds a formula saved without a result "
        "(the file was written by a program that does not calculate); open the file in Excel "
        "or WPS, save it, and try again")


# The report -------------------------------------------------------------------------------

@pytest.mark.parametrize("roster", ["utf8", "gbk", "xlsx"])
def test_report_from_each_roster_format(tmp_path, capsys, manifest, store_with, roster):
    """The same records and roster give the same report whatever the roster's format."""
    db = store_with(signature(person("1001", "张三")), attempt(person("1003", "王五", "外科"), 95, True))
    path = {"utf8": lambda: roster_csv(tmp_path),
            "gbk": lambda: roster_csv(tmp_path, encoding="gbk", title=True),
            "xlsx": lambda: _xlsx_roster(tmp_path / "roster.xlsx")}[roster]()
    code, out, err = run_report(capsys, tmp_path / "out", "--db", str(db), "--roster", str(path),
                                "--manifest", str(manifest))
    assert (code, err) == (0, "")
    assert out.startswith("4 staff in 2 departments (roster read as ")
    assert out.rstrip().endswith(
        "1 signed every current pledge, 1 passed onboarding, 0 records match no roster entry; "
        f"6 files written to {tmp_path / 'out'}")
    rows = read_csv(tmp_path / "out" / "report.csv")
    assert [(r["科室"], r["工号"], r["已签署当前版本"], r["入职测验通过"]) for r in rows] == [
        # the site's order of departments: 外科 before 内科
        ("外科", "1003", "否", "是"), ("外科", "1004", "否", "否"),
        ("内科", "1001", "是", "否"), ("内科", "1002", "否", "否")]


@pytest.mark.parametrize("out, published", [
    ("content/dashboard", "content"),  # beside data.json, where only dashboard.json goes
    ("site/报表", "site"),
    ("site-offline", "site-offline"),
])
def test_a_report_is_never_written_where_the_site_publishes_it(tmp_path, capsys, manifest,
                                                               store_with, out, published):
    """--out in the site's pages or built site would put every name and 工号 on the
    intranet: refused before anything is read or written."""
    project = tmp_path / "project"
    (project / "content").mkdir(parents=True)
    (project / "mkdocs.yml").write_text("site_name: 测试\ndocs_dir: 'content'  # pages\n"
                                        "markdown_extensions:\n  - pymdownx.emoji:\n"
                                        "      emoji_index: !!python/name:material.extensions"
                                        ".emoji.twemoji\n", encoding="utf-8")
    (project / "mkdocs.offline.yml").write_text("INHERIT: mkdocs.yml\nsite_dir: site-offline\n",
                                                encoding="utf-8")
    code, _, err = run_report(capsys, project / out, "--db", str(store_with()), "--roster",
                              str(roster_csv(tmp_path)), "--manifest", str(manifest))
    assert code == 2
    assert err.startswith(f"qinglian report: '{project / out}' is in {project / published}, "
                          "which the site publishes: the report's names and 工号 would be on "
                          "the intranet")
    assert sorted(path.name for path in project.rglob("*")) == [
        "content", "mkdocs.offline.yml", "mkdocs.yml"]


def test_an_out_folder_that_is_a_file_is_named(tmp_path, capsys, manifest, store_with):
    """--out naming an existing file: said so, not the system's bare "File exists"."""
    (tmp_path / "report").write_text("", encoding="utf-8")
    code, _, err = run_report(capsys, tmp_path / "report", "--db", str(store_with()),
                              "--roster", str(roster_csv(tmp_path)), "--manifest", str(manifest))
    assert code == 2
    assert err == (f"qinglian report: cannot write '{tmp_path / 'report'}': "
                   f"'{tmp_path / 'report'}' is a file, not a folder; rename that file, or "
                   "write elsewhere\n")


def test_a_report_that_cannot_be_written_whole_leaves_the_last_ones_files(
        tmp_path, capsys, manifest, store_with):
    """The disk fills part-way through the files: a message, exit 2, and each file whole
    (report.csv was left cut short, and looked like a report)."""
    args = ["--roster", str(roster_csv(tmp_path)), "--manifest", str(manifest)]
    assert run_report(capsys, tmp_path / "out", "--db", str(store_with()), *args)[0] == 0
    before = (tmp_path / "out/report.csv").read_bytes()
    export = tmp_path / "records.json"  # (SQLite writes as it reads)
    export.write_text(json.dumps([signature(person("1001", "张三"))]), encoding="utf-8")
    with disk_full_past(len(before) - 10):
        code, _, err = run_report(capsys, tmp_path / "out", "--export", str(export), *args)
    assert code == 2 and "File too large" in err
    assert (tmp_path / "out/report.csv").read_bytes() == before
    assert not list((tmp_path / "out").glob("*.tmp"))


def _xlsx_roster(path: Path) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["职工名单"])
    sheet.append(ROSTER_NAMES)
    for staff_id, name, department in STAFF:
        sheet.append([int(staff_id), name, department])
    workbook.save(path)
    return path


def test_only_the_current_version_counts(tmp_path, capsys, manifest, store_with):
    """Version 1 is not signed; either text of version 2 (a typo fix) is; the latest time shows."""
    db = store_with(
        signature(person("1001", "张三"), version="1", sha256=OLD_HASH),
        signature(person("1002", "李四"), sha256=TYPO_FIX_HASH, created="2026-04-01T01:00:00.000Z"),
        signature(person("1002", "李四"), created="2026-05-01T01:00:00.000Z"),
        signature(person("1003", "王五", "外科"), version="1", sha256=OLD_HASH),
        signature(person("1003", "王五", "外科")),
    )
    run_report(capsys, tmp_path / "out", "--db", str(db), "--roster", str(roster_csv(tmp_path)),
               "--manifest", str(manifest))
    rows = {r["工号"]: r for r in read_csv(tmp_path / "out" / "report.csv")}
    assert (rows["1001"]["已签署当前版本"], rows["1001"]["签过的旧版本"]) == ("否", "1")
    assert (rows["1002"]["已签署当前版本"], rows["1002"]["签署时间（UTC）"]) == (
        "是", "2026-05-01T01:00:00.000Z")
    assert (rows["1003"]["已签署当前版本"], rows["1003"]["当前版本"]) == ("是", "2")
    page = (tmp_path / "out" / "departments" / "内科.html").read_text(encoding="utf-8")
    assert "未签署（签过第 1 版）" in page
    assert "廉洁从业承诺书（第 2 版）" in page


def test_a_new_version_of_the_same_words_is_signed_again(tmp_path, capsys):
    """A version bumped without a change of the words (to have everyone sign again) has
    the old hash: a signature of the old version does not count for the new one."""
    manifest = write_manifest(tmp_path)
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["pledges"]["staff"] = [{**entry, "sha256": OLD_HASH} for entry in data["pledges"]["staff"][:2]]
    manifest.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    export = tmp_path / "records.json"
    export.write_text(json.dumps([signature(person("1001", "张三"), version="1", sha256=OLD_HASH),
                                  signature(person("1002", "李四"), sha256=OLD_HASH)]),
                      encoding="utf-8")
    code, out, _ = run_report(capsys, tmp_path / "out", "--export", str(export), "--roster",
                              str(roster_csv(tmp_path)), "--manifest", str(manifest))
    assert code == 0 and "1 signed every current pledge" in out
    rows = {r["工号"]: r for r in read_csv(tmp_path / "out" / "report.csv")}
    assert (rows["1001"]["已签署当前版本"], rows["1001"]["签过的旧版本"]) == ("否", "1")
    assert rows["1002"]["已签署当前版本"] == "是"


def test_a_correction_makes_the_person_count(tmp_path, capsys, manifest, store_with):
    """A signature under a mistyped 工号 is unmatched until a correction fixes the 工号."""
    roster = roster_csv(tmp_path)
    db = store_with(signature(person("1O01", "张三")))  # letter O for zero
    run_report(capsys, tmp_path / "before", "--db", str(db), "--roster", str(roster),
               "--manifest", str(manifest))
    (item,) = read_csv(tmp_path / "before" / "unmatched.csv")
    assert (item["工号"], item["原因"]) == ("1O01", "名单中没有工号 1O01")

    store_with(corrections=[new_correction(site=SITE, staff_id="1O01", operator="人事科",
                                           reason="工号录错", changes={"staff_id": "1001"})])
    code, out, _ = run_report(capsys, tmp_path / "after", "--db", str(db), "--roster", str(roster),
                              "--manifest", str(manifest))
    assert code == 0 and "1 signed every current pledge" in out
    assert read_csv(tmp_path / "after" / "unmatched.csv") == []
    rows = {r["工号"]: r["已签署当前版本"] for r in read_csv(tmp_path / "after" / "report.csv")}
    assert rows["1001"] == "是"


def test_a_redacted_persons_records_are_left_out(tmp_path, capsys, manifest, store_with):
    """Records hidden on the person's request read （已删除） and match nobody; they are not
    listed as unmatched either, so a redacted person still on the roster shows as not
    signed (matching them back would undo the redaction)."""
    db = store_with(signature(person("1001", "张三")), signature(person("1002", "李四")),
                    corrections=[new_correction(site=SITE, staff_id="1001", operator="纪检监察室",
                                                reason="本人书面申请", redact=True)])
    code, out, _ = run_report(capsys, tmp_path / "out", "--db", str(db), "--roster",
                              str(roster_csv(tmp_path)), "--manifest", str(manifest))
    assert code == 0 and "1 signed every current pledge" in out
    assert read_csv(tmp_path / "out" / "unmatched.csv") == []
    rows = {r["工号"]: r["已签署当前版本"] for r in read_csv(tmp_path / "out" / "report.csv")}
    assert (rows["1001"], rows["1002"]) == ("否", "是")


def test_unmatched_records_say_why(tmp_path, capsys, manifest, store_with):
    """An unknown 工号, and a known 工号 under another name, are listed and not counted;
    family pledges, practice quizzes and other sites are not the roster's business."""
    db = store_with(
        signature(person("9999", "钱八")),
        attempt(person("1002", "李思"), 90, True),
        attempt(person("1002", "李 四"), 70, False),  # the same name, spaced
        attempt(person("1003", "王五", "外科"), 100, True, quiz_id="lesson-1"),
        _record("pledge", {"name": "李某", "relationship": "配偶", "staff_name": "张三",
                           "staff_id": "7777"}, "2026-11-24T02:00:00.000Z",
                pledge={"id": "family", "version": "1", "sha256": FAMILY_HASH}),
    )
    run_report(capsys, tmp_path / "out", "--db", str(db), "--roster", str(roster_csv(tmp_path)),
               "--manifest", str(manifest))
    unmatched = read_csv(tmp_path / "out" / "unmatched.csv")
    assert [(r["工号"], r["姓名"], r["内容"], r["原因"]) for r in unmatched] == [
        ("9999", "钱八", "签署廉洁从业承诺书第 2 版", "名单中没有工号 9999"),
        ("1002", "李思", "入职测验 90 分", "名单中工号 1002 的姓名是“李四”"),
    ]
    rows = {r["工号"]: r for r in read_csv(tmp_path / "out" / "report.csv")}
    assert (rows["1002"]["入职测验最高分"], rows["1002"]["入职测验通过"]) == ("70", "否")
    assert rows["1003"]["入职测验次数"] == "0"
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "名单中工号 1002 的姓名是“李四”" in index


def test_a_staff_number_that_differs_only_in_leading_zeros_is_named_not_matched(
        tmp_path, capsys, manifest, store_with):
    """A roster saved as CSV by Excel lists 001234 as 1234 (or staff leave the zeros out):
    not counted, since two people may differ only so, but the reason names the roster's
    工号 and the fix. Under another name it is no more than an unknown 工号."""
    db = store_with(signature(person("001001", "张三")),
                    signature(person("1002", "李四")),
                    signature(person("01003", "赵六", "外科")))
    roster = roster_csv(tmp_path, [("1001", "张三", "内科"), ("001002", "李四", "内科"),
                                   ("1003", "王五", "外科")])
    code, _, err = run_report(capsys, tmp_path / "out", "--db", str(db), "--roster", str(roster),
                              "--manifest", str(manifest))
    assert code == 0, err
    reasons = {row["工号"]: row["原因"] for row in read_csv(tmp_path / "out" / "unmatched.csv")}
    assert reasons == {
        "001001": "名单中没有工号 001001，但有只差开头几个 0 的 1001：名单另存为 CSV 时，Excel 可能"
                   "去掉了开头的 0，请把名单的工号列设为“文本”后重新导出，或改用 .xlsx；是职工"
                   "填错了 0 的，请用 qinglian collector correct 更正",
        "1002": "名单中没有工号 1002，但有只差开头几个 0 的 001002：名单另存为 CSV 时，Excel 可能"
                "去掉了开头的 0，请把名单的工号列设为“文本”后重新导出，或改用 .xlsx；是职工"
                "填错了 0 的，请用 qinglian collector correct 更正",
        "01003": "名单中没有工号 01003",
    }
    assert {row["姓名"]: row["已签署当前版本"] for row in read_csv(tmp_path / "out" / "report.csv")} == {
        "张三": "否", "李四": "否", "王五": "否"}


def test_invisible_marks_and_full_width_do_not_make_another_person(tmp_path, capsys, manifest,
                                                                  store_with):
    """A name pasted with a zero-width space or a direction mark (from WeChat, Word or a web
    page), and a 工号 HR typed in full width, read as the person they show: counted, not
    listed as a record under another name."""
    db = store_with(signature(person("1001", "张三\u200b")),
                    signature(person("1002", "\u200e李四")),
                    signature(person("1003", "王五", "外科")))
    roster = roster_csv(tmp_path, [("1001", "张三", "内科"), ("1002", "李四\ufeff", "内科"),
                                   ("１００３", "王五", "外科")])
    code, _, err = run_report(capsys, tmp_path / "out", "--db", str(db), "--roster", str(roster),
                              "--manifest", str(manifest))
    assert code == 0, err
    assert read_csv(tmp_path / "out" / "unmatched.csv") == []
    assert {row["姓名"]: row["已签署当前版本"] for row in read_csv(tmp_path / "out" / "report.csv")} == {
        "张三": "是", "李四\ufeff": "是", "王五": "是"}



def test_an_unmatched_name_that_only_looks_like_the_rosters_shows_why(tmp_path, capsys,
                                                                      manifest, store_with):
    """A right-to-left override makes 三张 show as 张三: the page's list of unmatched records
    writes such characters out, or it gave 张三 as the name the roster does not have for
    1001, beside the roster's 张三. The CSV keeps the name as it was sent."""
    db = store_with(signature(person("1001", "\u202e三张")))
    code, _, err = run_report(capsys, tmp_path / "out", "--db", str(db), "--roster",
                              str(roster_csv(tmp_path)), "--manifest", str(manifest))
    assert code == 0, err
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "<td>&lt;U+202E&gt;三张</td>" in index and "\u202e" not in index
    assert read_csv(tmp_path / "out" / "unmatched.csv")[0]["姓名"] == "\u202e三张"


# Where each character of the element's text starts on the screen (its left edge, px)
CHARACTER_LEFTS = """(element) => {
  const text = element.textContent, range = document.createRange(), lefts = {};
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  for (let node; (node = walker.nextNode());) {
    for (let at = 0; at < node.length; at++) {
      range.setStart(node, at);
      range.setEnd(node, at + 1);
      lefts[node.data[at]] = range.getBoundingClientRect().left;
    }
  }
  return lefts;
}"""


@pytest.mark.browser
def test_a_department_named_with_a_direction_override_turns_no_text_after_it(
        tmp_path, capsys, manifest, store_with, open_page):
    """HR's roster gives the department names, pasted from anywhere: one holding a
    right-to-left override (U+202E) showed the department page's heading after it
    backwards (况情成完…). The name is set apart (<bdi>); in its own cell it needs not."""
    db = store_with(signature(person("1001", "张三")))  # the roster says which department
    roster = roster_csv(tmp_path, [("1001", "张三", "\u202e心内科"), ("1002", "李四", "内科")])
    code, _, err = run_report(capsys, tmp_path / "out", "--db", str(db), "--roster", str(roster),
                              "--manifest", str(manifest))
    assert code == 0, err
    page = tmp_path / "out" / "departments" / "心内科.html"
    heading = "<h1><bdi>\u202e心内科</bdi> 廉洁从业承诺与入职测验完成情况</h1>"
    assert heading in page.read_text(encoding="utf-8")
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert ">\u202e心内科</a></th>" in index
    browser_page = open_page().page
    browser_page.goto(page.as_uri())
    lefts = browser_page.locator("h1").evaluate(CHARACTER_LEFTS)
    assert lefts["廉"] < lefts["洁"] < lefts["况"]


def test_a_department_named_with_a_direction_override_turns_no_title_after_it(
        tmp_path, capsys, manifest, store_with):
    """<title> cannot hold <bdi>: a department holding a right-to-left override (U+202E)
    turned the rest of its page's title backwards, in the browser's tab and the printed
    page's header, on the roster report's page and on a route's. The name is set apart
    by U+2068 FIRST STRONG ISOLATE … U+2069 POP DIRECTIONAL ISOLATE."""
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["paths"] = {"nurses": {"title": "护理人员培训", "steps": [
        {"id": "quiz", "kind": "quiz", "title": "通过第一条练习", "quiz": "standard-1-practice",
         "pass_mark": 60}]}}
    manifest.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    db = store_with(signature(person("1001", "张三")))
    roster = roster_csv(tmp_path, [("1001", "张三", "\u202e心内科")])
    code, _, err = run_report(capsys, tmp_path / "out", "--db", str(db), "--roster", str(roster),
                              "--manifest", str(manifest))
    assert code == 0, err
    for page, title in (("departments", "\u2068\u202e心内科\u2069 廉洁从业承诺与入职测验完成情况"),
                        ("routes/nurses/departments",
                         "\u2068\u202e心内科\u2069 · 护理人员培训（医德医风档案）")):
        html = (tmp_path / "out" / page / "心内科.html").read_text(encoding="utf-8")
        assert f"<title>{title}</title>" in html


def test_a_full_width_or_spaced_staff_number_is_the_same_person(tmp_path, capsys, manifest,
                                                                 store_with):
    """A 工号 HR typed full-width or with a space (１００１, A 1003) is the one staff typed
    half-width, in either case, and a name typed with a full-width space is the name; the
    report shows the 工号 as listed. Listed twice, so written, it is one person twice."""
    roster = roster_csv(tmp_path, [("１００１", "张三", "内科"), ("Ａ１００２", "李四", "内科"),
                                   ("A 1003", "王五", "外科")])
    db = store_with(signature(person("1001", "张　三")), signature(person("a1002", "李四")),
                    attempt(person("A1003", "王五", "外科"), 90, True))
    code, out, _ = run_report(capsys, tmp_path / "out", "--db", str(db), "--roster", str(roster),
                              "--manifest", str(manifest))
    assert code == 0 and "2 signed every current pledge, 1 passed onboarding, 0 records" in out
    rows = {r["工号"]: r for r in read_csv(tmp_path / "out" / "report.csv")}
    assert (rows["１００１"]["已签署当前版本"], rows["Ａ１００２"]["已签署当前版本"]) == ("是", "是")
    assert rows["A 1003"]["入职测验通过"] == "是"
    twice = roster_csv(tmp_path, [("1001", "张三", "内科"), ("１００１", "张三", "内科")],
                       name="twice.csv")
    with pytest.raises(SetupError, match="row 3: 工号 １００１ is also on row 2"):
        read_roster(twice)


def test_a_department_written_two_ways_is_one(tmp_path, capsys, manifest, store_with):
    """心内科（一病区） and 心内科(一病区) with a space are one department, spelt as the roster
    first has it, in the site's order (外科, listed as 外 科, first): not two rows each
    with part of its staff, on the report and on the dashboard."""
    roster = roster_csv(tmp_path, [("1001", "张三", "心内科（一病区）"),
                                   ("1002", "李四", "心内科(一病区)"),
                                   ("1003", "王五", "心内科 （一病区）"), ("1004", "赵六", "外 科")])
    db = store_with(signature(person("1002", "李四")))
    code, out, _ = run_report(capsys, tmp_path / "out", "--db", str(db), "--roster", str(roster),
                              "--manifest", str(manifest))
    assert code == 0 and "4 staff in 2 departments" in out
    data = json.loads((tmp_path / "out" / "dashboard.json").read_text(encoding="utf-8"))
    assert [(row["name"], row["staff"], row["pledge_signed"]) for row in data["departments"]] == [
        ("外 科", 1, 0), ("心内科（一病区）", 3, 1)]
    assert sorted(path.name for path in (tmp_path / "out" / "departments").iterdir()) == [
        "外 科.html", "心内科（一病区）.html"]


def test_roster_staff_numbers_no_record_can_carry_are_named(tmp_path, capsys, manifest,
                                                            store_with):
    """A CSV saved by Excel with a long 工号 in scientific notation lost its digits: an
    error says how to save it; an apostrophe marking 001234 as text is no part of the 工号;
    a 工号 staff cannot type (临001) is named in the summary, not silently never matched."""
    lost = roster_csv(tmp_path, [("1001", "张三", "内科"), ("1.23457E+11", "李四", "内科")],
                      name="lost.csv")
    with pytest.raises(SetupError) as error:
        read_roster(lost)
    assert str(error.value) == (
        f"{lost}:row 3: 工号 1.23457E+11 is a long number as Excel shows it, its last digits "
        "lost; send the roster as .xlsx, or set the 工号 column to 文本 before saving it as CSV")
    roster = roster_csv(tmp_path, [("'001001", "张三", "内科"), ("临001", "李四", "内科")])
    db = store_with(signature(person("001001", "张三")))
    code, out, _ = run_report(capsys, tmp_path / "out", "--db", str(db), "--roster", str(roster),
                              "--manifest", str(manifest))
    assert code == 0 and "1 signed every current pledge" in out
    assert ("1 roster 工号 hold more than the letters, digits and hyphens of a 工号 staff can "
            "type (row 3 临001): no record matches them") in out
    assert [r["工号"] for r in read_csv(tmp_path / "out" / "report.csv")] == ["001001", "临001"]


@pytest.fixture
def local_zone(monkeypatch):
    """Return a function that sets this process's time zone, the pages' default, for
    one test."""

    def set_zone(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield set_zone
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize("zone, created", [("Asia/Shanghai", "9999-12-31T23:59:59Z"),
                                           ("America/New_York", "0001-01-01T00:00:00Z")])
def test_a_time_at_the_calendars_end_shows_as_recorded(tmp_path, capsys, manifest, store_with,
                                                       local_zone, zone, created):
    """A ward PC with a wrong clock may stamp year 9999 or year 1; in a zone that would
    push it past the calendar the pages show the recorded UTC text, never fail."""
    local_zone(zone)
    db = store_with(signature(person("1001", "张三"), created=created),
                    signature(person("9999", "钱八"), created=created))
    code, _, err = run_report(capsys, tmp_path / "out", "--db", str(db), "--roster",
                              str(roster_csv(tmp_path)), "--manifest", str(manifest))
    assert code == 0, err
    assert created in (tmp_path / "out" / "departments" / "内科.html").read_text(encoding="utf-8")
    assert created in (tmp_path / "out" / "index.html").read_text(encoding="utf-8")


def test_onboarding_best_score_and_passed(tmp_path, manifest):
    """The best score shows, and one passed attempt is enough."""
    who = person("1001", "张三")
    records = [StoredRecord(r, "", None, None) for r in (
        attempt(who, 60, False), attempt(who, 85, True), attempt(who, 70, False))]
    report = build_report(records, read_roster(roster_csv(tmp_path)), read_published(manifest))
    exam = report.departments[1].people[0].exam
    assert (exam.attempts, exam.best, exam.passed) == (3, 85, True)


def test_a_score_written_as_90_0_is_the_score_90(tmp_path, capsys, manifest, store_with):
    """JSON may write an integer as 90.0 and the schema takes it for 90: the person who
    passed with it shows as passed with 90 points, not as having taken no exam."""
    db = store_with(attempt(person("1001", "张三"), 90.0, True),
                    attempt(person("9999", "钱八"), 85.0, True))
    code, out, _ = run_report(capsys, tmp_path / "out", "--db", str(db), "--roster",
                              str(roster_csv(tmp_path)), "--manifest", str(manifest))
    assert code == 0 and "1 passed onboarding" in out
    rows = {r["工号"]: r for r in read_csv(tmp_path / "out" / "report.csv")}
    assert (rows["1001"]["入职测验最高分"], rows["1001"]["入职测验通过"]) == ("90", "是")
    page = (tmp_path / "out" / "departments" / "内科.html").read_text(encoding="utf-8")
    assert "通过（90 分）" in page
    (item,) = read_csv(tmp_path / "out" / "unmatched.csv")
    assert item["内容"] == "入职测验 85 分"


def test_export_file_gives_the_same_report(tmp_path, capsys, manifest):
    """--export reads GET /api/v1/records' {"records": [...]}, and a plain list of records."""
    records = [signature(person("1001", "张三")), attempt(person("1004", "赵六", "外科"), 88, True)]
    wrapped = tmp_path / "records.json"
    wrapped.write_text(json.dumps({"records": [
        {"record": r, "received": "2026-11-24T02:00:01.000Z", "client_ip": None}
        for r in records]}, ensure_ascii=False), encoding="utf-8")
    plain = tmp_path / "plain.json"
    plain.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    roster = roster_csv(tmp_path)
    for source, out in ((wrapped, "a"), (plain, "b")):
        code, summary, _ = run_report(capsys, tmp_path / out, "--export", str(source),
                                      "--roster", str(roster), "--manifest", str(manifest))
        assert code == 0
        assert "1 signed every current pledge, 1 passed onboarding" in summary
    assert ((tmp_path / "a" / "report.csv").read_text(encoding="utf-8")
            == (tmp_path / "b" / "report.csv").read_text(encoding="utf-8"))


def test_only_the_attempts_a_report_counts_are_read(tmp_path, capsys, manifest, store_with):
    """Practice quizzes' attempts (most of a year's records, answers and all: a large
    hospital's report took 1.3 GB with them) are left out as records are read, from the
    database and from an export, while the onboarding exam and other records still count."""
    who = person("1001", "张三")
    kept = [signature(who), attempt(who, 90, True),
            _record("progress", who, "2026-11-24T04:00:00.000Z",
                    progress={"path": "onboarding", "step": "lessons:lessons/standard-1.md",
                              "done": True})]
    practice = [attempt(who, 100, True, quiz_id="practice-1"),
                attempt(who, 40, False, quiz_id="practice-2")]
    db = store_with(practice[0], *kept, practice[1])
    export = tmp_path / "records.json"
    export.write_text(json.dumps([practice[0], *kept, practice[1]], ensure_ascii=False),
                      encoding="utf-8")
    for source in ((str(db), None), (None, export)):
        records = records_from(*source, SITE, quizzes={"onboarding"})
        assert [stored.record["id"] for stored in records] == [r["id"] for r in kept]
    code, out, _ = run_report(capsys, tmp_path / "out", "--db", str(db), "--roster",
                              str(roster_csv(tmp_path)), "--manifest", str(manifest))
    assert code == 0 and "1 passed onboarding" in out
    rows = {r["工号"]: r for r in read_csv(tmp_path / "out" / "report.csv")}
    assert (rows["1001"]["入职测验最高分"], rows["1001"]["入职测验次数"]) == ("90", "1")


def test_a_routes_quiz_is_not_the_onboarding_exam(tmp_path, capsys, store_with):
    """The attempts at a quiz a route names are read too (for the route's report): one
    passed is no onboarding exam passed."""
    manifest = write_manifest(tmp_path)
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["paths"] = {"nurses": {"title": "护理人员培训", "steps": [
        {"id": "quiz", "kind": "quiz", "title": "通过第一条练习", "quiz": "standard-1-practice",
         "pass_mark": 60}]}}
    manifest.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    db = store_with(attempt(person("1001", "张三"), 100, True, quiz_id="standard-1-practice"),
                    attempt(person("1002", "李四"), 90, True))
    code, out, _ = run_report(capsys, tmp_path / "out", "--db", str(db), "--roster",
                              str(roster_csv(tmp_path)), "--manifest", str(manifest))
    assert code == 0 and "1 passed onboarding" in out
    rows = {r["工号"]: r for r in read_csv(tmp_path / "out" / "report.csv")}
    assert (rows["1001"]["入职测验通过"], rows["1001"]["入职测验次数"]) == ("否", "0")
    assert (rows["1002"]["入职测验通过"], rows["1002"]["入职测验最高分"]) == ("是", "90")


def test_an_exports_practice_attempts_are_not_held(tmp_path):
    """From an export too, practice attempts are left out as the file is read, not after
    every record of it was held (a year's export: 1.3 GB)."""
    who = person("1001", "张三")
    practice = [attempt(who, 100, True, quiz_id=f"practice-{n}") for n in range(3000)]
    export = tmp_path / "records.json"
    export.write_text(json.dumps([*practice, attempt(who, 90, True)], ensure_ascii=False),
                      encoding="utf-8")
    tracemalloc.start()
    try:
        records = records_from(None, export, SITE, quizzes={"onboarding"})
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [stored.record["attempt"]["score"] for stored in records] == [90]
    # Held, the 3,000 practice attempts took 11 MB
    assert peak < 2 * 2**20, f"{peak:,} bytes"


def test_hostile_names_are_harmless_everywhere(tmp_path, capsys, manifest, store_with):
    """Names and departments that are markup or formulas are escaped in every HTML page,
    neutralised in every CSV, and never become a path outside --out."""
    db = store_with(signature(person("2001", HOSTILE)),
                    signature(person("6666", FORMULA)),
                    signature(person("7777", "<b onclick=alert(3)>")),
                    attempt(person("2002", "孙七"), 90, True))
    roster = roster_csv(tmp_path, [("2001", HOSTILE, "<img src=x onerror=alert(2)>"),
                                   ("2002", FORMULA, "../../evil"),
                                   ("2003", "@SUM(1+1)", "内科")])
    out = tmp_path / "out"
    code, _, err = run_report(capsys, out, "--db", str(db), "--roster", str(roster),
                              "--manifest", str(manifest))
    assert code == 0, err
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert written == ["dashboard.json", "departments/_.._evil.html",
                       "departments/_img src=x onerror=alert(2)_.html", "departments/内科.html",
                       "index.html", "report.csv", "unmatched.csv"]
    pages = [out / "index.html", *sorted((out / "departments").glob("*.html"))]
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert "<script" not in html and "<img" not in html and "<b " not in html, page
        assert '<meta name="renderer" content="webkit">' in html.split("</head>")[0], page
    assert "<td>&lt;b onclick=alert(3)&gt;</td>" in pages[0].read_text(encoding="utf-8")
    page = (out / "departments" / "_img src=x onerror=alert(2)_.html").read_text(encoding="utf-8")
    assert "<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>" in page
    assert "<h1><bdi>&lt;img src=x onerror=alert(2)&gt;</bdi> " in page
    assert 'href="departments/_img%20src%3Dx%20onerror%3Dalert%282%29_.html"' in pages[0].read_text(
        encoding="utf-8")
    for name in ("report.csv", "unmatched.csv"):
        for row in read_csv(out / name):
            for value in row.values():
                assert not value.startswith(("=", "+", "-", "@")), (name, value)
    names = {r["姓名"] for r in read_csv(out / "report.csv")}
    assert {"'" + FORMULA, "'@SUM(1+1)", HOSTILE} <= names
    assert read_csv(out / "unmatched.csv")[0]["姓名"] == "'" + FORMULA



def test_department_pages_have_names_windows_and_linux_can_hold(tmp_path, capsys, manifest):
    """A department named like a Windows device (CON, aux, Com1.x) gets a page the report
    folder can be copied to a Windows PC or share with, and one of 80 rare characters
    (four bytes each in UTF-8) a name Linux takes: the report failed to write at all."""
    rare = "\U00020000" * 80
    roster = roster_csv(tmp_path, [("3001", "甲", "CON"), ("3002", "乙", "aux"),
                                   ("3003", "丙", "Com1.x"), ("3004", "丁", "_CON"),
                                   ("3005", "戊", rare)])
    export = tmp_path / "export.json"
    export.write_text("[]", encoding="utf-8")
    out = tmp_path / "out"
    code, _, err = run_report(capsys, out, "--roster", str(roster), "--manifest", str(manifest),
                              "--export", str(export))
    assert code == 0, err
    names = sorted(path.name for path in (out / "departments").iterdir())
    assert names[:4] == ["_CON-2.html", "_CON.html", "_Com1.x.html", "_aux.html"]
    assert len(names[4].encode("utf-8")) <= 255 and names[4].startswith("\U00020000")
    index = (out / "index.html").read_text(encoding="utf-8")
    for name in names:
        assert f'href="departments/{quote(name)}"' in index


def test_department_pages_never_share_a_file_name():
    """Departments named alike but for letter case (one file on Windows and macOS) or for
    characters no file name holds get a page each, none written over another's."""
    assert page_names(["icu", "ICU", "a/b", "a:b"]) == {
        "icu": "icu.html", "ICU": "ICU-2.html", "a/b": "a_b.html", "a:b": "a_b-2.html"}


def test_department_pages_are_named_without_invisible_characters():
    """A file manager shows 外科<U+202E>exe.html as 外科lmth.exe (a faked extension): page
    names leave out what shows nothing, and departments that differ only by it still get
    a page each."""
    assert page_names(["外科\u202eexe", "外科exe", "\u200b内科\u2066", "\u202e", "眼科\x85"]) == {
        "外科\u202eexe": "外科exe.html", "外科exe": "外科exe-2.html",
        "\u200b内科\u2066": "内科.html", "\u202e": "_.html", "眼科\x85": "眼科.html"}


def test_dashboard_data_has_counts_and_no_person(tmp_path, capsys, manifest, store_with):
    """dashboard.json: per department and in total, counts and percentages; no name, no 工号."""
    db = store_with(signature(person("1001", "张三")), signature(person("1003", "王五", "外科")),
                    attempt(person("1003", "王五", "外科"), 90, True),
                    attempt(person("1004", "赵六", "外科"), 95, True))
    run_report(capsys, tmp_path / "out", "--db", str(db), "--roster", str(roster_csv(tmp_path)),
               "--manifest", str(manifest))
    text = (tmp_path / "out" / "dashboard.json").read_text(encoding="utf-8")
    data = json.loads(text)
    assert data["format"] == 1 and data["site"] == SITE
    assert data["pledges"] == [{"id": "staff", "title": "廉洁从业承诺书", "version": "2"}]
    assert data["departments"] == [
        {"name": "外科", "staff": 2, "pledge_signed": 1, "pledge_signed_percent": 50.0,
         "onboarding_passed": 2, "onboarding_passed_percent": 100.0},
        {"name": "内科", "staff": 2, "pledge_signed": 1, "pledge_signed_percent": 50.0,
         "onboarding_passed": 0, "onboarding_passed_percent": 0.0},
    ]
    assert data["total"] == {"staff": 4, "pledge_signed": 2, "pledge_signed_percent": 50.0,
                             "onboarding_passed": 2, "onboarding_passed_percent": 50.0}
    assert datetime.fromisoformat(data["generated"])
    for staff_id, name, _ in STAFF:
        assert staff_id not in text and name not in text


# The command's errors ----------------------------------------------------------------------

def test_unreadable_inputs_exit_2_with_a_message(tmp_path, capsys, manifest, store_with):
    """Each input that cannot be used is named, with the fix; never a traceback."""
    db = store_with(signature(person("1001", "张三")))
    roster = roster_csv(tmp_path)
    bad_manifest = tmp_path / "bad.json"
    bad_manifest.write_text("{", encoding="utf-8")
    xls = tmp_path / "名单.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0")
    not_records = tmp_path / "x.json"
    not_records.write_text('{"records": [1]}', encoding="utf-8")
    # Hand-edited: a pledge id that is an object, a record without its person
    edited = signature(person("1001", "张三"))
    edited["pledge"]["id"] = {"id": "staff"}
    edited_export = tmp_path / "edited.json"
    edited_export.write_text(json.dumps([signature(person("1002", "李四")), edited]), encoding="utf-8")
    no_person = signature(person("1001", "张三"))
    del no_person["person"]
    no_person_export = tmp_path / "no-person.json"
    no_person_export.write_text(json.dumps([no_person]), encoding="utf-8")
    cases = [
        (["--db", str(tmp_path / "none.db"), "--roster", str(roster), "--manifest", str(manifest)],
         f"no database at '{tmp_path / 'none.db'}'"),
        (["--db", str(db), "--roster", str(tmp_path / "none.csv"), "--manifest", str(manifest)],
         f"{tmp_path / 'none.csv'}: the file does not exist"),
        (["--db", str(db), "--roster", str(xls), "--manifest", str(manifest)],
         "save it as .xlsx"),
        (["--db", str(db), "--roster", str(roster), "--manifest", str(bad_manifest)],
         f"manifest '{bad_manifest}' is not JSON"),
        (["--db", str(db), "--roster", str(roster), "--manifest", str(manifest), "--site", "other"],
         f"manifest '{manifest}' is for site '{SITE}', not 'other'"),
        (["--export", str(not_records), "--roster", str(roster), "--manifest", str(manifest)],
         "entry 1 is not a record"),
        (["--export", str(edited_export), "--roster", str(roster), "--manifest", str(manifest)],
         "entry 2 is not a record (pledge.id is not as the collector stores it)"),
        (["--export", str(no_person_export), "--roster", str(roster), "--manifest", str(manifest)],
         "entry 1 is not a record (person is not as the collector stores it)"),
        (["--export", str(tmp_path / "none.json"), "--roster", str(roster),
          "--manifest", str(manifest)], "cannot read"),
    ]
    for args, message in cases:
        code, out, err = run_report(capsys, tmp_path / "out", *args)
        assert code == 2, (args, err)
        assert err.startswith("qinglian report: ") and message in err, err
        assert "Traceback" not in err and out == ""


def test_without_a_staff_pledge_nobody_counts_as_signed(tmp_path, capsys, store_with):
    """A site that has published no staff pledge yet (only the family one): no one has
    signed every current pledge, rather than everyone (all of none)."""
    manifest = write_manifest(tmp_path)
    data = json.loads(manifest.read_text(encoding="utf-8"))
    del data["pledges"]["staff"]
    manifest.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    db = store_with(attempt(person("1001", "张三"), 90, True))
    code, out, _ = run_report(capsys, tmp_path / "out", "--db", str(db), "--roster",
                              str(roster_csv(tmp_path)), "--manifest", str(manifest))
    assert code == 0 and "0 signed every current pledge, 1 passed onboarding" in out
    total = json.loads((tmp_path / "out" / "dashboard.json").read_text(encoding="utf-8"))["total"]
    assert (total["pledge_signed"], total["pledge_signed_percent"]) == (0, 0.0)
    page = (tmp_path / "out" / "departments" / "内科.html").read_text(encoding="utf-8")
    assert "已签署全部当前承诺书 0 人" in page


def test_a_signature_past_the_renewal_period_has_lapsed(tmp_path, capsys, store_with):
    """renew_every: 1y (365 days in the manifest): the pledge page asks a person whose last
    signature is older to sign again, so the report does not count it as signed."""
    manifest = write_manifest(tmp_path)
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["renew_days"] = {"staff": 365}
    manifest.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    now = datetime.now(timezone.utc)
    stamp = lambda days: (now - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    db = store_with(signature(person("1001", "张三"), created=stamp(400)),
                    signature(person("1002", "李四"), created=stamp(300)),
                    signature(person("1003", "王五", "外科"), created=stamp(500)),
                    signature(person("1003", "王五", "外科"), sha256=TYPO_FIX_HASH,
                              created=stamp(10)),
                    signature(person("1004", "赵六", "外科"), created=stamp(365.5)))
    code, out, _ = run_report(capsys, tmp_path / "out", "--db", str(db), "--roster",
                              str(roster_csv(tmp_path)), "--manifest", str(manifest))
    assert code == 0 and "2 signed every current pledge" in out
    rows = {r["工号"]: r for r in read_csv(tmp_path / "out" / "report.csv")}
    assert (rows["1001"]["已签署当前版本"], rows["1001"]["签署时间（UTC）"]) == ("否", stamp(400))
    assert (rows["1004"]["已签署当前版本"], rows["1004"]["签署时间（UTC）"]) == ("否", stamp(365.5))
    assert [rows[key]["已签署当前版本"] for key in ("1002", "1003")] == ["是", "是"]
    page = (tmp_path / "out" / "departments" / "内科.html").read_text(encoding="utf-8")
    assert "已满续签期限）" in page
    total = json.loads((tmp_path / "out" / "dashboard.json").read_text(encoding="utf-8"))["total"]
    assert total["pledge_signed"] == 2


def test_with_two_staff_pledges_the_index_gives_the_dashboards_figure(tmp_path, capsys):
    """With two staff pledges the dashboard's 承诺书签署率 is who signed both; the index
    shows each pledge and that figure too, so the two outputs can be checked together."""
    manifest = write_manifest(tmp_path)
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["pledges"]["ethics"] = [{"title": "医德医风承诺书", "audience": "staff", "version": "1",
                                  "sha256": "f" * 64, "date": "2026-01-01"}]
    manifest.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    ethics = dict(pledge_id="ethics", version="1", sha256="f" * 64)
    export = tmp_path / "records.json"
    export.write_text(json.dumps([
        signature(person("1001", "张三")), signature(person("1001", "张三"), **ethics),
        signature(person("1002", "李四")), signature(person("1003", "王五", "外科"), **ethics)],
        ensure_ascii=False), encoding="utf-8")
    run_report(capsys, tmp_path / "out", "--export", str(export), "--roster",
               str(roster_csv(tmp_path)), "--manifest", str(manifest))
    total = json.loads((tmp_path / "out" / "dashboard.json").read_text(encoding="utf-8"))["total"]
    assert total["pledge_signed"] == 1
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "<th scope=\"col\">已签署全部当前承诺书</th>" in index
    footer = index[index.index('<tr class="total">'):]
    assert [cell for cell in re.findall(r'<td class="num">(.*?)</td>', footer)] == [
        "4", "2 / 4（50%）", "2 / 4（50%）", "1 / 4（25%）", "0 / 4（0%）"]


def test_pages_name_the_zone_of_their_times(tmp_path, capsys, manifest, store_with, local_zone):
    """A signature at 00:30 Beijing time on 1 April is 16:30 UTC on 31 March: the pages show
    the computer's time, so they say which zone that is (a server may run in UTC)."""
    db = store_with(signature(person("1001", "张三"), created="2026-03-31T16:30:00.000Z"))
    for zone, shown, name in (("Asia/Shanghai", "2026-04-01 00:30", "UTC+08:00"),
                              ("UTC", "2026-03-31 16:30", "UTC+00:00")):
        local_zone(zone)
        out = tmp_path / zone.replace("/", "-")
        run_report(capsys, out, "--db", str(db), "--roster", str(roster_csv(tmp_path)),
                   "--manifest", str(manifest))
        page = (out / "departments" / "内科.html").read_text(encoding="utf-8")
        assert f"已签署 {shown}" in page and f"本报表页面的时间均为 {name}" in page
        assert f"本报表页面的时间均为 {name}" in (out / "index.html").read_text(encoding="utf-8")
