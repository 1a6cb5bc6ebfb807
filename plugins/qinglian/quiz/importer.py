"""``qinglian import questions``: the rows of a trainer's sheet into a question bank.

The sheet is read with the one table reader (``common.tables``) and each row
turned into a bank entry by ``sheet.read_row``. Nothing is written unless
every row is good (or the bad ones are skipped on request), and what is
written passes the quiz loader itself: the bank's new text is loaded before
it replaces the old.

Ids come from a sequence kept in the bank as the top-level key ``next_id``
(which the loader allows and skips): new questions of bank ``NAME`` are
``NAME-001``, ``NAME-002`` …, never an id used in any bank, and never one
handed out before, since the counter only grows. A row with an ID keeps it:
the same question already in the bank is left alone, a changed one replaces
it only with ``--replace``, and an ID of another bank is refused.

An existing bank is edited as text, so its comments stay: replaced entries
are swapped in place, new ones appended after the last, ``next_id`` set or
added above ``questions:``. The result is parsed back and compared with what
was meant; any difference (an unusual layout) stops the import.
"""

from __future__ import annotations

import re
import tempfile
from bisect import bisect_right
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from ..common.errors import ContentError, ContentProblem
from ..common.tables import (Table, TableError, normalise_header, read_tables, row_place,
                             unsaved_formulas)
from ..common.writes import write_whole
from ..common.yamlio import LineDict, LineList, load_yaml
from .loader import SEQUENCE_KEY, load_library
from .models import LETTERS, Question
from .sheet import COLUMNS, REQUIRED, Defaults, NotationError, parse_type, read_row

SEQUENCE_NOTE = (
    "# next_id：下一道导入题目的编号序号，由 qinglian import questions 维护。\n"
    "# 不要删除或改小，否则新题可能用回已删除题目的编号。\n"
)
# Option columns past 选项H: a question has at most eight options
# libyaml's loader and dumper where PyYAML has them: a 30,000-row import spent
# 64 of 123 s reading its own text back and 27 s writing values (cProfile). The
# text is ours, a few levels deep: libyaml's recursion is no risk here.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_EXTRA_OPTION = re.compile(r"^选项[i-z]$")
# What each question has of its own: merged down over several rows, one value would serve
# them all (one 答案 for three questions), which is never meant
_OWN_FIELDS = ("id", "stem", "answer")


class BankError(Exception):
    """The bank cannot take an import; the problems say where and why."""

    def __init__(self, problems: list[ContentProblem]):
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


class NoScratchFolder(Exception):
    """The bank cannot be checked: the temporary folder it is checked in is unusable."""


@dataclass(frozen=True)
class SheetRow:
    sheet: str  # the worksheet's name ("" for CSV)
    number: int  # as Excel or a text editor numbers it
    entry: dict | None  # the bank entry (id only when the row gives one); None if bad
    problems: list[str]

    @property
    def place(self) -> str:
        """The row as messages name it: "row 5", or "row 5 of sheet 多选题"."""
        return row_place(self.number, self.sheet)


@dataclass(frozen=True)
class Sheet:
    path: str
    encoding: str  # as read_tables names it
    headers: tuple[tuple[str, int], ...]  # each table's sheet and header row
    rows: list[SheetRow]  # in file order, sheet by sheet
    ignored: tuple[str, ...]  # headings of columns not imported (序号, 分值 …)
    hidden: tuple[str, ...] = ()  # the rows with a question that Excel hides, left out
    # The headed columns Excel hides, left out: "column F (备注)", "… of sheet 多选题"
    hidden_columns: tuple[str, ...] = ()


@dataclass
class Plan:
    """What an import does to a bank; ``text`` is None when nothing is written."""

    text: str | None = None
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # "FILE:row N: …", in row order
    bad_rows: list[int] = field(default_factory=list)  # the problems' rows (Sheet.rows index)
    next_id: int = 1


