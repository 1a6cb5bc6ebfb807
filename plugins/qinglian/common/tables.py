"""Spreadsheets as HR and trainers keep them: CSV (UTF-8 or GBK) and Excel .xlsx.

One reader for every table Qinglian takes in (staff rosters, question
imports). Real files have a title row or two above the header, blank or
merely formatted rows between the data, numbers stored as numbers, headings
decorated with notes such as （必填）, and CSVs saved by Chinese Excel in GBK;
the reader copes with all of them and says which encoding it used. A
workbook may spread its rows over several sheets (单选题, 多选题 …) after a
hidden or notes sheet: every visible sheet with a header row is a table.
A cell merged down over several rows (科室 or 题型 written once for a group)
is that value in each of them, and a heading merged down over two rows makes
a two-row header (选项A under 选项), as does a second row that only adds
sub-headings. Cells come out as text, keyed by
normalised header; a row Excel hides (hidden, or filtered out) says so, and a
column Excel hides is left out of the cells and named apart. A formula saved
without its result (by a program that does not calculate) is no empty cell:
the row names it.
Errors read ``FILE:row N: message`` (``FILE:sheet S:row N:`` in a workbook),
with the row as Excel or a text editor numbers it.
"""

from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from difflib import get_close_matches
from pathlib import Path

# How far down a title may push the header row
HEADER_SEARCH_ROWS = 20
# An .xlsx is a zip of XML that openpyxl unpacks whole (shared strings, styles) before
# the first row is read. A file that unpacks to more than this, or a part packed
# tighter than any spreadsheet packs (a "zip bomb": a 200 KB file of 5 million
# shared strings took 35 s and 500 MB), is refused before openpyxl opens it.
# Real sheets: 30,000 questions unpack to ~55 MB; sheet XML packs at most ~30:1.
XLSX_UNPACKED_LIMIT = 200 * 1024 * 1024
XLSX_RATIO_LIMIT = 100
# A few bytes of sheet XML can still stand for millions of cells: a value in column XFD
# (each row read as 16,384 cells), a range merged down a million rows (each row of it
# filled). Rows are read up to their last cell holding something, and a workbook whose
# rows and merged ranges come to more cells than this is refused as it is read (a 41 KB
# file of far-right cells took 71 s and 2 GB; one of 5 KB of merged ranges ran out of
# memory). Real sheets: 30,000 questions in 15 columns are 450,000 cells.
XLSX_CELL_LIMIT = 2_000_000
_EXCEL_COLUMNS = 16_384  # A to XFD
# Notes templates add to a heading: (必填), 【必填】, [勿删], <单选>, and * for required
_DECORATION = re.compile(r"\(.*?\)|\[.*?\]|【.*?】|<.*?>|\*")
# The date formats Chinese Excel stores by number alone (ECMA-376 §18.8.30, zh-cn), which
# openpyxl does not know: without them such a date reads as its serial number (46023)
_CHINESE_DATE_FORMATS = {
    27: "年月", 28: "月日", 29: "月日", 31: "年月日", 36: "年月", 50: "年月", 51: "月日", 52: "年月",
    53: "月日", 54: "月日", 57: "年月", 58: "月日"}
# Spreadsheet files that cannot be read, what each is, and where its program saves it as .xlsx
_SAVE_AS_XLSX = "in WPS or Excel: 文件 → 另存为, 文件类型 Excel 工作簿 (*.xlsx)"
_OTHER_FORMATS = {
    ".xls": ("an old Excel 97–2003 (.xls) file", _SAVE_AS_XLSX),
    ".et": ("a WPS 表格 (.et) file", _SAVE_AS_XLSX),
    ".ett": ("a WPS 表格 template (.ett)", _SAVE_AS_XLSX),
    ".xlsb": ("an Excel binary workbook (.xlsb)", _SAVE_AS_XLSX),
    ".ods": ("an OpenDocument (.ods) spreadsheet",
             "in WPS, Excel or LibreOffice: 文件 → 另存为, 文件类型 *.xlsx"),
    ".numbers": ("an Apple Numbers file", "in Numbers: 文件 → 导出为 → Excel"),
}
# An .xlsx is a zip; one with a password to open is an OLE compound file, as .xls is
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
# A number format's quoted text, and its decimals (0.00%)
_QUOTED = re.compile(r'"[^"]*"')
_DECIMALS = re.compile(r"\.(0+)")
_ZEROS = re.compile(r"0+")  # a number format that pads with zeros: 000000


