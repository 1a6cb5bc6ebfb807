"""The append-only record store: one SQLite file, each stored record committed to disk.

WAL lets exports read while records arrive; ``synchronous=FULL`` makes each
commit survive a power cut, so a 201 means the record is on disk. Nothing here
updates a row, and triggers refuse it even from an sqlite3 shell. The one
delete is the retention purge: it opens a permit inside its own transaction
(no other connection ever sees it), deletes, and logs each record it removed.

Mistakes in records are fixed by corrections, stored beside them and applied
when records are read out (``corrections.apply``); the records stay as sent.
``open_store`` picks SQLite for a file path and PostgreSQL for a
``postgresql://`` URL; both offer the same methods.

A write the database cannot take now (another program holds the write lock
past ``lock_timeout``, the disk is full or failing) raises ``StoreUnavailable``
with the reason and what an admin can do; nothing of the record is kept, and
the sender is told to try again later.
"""

from __future__ import annotations

import json
import queue
import sqlite3
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from .errors import SetupError, StoreUnavailable

USER_AGENT_LIMIT = 500
# Seconds a write waits for another program's lock before giving up (the admin commands;
# the service waits less, Settings.lock_timeout)
LOCK_TIMEOUT = 30.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
  id TEXT PRIMARY KEY,
  site TEXT NOT NULL,
  kind TEXT NOT NULL,
  created TEXT NOT NULL,
  body TEXT NOT NULL,
  received TEXT NOT NULL,
  client_ip TEXT,
  user_agent TEXT,
  identity TEXT
);
CREATE INDEX IF NOT EXISTS records_site_kind ON records (site, kind);
CREATE TRIGGER IF NOT EXISTS records_no_update BEFORE UPDATE ON records
  BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TABLE IF NOT EXISTS purge_permit (open INTEGER);
