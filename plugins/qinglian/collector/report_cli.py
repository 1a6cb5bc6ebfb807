"""``qinglian report``: the roster report and the dashboard's data, from the command line."""

from __future__ import annotations

import argparse
import re
import sys
from contextlib import suppress
from pathlib import Path

from .errors import SetupError


def register(commands: argparse._SubParsersAction) -> None:
    """Add the ``report`` command to the ``qinglian`` command."""
    report = commands.add_parser(
        "report", help="report who has signed the current pledges and passed onboarding",
        description="Match the records (corrections applied) to a staff roster and write, into "
                    "--out: report.csv and unmatched.csv (UTF-8 for Excel), index.html and a "
                    "printable page per department under departments/, dashboard.json "
                    "(counts only) for the site's dashboard page, and each onboarding route's "
                    "files under routes/<route id>/. Exits 2 when an input cannot be read.",
    )
    source = report.add_mutually_exclusive_group(required=True)
    source.add_argument("--db", metavar="DB",
                        help="the collector's database: an SQLite file or a postgresql:// URL")
    source.add_argument("--export", type=Path, metavar="FILE",
                        help="records downloaded from the collector (GET /api/v1/records), "
                             "or a JSON list of records")
    report.add_argument("--roster", required=True, type=Path, metavar="FILE",
                        help="the staff roster, .csv (UTF-8 or GBK) or .xlsx, with columns "
                             "工号, 姓名 and 科室")
    report.add_argument("--manifest", required=True, type=Path, metavar="FILE",
                        help="the built site's qinglian-manifest.json: the current pledge versions")
    report.add_argument("--out", required=True, type=Path, metavar="DIR",
                        help="folder to write the report into (made if missing)")
    report.add_argument("--site", metavar="ID",
                        help="the site whose records to report (default: the manifest's site)")
    report.set_defaults(run=_run_report)


def _run_report(args) -> int:
    from ..common.errors import cannot_write
    from ..common.tables import span
    from .manifest import Manifests
    from .report import ONBOARDING_QUIZ, build_report, read_published, read_roster, write_report
    from .route_report import route_statuses, write_route_report

    try:
        published_at = _published_folder(args.out)
        if published_at:
            raise SetupError(f"'{args.out}' is in {published_at}, which the site publishes: the "
                             "report's names and 工号 would be on the intranet for all to read; "
                             "write it outside the site, and copy only its dashboard.json into "
                             "the site (as content/dashboard/data.json)")
        published = read_published(args.manifest)
        if args.site and args.site != published.site:
            raise SetupError(f"manifest '{args.manifest}' is for site '{published.site}', not "
                             f"'{args.site}'; give the manifest of site '{args.site}'")
        # Checked whole before anything is written: a route's id names its folder
        site = Manifests.load([args.manifest]).sites[published.site]
        roster = read_roster(args.roster)
        records = records_from(args.db, args.export, published.site,
                               quizzes={ONBOARDING_QUIZ, *site.route_quizzes})
        report = build_report(records, roster, published)
        written = write_report(report, args.out, language=published.language)
        # Each route the site names: every person's steps, for the HR files
        for path in site.paths:
            written += write_route_report(route_statuses(records, roster, site, path), site,
                                          path, args.out, language=site.language)
    except SetupError as error:
        print(f"qinglian report: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"qinglian report: {cannot_write(args.out, error)}", file=sys.stderr)
        return 2
    if roster.hidden:
        print(f"Left out {len(roster.hidden)} roster row(s) hidden in Excel, or filtered out "
              f"({span(list(roster.hidden))}); to count them, show them (取消隐藏, or 清除筛选).")
    if roster.foreign:
        print(f"{len(roster.foreign)} roster 工号 hold more than the letters, digits and hyphens "
              f"of a 工号 staff can type ({span(list(roster.foreign))}): no record matches "
              "them, so they show as not signed; check them with HR.")
    total = report.counts()
    sheets = f", sheets {'、'.join(roster.sheets)}" if roster.sheets else ""
    print(f"{total.staff} staff in {len(report.departments)} departments (roster read as "
          f"{roster.encoding}{sheets}): {total.pledge_signed} signed every current pledge, "
          f"{total.onboarding_passed} passed onboarding, {len(report.unmatched)} records match "
          f"no roster entry; {len(written)} files written to {args.out}")
    return 0


def _published_folder(out: Path) -> Path | None:
    """Return the pages folder (docs_dir) or built site (site_dir) of the MkDocs site
    that ``out`` would be in, or None. Read from mkdocs*.yml's text: its tags
    (!!python/name:…) need MkDocs's loader, and only these two keys count."""
    out = out.resolve()
    for project in out.parents:
        for config in project.glob("mkdocs*.yml"):
            with suppress(OSError):
                text = config.read_text(encoding="utf-8", errors="replace")
                for key, default in (("docs_dir", "docs"), ("site_dir", "site")):
                    given = re.search(rf"^{key}:[ \t]*['\"]?([^'\"#\n]*?)['\"]?[ \t]*(#.*)?$",
                                      text, re.MULTILINE)
                    folder = (project / (given[1] if given else default)).resolve()
                    if out == folder or folder in out.parents:
                        return folder
    return None


def records_from(db: str | None, export: Path | None, site: str | None,
                 quizzes: set[str] | None = None) -> list:
    """Return the records (of ``site``, if given; of the attempts, only those of
    ``quizzes``, if given) with corrections applied: from the database ``db``, or from
    the ``export`` file (the collector corrected it as it wrote it). Raises SetupError
    when neither can be read.

    Practice quizzes' attempts, with their answers, are most of a year's records and
    no report reads them: a large hospital's report took 1.3 GB with them."""
    from .corrections import apply
    from .importer import RecordsFile
    from .manifest import of_quizzes
    from .store import StoredRecord, open_existing_store

    def wanted(record: dict) -> bool:
        return quizzes is None or of_quizzes(record, quizzes)

    if export is not None:
        records = []  # only those wanted, as the file streams past: a year's is 1.3 GB whole
        for number, entry in enumerate(RecordsFile(export), start=1):
            wrapped = isinstance(entry, dict) and "record" in entry
            record = entry["record"] if wrapped else entry
            wrong = "record" if not isinstance(record, dict) else _misshapen_field(record)
            if wrong:
                raise SetupError(f"'{export}': entry {number} is not a record ({wrong} is not as "
                                 "the collector stores it); give the file the collector or the "
                                 "site wrote, unedited")
            if (site is None or record.get("site") == site) and wanted(record):
                records.append(StoredRecord(record=record,
                                            received=str(entry.get("received", "")) if wrapped else "",
                                            client_ip=None, user_agent=None))
        return records
    store = open_existing_store(db)
    try:
        kept = (stored for stored in store.stream(site=site) if wanted(stored.record))
        return list(apply(kept, store.corrections()))
    finally:
        store.close()


def _misshapen_field(record: dict) -> str | None:
    """Name the first field of ``record`` that the reports read and that is not of the
    kind the collector stores (text, a number, true/false), or None.

    Not the whole schema: redacted records (（已删除）) no longer match it.
    """
    for key in ("id", "site", "kind", "created"):
        if not isinstance(record.get(key), str):
            return key
    for part in ("person", record["kind"]):
        fields = record.get(part)
        if not isinstance(fields, dict):
            return part
        # An attempt's answers and its counts per standard are the only nested fields
        nested = [name for name, value in fields.items() if isinstance(value, (dict, list))
                  and (part, name) not in (("attempt", "answers"), ("attempt", "by_standard"))]
        if nested:
            return f"{part}.{nested[0]}"
    return None