class TableError(Exception):
    """A table that cannot be read; the message names the file, the row and the fix."""

    def __init__(self, path: str | Path, message: str, row: int | None = None,
                 sheet: str = ""):
        self.path, self.row, self.message, self.sheet = str(path), row, message, sheet
        where = self.path + (f":sheet {sheet}" if sheet else "") + (f":row {row}" if row else "")
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Row:
    """One data row: its number in the file (as Excel shows it) and its cells."""

    number: int
    cells: dict[str, str]  # normalised header → text ("" when empty)
    # The cells a range merged down over this row and others of the table gives their
    # value: normalised header → the range ("A5:A9")
    merged: dict[str, str] = field(default_factory=dict)
    hidden: bool = False  # hidden in Excel, or filtered out
    # Cells whose formula was saved without its result, read as "": normalised header →
    # the cell ("F5")
    unsaved: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Table:
    """The rows under a table's header row."""

    path: str
    encoding: str  # "UTF-8", "UTF-8 with BOM", "GB18030" or "xlsx"
    header_row: int
    columns: tuple[str, ...]  # normalised header text, in file order
    rows: list[Row]
    sheet: str = ""  # the worksheet's name ("" for CSV)
    # The headed columns Excel hides, not in ``columns`` or the rows' cells: normalised
    # header → its letter and heading as written ("F", "备注")
    hidden_columns: dict[str, tuple[str, str]] = field(default_factory=dict)
    filled_hidden: frozenset[str] = frozenset()  # those with text in a row shown

    def column(self, names: Iterable[str]) -> str | None:
        """Return the first of ``names`` that heads a column (normalised), or None: the
        first heading found wins (准则 over a platform's free-text 知识点)."""
        return next((normalise_header(name) for name in names
                     if normalise_header(name) in self.columns), None)

    def missing(self, names: tuple[str, ...]) -> str:
        """Return why no column is headed one of ``names``: none is, or only a hidden one
        (read as if visible, it would take in what was set aside; left out, an ID column
        would make every question new)."""
        hidden = next((self.hidden_columns[normalise_header(name)] for name in names
                       if normalise_header(name) in self.hidden_columns), None)
        if hidden:
            return (f"the {names[0]} column ({hidden[0]}) is hidden; show it (取消隐藏) to "
                    "read it, or delete the column")
        return f"no {names[0]} column; head it {' or '.join(names)}"


def unsaved_formulas(cells: dict[str, str]) -> str:
    """Return the problem of a row's cells (heading → cell) whose formulas were saved
    without their results."""
    named = ", ".join(f"{cell} ({heading})" for heading, cell in cells.items())
    what = (f"the cell {named} holds a formula" if len(cells) == 1
            else f"the cells {named} hold formulas")
    return (f"{what} saved without a result (the file was written by a program that does not "
            "calculate); open the file in Excel or WPS, save it, and try again")


def span(places: list[str]) -> str:
    """Name a list in a message: all of up to three, else the first … the last."""
    return ", ".join(places) if len(places) <= 3 else f"{places[0]} … {places[-1]}"


def row_place(number: int, sheet: str = "") -> str:
    """Name a row as messages do: "row 5", or "row 5 of sheet 多选题" in a workbook."""
    return f"row {number}" + (f" of sheet {sheet}" if sheet else "")