def read_sheet(path: Path, defaults: Defaults) -> Sheet:
    """Read ``path`` (.csv, or each sheet of an .xlsx with a header row) into rows; raise
    TableError when the file cannot be read or a sheet lacks a column every question
    needs."""
    tables = read_tables(path, [name for field in REQUIRED for name in COLUMNS[field]])
    rows, ignored, hidden = [], [], []
    for table in tables:
        ignored += [column for column in _read_table(table, defaults, rows, hidden)
                    if column not in ignored]
    hidden_columns = tuple(f"column {letter} ({heading})" + (f" of sheet {table.sheet}"
                                                             if table.sheet else "")
                           for table in tables for letter, heading in table.hidden_columns.values())
    if not rows:
        raise TableError(path, "no questions under the header row", tables[0].header_row,
                         tables[0].sheet)
    return Sheet(str(path), tables[0].encoding,
                 tuple((table.sheet, table.header_row) for table in tables), rows,
                 tuple(ignored), tuple(hidden), hidden_columns)


def _read_table(table: Table, defaults: Defaults, rows: list[SheetRow],
                hidden: list[str]) -> list[str]:
    """Add the table's rows to ``rows``, and the places of its hidden rows with a question to
    ``hidden``; return the headings of the columns not imported."""
    # A workbook keeps each type on its own sheet (单选题, 多选题 …), often with no 题型 column
    try:
        defaults = replace(defaults, type=parse_type(table.sheet)) if table.sheet else defaults
    except NotationError:
        pass
    columns: dict[str, str] = {}
    for field_name, names in COLUMNS.items():
        found = table.column(names)
        # Only a hidden column for it, with something in it (an ID column hidden while
        # editing): left out, every question would be new; read, it was not set aside
        kept = any(normalise_header(name) in table.filled_hidden for name in names)
        if found:
            columns[field_name] = found
        elif kept or (field_name in REQUIRED and not (field_name == "type" and defaults.type)):
            named = " (or name the sheet 单选题, 多选题, 判断题 or 填空题)" if (
                field_name == "type" and table.sheet and not kept) else ""
            raise TableError(table.path, table.missing(names) + named, table.header_row,
                             table.sheet)
    extra = [column for column in table.columns if _EXTRA_OPTION.match(column)]
    for row in table.rows:
        entry, problems = read_row(row.cells, columns, defaults)
        problems += [f"选项{column[2:].upper()} is filled in, but a question has at most "
                     "eight options (选项A–选项H)"
                     for column in extra if row.cells.get(column)]
        # Its cells read empty: what the row lacks ("no 答案") would mislead
        unsaved = {COLUMNS[field_name][0]: row.unsaved[column]
                   for field_name, column in columns.items() if column in row.unsaved}
        if unsaved:
            entry, problems = None, [unsaved_formulas(unsaved)]
        if entry is None and not problems:
            continue
        # Rows hidden in Excel, or filtered out, are set aside as hidden sheets are
        if row.hidden:
            hidden.append(row_place(row.number, table.sheet))
            continue
        problems += [f"the {column} cell is one merged cell over several questions "
                     f"({row.merged[column]}), so they would share one {column}; unmerge it "
                     "(Excel: 开始 → 合并后居中 → 取消单元格合并) and fill in each row's own"
                     for field_name, column in columns.items()
                     if field_name in _OWN_FIELDS and column in row.merged]
        rows.append(SheetRow(table.sheet, row.number, None if problems else entry, problems))
    used = set(columns.values())
    return [column for column in table.columns if column not in used and column not in extra]


