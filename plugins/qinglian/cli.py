"""The ``qinglian`` command: one front door for trainers' and admins' tools."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import __version__
from .collector.cli import register as register_collector
from .collector.report_cli import register as register_report
from .pledge.cli import register as register_pledge
from .quiz.transfer_cli import register as register_transfer
from .scaffold import TEMPLATES


def main(argv: list[str] | None = None) -> int:
    # A console that cannot show a character (a GBK console on Chinese Windows: an
    # emoji or a rare character of a name) shows it as \U0001f600 instead of stopping
    # the command half-way with a traceback
    for stream in (sys.stdout, sys.stderr):
        stream.reconfigure(errors="backslashreplace")
    parser = argparse.ArgumentParser(
        prog="qinglian",
        description="Tools for Qinglian integrity-training sites (清廉医院学习平台).",
    )
    parser.add_argument("--version", action="version", version=f"qinglian {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser(
        "check", help="validate the site's content without building it",
        description="Run every validation of every Qinglian plugin and list all problems "
                    "as file:line: message. Exits 1 when there is any.",
    )
    check.add_argument("-f", "--config-file", default="mkdocs.yml", type=Path,
                       help="the site's MkDocs configuration (default: mkdocs.yml)")
    check.set_defaults(run=_run_check)

    new = commands.add_parser(
        "new", help="start a new lesson, case, exhibit, bank, pledge or risk file",
        description="Create a file with every front-matter key and section heading the "
                    "checks expect, placeholders in 【】. Never overwrites a file.")
    new.add_argument("kind", choices=sorted(TEMPLATES), help="what to start")
    new.add_argument("name", help="file name without extension: a-z, 0-9 and hyphens")
    new.add_argument("-f", "--config-file", default="mkdocs.yml", type=Path,
                     help="the site's MkDocs configuration (default: mkdocs.yml)")
    new.set_defaults(run=_run_new)

    preview = commands.add_parser(
        "preview", help="write a trainer's review page of a question bank",
        description="Write an HTML page with every question of a bank, its answer and "
                    "explanation, grouped by standard and difficulty, with counts. It shows "
                    "the answers: it is written outside the site, never published.")
    preview.add_argument("what", choices=["bank"], help="what to preview")
    preview.add_argument("name", help="the bank's file name without .yml, e.g. standards-1-3")
    preview.add_argument("-o", "--output", type=Path, metavar="FILE",
                         help="where to write it (default: preview/bank-NAME.html)")
    preview.add_argument("-f", "--config-file", default="mkdocs.yml", type=Path,
                         help="the site's MkDocs configuration (default: mkdocs.yml)")
    preview.set_defaults(run=_run_preview)
    register_collector(commands)
    register_pledge(commands)
    register_report(commands)
    register_transfer(commands)

    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        code = args.run(args)
        sys.stdout.flush()  # so that a reader gone shows here, not as Python exits
        return code
    except BrokenPipeError:
        # The reader stopped reading (qinglian check | head): not a fault of ours; what
        # is still buffered goes nowhere rather than fail again at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        print(f"qinglian {args.command}: stopped by Ctrl+C", file=sys.stderr)
        return 130  # as a shell reports a command that SIGINT ended


def _run_new(args) -> int:
    from .check import load_site
    from .scaffold import ScaffoldError, create

    try:
        config, problems = load_site(args.config_file)
    except FileNotFoundError as error:
        print(f"qinglian new: {error}", file=sys.stderr)
        return 2
    if config is None:
        print("\n".join(problems), file=sys.stderr)
        return 2
    quiz = config.plugins.get("qinglian/quiz")
    quizzes_dir = args.config_file.resolve().parent / (quiz.config.quizzes_dir if quiz else "quizzes")
    try:
        path, todo = create(args.kind, args.name, Path(config.docs_dir), quizzes_dir)
    except ScaffoldError as error:
        print(f"qinglian new: {error}", file=sys.stderr)
        return 1
    print(f"created {path}\nfill in: {todo}")
    return 0


def _run_preview(args) -> int:
    from .common.errors import cannot_write
    from .common.i18n import standard_label, translate
    from .common.writes import write_whole
    from .quiz.loader import load_library
    from .quiz.preview import bank_questions, render_preview
    from .quiz.transfer_cli import CannotRun, quiz_site

    try:
        site = quiz_site(args.config_file)
    except CannotRun as error:
        print(f"qinglian preview: {error}", file=sys.stderr)
        return 2
    # Looked up among the banks, never as a path: "../onboarding" (a quiz, and a
    # page written outside preview/) or a name too long for the system is none of them
    banks = sorted(path.stem for path in (site.quizzes_dir / "banks").glob("*.yml"))
    if args.name not in banks:
        print(f"qinglian preview: there is no bank '{args.name}' in {site.quizzes_dir}/banks "
              f"(banks: {', '.join(banks) or 'none'})", file=sys.stderr)
        return 2
    library = load_library(site.quizzes_dir, site.shown_dir, site.lessons)
    shown = f"{site.shown_dir}/banks/{args.name}.yml"
    bank_problems = [str(p) for p in library.problems if p.path == shown]
    language = site.language
    page = render_preview(args.name, bank_questions(library.questions, args.name), bank_problems,
                          lambda key, **values: translate(key, language, **values),
                          lambda n: standard_label(n, language), language)
    output = args.output or args.config_file.resolve().parent / "preview" / f"bank-{args.name}.html"
    try:
        write_whole(output, page.encode("utf-8"))
    except OSError as error:
        print(f"qinglian preview: {cannot_write(output, error)}", file=sys.stderr)
        return 2
    for problem in bank_problems:
        print(problem, file=sys.stderr)
    print(f"wrote {output}")
    return 1 if bank_problems else 0


def _run_check(args) -> int:
    from .check import check_site

    try:
        problems = check_site(args.config_file)
    except FileNotFoundError as error:
        print(f"qinglian check: {error}", file=sys.stderr)
        return 2
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) found.", file=sys.stderr)
        return 1
    print("No problems found.", file=sys.stderr)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