def normalise_header(text: str) -> str:
    """Return header text as columns are matched: full-width folded, no spaces, lower case,
    without bracketed notes or required-field stars (" 工 号 " and "工号", "ＩＤ" and "id",
    "题干（必填）", "*题干" and "选项E" with "(勿删)" on a second line are the same column)."""
    folded = "".join(unicodedata.normalize("NFKC", text).split()).lower()
    return _DECORATION.sub("", folded)


def read_table(path: Path, header_names: Iterable[str]) -> Table:
    """Return the first table of ``read_tables``."""
    return read_tables(path, header_names)[0]


def read_tables(path: Path, header_names: Iterable[str]) -> list[Table]:
    """Read a .csv file, or each visible sheet of an .xlsx file that has a header row; raise
    TableError saying what is wrong.

    The header row is the first of the top rows that holds one of
    ``header_names`` (compared normalised); rows above it are titles.
    Sheets without one (notes, statistics) and hidden sheets are passed over.
    """
    names = {normalise_header(name) for name in header_names}
    # Before the extension is looked at: "roster" for roster.xlsx, or the folder it is in
    if os.path.isdir(path):
        raise TableError(path, "this is a folder, not a file; give the .csv or .xlsx file")
    if not os.path.exists(path):
        raise TableError(path, _missing(path))
    suffix = path.suffix.lower()
    if suffix in _OTHER_FORMATS:
        what, how = _OTHER_FORMATS[suffix]
        raise TableError(path, f"this is {what}, which cannot be read; save it as .xlsx "
                               f"({how}), or as CSV, and give that file")
    if suffix == ".csv":
        encoding, sheets = _read_csv(path)
    elif suffix in (".xlsx", ".xlsm"):
        encoding, sheets = "xlsx", _read_xlsx(path)
    else:
        raise TableError(path, f"cannot read '{suffix or 'no extension'}' files; "
                               "give a .csv or .xlsx file")
    tables = [table for sheet in sheets
              for table in [_table(path, encoding, sheet, names)] if table]
    if not tables:
        wanted = "、".join(sorted(names))
        searched = (f" in the sheet{'s' if len(sheets) > 1 else ''} "
                    + ", ".join(sheet.name for sheet in sheets) if encoding == "xlsx" else "")
        raise TableError(path, f"no header row found{searched}: none of the first "
                               f"{HEADER_SEARCH_ROWS} filled rows names a column such as "
                               f"{wanted}; add a header row")
    return tables


# -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Merge:
    """A range of merged cells that spans rows: its text ("A5:A9") and its rows."""

    range: str
    first: int
    last: int


@dataclass(frozen=True)
class _Sheet:
    """A sheet's numbered rows as read, before the header is found."""

    name: str  # "" for CSV
    lines: list[tuple[int, list[str]]]
    # (row, column index) → the range merged down over it that gave the cell its value
    merged: dict[tuple[int, int], _Merge] = field(default_factory=dict)
    hidden: frozenset[int] = frozenset()  # rows Excel hides
    hidden_columns: frozenset[int] = frozenset()  # column indexes Excel hides
    # (row, column index) of each formula saved without its result
    unsaved: frozenset[tuple[int, int]] = frozenset()


def _missing(path: Path) -> str:
    """Say that ``path`` does not exist, naming a sheet beside it of a like name:
    名单.xlsx for 名单 (the extension left off) or for 名单.csv."""
    try:
        beside = {entry.stem: entry.name for entry in path.parent.iterdir()
                  if entry.suffix.lower() in (".csv", ".xlsx", ".xlsm") and entry.is_file()}
    except OSError:  # no such folder either
        beside = {}
    guess = get_close_matches(path.stem, beside, n=1, cutoff=0.75)
    return "the file does not exist" + (f" (did you mean '{beside[guess[0]]}'?)" if guess else "")


