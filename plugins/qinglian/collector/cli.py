"""``qinglian collector`` and ``qinglian records import``: the collector's command line.

Starlette and uvicorn are imported only when a command runs, so the rest of
``qinglian`` works without them.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .errors import SetupError, StoreUnavailable


def register(commands: argparse._SubParsersAction) -> None:
    """Add the collector's commands to the ``qinglian`` command."""
    collector = commands.add_parser(
        "collector", help="run the collector service that stores records",
        description="Receive records (pledges, quiz attempts, progress) from Qinglian sites and "
                    "store them in an SQLite file or a PostgreSQL database; admins read them "
                    "with a token. A --manifest file is read again when it changes: copy a "
                    "rebuilt site's manifest over it, no restart.",
    )
    collector.add_argument("--db", help=DB_HELP)
    collector.add_argument("--host", default="127.0.0.1",
                           help="address to listen on (default: 127.0.0.1; 0.0.0.0 for all)")
    collector.add_argument("--port", default=8765, type=_port, help="port (default: 8765)")
    _add_manifest_option(collector)
    collector.add_argument("--origin", action="append", default=[], metavar="URL",
                           help="a site origin whose pages may send records, e.g. "
                                "http://intranet.example:8000 (repeatable)")
    collector.add_argument("--allow-file-origin", action="store_true",
                           help="also accept records from pages opened from disk (Origin: null); "
                                "this lets any local HTML file, and any web page posting "
                                "from a sandboxed iframe, send records")
    collector.add_argument("--token-file", type=Path, metavar="FILE",
                           help="file holding the admin token for reads "
                                "(default: $QINGLIAN_ADMIN_TOKEN)")
    collector.add_argument("--trusted-proxy", action="append", default=[], metavar="ADDRESS",
                           help="a reverse proxy (IP address or network, e.g. 127.0.0.1) whose "
                                "X-Forwarded-For names the real client (repeatable)")
    collector.add_argument("--identity-header", metavar="NAME",
                           help="header in which a trusted proxy passes the single-sign-on "
                                "user (e.g. X-Remote-User); ignored from anyone else")
    collector.add_argument("--rate-limit", type=int, default=120, metavar="N",
                           help="records per minute one client address may send, after a "
                                "burst of 60 (default: 120; 0: no limit)")
    collector.add_argument("--client-timeout", type=_seconds, default=10.0, metavar="SECONDS",
                           help="seconds a client may take to send a request's line and "
                                "headers, and again to send a record (default: 10)")
    collector.set_defaults(run=_run_collector)
    _register_admin(collector.add_subparsers(dest="action", metavar="ACTION"))

    records = commands.add_parser("records", help="work with collected records",
                                  description="Work with collected records.")
    actions = records.add_subparsers(dest="action", metavar="ACTION")
    records.set_defaults(run=lambda args: records.print_help() or 2)
    load = actions.add_parser(
        "import", help="store records from files downloaded from the site",
        description="Store the records of JSON files downloaded from a Qinglian site (or "
                    "exported by a collector), by the collector's rules, with one summary "
                    "for all. Records already there are skipped. Exits 1 when any record is "
                    "rejected; 2 when a file, the manifest or the database cannot be read "
                    "(then nothing is stored), or the database fails or a file can no longer "
                    "be read part-way (what was stored stays: run the same command again).",
    )
    load.add_argument("files", nargs="+", type=Path, metavar="FILE",
                      help="a downloaded JSON file (several: e.g. /media/usb/*.json)")
    load.add_argument("--db", required=True, help=DB_HELP)
    _add_manifest_option(load)
    load.set_defaults(run=_run_import)

    verify = commands.add_parser(
        "verify", help="say what an onboarding certificate's verification code certifies",
        description="Look a certificate's code up in the collector's records (corrections "
                    "applied). Exits 0 when valid, 1 when no completed route has this code, "
                    "2 when CODE is not a code or the inputs cannot be read.")
    verify.add_argument("code", metavar="CODE", help="e.g. ABCD-EFGH-JKMN-PQRS")
    source = verify.add_mutually_exclusive_group(required=True)
    source.add_argument("--db", help=EXISTING_DB_HELP)
    source.add_argument("--export", type=Path, metavar="FILE",
                        help="records downloaded from the collector (GET /api/v1/records)")
    verify.add_argument("--manifest", action="append", required=True, type=Path, metavar="FILE",
                        help="the built site's qinglian-manifest.json (its routes; repeatable)")
    verify.set_defaults(run=_run_verify)