CREATE TRIGGER IF NOT EXISTS records_no_delete BEFORE DELETE ON records
  WHEN NOT EXISTS (SELECT 1 FROM purge_permit)
  BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TABLE IF NOT EXISTS purge_log (
  id TEXT NOT NULL,
  site TEXT NOT NULL,
  kind TEXT NOT NULL,
  created TEXT NOT NULL,
  received TEXT NOT NULL,
  purged TEXT NOT NULL,
  cutoff TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS corrections (
  id TEXT PRIMARY KEY,
  created TEXT NOT NULL,
  operator TEXT NOT NULL,
  reason TEXT NOT NULL,
  site TEXT NOT NULL,
  staff_id TEXT NOT NULL,
  action TEXT NOT NULL,
  changes TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS corrections_no_update BEFORE UPDATE ON corrections
  BEGIN SELECT RAISE(ABORT, 'corrections are append-only'); END;
CREATE TRIGGER IF NOT EXISTS corrections_no_delete BEFORE DELETE ON corrections
  BEGIN SELECT RAISE(ABORT, 'corrections are append-only'); END;
CREATE TRIGGER IF NOT EXISTS purge_log_no_update BEFORE UPDATE ON purge_log
  BEGIN SELECT RAISE(ABORT, 'the purge log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS purge_log_no_delete BEFORE DELETE ON purge_log
  BEGIN SELECT RAISE(ABORT, 'the purge log is append-only'); END;
"""


def utc_now() -> str:
    """Return the current UTC time as the records write it: 2026-11-24T02:00:00.000Z."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Evidence:
    """What the collector itself saw when a record arrived."""

    received: str
    client_ip: str | None
    user_agent: str | None
    identity: str | None = None  # the single-sign-on user, from a trusted proxy's header

    @classmethod
    def now(cls, client_ip: str | None, user_agent: str | None,
            identity: str | None = None) -> Evidence:
        """Return evidence stamped with the current UTC time (user agent cut to 500 characters)."""
        return cls(utc_now(), client_ip,
                   user_agent[:USER_AGENT_LIMIT] if user_agent is not None else None, identity)


@dataclass(frozen=True)
class StoredRecord:
    """A record as the client sent it, with the collector's evidence."""

    record: dict
    received: str
    client_ip: str | None
    user_agent: str | None
    identity: str | None = None


@dataclass(frozen=True)
class Correction:
    """A fix of one staff member's recorded data (or its redaction), applied on read.

    ``action`` "correct" replaces the fields in ``changes`` (name, staff_id,
    department) in every record of ``site`` whose person has ``staff_id``;
    "redact" blanks that person's data in every output.
    """

    id: str
    created: str
    operator: str  # who made the correction
    reason: str
    site: str
    staff_id: str  # the 工号 as the records carry it
    action: str  # "correct" | "redact"
    changes: dict


@dataclass(frozen=True)
class PurgedRecord:
    """What the purge log keeps of a record it removed: no personal data."""

    id: str
    site: str
    kind: str
    created: str
    received: str


def canonical_json(record: dict) -> str:
    """Return ``record`` as canonical JSON: the stored body, and what repeats are compared by."""
    return json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def open_store(db: str | Path, lock_timeout: float = LOCK_TIMEOUT):
    """Return the store at ``db``: an SQLite file path, or a postgresql:// URL."""
    if str(db).startswith(("postgresql://", "postgres://")):
        from .postgres import PostgresStore  # psycopg only when PostgreSQL is used

        return PostgresStore(str(db), lock_timeout)
    return Store(Path(db), lock_timeout)


class Store:
    """The records table of one SQLite file, safe to use from many threads.

    Connections are lent out one operation at a time and come back to an idle
    list: Starlette's worker threads come and go, so a connection per thread
    would pile up. SQLite serialises the writers; WAL keeps readers out of
    their way.
    """

    def __init__(self, path: Path, lock_timeout: float = LOCK_TIMEOUT):
        self.path = path
        self.lock_timeout = lock_timeout
        self._idle: queue.LifoQueue[sqlite3.Connection] = queue.LifoQueue()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._writing = threading.Lock()
        try:
            with self._connected() as connection:
                connection.executescript(_SCHEMA)
                # Databases made before the identity column get it (NULL for older records)
                columns = [row[1] for row in connection.execute("PRAGMA table_info(records)")]
                if "identity" not in columns:
                    connection.execute("ALTER TABLE records ADD COLUMN identity TEXT")
        except sqlite3.DatabaseError as error:
            self.close()
            raise SetupError(f"cannot use '{path}' as the collector's database: {error}; "
                             "give a path in an existing, writable folder, to a new file "
                             "or to a database this collector made") from None

    def add(self, record: dict, evidence: Evidence) -> str | None:
        """Store ``record`` unless its id is taken; return None, or the body stored with that id."""
        body = canonical_json(record)
        with self._connected() as connection, self._turn_to_write():
            try:
                # Only the id may clash (the primary key); the first writer wins, atomically.
                # Autocommit: a failed INSERT is rolled back whole.
                cursor = connection.execute(
                    "INSERT INTO records (id, site, kind, created, body, received, client_ip,"
                    " user_agent, identity) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (id) DO NOTHING",
                    (record["id"], record["site"], record["kind"], record["created"], body,
                     evidence.received, evidence.client_ip, evidence.user_agent,
                     evidence.identity),
                )
            except sqlite3.OperationalError as error:
                raise StoreUnavailable(self._unwritable(error)) from None
            if cursor.rowcount == 1:
                return None
            (stored,) = connection.execute("SELECT body FROM records WHERE id = ?",
                                           (record["id"],)).fetchone()
        return stored

    def records(self, site: str | None = None, kind: str | None = None) -> list[StoredRecord]:
        """Return the stored records in the order they arrived, of one site and kind if given."""
        rows = self._rows(
            "SELECT body, received, client_ip, user_agent, identity FROM records"
            " WHERE (:site IS NULL OR site = :site) AND (:kind IS NULL OR kind = :kind)"
            " ORDER BY rowid",
            {"site": site, "kind": kind},
        )
        return [StoredRecord(json.loads(body), *evidence) for body, *evidence in rows]

    def add_correction(self, correction: Correction) -> None:
        """Store ``correction`` (its id is new: corrections are never replaced)."""
        self._rows(
            "INSERT INTO corrections (id, created, operator, reason, site, staff_id, action, changes)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (correction.id, correction.created, correction.operator, correction.reason,
             correction.site, correction.staff_id, correction.action,
             canonical_json(correction.changes)))

    def corrections(self) -> list[Correction]:
        """Return every correction in the order they were made."""
        rows = self._rows("SELECT id, created, operator, reason, site, staff_id, action, changes"
                          " FROM corrections ORDER BY rowid")
        return [Correction(*row[:7], json.loads(row[7])) for row in rows]

    def purge(self, received_before: str, *, dry_run: bool) -> list[PurgedRecord]:
        """Remove every record received before ``received_before`` (ISO UTC) and log each
        one; with ``dry_run``, only return what would go."""
        select = ("SELECT id, site, kind, created, received FROM records"
                  " WHERE received < ? ORDER BY rowid")
        if dry_run:
            return [PurgedRecord(*row) for row in self._rows(select, (received_before,))]
        with self._connected() as connection:
            # One transaction: the permit is never visible to another connection
            connection.execute("BEGIN IMMEDIATE")
            try:
                purged = [PurgedRecord(*row)
                          for row in connection.execute(select, (received_before,))]
                connection.executemany(
                    "INSERT INTO purge_log (id, site, kind, created, received, purged, cutoff)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [(p.id, p.site, p.kind, p.created, p.received, utc_now(), received_before)
                     for p in purged])
                connection.execute("INSERT INTO purge_permit VALUES (1)")
                connection.execute("DELETE FROM records WHERE received < ?", (received_before,))
                connection.execute("DELETE FROM purge_permit")
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise
        return purged

    def purge_log(self) -> list[tuple[PurgedRecord, str, str]]:
        """Return (record, purged at, cutoff) for every record a purge removed."""
        rows = self._rows("SELECT id, site, kind, created, received, purged, cutoff"
                          " FROM purge_log ORDER BY rowid")
        return [(PurgedRecord(*row[:5]), row[5], row[6]) for row in rows]

    def backup(self, target: Path) -> int:
        """Write a consistent copy of the database to ``target`` while records keep
        arriving (SQLite's online backup API); return how many records it holds."""
        destination = sqlite3.connect(target)
        try:
            with self._connected() as connection:
                connection.backup(destination)
            (count,) = destination.execute("SELECT count(*) FROM records").fetchone()
        finally:
            destination.close()
        return count

    def close(self) -> None:
        """Close every connection."""
        with self._lock:
            for connection in self._all:
                connection.close()
            self._all.clear()

    @contextmanager
    def _turn_to_write(self):
        """Let this process's writers take turns. SQLite's own wait for the write lock polls
        and is not fair: under load one writer could lose for seconds. So threads queue
        here, and SQLite's busy timeout is left for locks other programs hold."""
        if not self._writing.acquire(timeout=self.lock_timeout):
            raise StoreUnavailable(f"cannot store a record in '{self.path}': it waited over "
                                   f"{self.lock_timeout:g} s behind other writes; "
                                   + _HINTS["BUSY"].format(seconds=f"{self.lock_timeout:g}"))
        try:
            yield
        finally:
            self._writing.release()

    def _unwritable(self, error: sqlite3.OperationalError) -> str:
        name = error.sqlite_errorname or "SQLITE_ERROR"
        # SQLITE_IOERR_WRITE: the primary code (IOERR) says what to look at
        hint = _HINTS.get(name.split("_")[1], "see SQLite's message")
        return (f"cannot store a record in '{self.path}': {error} ({name}); "
                + hint.format(seconds=f"{self.lock_timeout:g}"))

    def _rows(self, sql: str, parameters=()) -> list[tuple]:
        with self._connected() as connection:
            return connection.execute(sql, parameters).fetchall()

    @contextmanager
    def _connected(self):
        try:
            connection = self._idle.get_nowait()
        except queue.Empty:
            # Autocommit: each INSERT is its own transaction, committed when execute returns.
            # The timeout is how long a writer waits for another program's write lock.
            connection = sqlite3.connect(self.path, isolation_level=None,
                                         timeout=self.lock_timeout, check_same_thread=False)
            with self._lock:
                self._all.append(connection)
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = FULL")
        try:
            yield connection
        finally:
            self._idle.put(connection)


# What an admin can do about a write SQLite refused, by its primary result code
_HINTS = {
    "FULL": "free space on the disk that holds it",
    "BUSY": "another program held the write lock for over {seconds} s: an sqlite3 shell "
            "or a script with an open transaction?",
    "IOERR": "the write failed: check free space, the kernel log (dmesg) and the disk",
    "READONLY": "the collector may not write it: check the owner and mode of the file, "
                "its -wal and -shm files and its folder",
    "CANTOPEN": "the collector cannot open it: check that the file and its folder exist "
                "and that the collector may write them",
}