def _read_csv(path: Path) -> tuple[str, list[_Sheet]]:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise TableError(path, f"cannot read the file: {error.strerror}") from None
    # Renamed by hand, with Windows hiding the extension that was there
    if data.startswith((_ZIP_MAGIC, _OLE_MAGIC)):
        raise TableError(path, "this is an Excel workbook, not CSV text; open it in Excel or "
                               "WPS and save it as .xlsx, or as CSV (文件 → 另存为)")
    if data.startswith(b"\xef\xbb\xbf"):
        encoding, text = "UTF-8 with BOM", data[3:].decode("utf-8", errors="strict")
    else:
        try:
            encoding, text = "UTF-8", data.decode("utf-8")
        except UnicodeDecodeError:
            # Chinese Excel and WPS save CSV in the system code page; GB18030 is
            # a superset of GBK and GB2312, and decodes any byte sequence they make
            try:
                encoding, text = "GB18030", data.decode("gb18030")
            except UnicodeDecodeError as error:
                raise TableError(path, f"the file is neither UTF-8 nor GBK (byte {error.start}); "
                                       "save it again as CSV UTF-8") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    lines, start = [], 1
    try:
        for cells in reader:
            # line_num is where the record ended: a quoted cell may span lines
            lines.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as error:
        raise TableError(path, f"not valid CSV ({error})", start) from None
    return encoding, [_Sheet("", lines)]


def _read_xlsx(path: Path) -> list[_Sheet]:
    """Return each visible sheet's rows."""
    from openpyxl import load_workbook  # only when an Excel file is read

    try:
        with path.open("rb") as file:
            if file.read(len(_OLE_MAGIC)) == _OLE_MAGIC:
                raise TableError(path, "the workbook has a password to open (or is an old .xls "
                                       "renamed .xlsx), which cannot be read; open it, clear "
                                       "the password (Excel: 文件 → 信息 → 保护工作簿 → 用密码进行"
                                       "加密; WPS: 文件 → 文档加密 → 密码加密) and save it as .xlsx")
        _check_packing(path)
        workbook = load_workbook(path, read_only=True, data_only=True)
        try:
            cells = _CellBudget(path)
            # A hidden sheet holds a template's drop-down lists, or rows the trainer set aside
            return [_read_sheet(workbook, sheet, cells) for sheet in workbook.worksheets
                    if sheet.sheet_state == "visible"]
        finally:
            workbook.close()
    # SyntaxError: XML that does not parse (a part cut short, or entities that would expand
    # without end or read other files, which the parsers refuse); the sheets' XML is parsed
    # only as their rows are read
    except (OSError, zipfile.BadZipFile, KeyError, ValueError, SyntaxError) as error:
        raise TableError(path, f"not a readable .xlsx file ({error}); open it in Excel or "
                               "WPS and save it again as .xlsx") from None


class _CellBudget:
    """The cells left of XLSX_CELL_LIMIT as a workbook's sheets are read."""

    def __init__(self, path: Path):
        self.path, self.left = path, XLSX_CELL_LIMIT

    def spend(self, cells: int, sheet: str) -> None:
        """Count ``cells`` more of ``sheet``; raise TableError past the limit."""
        self.left -= cells
        if self.left < 0:
            raise TableError(self.path, f"the rows and merged ranges come to more than "
                                        f"{XLSX_CELL_LIMIT:,} cells, more than any sheet of "
                                        "questions or staff (a cell far to the right counts "
                                        "every cell of its row before it, a range merged down "
                                        "every row it covers); delete the columns and rows "
                                        "past the table, and unmerge ranges that run past it",
                             sheet=sheet)