def _register_admin(actions) -> None:
    """The admin's commands on a collector's database: backup, restore, purge, corrections."""
    backup = actions.add_parser(
        "backup", help="copy the database consistently while the collector runs",
        description="Write a consistent copy of an SQLite database, also while records arrive "
                    "(SQLite's online backup). For PostgreSQL it says which pg_dump to run.")
    backup.add_argument("--db", required=True, help=EXISTING_DB_HELP)
    backup.add_argument("out", type=Path, metavar="OUT", help="the backup file to write (new)")
    backup.set_defaults(run=_run_backup)

    restore = actions.add_parser(
        "restore", help="put a backup back as the database",
        description="Check a backup and copy it to --db. Stop the collector first: records "
                    "that arrived after the backup was made are not in it.")
    restore.add_argument("--db", required=True, help=DB_HELP)
    restore.add_argument("backup", type=Path, metavar="BACKUP", help="a file made by backup")
    restore.add_argument("--replace", action="store_true",
                         help="replace an existing database (else restore refuses)")
    restore.set_defaults(run=_run_restore)

    purge = actions.add_parser(
        "purge", help="remove records older than the retention period",
        description="Remove the records received before a cutoff (now minus --older-than), "
                    "printing each one; the database's purge log keeps what went (ids, "
                    "kinds, dates; no personal data). Try --dry-run first.")
    purge.add_argument("--db", required=True, help=EXISTING_DB_HELP)
    purge.add_argument("--older-than", required=True, metavar="AGE", type=_age,
                       help="e.g. 3y, 18m, 400d, 10w (years, months, days, weeks)")
    purge.add_argument("--dry-run", action="store_true", help="list, remove nothing")
    purge.set_defaults(run=_run_purge)

    for name, summary in (("correct", "fix a mistyped name, 工号 or department"),
                          ("redact", "hide a person's data in every output, on their request")):
        command = actions.add_parser(
            name, help=summary,
            description=f"{summary[0].upper()}{summary[1:]}: stored as an append-only "
                        "correction (who, when, why) that exports and reports apply; the "
                        "records themselves are never edited.")
        command.add_argument("--db", required=True, help=EXISTING_DB_HELP)
        command.add_argument("--site", required=True, help="the site id the records carry")
        command.add_argument("--staff-id", required=True, metavar="ID",
                             help="the 工号 as the records carry it")
        if name == "correct":
            command.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE",
                                 dest="changes", help="name=…, staff_id=… or department=…")
        command.add_argument("--operator", required=True, help="who makes the correction")
        command.add_argument("--reason", required=True, help="why, e.g. the request's number")
        command.set_defaults(run=_run_correct, redact=name == "redact")

    listing = actions.add_parser("corrections", help="list every correction and redaction",
                                 description="List every correction and redaction, oldest first.")
    listing.add_argument("--db", required=True, help=EXISTING_DB_HELP)
    listing.set_defaults(run=_run_corrections)


def _add_manifest_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--manifest", action="append", default=[], type=Path, metavar="FILE",
                        help="a built site's qinglian-manifest.json, one per site (repeatable); "
                             "without any, records of any site and pledge text are accepted")