class Bank:
    """One bank file as it stands: its text, its questions, its sequence."""

    def __init__(self, quizzes_dir: Path, shown_dir: str, name: str,
                 lessons: Collection[str]):
        self.name, self.shown_dir, self.lessons = name, shown_dir, lessons
        self.path = quizzes_dir / "banks" / f"{name}.yml"
        self.shown = f"{shown_dir}/banks/{name}.yml"
        try:
            self.text = self.path.read_bytes().decode("utf-8-sig") if self.path.exists() else ""
        except UnicodeDecodeError:
            raise BankError([ContentProblem(self.shown, None, "the file is not UTF-8 text",
                                            "save it as UTF-8")]) from None
        self.data: LineDict | None = None
        self.questions: dict[str, Question] = {}
        if self.text.strip():
            self._read()

    @property
    def sequence(self) -> int:
        """The stored ``next_id`` (1 for a new bank)."""
        return self.data.get(SEQUENCE_KEY, 1) if self.data else 1

    def validate(self, text: str):
        """Return the loader's Library for ``text`` as this bank (alone, so other banks'
        problems do not count)."""
        try:
            with tempfile.TemporaryDirectory() as folder:
                banks = Path(folder) / "banks"
                banks.mkdir()
                (banks / self.path.name).write_text(text, encoding="utf-8")
                return load_library(Path(folder), self.shown_dir, self.lessons)
        except OSError as error:
            # The system's temporary folder full, or gone (TMPDIR set to a missing folder)
            where = f" '{tempfile.tempdir}'" if tempfile.tempdir else ""
            raise NoScratchFolder(f"cannot check the bank in the temporary folder{where}: "
                                  f"{error.strerror or error}; free space there, or set TMPDIR "
                                  "to a folder you can write to") from None

    def compose(self, replaced: dict[str, dict], added: list[dict], next_id: int) -> str:
        """Return the bank's text with ``replaced`` entries swapped in, ``added`` ones
        appended and the sequence at ``next_id``; raise BankError if the result does not
        read back as exactly that."""
        if not self.data:
            text = (f"# 题库 {self.name}：由 qinglian import questions 导入。\n"
                    + SEQUENCE_NOTE + f"{SEQUENCE_KEY}: {next_id}\nquestions:\n"
                    + "\n".join("".join(_render(entry, 2)) for entry in added))
            expected = {SEQUENCE_KEY: next_id, "questions": added}
        else:
            text = self._edit(replaced, added, next_id)
            entries = [replaced.get(str(entry["id"]), entry) for entry in self.data["questions"]]
            expected = {**self.data, SEQUENCE_KEY: next_id, "questions": entries + added}
        try:
            same = yaml.load(text, Loader=_LOADER) == expected
        except yaml.YAMLError:
            same = False
        if not same:
            raise BankError([ContentProblem(
                self.shown, None, "the bank's layout is unusual, so the questions cannot be "
                "added to it safely", "import into a new bank (another --bank NAME)")])
        return text

    def _read(self) -> None:
        try:
            self.data = load_yaml(self.text, self.shown)
        except ContentError as error:
            raise BankError(error.problems) from None
        library = self.validate(self.text)
        if library.problems:
            raise BankError(library.problems)
        self.questions = library.questions
        sequence = self.data.get(SEQUENCE_KEY, 1)
        if isinstance(sequence, bool) or not isinstance(sequence, int) or sequence < 1:
            raise BankError([ContentProblem(
                self.shown, self.data.line_of(SEQUENCE_KEY),
                f"'{SEQUENCE_KEY}' is {sequence!r}, not a whole number of 1 or more",
                f"set it above the highest number in this bank's {self.name}-NNN ids")])
        lines = self.text.splitlines()
        entries = self.data["questions"]
        last_key = max(self.data.key_lines, key=self.data.key_lines.get)
        if (not isinstance(entries, LineList) or last_key != "questions"
                or not re.match(r"\s*- ", lines[entries.item_lines[0] - 1])):
            raise BankError([ContentProblem(
                self.shown, self.data.line_of("questions"),
                "'questions' must be the last key, with one '- id: …' item per question",
                "move 'questions:' to the end of the file, or import into a new bank")])

    def _edit(self, replaced: dict[str, dict], added: list[dict], next_id: int) -> str:
        lines = self.text.splitlines(keepends=True)
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
        entries = self.data["questions"]
        starts = [line - 1 for line in entries.item_lines] + [len(lines)]
        indent = len(lines[starts[0]]) - len(lines[starts[0]].lstrip())
        # Bottom up, so the line numbers above stay true
        lines += [line for entry in added for line in ["\n", *_render(entry, indent)]]
        for index in reversed(range(len(entries))):
            entry_id = str(entries[index]["id"])
            if entry_id in replaced:
                end = starts[index + 1]
                # The comments and blank lines before the next entry belong to it
                while end > starts[index] + 1 and (not lines[end - 1].strip()
                                                   or lines[end - 1].lstrip().startswith("#")):
                    end -= 1
                lines[starts[index]:end] = _render(replaced[entry_id], indent)
        if SEQUENCE_KEY in self.data:
            lines[self.data.line_of(SEQUENCE_KEY) - 1] = f"{SEQUENCE_KEY}: {next_id}\n"
        else:
            at = self.data.line_of("questions") - 1
            lines[at:at] = [SEQUENCE_NOTE, f"{SEQUENCE_KEY}: {next_id}\n"]
        return "".join(lines)


