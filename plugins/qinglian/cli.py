"""The ``qinglian`` command: one front door for trainers' and admins' tools."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__
from .collector.cli import register as register_collector
from .collector.report_cli import register as register_report
from .pledge.cli import register as register_pledge
from .scaffold import TEMPLATES


def main(argv: list[str] | None = None) -> int:
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
    register_collector(commands)
    register_pledge(commands)
    register_report(commands)

    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    return args.run(args)


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