def _run_collector(args) -> int:
    import uvicorn

    from .app import create_app
    from .manifest import Manifests
    from .protocol import head_timeout_protocol
    from .settings import Settings, admin_token, checked_origin, checked_proxy

    try:
        if not args.db:
            raise SetupError("give the database with --db FILE or --db postgresql://…")
        settings = Settings(
            db=args.db,
            manifests=Manifests.load(args.manifest),
            origins=tuple(checked_origin(origin) for origin in args.origin),
            allow_file_origin=args.allow_file_origin,
            admin_token=admin_token(args.token_file, os.environ),
            trusted_proxies=tuple(checked_proxy(proxy) for proxy in args.trusted_proxy),
            identity_header=args.identity_header,
            rate_limit=max(args.rate_limit, 0),
            body_timeout=args.client_timeout,
        )
        app = create_app(settings)
    except SetupError as error:
        print(f"qinglian collector: {error}", file=sys.stderr)
        return 2
    for warning in _warnings(settings):
        print(f"qinglian collector: warning: {warning}", file=sys.stderr)
    uvicorn.run(
        app, host=args.host, port=args.port,
        # The app itself reads X-Forwarded-For, from --trusted-proxy addresses only
        proxy_headers=False,
        server_header=False,
        # A client slow to send a request's head is cut off (uvicorn itself waits for ever)
        http=head_timeout_protocol(args.client_timeout),
        # Idle keep-alive connections give their slot back soon
        timeout_keep_alive=5,
        # Past this many connections, answer 503 rather than queue without end
        limit_concurrency=200,
        timeout_graceful_shutdown=10,
        log_config=_log_config(),
    )
    return 0


def _log_config() -> dict:
    """uvicorn's logging, with the collector's own messages (qinglian.collector) beside its."""
    from uvicorn.config import LOGGING_CONFIG

    loggers = {**LOGGING_CONFIG["loggers"],
               "qinglian": {"handlers": ["default"], "level": "INFO", "propagate": False}}
    return {**LOGGING_CONFIG, "loggers": loggers}


def _warnings(settings) -> list[str]:
    warnings = []
    if settings.identity_header and not settings.trusted_proxies:
        warnings.append("--identity-header without --trusted-proxy: the header is ignored")
    if settings.admin_token is None:
        warnings.append("no admin token (QINGLIAN_ADMIN_TOKEN or --token-file): reads are "
                        "disabled, every GET of records or exports answers 401")
    if not settings.manifests.sites:
        warnings.append("no --manifest: records of any site and any pledge text are accepted")
    if settings.allow_file_origin:
        warnings.append("--allow-file-origin: any HTML file opened from disk, and any page "
                        "posting from a sandboxed iframe, may send records")
    return warnings


def _run_import(args) -> int:
    from .importer import import_records, read_records_file
    from .manifest import Manifests
    from .store import open_store

    try:
        # Every file read through before any record is stored
        files = [read_records_file(path) for path in args.files]
        manifests = Manifests.load(args.manifest)
        store = open_store(args.db)
    except SetupError as error:
        print(f"qinglian records import: {error}", file=sys.stderr)
        return 2
    try:
        report = import_records(files, store, manifests)
    except (StoreUnavailable, SetupError) as error:  # the database, or a file read again
        print(f"qinglian records import: {error}; the records stored so far stay stored, "
              "run the import again", file=sys.stderr)
        return 2
    finally:
        store.close()
    for line in report.rejected:
        print(line)
    print(report.summary())
    return 1 if report.rejected else 0


DB_HELP = "the SQLite database file (made if missing), or a postgresql://user@host/name URL"
EXISTING_DB_HELP = "the collector's SQLite database file, or a postgresql://user@host/name URL"


def _admin_command(run):
    """Run ``run(args, store)`` on the existing --db store; SetupError or StoreUnavailable
    → message and exit 2."""

    def command(args) -> int:
        from .store import open_existing_store

        name = f"qinglian collector {args.action}"
        try:
            store = open_existing_store(args.db)
            try:
                return run(args, store)
            finally:
                store.close()
        except SetupError as error:
            print(f"{name}: {error}", file=sys.stderr)
            return 2
        except StoreUnavailable as error:
            print(f"{name}: {error}; nothing was changed, run the command again", file=sys.stderr)
            return 2

    return command


