"""``qinglian collector`` and ``qinglian records import``: the collector's command line.

Starlette and uvicorn are imported only when a command runs, so the rest of
``qinglian`` works without them.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .errors import SetupError


def register(commands: argparse._SubParsersAction) -> None:
    """Add the collector's commands to the ``qinglian`` command."""
    collector = commands.add_parser(
        "collector", help="run the collector service that stores records",
        description="Receive records (pledges, quiz attempts, progress) from Qinglian sites and "
                    "store them in an SQLite file; admins read them with a token.",
    )
    collector.add_argument("--db", required=True, type=Path,
                           help="the SQLite database file (made if missing)")
    collector.add_argument("--host", default="127.0.0.1",
                           help="address to listen on (default: 127.0.0.1; 0.0.0.0 for all)")
    collector.add_argument("--port", default=8765, type=int, help="port (default: 8765)")
    _add_manifest_option(collector)
    collector.add_argument("--origin", action="append", default=[], metavar="URL",
                           help="a site origin whose pages may send records, e.g. "
                                "http://intranet.example:8000 (repeatable)")
    collector.add_argument("--allow-file-origin", action="store_true",
                           help="also accept records from pages opened from disk (Origin: null); "
                                "this lets any local HTML file send records")
    collector.add_argument("--token-file", type=Path, metavar="FILE",
                           help="file holding the admin token for reads "
                                "(default: $QINGLIAN_ADMIN_TOKEN)")
    collector.set_defaults(run=_run_collector)

    records = commands.add_parser("records", help="work with collected records",
                                  description="Work with collected records.")
    actions = records.add_subparsers(dest="action", metavar="ACTION")
    records.set_defaults(run=lambda args: records.print_help() or 2)
    load = actions.add_parser(
        "import", help="store records from a file downloaded from the site",
        description="Store the records of a JSON file downloaded from a Qinglian site, by the "
                    "collector's rules. Records already there are skipped. Exits 1 when any "
                    "record is rejected, 2 when the file cannot be read.",
    )
    load.add_argument("file", type=Path, metavar="FILE", help="the downloaded JSON file")
    load.add_argument("--db", required=True, type=Path, help="the collector's SQLite database")
    _add_manifest_option(load)
    load.set_defaults(run=_run_import)


def _add_manifest_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--manifest", action="append", default=[], type=Path, metavar="FILE",
                        help="a built site's qinglian-manifest.json, one per site (repeatable); "
                             "without any, records of any site and pledge text are accepted")


def _run_collector(args) -> int:
    import uvicorn

    from .app import create_app
    from .manifest import Manifests
    from .settings import Settings, admin_token, checked_origin

    try:
        settings = Settings(
            db=args.db,
            manifests=Manifests.load(args.manifest),
            origins=tuple(checked_origin(origin) for origin in args.origin),
            allow_file_origin=args.allow_file_origin,
            admin_token=admin_token(args.token_file, os.environ),
        )
        app = create_app(settings)
    except SetupError as error:
        print(f"qinglian collector: {error}", file=sys.stderr)
        return 2
    for warning in _warnings(settings):
        print(f"qinglian collector: warning: {warning}", file=sys.stderr)
    uvicorn.run(
        app, host=args.host, port=args.port,
        # The peer address is the client's until trusted proxies are configured
        proxy_headers=False,
        server_header=False,
        # Idle keep-alive connections give their slot back soon
        timeout_keep_alive=5,
        # Past this many connections, answer 503 rather than queue without end
        limit_concurrency=200,
        timeout_graceful_shutdown=10,
    )
    return 0


def _warnings(settings) -> list[str]:
    warnings = []
    if settings.admin_token is None:
        warnings.append("no admin token (QINGLIAN_ADMIN_TOKEN or --token-file): reads are "
                        "disabled, every GET of records or exports answers 401")
    if not settings.manifests.sites:
        warnings.append("no --manifest: records of any site and any pledge text are accepted")
    if settings.allow_file_origin:
        warnings.append("--allow-file-origin: any HTML file opened from disk may send records")
    return warnings


def _run_import(args) -> int:
    from .importer import import_records, read_records_file
    from .manifest import Manifests
    from .store import Store

    try:
        entries = read_records_file(args.file)
        manifests = Manifests.load(args.manifest)
        store = Store(args.db)
    except SetupError as error:
        print(f"qinglian records import: {error}", file=sys.stderr)
        return 2
    try:
        report = import_records(entries, store, manifests)
    finally:
        store.close()
    for line in report.rejected:
        print(line)
    print(report.summary())
    return 1 if report.rejected else 0