def _read_sheet(workbook, sheet, cells: _CellBudget) -> _Sheet:
    """Return a read-only worksheet's rows, with merged ranges filled down, its hidden rows
    and columns, and its formulas saved without a result. Its parser is run here as the
    worksheet runs it, since the worksheet keeps neither the merges nor the hidden rows
    the parser reads on the way (the writable worksheet does, but loads a 10,000-row sheet
    2.2 times slower). The sheet's stated size is not used: some programs write a wrong
    one."""
    from openpyxl.cell.read_only import ReadOnlyCell
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    unsaved: set[tuple[int, int]] = set()

    class Parser(WorkSheetParser):
        def parse_cell(self, element):
            # A formula with no result (data_only reads None), not one whose result is
            # text, empty (t="str" and an empty <v>, as Excel saves ="")
            cell = super().parse_cell(element)
            if (cell["value"] is None and element.get("t") != "str"
                    and element.find(FORMULA_TAG) is not None):
                unsaved.add((cell["row"], cell["column"] - 1))
            return cell

    rows: dict[int, list[str]] = {}
    with sheet._get_source() as source:
        parser = Parser(source, sheet._shared_strings, data_only=True, epoch=workbook.epoch,
                        date_formats=workbook._date_formats,
                        timedelta_formats=workbook._timedelta_formats)
        for number, parsed in parser.parse():
            # Formatted cells hold None: the row ends at its last cell holding something
            held = [cell for cell in parsed
                    if cell["value"] is not None or (number, cell["column"] - 1) in unsaved]
            shown = rows[number] = [""] * max((cell["column"] for cell in held), default=0)
            cells.spend(1 + len(shown), sheet.title)
            for cell in held:
                shown[cell["column"] - 1] = _shown(ReadOnlyCell(sheet, **cell))
    hidden = frozenset(int(number) for number, attributes in parser.row_dimensions.items()
                       if attributes.get("hidden") in ("1", "true"))
    ranges = parser.merged_cells.mergeCell if parser.merged_cells else ()
    merged = _fill_down(rows, ranges, lambda count: cells.spend(count, sheet.title))
    return _Sheet(sheet.title, sorted(rows.items()), merged, hidden,
                  _hidden_columns(parser.column_dimensions), frozenset(unsaved))


def _hidden_columns(dimensions: dict) -> frozenset[int]:
    """Return the indexes of the columns hidden by the sheet's <col> elements, each of which
    hides a range (min to max). The ranges are joined first, within A to XFD: a file may
    state any, over and over."""
    spans = sorted((int(attributes["min"]) - 1, min(int(attributes["max"]), _EXCEL_COLUMNS))
                   for attributes in dimensions.values()
                   if attributes.get("hidden") in ("1", "true"))
    hidden, reach = set(), 0
    for low, high in spans:
        hidden.update(range(max(low, reach), high))
        reach = max(reach, high)
    return frozenset(hidden)


def _fill_down(rows: dict[int, list[str]], ranges,
               spend: Callable[[int], None]) -> dict[tuple[int, int], _Merge]:
    """Write the text of each range merged over several rows into its first column in each
    of them; return the cells so filled, each counted with ``spend`` (and the cells a row
    grows by). Excel keeps the text in the first cell only, but shows it over the whole
    range. Side by side, the text stays in its own column: a 题干 merged over the empty
    选项 columns of a 填空题 is not its options."""
    last_row = max(rows, default=0)
    filled = {}
    for cell_range in ranges:
        column = cell_range.min_col - 1
        top = rows.get(cell_range.min_row, [])
        text = top[column] if column < len(top) else ""
        if cell_range.max_row == cell_range.min_row or not text:
            continue
        merge = _Merge(cell_range.coord, cell_range.min_row, cell_range.max_row)
        # A range may run far past the data (a whole column merged): stop at its last row
        for number in range(merge.first, min(merge.last, last_row) + 1):
            shown = rows.setdefault(number, [])
            spend(1 + max(column + 1 - len(shown), 0))
            shown += [""] * (column + 1 - len(shown))
            shown[column] = text
            filled[number, column] = merge
    return filled


