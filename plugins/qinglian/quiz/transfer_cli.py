"""``qinglian import questions`` and ``qinglian export questions``: banks to and from
Excel, CSV, QTI 2.1 and Moodle XML."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from ..common.errors import device_name, device_named, undevice_name
from ..common.pages import docs_files
from .exporter import FORMATS
from .sheet import NotationError, parse_difficulty, parse_standards

BANK_NAME = re.compile(r"^[a-z0-9-]+$")
# The file each export format writes, by extension
EXTENSIONS = {".xlsx": "xlsx", ".csv": "csv", ".zip": "qti", ".xml": "moodle"}


def register(commands: argparse._SubParsersAction) -> None:
    """Add the ``import`` and ``export`` commands to the ``qinglian`` command."""
    importing = commands.add_parser("import", help="add questions to a bank from Excel or CSV")
    actions = importing.add_subparsers(dest="what", metavar="WHAT", required=True)
    questions = actions.add_parser(
        "questions", help="add the questions of a sheet (.xlsx or .csv) to a bank",
        description="Read one question per row (题型, 题干, 选项A … 选项H, 答案, 解析, 准则, "
                    "难度; the names exam platforms use work too) and add them to "
                    "quizzes/banks/NAME.yml, made if missing. New questions get ids NAME-001, "
                    "NAME-002 … from the bank's next_id. Nothing is written unless every row "
                    "is good (with --skip-bad, the good rows are). Exits 1 when the file "
                    "or, without --skip-bad, a row has a problem; 2 when the command "
                    "cannot run.")
    questions.add_argument("file", type=Path, metavar="FILE",
                           help="the sheet: .xlsx (each visible worksheet with a header "
                                "row) or .csv (UTF-8 or GBK)")
    questions.add_argument("--bank", required=True, type=_bank_name, metavar="NAME",
                           help="the bank's file name without .yml, e.g. hygiene-2026")
    questions.add_argument("--standard", type=_standards, metavar="N",
                           help="the standard(s) for rows without 准则, e.g. 3 or 1,3")
    questions.add_argument("--difficulty", type=_difficulty, metavar="D",
                           help="the difficulty for rows without 难度: 容易/中等/较难 "
                                "(or easy/medium/hard)")
    questions.add_argument("--replace", action="store_true",
                           help="let rows whose ID is in the bank update those questions")
    questions.add_argument("--skip-bad", action="store_true",
                           help="import the good rows and list the bad ones, instead of "
                                "importing nothing")
    questions.add_argument("-f", "--config-file", default="mkdocs.yml", type=Path,
                           help="the site's MkDocs configuration (default: mkdocs.yml)")
    questions.set_defaults(run=_run_import)

    exporting = commands.add_parser("export", help="write a bank for Excel or an LMS")
    actions = exporting.add_subparsers(dest="what", metavar="WHAT", required=True)
    questions = actions.add_parser(
        "questions", help="write a bank's questions as xlsx, csv, QTI 2.1 or Moodle XML",
        description="xlsx/csv: our sheet layout with an ID column, which imports back "
                    "unchanged; qti: a QTI 2.1 package (zip: imsmanifest.xml and one "
                    "assessmentItem per question); moodle: Moodle XML for the question bank.")
    questions.add_argument("--format", required=True, choices=FORMATS)
    questions.add_argument("--bank", required=True, type=_bank_name, metavar="NAME",
                           help="the bank's file name without .yml")
    questions.add_argument("-o", "--output", required=True, type=Path, metavar="FILE",
                           help="the file to write (replaced if it exists)")
    questions.add_argument("-f", "--config-file", default="mkdocs.yml", type=Path,
                           help="the site's MkDocs configuration (default: mkdocs.yml)")
    questions.set_defaults(run=_run_export)


@dataclass(frozen=True)
class QuizSite:
    quizzes_dir: Path
    shown_dir: str  # as messages name it, e.g. "quizzes"
    lessons: Collection[str]  # the content folder's files (see docs_files)
    language: str  # the site's, for pages the tools write


class CannotRun(Exception):
    pass


def _run_import(args) -> int:
    from ..common.errors import cannot_write
    from ..common.tables import TableError, row_place, span
    from .importer import (Bank, BankError, NoScratchFolder, ids_in_banks, plan_import,
                           read_sheet, write_bank)
    from .sheet import Defaults

    try:
        site = quiz_site(args.config_file)
        bank = Bank(site.quizzes_dir, site.shown_dir, args.bank, site.lessons)
        sheet = read_sheet(args.file, Defaults(args.standard, args.difficulty))
        plan = plan_import(sheet, bank, ids_in_banks(site.quizzes_dir, site.shown_dir, args.bank),
                           replace=args.replace, skip_bad=args.skip_bad)
    except CannotRun as error:
        print(f"qinglian import questions: {error}", file=sys.stderr)
        return 2
    except BankError as error:
        print(error, file=sys.stderr)
        print("Nothing was imported.", file=sys.stderr)
        return 2
    except NoScratchFolder as error:
        print(f"qinglian import questions: {error}", file=sys.stderr)
        print("Nothing was imported.", file=sys.stderr)
        return 2
    except TableError as error:
        print(error, file=sys.stderr)
        return 1
    ignored = f"; not imported: {'、'.join(sheet.ignored)}" if sheet.ignored else ""
    headers = ", ".join(row_place(row, name) for name, row in sheet.headers)
    print(f"Read {args.file} ({sheet.encoding}, header on {headers}{ignored}).")
    if sheet.hidden:
        print(f"Left out {len(sheet.hidden)} row(s) hidden in Excel, or filtered out "
              f"({span(list(sheet.hidden))}); to import them, show them (取消隐藏, or 清除筛选) "
              "and import those rows.")
    if sheet.hidden_columns:
        print(f"Left out {len(sheet.hidden_columns)} column(s) hidden in Excel "
              f"({', '.join(sheet.hidden_columns)}).")
    for problem in plan.problems:
        print(problem, file=sys.stderr)
    if plan.problems and not args.skip_bad:
        print(f"Nothing was imported: {len(plan.problems)} problem(s) in the rows above. Fix "
              "them, or give --skip-bad to import the other rows.", file=sys.stderr)
        return 1
    if plan.text is not None:
        try:
            write_bank(bank, plan.text)
        except OSError as error:
            print(f"qinglian import questions: {cannot_write(bank.path, error)}", file=sys.stderr)
            print("Nothing was imported.", file=sys.stderr)
            return 2
    for done, ids in (("added", plan.added), ("replaced", plan.replaced),
                      ("left unchanged", plan.unchanged)):
        if ids:
            print(f"{bank.shown}: {done} {len(ids)} question(s) ({span(ids)})")
    if plan.bad_rows:
        print(f"Skipped {len(plan.bad_rows)} row(s) with problems (listed above).",
              file=sys.stderr)
    if plan.text is None:
        print(f"Nothing to write: {bank.shown} already holds every row.")
    else:
        print(f"Next new id: {args.bank}-{plan.next_id:03d}.")
    return 0


def _run_export(args) -> int:
    from ..common.errors import cannot_write
    from ..common.writes import write_whole
    from .exporter import csv_bytes, moodle_xml, qti_package, xlsx_bytes
    from .loader import load_library
    from .preview import bank_questions

    try:
        # A sheet named .csv that is xlsx inside opens in Excel as garbage
        named = EXTENSIONS.get(args.output.suffix.lower(), args.format)
        if named != args.format:
            written = {fmt: suffix for suffix, fmt in EXTENSIONS.items()}[args.format]
            raise CannotRun(f"-o '{args.output}' names a {args.output.suffix} file, but --format "
                            f"{args.format} writes {written}; name it "
                            f"'{args.output.with_suffix(written)}', or give --format {named}")
        site = quiz_site(args.config_file)
        path = site.quizzes_dir / "banks" / f"{args.bank}.yml"
        if not path.is_file():
            banks = ", ".join(sorted(p.stem for p in path.parent.glob("*.yml")))
            raise CannotRun(f"there is no bank '{args.bank}' in {path.parent} "
                             f"(banks: {banks or 'none'})")
    except CannotRun as error:
        print(f"qinglian export questions: {error}", file=sys.stderr)
        return 2
    library = load_library(site.quizzes_dir, site.shown_dir, site.lessons)
    shown = f"{site.shown_dir}/banks/{args.bank}.yml"
    problems = [problem for problem in library.problems if problem.path == shown]
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"Nothing was exported: fix {shown} first.", file=sys.stderr)
        return 1
    questions = bank_questions(library.questions, args.bank)
    try:
        data = {"xlsx": lambda: xlsx_bytes(questions), "csv": lambda: csv_bytes(questions),
                "qti": lambda: qti_package(questions, args.bank),
                "moodle": lambda: moodle_xml(questions)}[args.format]()
    except NotationError as error:
        print(f"qinglian export questions: {error}", file=sys.stderr)
        return 1
    try:
        write_whole(args.output, data)
    except OSError as error:
        print(f"qinglian export questions: {cannot_write(args.output, error)}", file=sys.stderr)
        return 2
    print(f"Wrote {len(questions)} question(s) of {shown} to {args.output} ({args.format}).")
    return 0


# -----------------------------------------------------------------------------


def quiz_site(config_file: Path) -> QuizSite:
    """Return where the site keeps its banks and lessons; raise CannotRun if it cannot
    be read or has no quiz plugin."""
    from ..check import load_site

    try:
        config, problems = load_site(config_file)
    except FileNotFoundError as error:
        raise CannotRun(str(error)) from None
    plugin = config and config.plugins.get("qinglian/quiz")
    if plugin is None:
        raise CannotRun("\n".join(problems) or "the site does not use the qinglian/quiz plugin")
    return QuizSite(Path(config.config_file_path).parent / plugin.config.quizzes_dir,
                    plugin.config.quizzes_dir, docs_files(Path(config.docs_dir)),
                    config.theme.get("language", "zh"))


def _bank_name(text: str) -> str:
    name = text.removesuffix(".yml")
    if not BANK_NAME.fullmatch(name):
        raise argparse.ArgumentTypeError(f"'{text}' may hold only a-z, 0-9 and - (the bank's "
                                         "file name without .yml, e.g. hygiene-2026)")
    if device_name(name):
        raise argparse.ArgumentTypeError(f"{device_named(name, 'a bank file so named')}; "
                                         f"choose another, e.g. {undevice_name(name)}")
    return name


def _standards(text: str) -> tuple[int, ...]:
    try:
        return parse_standards(text, "--standard")
    except NotationError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _difficulty(text: str) -> str:
    try:
        return parse_difficulty(text)
    except NotationError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
