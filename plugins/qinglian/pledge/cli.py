"""``qinglian pledge lock``: publish the current pledge texts."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from .library import load_pledges
from .lock import update_lock, write_lock


def register(commands) -> None:
    """Add the ``pledge`` sub-commands to the ``qinglian`` parser."""
    pledge = commands.add_parser("pledge", help="manage the versions of pledge texts")
    actions = pledge.add_subparsers(dest="action", metavar="ACTION", required=True)
    lock = actions.add_parser(
        "lock", help="record each pledge's current text in the lock file and archive it",
        description="Add every pledge version whose text is not yet locked to "
                    "pledges.lock.json (hash and date) and archive its exact words. Refuses "
                    "a text that changed without a new version or minor_change: true.")
    lock.add_argument("-f", "--config-file", default="mkdocs.yml", type=Path,
                      help="the site's MkDocs configuration (default: mkdocs.yml)")
    lock.set_defaults(run=_run_lock)


def _run_lock(args) -> int:
    from ..check import load_site
    from ..common.errors import shown_path
    from ..common.pages import read_source
    from ..scaffold import leftover_placeholders

    try:
        config, problems = load_site(args.config_file)
    except FileNotFoundError as error:
        print(f"qinglian pledge lock: {error}", file=sys.stderr)
        return 2
    plugin = config and config.plugins.get("qinglian/pledge")
    if plugin is None:
        for problem in problems:
            print(problem, file=sys.stderr)
        # (mkdocs.yml that cannot be read at all names no plugin, but may well use it)
        if config is not None:
            print("qinglian pledge lock: the site does not use the qinglian/pledge plugin",
                  file=sys.stderr)
        return 2
    folder = plugin.folder(config)
    library = load_pledges(folder, shown_path(str(folder), config.config_file_path))
    lock, added, refused = update_lock(list(library.pledges.values()), library.lock, date.today())
    # Locked words are archived for good and signed as that version: never a
    # placeholder of `qinglian new` (【承诺书正文】)
    refused = library.lock_errors + refused + [
        problem for pledge in added
        for problem in leftover_placeholders(
            read_source(folder / Path(pledge.path).name, pledge.path)[0] or "", pledge.path, ("pledge",))]
    if refused:
        for problem in refused:
            print(problem, file=sys.stderr)
        print("Nothing was locked.", file=sys.stderr)
        return 1
    try:
        write_lock(folder, lock, added)
    except OSError as error:
        print(f"qinglian pledge lock: cannot write in '{folder}': {error.strerror}; nothing "
              "was locked: make room or make the folder writable, then run it again",
              file=sys.stderr)
        return 2
    for pledge in added:
        print(f"locked pledge '{pledge.id}' version {pledge.version} "
              f"(sha256 {pledge.sha256[:16]}…)")
        if pledge.minor_change:
            print(f"  now delete 'minor_change: true' from {pledge.path}, so that the next "
                  "change of the text is checked again")
    if not added:
        print("Every pledge is locked already.")
    return 0