def _check_packing(path: Path) -> None:
    """Raise TableError when the .xlsx at ``path`` would unpack to far more than a sheet
    holds. The sizes are the zip's own: Python's zipfile never unpacks past them."""
    with zipfile.ZipFile(path) as archive:
        parts = archive.infolist()
    fix = ("it may be damaged, or made to exhaust the computer's memory; open it in Excel "
           "or WPS and save it again as .xlsx, or save it as CSV")
    unpacked = sum(part.file_size for part in parts)
    if unpacked > XLSX_UNPACKED_LIMIT:
        raise TableError(path, f"the .xlsx file unpacks to {unpacked // 2**20:,} MB, more than "
                               f"the {XLSX_UNPACKED_LIMIT // 2**20} MB any sheet of questions "
                               f"or staff needs; {fix}")
    for part in parts:
        if part.file_size > 2**20 and part.file_size > XLSX_RATIO_LIMIT * part.compress_size:
            raise TableError(path, f"its part {part.filename} is packed "
                                   f"1:{part.file_size // max(part.compress_size, 1):,}, as "
                                   f"no spreadsheet is (at most about 1:30); {fix}")


def _shown(cell) -> str:
    """Return an Excel cell's text as Excel shows it where the stored value differs: a typed
    50% is stored 0.5, a typed 2026年1月1日 a date."""
    value = cell.value
    if isinstance(value, bool) or not isinstance(value, (int, float, date)):
        return _text(value)
    chinese = _CHINESE_DATE_FORMATS.get(cell.style_array.numFmtId)
    code = _QUOTED.sub("", cell.number_format.split(";")[0])
    if chinese and not isinstance(value, date):
        from openpyxl.utils.datetime import from_excel

        try:
            value = from_excel(value)
        except (OverflowError, ValueError):
            # Past year 9999 (20260701 typed for a date): Excel shows ####; read as typed
            return _text(value)
    if isinstance(value, date):
        parts = chinese or "".join(unit for unit in "年月日" if unit in cell.number_format)
        # 年月日 formats only: other date formats are shown by the computer's locale
        if parts:
            return "".join(f"{getattr(value, name)}{unit}" for unit, name in
                           (("年", "year"), ("月", "month"), ("日", "day")) if unit in parts)
    elif "%" in code:
        decimals = _DECIMALS.search(code)
        return f"{value * 100:.{len(decimals[1]) if decimals else 0}f}%"
    elif _ZEROS.fullmatch(code) and float(value).is_integer():
        # HR keeps 工号 001234 as the number 1234 shown through the format 000000
        return _text(value).zfill(len(code))
    return _text(value)


