"""Files that must never be published: staff rosters, record exports, databases.

MkDocs copies every file under content/ into the site. A roster from HR, the
collector's CSV export or its database, or a person's downloaded records,
dropped there by mistake, would put names and 工号 on the intranet for anyone
to download. The build leaves such files out and says which and why.
"""

from __future__ import annotations

import csv
import re
import zipfile
from itertools import islice
from html import escape
from pathlib import Path

from ..common.i18n import STRINGS
from ..common.tables import HEADER_SEARCH_ROWS, TableError, normalise_header, read_table

# Headings that name a person in rosters (report.ROSTER_COLUMNS), in the
# collector's CSV export and in other HR sheets, and the staff number's heading
# in the files `qinglian report` writes in each site language ("Staff number")
PERSON_COLUMNS = tuple(dict.fromkeys((
    "工号", "职工号", "员工编号", "姓名", "身份证号", "身份证号码", "手机号", "手机号码",
    "staff_id", "credit_code",
    *(strings[key] for strings in STRINGS.values()
      for key in ("report.column.staff_id", "report.route.staff_id")))))
DATABASE_SUFFIXES = {".db", ".sqlite", ".sqlite3", ".db-wal", ".db-shm", ".dump", ".sql"}
SQLITE_MAGIC = b"SQLite format 3\x00"
# pg_dump --format=custom, as `qinglian collector backup` tells a PostgreSQL admin to run:
# the file is named as the admin likes (records.backup)
PG_DUMP_MAGIC = b"PGDMP"
TABLE_SUFFIXES = {".csv", ".xlsx", ".xlsm"}
# Tables saved as text: Excel's and WPS's 文本文件 (tab-separated, in the system code page
# or, as "Unicode 文本", UTF-16) and exports that separate by commas or tabs
TEXT_TABLE_SUFFIXES = {".tsv", ".txt"}
# Excel 97–2003 and WPS 表格 files, OLE compound files that keep their text in UTF-16
# (Chinese) or one byte a character
OLE_SPREADSHEETS = {".xls": "an old Excel file", ".et": "a WPS 表格 file"}
# How much of a JSON, HTML, text or old Excel file is searched: a record export, whose first
# record names its person, may be far larger (50,000 records are some 50 MB)
SEARCH_LIMIT = 50 * 1024 * 1024
# A table column headed by one of PERSON_COLUMNS: the pages ``qinglian report`` writes
# (departments/*.html, routes/…), copied into content/ with dashboard.json
_HTML_PERSON_COLUMN = re.compile(
    r"<th\b[^>]*>\s*(" + "|".join(re.escape(escape(name)) for name in PERSON_COLUMNS)
    + r")\s*</th>")
# A cell's paragraph in an OpenDocument spreadsheet, and the tags (spans) within it
_ODS_PARAGRAPH = re.compile(r"<text:p\b[^>]*>(.*?)</text:p>", re.DOTALL)
_XML_TAG = re.compile(r"<[^>]*>")
# How much of a text table is searched: its header is among the top rows
TEXT_HEAD_LIMIT = 1024 * 1024


def personal_data(path: Path) -> str | None:
    """Return why the file at ``path`` looks like personal data, or None."""
    suffix = path.suffix.lower()
    try:
        with path.open("rb") as file:
            start = file.read(len(SQLITE_MAGIC))
    except OSError:
        return None  # MkDocs names a file it cannot copy
    if suffix in DATABASE_SUFFIXES or start == SQLITE_MAGIC or start.startswith(PG_DUMP_MAGIC):
        return "a database file"
    if suffix in TABLE_SUFFIXES:
        return _person_columns(path)
    if suffix == ".json":
        text = _start(path).decode("utf-8", errors="replace")
        # Records as the browser's download and the collector's listing hold them
        if '"person"' in text and ('"staff_id"' in text or '"name"' in text):
            return "Qinglian records (pledges, quiz attempts) with the people who made them"
        # The collector's xAPI export: every statement names its person as the actor
        if '"actor"' in text and '"verb"' in text:
            return "xAPI statements, each naming the person who made it"
    if suffix in (".html", ".htm"):
        text = _start(path).decode("utf-8", errors="replace")
        columns = dict.fromkeys(match.group(1) for match in _HTML_PERSON_COLUMN.finditer(text))
        if columns:
            return f"a page with a table of people, column(s) {', '.join(columns)}"
    if suffix in TEXT_TABLE_SUFFIXES:
        columns = _person_headings(_text_rows(_start(path, TEXT_HEAD_LIMIT)))
        if columns:
            return f"a text table with the column(s) {', '.join(columns)}"
    if suffix == ".ods":
        columns = _person_headings(_ods_cells(path))
        if columns:
            return f"an OpenDocument spreadsheet with the column(s) {', '.join(columns)}"
    if suffix in OLE_SPREADSHEETS:
        data = _start(path)
        columns = [name for name in PERSON_COLUMNS
                   if name.encode("utf-16-le") in data or (name.isascii() and name.encode() in data)]
        if columns:
            return f"{OLE_SPREADSHEETS[suffix]} with the column(s) {', '.join(columns)}"
    return None


def _start(path: Path, limit: int | None = None) -> bytes:
    with path.open("rb") as file:
        return file.read(limit or SEARCH_LIMIT)


def _person_columns(path: Path) -> str | None:
    try:
        table = read_table(path, PERSON_COLUMNS)
    except TableError:
        return None  # no heading names a person
    # A hidden column is published with the file all the same
    columns = [name for name in PERSON_COLUMNS if normalise_header(name) in table.columns
               or normalise_header(name) in table.hidden_columns]
    return f"a table with the column(s) {', '.join(columns)}"


def _person_headings(rows) -> list[str]:
    """Return the PERSON_COLUMNS that one of ``rows`` (lists of cells) holds as a cell."""
    cells = {normalise_header(cell) for row in rows for cell in row}
    return [name for name in PERSON_COLUMNS if normalise_header(name) in cells]


def _text_rows(data: bytes) -> list[list[str]]:
    """Return the top rows of a text table, split at tabs and at commas: the header is
    among them, below a title or two."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        lines = data.decode("utf-16", errors="replace").splitlines()
    else:
        # Line by line: the search limit may cut the last character in two
        lines = (_decoded(line) for line in data.removeprefix(b"\xef\xbb\xbf").splitlines())
    top = list(islice((line for line in lines if line.strip()), HEADER_SEARCH_ROWS))
    rows = []
    for delimiter in "\t,":
        try:
            rows += csv.reader(top, delimiter=delimiter)
        except csv.Error:
            pass  # a cell longer than csv allows: no table by that delimiter
    return rows


def _decoded(line: bytes) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        # Chinese Excel and WPS save text in the system code page, which GB18030 covers
        return line.decode("gb18030", errors="replace")


def _ods_cells(path: Path) -> list[list[str]]:
    """Return the text of an OpenDocument spreadsheet's cells (its content.xml), as far
    as SEARCH_LIMIT of it."""
    try:
        with zipfile.ZipFile(path) as package, package.open("content.xml") as content:
            xml = content.read(SEARCH_LIMIT).decode("utf-8", errors="replace")
    except (OSError, KeyError, zipfile.BadZipFile):
        return []  # not an OpenDocument file: nothing to say about it
    return [[_XML_TAG.sub("", paragraph) for paragraph in _ODS_PARAGRAPH.findall(xml)]]