def ids_in_banks(quizzes_dir: Path, shown_dir: str, but: str) -> dict[str, str]:
    """Return every question id written in the banks other than ``but``, with its
    ``file:line`` (banks that do not parse are left to ``qinglian check``)."""
    ids = {}
    for path in sorted((quizzes_dir / "banks").glob("*.yml")):
        if path.stem == but:
            continue
        shown = f"{shown_dir}/banks/{path.name}"
        try:
            data = load_yaml(path.read_bytes().decode("utf-8-sig"), shown)
        except (ContentError, UnicodeDecodeError):
            continue
        entries = data.get("questions") if isinstance(data, LineDict) else None
        for entry, line in zip(entries or [], getattr(entries, "item_lines", [])):
            if isinstance(entry, dict) and entry.get("id") is not None:
                ids.setdefault(str(entry["id"]), f"{shown}:{line}")
    return ids


def plan_import(sheet: Sheet, bank: Bank, other_ids: dict[str, str], *, replace: bool,
                skip_bad: bool) -> Plan:
    """Work out the bank's new text from the sheet's rows.

    Every row's problems are collected, the loader's own checks included; with
    ``skip_bad`` the bad rows are left out (and listed in ``problems``), otherwise
    any problem leaves ``text`` None.
    """
    bad = {index: row.problems for index, row in enumerate(sheet.rows) if row.problems}
    while True:
        rows = {index: row for index, row in enumerate(sheet.rows) if index not in bad}
        plan, found, entries, rows_of = _arrange(rows, bank, other_ids, replace)
        if plan.added or plan.replaced:
            plan.text = bank.compose({entry_id: entries[entry_id] for entry_id in plan.replaced},
                                     [entries[entry_id] for entry_id in plan.added],
                                     plan.next_id)
            found.update(_loader_problems(bank, plan.text, rows_of))
        if not found:
            break
        bad.update(found)
        if not skip_bad:
            plan.text = None
            break
    plan.bad_rows = sorted(bad)
    plan.problems = [str(TableError(sheet.path, message, sheet.rows[index].number,
                                    sheet.rows[index].sheet))
                     for index in plan.bad_rows for message in bad[index]]
    return plan


def entry_of(question: Question) -> dict:
    """Return ``question`` as the bank entry that describes it, in canonical form."""
    if question.type == "single":
        answer = LETTERS[question.answer[0]]
    elif question.type == "multiple":
        answer = [LETTERS[index] for index in question.answer]
    elif question.type == "true_false":
        answer = question.answer[0]
    else:
        answer = list(question.answer)
    entry = {"id": question.id, "type": question.type, "stem": question.stem}
    if question.options:
        entry["options"] = list(question.options)
    entry.update(answer=answer, explanation=question.explanation,
                 standards=list(question.standards), difficulty=question.difficulty)
    if question.lesson:
        entry["lesson"] = question.lesson
    return entry


def write_bank(bank: Bank, text: str) -> None:
    """Replace the bank file with ``text`` in one step (never half-written)."""
    write_whole(bank.path, text.encode("utf-8"))


# -----------------------------------------------------------------------------