def _text(value) -> str:
    """Return a cell as text: 工号 1001 stored as a number reads "1001", not "1001.0"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime) and value.time() == time():
        return value.date().isoformat()
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value).strip()


def _table(path: Path, encoding: str, sheet: _Sheet, names: set[str]) -> Table | None:
    """Return the table under the sheet's header row (None when it has none)."""
    filled = [(number, shown) for number, cells in sheet.lines
              for shown in [[cell.strip() for cell in cells]]
              if any(_holds(sheet, number, position, text)
                     for position, text in enumerate(shown))]
    header = next((index for index, (_, cells) in enumerate(filled[:HEADER_SEARCH_ROWS])
                   if names & {normalise_header(cell) for cell in cells}), None)
    if header is None:
        return None
    header_row = filled[header][0]
    # Headings merged down over two rows leave the second to sub-headings (A, B … under 选项)
    last = max((merge.last for merge in sheet.merged.values() if merge.first == header_row),
               default=header_row)
    # Unmerged, a second header row is known by leaving empty each column the header was
    # found by (A, B … under 选项 only): no row of data lacks all of them
    found_by = [position for position, text in enumerate(filled[header][1])
                if normalise_header(text) in names]
    below = filled[header + 1] if header + 1 < len(filled) else None
    if last == header_row and below and not any(
            _holds(sheet, below[0], position, below[1][position])
            for position in found_by if position < len(below[1])):
        last = below[0]
    titles = _headings([cells for number, cells in filled[header:] if number <= last])
    columns = [normalise_header(title) for title in titles]
    # A hidden column is found as a heading (a hidden 身份证号 is still personal data), but
    # read as if it were not there: as a hidden row, it holds what the trainer set aside
    hidden = {column: (_letter(position), " ".join(titles[position].split()))
              for position, column in enumerate(columns)
              if column and position in sheet.hidden_columns}
    seen: dict[str, int] = {}
    for position, column in enumerate(columns):
        if position in sheet.hidden_columns:
            continue
        if column and column in seen:
            raise TableError(path, f"two columns are headed '{titles[position]}'; "
                                   "keep one or rename the other", header_row, sheet.name)
        seen[column] = position
    body = [(number, cells) for number, cells in filled if number > last
            and any(_holds(sheet, number, position, text)
                    for position, text in enumerate(cells)
                    if position not in sheet.hidden_columns)
            and not _continues(sheet, number, cells)]
    # A range merged over one row of the table and blank rows only is that row's own cell
    numbers = {number for number, _ in body}
    spans = Counter(merge for (number, _), merge in sheet.merged.items() if number in numbers)
    named = {position: column for column, position in seen.items() if column}
    rows = [Row(number, {column: cells[position] if position < len(cells) else ""
                         for position, column in named.items()},
                {column: merge.range for position, column in named.items()
                 for merge in [sheet.merged.get((number, position))]
                 if merge and spans[merge] > 1},
                number in sheet.hidden,
                {column: f"{_letter(position)}{number}" for position, column in named.items()
                 if (number, position) in sheet.unsaved})
            for number, cells in body]
    filled_hidden = frozenset(
        column for position, column in enumerate(columns)
        if column in hidden and position in sheet.hidden_columns
        and any(position < len(cells) and _holds(sheet, number, position, cells[position])
                for number, cells in body if number not in sheet.hidden))
    return Table(str(path), encoding, header_row, tuple(named.values()), rows, sheet.name,
                 hidden, filled_hidden)


def _holds(sheet: _Sheet, number: int, position: int, text: str) -> bool:
    """Whether a cell holds something: text, or a formula whose result is unknown."""
    return bool(text) or (number, position) in sheet.unsaved


def _letter(position: int) -> str:
    """Return a column's letter as Excel shows it: 0 is A, 26 is AA."""
    from openpyxl.utils import get_column_letter  # only an .xlsx file's cells are named so

    return get_column_letter(position + 1)


def _headings(rows: list[list[str]]) -> list[str]:
    """Return each column's heading from the header's rows: its texts top to bottom, each
    once (选项 over A reads 选项A; a heading merged down reads once)."""
    headings = []
    for position in range(max(map(len, rows))):
        texts = [cells[position] for cells in rows if position < len(cells) and cells[position]]
        headings.append("".join(dict.fromkeys(texts)))
    return headings


def _continues(sheet: _Sheet, number: int, cells: list[str]) -> bool:
    """Whether every filled cell of the row comes from a range merged down from above: the
    row above stretched over two (a long 题干 merged with the row below), not a row of its
    own."""
    return all(not _holds(sheet, number, position, text)
               or ((number, position) in sheet.merged
                   and sheet.merged[number, position].first < number)
               for position, text in enumerate(cells))


# Writing -----------------------------------------------------------------------------------
# UTF-8 with a byte order mark, or Excel reads the Chinese as mojibake. A cell
# that starts with = + - @ or a tab or carriage return would run as a formula in
# Excel or LibreOffice ("CSV injection"): it gets a leading single quote.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_document(header: Iterable[str], rows: Iterable[Iterable]) -> str:
    """Return ``rows`` under ``header`` as CSV for Excel: BOM first, formulas neutralised,
    None as an empty cell, booleans as true/false."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(_neutralise(_cell(title)) for title in header)
    for row in rows:
        writer.writerow(_neutralise(_cell(value)) for value in row)
    return out.getvalue()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _neutralise(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_STARTS) else text