@_admin_command
def _run_backup(args, store) -> int:
    # os.path.exists: Path.exists raises for a name longer than the system allows
    if os.path.exists(args.out):
        raise SetupError(f"'{args.out}' exists; give a new file name (backups never overwrite)")
    count = store.backup(args.out)
    print(f"backed up {count} records to {args.out}")
    return 0


def _run_restore(args) -> int:
    from .backup import restore

    try:
        count = restore(args.backup, args.db, replace=args.replace)
    except SetupError as error:
        print(f"qinglian collector restore: {error}", file=sys.stderr)
        return 2
    print(f"restored {count} records from {args.backup} to {args.db}")
    return 0


@_admin_command
def _run_purge(args, store) -> int:
    from .store import utc_now

    cutoff = args.older_than(utc_now())
    purged = store.purge(cutoff, dry_run=args.dry_run)
    verb = "would remove" if args.dry_run else "removed"
    for record in purged:
        print(f"{verb} {record.id} {record.site} {record.kind} received {record.received}")
    print(f"{verb} {len(purged)} records received before {cutoff}")
    return 0


@_admin_command
def _run_correct(args, store) -> int:
    from .corrections import new_correction

    changes = {}
    for change in getattr(args, "changes", []):
        field, sep, value = change.partition("=")
        if not sep:
            raise SetupError(f"--set '{change}': write FIELD=VALUE, e.g. staff_id=A002")
        changes[field.strip()] = value
    correction = new_correction(site=args.site, staff_id=args.staff_id, operator=args.operator,
                                reason=args.reason, changes=changes, redact=args.redact)
    store.add_correction(correction)
    print(f"{correction.action} {correction.id}: {args.site} {args.staff_id} "
          f"{_changes(correction)} by {correction.operator}")
    return 0


@_admin_command
def _run_corrections(args, store) -> int:
    for correction in store.corrections():
        print(f"{correction.created} {correction.action} {correction.site} {correction.staff_id} "
              f"{_changes(correction)} by {correction.operator}: {correction.reason}")
    return 0


def _changes(correction) -> str:
    return " ".join(f"{key}={value}" for key, value in correction.changes.items()) or "(all data)"


def _port(text: str) -> int:
    # Checked here: a port past 65535 reached the socket as a traceback
    port = int(text) if text.isdigit() else 0
    if not 0 < port < 65536:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port from 1 to 65535, e.g. 8765")
    return port


def _seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0
    if not 0 < seconds < 3600:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of seconds above 0, e.g. 10")
    return seconds


def _age(text: str):
    """Parse 3y, 18m, 400d or 10w; return a function of now (ISO UTC) → the cutoff."""
    from .retention import cutoff

    try:
        cutoff("2000-01-01T00:00:00.000Z", text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return lambda now: cutoff(now, text)


def _run_verify(args) -> int:
    from ..common.verification import formatted, normalised
    from .manifest import Manifests
    from .report_cli import records_from
    from .verify import find

    code = normalised(args.code)
    if code is None:
        print(f"qinglian verify: '{args.code}' is not a code: 16 letters and digits, like "
              "ABCD-EFGH-JKMN-PQRS", file=sys.stderr)
        return 2
    try:
        manifests = Manifests.load(args.manifest)
        # Only the attempts a route can count (find drops the others too, but only once
        # records_from has read them all in)
        quizzes = {quiz for site in manifests.sites.values() for quiz in site.route_quizzes}
        completion = find(code, records_from(args.db, args.export, None, quizzes), manifests)
    except SetupError as error:
        print(f"qinglian verify: {error}", file=sys.stderr)
        return 2
    if completion is None:
        print(f"{formatted(code)}: not found — no completed route has this code")
        return 1
    print(f"{formatted(code)}: valid — {completion.name} completed '{completion.title}' "
          f"({completion.site}/{completion.path}) on {completion.completed}")
    return 0