def _arrange(rows: dict[int, SheetRow], bank: Bank, other_ids: dict[str, str],
             replace: bool):
    """Give each row (by its index in Sheet.rows) its id and say what becomes of it; return
    the plan, the rows' id problems by index, the entries by id and the row index of each
    id."""
    plan, found, entries, seen = Plan(), {}, {}, {}
    given = {row.entry["id"] for row in rows.values() if "id" in row.entry}
    numbered = re.compile(rf"^{re.escape(bank.name)}-(\d+)$")
    highest = max((int(match[1]) for entry_id in [*bank.questions, *given]
                   for match in [numbered.match(entry_id)] if match), default=0)
    plan.next_id = max(bank.sequence, highest + 1)
    taken = set(other_ids) | set(bank.questions) | given
    for index, row in rows.items():
        entry_id = row.entry.get("id")
        if entry_id is None:
            while f"{bank.name}-{plan.next_id:03d}" in taken:
                plan.next_id += 1
            entry_id = f"{bank.name}-{plan.next_id:03d}"
            plan.next_id += 1
            plan.added.append(entry_id)
        elif entry_id in seen:
            found[index] = [f"ID {entry_id} is also on {rows[seen[entry_id]].place}; give "
                            "each row its own ID, or clear it to have one made"]
            continue
        elif entry_id in other_ids:
            found[index] = [f"ID {entry_id} is already used in {other_ids[entry_id]}; ids "
                            "are unique across all banks, so clear it to have one made"]
            continue
        elif entry_id in bank.questions:
            entry = {"id": entry_id, **row.entry}
            if entry == entry_of(bank.questions[entry_id]):
                plan.unchanged.append(entry_id)
            elif replace:
                plan.replaced.append(entry_id)
            else:
                found[index] = [
                    f"ID {entry_id} is already in {bank.questions[entry_id].where} with other "
                    "content; give --replace to update that question, or clear the ID to add "
                    "the row as a new question"]
                continue
        else:
            plan.added.append(entry_id)
        seen[entry_id] = index
        entries[entry_id] = {"id": entry_id, **{k: v for k, v in row.entry.items() if k != "id"}}
    return plan, found, entries, seen


def _loader_problems(bank: Bank, text: str, rows_of: dict[str, int]) -> dict[int, list[str]]:
    """Return the loader's problems with the new text, by the row (index) they come from."""
    problems = bank.validate(text).problems
    if not problems:
        return {}
    entries = load_yaml(text, bank.shown)["questions"]
    found: dict[int, list[str]] = {}
    for problem in problems:
        index = bisect_right(entries.item_lines, problem.line or 0) - 1
        row = rows_of.get(str(entries[index].get("id"))) if index >= 0 else None
        if row is None:  # not a row's doing: the bank would be broken
            raise BankError([problem])
        message = f"{problem.message} — {problem.fix}" if problem.fix else problem.message
        found.setdefault(row, []).append(message)
    return found


def _render(entry: dict, indent: int) -> list[str]:
    """Return ``entry`` as the lines of a block-style list item, as banks are written."""
    pad = " " * indent
    lines = []
    for key, value in entry.items():
        start = f"{pad}- " if not lines else f"{pad}  "
        if key == "options":
            lines.append(f"{start}options:\n")
            lines += [f"{pad}    - {_scalar(option)}\n" for option in value]
        elif isinstance(value, list):
            flow = yaml.dump(value, Dumper=_DUMPER, allow_unicode=True, default_flow_style=True,
                             width=1 << 30)
            lines.append(f"{start}{key}: {flow.strip()}\n")
        else:
            lines.append(f"{start}{key}: {_scalar(value)}\n")
    return lines


def _scalar(value) -> str:
    # Multi-line text goes double-quoted on one line, so the entry's indentation holds
    style = '"' if isinstance(value, str) and "\n" in value else None
    text = yaml.dump(value, Dumper=_DUMPER, allow_unicode=True, default_style=style,
                     width=1 << 30)
    return text.removesuffix("\n...\n").strip()
