"""Putting an SQLite backup back: checked first, then copied with SQLite's backup API.

Backups are made by ``Store.backup`` (the online backup API: consistent while
records arrive). A restore checks that the file is a sound collector
database before anything is replaced.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from .errors import SetupError
from .store import open_copy


def restore(backup: Path, db: str, *, replace: bool) -> int:
    """Copy ``backup`` to the SQLite database ``db``; return how many records it holds."""
    if str(db).startswith(("postgresql://", "postgres://")):
        raise SetupError("restore a PostgreSQL database with pg_restore: "
                         f"pg_restore --clean --if-exists --dbname '<URL>' {backup}")
    target = Path(db)
    # os.path.exists: Path.exists raises for a name longer than the system allows
    existed = os.path.exists(target)
    if existed and not replace:
        raise SetupError(f"'{target}' exists; stop the collector and give --replace to put "
                         "the backup in its place")
    count = _checked(backup)
    source = _read_only(backup)
    destination = open_copy(target)
    try:
        try:
            source.backup(destination)
        finally:
            source.close()
            destination.close()
    except sqlite3.Error as error:  # a full disk
        if not existed:
            target.unlink()  # an empty file would pass for a database with no records
        raise SetupError(f"cannot write '{target}': {error}; make room on the disk and run "
                         "the restore again") from None
    return count


def _checked(backup: Path) -> int:
    if not backup.is_file():
        raise SetupError(f"there is no backup file '{backup}'")
    try:
        connection = _read_only(backup)
        try:
            (status,) = connection.execute("PRAGMA integrity_check").fetchone()
            (count,) = connection.execute("SELECT count(*) FROM records").fetchone()
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise SetupError(f"'{backup}' is not a collector backup ({error})") from None
    if status != "ok":
        raise SetupError(f"'{backup}' is damaged ({status}); take another backup")
    return count


def _read_only(backup: Path) -> sqlite3.Connection:
    """Open ``backup`` read-only. Its name goes into a file: URI quoted: as it is, a '#'
    or '?' in it would end the path (SQLite then opened, or made, another file) and a
    '%' would start an escape."""
    return sqlite3.connect(f"{backup.absolute().as_uri()}?mode=ro", uri=True)
