"""The append-only record store: one SQLite file, each stored record committed to disk.

WAL lets exports read while records arrive; ``synchronous=FULL`` makes each
commit survive a power cut, so a 201 means the record is on disk. Records that
arrive together are committed together (group commit): one transaction, one
sync to disk, and each sender hears back only once it has committed. Nothing here
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

import asyncio
import json
import logging
import os
import queue
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from .errors import SetupError, StoreUnavailable

USER_AGENT_LIMIT = 500
# Seconds a write waits for another program's lock before giving up (the admin commands;
# the service waits less, Settings.lock_timeout)
LOCK_TIMEOUT = 30.0
# Seconds the writer thread waits for more records before it ends (the next starts another)
WRITER_IDLE = 1.0

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


def open_copy(path: Path) -> sqlite3.Connection:
    """Open the SQLite file a backup is copied into (or restored to); raise SetupError
    when it cannot be made there (no such folder, a name the system refuses).

    A new file is made readable by its owner only (0600): it holds every name and 工号,
    and SQLite would make it readable by every user of the machine (0644 under the
    usual umask) wherever the admin puts it."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass  # restore --replace: the database keeps its owner and mode
    except OSError as error:
        raise SetupError(f"cannot write '{path}': {error.strerror}; give a path in an "
                         "existing, writable folder") from None
    try:
        return sqlite3.connect(path)
    except sqlite3.Error as error:
        raise SetupError(f"cannot write '{path}': {error}; give a path in an existing, "
                         "writable folder") from None


def open_store(db: str | Path, lock_timeout: float = LOCK_TIMEOUT):
    """Return the store at ``db``: an SQLite file path, or a postgresql:// URL."""
    if _is_postgres(db):
        from .postgres import PostgresStore  # psycopg only when PostgreSQL is used

        return PostgresStore(str(db), lock_timeout)
    return Store(Path(db), lock_timeout)


def open_existing_store(db: str | Path):
    """Return the store at ``db`` as ``open_store`` does, but never make an SQLite file:
    a report, a redaction or a backup on a mistyped --db would work on a new, empty
    database and say it succeeded. Raises SetupError when there is no such file."""
    if not _is_postgres(db) and not os.path.isfile(db):
        raise SetupError(f"no database at '{db}'; give the collector's --db file")
    # SQLite takes an empty file for an empty database (and writes one into it): a
    # backup cut short, or a file made by mistake, would report no records at all
    if not _is_postgres(db) and os.path.getsize(db) == 0:
        raise SetupError(f"'{db}' is empty, not the collector's database; give the "
                         "collector's --db file")
    return open_store(db)


def _is_postgres(db: str | Path) -> bool:
    return str(db).startswith(("postgresql://", "postgres://"))


class Store:
    """The records table of one SQLite file, safe to use from many threads.

    Connections are lent out one operation at a time and come back to an idle
    list: Starlette's worker threads come and go, so a connection per thread
    would pile up. Records to add queue up in arrival order, and one writer thread
    writes all that are queued in one transaction, so one sync to disk serves many
    senders. The collector's own writes thus never wait on each other in SQLite,
    whose wait for the write lock polls and is not fair; its busy timeout is left
    for locks other programs hold. WAL keeps readers out of the writer's way.
    """

    def __init__(self, path: Path, lock_timeout: float = LOCK_TIMEOUT):
        self.path = path
        self.lock_timeout = lock_timeout
        self._idle: queue.LifoQueue[sqlite3.Connection] = queue.LifoQueue()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        # Records waiting to be written, oldest first, and the thread writing them
        self._queue_changed = threading.Condition()
        self._queue: list[_Write] = []
        self._writer: threading.Thread | None = None
        try:
            with self._connected() as connection:
                connection.executescript(_SCHEMA)
                _upgrade(connection)
        except sqlite3.DatabaseError as error:
            self.close()
            raise SetupError(f"cannot use '{path}' as the collector's database: {error}; "
                             "give a path in an existing, writable folder, to a new file "
                             "or to a database this collector made") from None

    def add(self, record: dict, evidence: Evidence) -> str | None:
        """Store ``record`` unless its id is taken; return None, or the body stored with that id.

        Returns once the record is committed to disk, in one transaction with the
        records that were queued with it."""
        write = _Write(record, evidence, done=threading.Event())
        self._enqueue(write)
        write.done.wait()
        return write.outcome()

    def add_all(self, records: list[dict], evidence: Evidence) -> list[str | None]:
        """``add`` for each of ``records``, in one transaction (one sync to disk for all):
        return what ``add`` would return for each, in order.

        Raises the error of the first record that could not be written, once all are
        settled; the others may be stored (one record's failure is tried alone)."""
        writes = [_Write(record, evidence, done=threading.Event()) for record in records]
        self._enqueue(*writes)
        for write in writes:
            write.done.wait()
        return [write.outcome() for write in writes]

    async def add_async(self, record: dict, evidence: Evidence) -> str | None:
        """``add`` for a coroutine: the event loop goes on serving while the writer writes."""
        write = _Write(record, evidence, future=asyncio.get_running_loop().create_future())
        self._enqueue(write)
        await write.future
        return write.outcome()

    def records(self, site: str | None = None, kind: str | None = None) -> list[StoredRecord]:
        """Return the stored records in the order they arrived, of one site and kind if given."""
        return list(self.stream(site, kind))

    def stream(self, site: str | None = None, kind: str | None = None) -> Iterator[StoredRecord]:
        """Yield the records ``records`` returns, one row read at a time: a year of a large
        hospital's records (150,000) took 1.3 GB once all were parsed."""
        with self._reading(), self._connected() as connection:
            rows = connection.execute(
                "SELECT body, received, client_ip, user_agent, identity FROM records"
                " WHERE (:site IS NULL OR site = :site) AND (:kind IS NULL OR kind = :kind)"
                " ORDER BY rowid",
                {"site": site, "kind": kind},
            )
            for body, *evidence in rows:
                yield StoredRecord(json.loads(body), *evidence)

    def add_correction(self, correction: Correction) -> None:
        """Store ``correction`` (its id is new: corrections are never replaced)."""
        with self._admin_write("add a correction to"):
            self._rows(
                "INSERT INTO corrections (id, created, operator, reason, site, staff_id, action,"
                " changes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (correction.id, correction.created, correction.operator, correction.reason,
                 correction.site, correction.staff_id, correction.action,
                 canonical_json(correction.changes)))

    def corrections(self) -> list[Correction]:
        """Return every correction in the order they were made."""
        with self._reading():
            rows = self._rows("SELECT id, created, operator, reason, site, staff_id, action,"
                              " changes FROM corrections ORDER BY rowid")
        return [Correction(*row[:7], json.loads(row[7])) for row in rows]

    def purge(self, received_before: str, *, dry_run: bool) -> list[PurgedRecord]:
        """Remove every record received before ``received_before`` (ISO UTC) and log each
        one; with ``dry_run``, only return what would go."""
        select = ("SELECT id, site, kind, created, received FROM records"
                  " WHERE received < ? ORDER BY rowid")
        if dry_run:
            return [PurgedRecord(*row) for row in self._rows(select, (received_before,))]
        with self._admin_write("purge records in"), self._connected() as connection:
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
            # The overwritten pages into the database file now, not at a checkpoint some
            # time later: until then the file itself still holds what went
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return purged

    def purge_log(self) -> list[tuple[PurgedRecord, str, str]]:
        """Return (record, purged at, cutoff) for every record a purge removed."""
        rows = self._rows("SELECT id, site, kind, created, received, purged, cutoff"
                          " FROM purge_log ORDER BY rowid")
        return [(PurgedRecord(*row[:5]), row[5], row[6]) for row in rows]

    def backup(self, target: Path) -> int:
        """Write a consistent copy of the database to ``target`` while records keep
        arriving (SQLite's online backup API); return how many records it holds."""
        destination = open_copy(target)
        try:
            try:
                with self._connected() as connection:
                    connection.backup(destination)
                # A copy in WAL mode makes whoever reads it, even read-only, leave -wal
                # and -shm files beside it: one self-contained file instead
                destination.execute("PRAGMA journal_mode=DELETE")
                (count,) = destination.execute("SELECT count(*) FROM records").fetchone()
            finally:
                destination.close()
        except sqlite3.Error as error:  # a full disk, a USB stick pulled out
            # Cut short, it would pass for a backup, and stop the next one ("exists")
            target.unlink(missing_ok=True)
            raise SetupError(f"cannot write '{target}': {error}; make room on the disk, or "
                             "give a path on another, and run the backup again") from None
        return count

    def close(self) -> None:
        """Close every connection."""
        with self._lock:
            for connection in self._all:
                connection.close()
            self._all.clear()

    def _enqueue(self, *writes: _Write) -> None:
        # All at once: the writer takes them as one group
        with self._queue_changed:
            self._queue.extend(writes)
            if self._writer is None:
                self._writer = threading.Thread(target=self._write_queued, daemon=True,
                                                name=f"qinglian writer of {self.path.name}")
                self._writer.start()
            else:
                self._queue_changed.notify()

    def _write_queued(self) -> None:
        """The writer thread: write all that is queued as one group, again and again, and
        end once nothing has come for WRITER_IDLE seconds. A group waits at most the busy
        timeout for another program's lock, so no record waits longer than two of them."""
        while True:
            with self._queue_changed:
                if not self._queue_changed.wait_for(lambda: self._queue, WRITER_IDLE):
                    self._writer = None
                    return
                group, self._queue = self._queue, []
            try:
                with self._connected() as connection:
                    self._write_group(connection, group)
            except sqlite3.OperationalError as error:  # opening the connection, or a ROLLBACK
                for write in group:
                    if not write.settled:
                        write.settle(error=StoreUnavailable(self._cannot(error)))
            except Exception:  # a bug: refuse the group, keep the writer for the next ones
                log.exception("the writer of '%s' failed", self.path)
                for write in group:
                    if not write.settled:
                        write.settle(error=StoreUnavailable(
                            f"cannot store a record in '{self.path}': the write failed "
                            "unexpectedly; the collector's log shows why"))
            _announce(group)

    def _write_group(self, connection: sqlite3.Connection, group: list[_Write]) -> None:
        if len(group) > 1:
            try:
                connection.execute("BEGIN IMMEDIATE")
                stored = [_insert(connection, write) for write in group]
                connection.execute("COMMIT")
            except sqlite3.Error as error:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                if not _busy(error):
                    # One record's failure (a full disk that has room for smaller ones, say)
                    # must not refuse the others: each is tried alone
                    for write in group:
                        self._write_alone(connection, write)
                    return
                # Another program holds the lock: trying each again would make them all
                # wait once more
                for write in group:
                    write.settle(error=StoreUnavailable(self._cannot(error)))
                return
            for write, body in zip(group, stored):
                write.settle(stored=body)
        else:
            self._write_alone(connection, group[0])

    def _write_alone(self, connection: sqlite3.Connection, write: _Write) -> None:
        # Autocommit: the INSERT is its own transaction, rolled back whole if it fails
        try:
            write.settle(stored=_insert(connection, write))
        except sqlite3.OperationalError as error:
            write.settle(error=StoreUnavailable(self._cannot(error)))
        except sqlite3.Error as error:
            write.settle(error=error)

    def _cannot(self, error: sqlite3.Error, action: str = "store a record in") -> str:
        name = error.sqlite_errorname or "SQLITE_ERROR"
        # SQLITE_IOERR_WRITE: the primary code (IOERR) says what to look at
        hint = _HINTS.get(name.split("_")[1], "see SQLite's message")
        return (f"cannot {action} '{self.path}': {error} ({name}); "
                + hint.format(seconds=f"{self.lock_timeout:g}"))

    @contextmanager
    def _admin_write(self, action: str):
        """Say why SQLite refused an admin command's write (a lock held too long, a file the
        admin may not write) as StoreUnavailable; the transaction left nothing behind."""
        try:
            yield
        except sqlite3.OperationalError as error:
            raise StoreUnavailable(self._cannot(error, action)) from None

    @contextmanager
    def _reading(self):
        """Say why SQLite could not read (a damaged file, a failing disk) as StoreUnavailable,
        also when a read fails half-way through the records."""
        try:
            yield
        except sqlite3.DatabaseError as error:
            raise StoreUnavailable(self._cannot(error, "read records from")) from None

    def _rows(self, sql: str, parameters=()) -> list[tuple]:
        with self._connected() as connection:
            return connection.execute(sql, parameters).fetchall()

    @contextmanager
    def _connected(self):
        try:
            connection = self._idle.get_nowait()
        except queue.Empty:
            # Autocommit unless a BEGIN opens a transaction: a lone INSERT commits when
            # execute returns. The timeout is how long a writer waits for another
            # program's write lock.
            connection = sqlite3.connect(self.path, isolation_level=None,
                                         timeout=self.lock_timeout, check_same_thread=False)
            with self._lock:
                self._all.append(connection)
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = FULL")
            # Space a record leaves (a purge; a page split moving it) is overwritten: where
            # SQLite is built without SECURE_DELETE (Debian's has it), its text would stay
            # in the file, and in every backup, until reused
            connection.execute("PRAGMA secure_delete = ON")
        try:
            yield connection
        finally:
            self._idle.put(connection)


class _Write:
    """One record on its way to the database; who waits for it, and what became of it."""

    __slots__ = ("parameters", "done", "future", "settled", "stored", "error")

    def __init__(self, record: dict, evidence: Evidence, *, done: threading.Event | None = None,
                 future: asyncio.Future | None = None):
        self.parameters = (record["id"], record["site"], record["kind"], record["created"],
                           canonical_json(record), evidence.received, evidence.client_ip,
                           evidence.user_agent, evidence.identity)
        self.done = done  # a waiting thread's, or
        self.future = future  # a waiting coroutine's
        self.settled = False
        self.stored: str | None = None  # the body already stored with this id, if any
        self.error: Exception | None = None

    def settle(self, stored: str | None = None, error: Exception | None = None) -> None:
        self.stored, self.error, self.settled = stored, error, True

    def outcome(self) -> str | None:
        if self.error is not None:
            raise self.error
        return self.stored


def _announce(group: list[_Write]) -> None:
    """Wake the senders of a written group: each thread, and each event loop once for all
    its coroutines (every wake of a loop from another thread costs a system call)."""
    futures_by_loop: dict[asyncio.AbstractEventLoop, list[asyncio.Future]] = {}
    for write in group:
        if write.done is not None:
            write.done.set()
        else:
            futures_by_loop.setdefault(write.future.get_loop(), []).append(write.future)
    for loop, futures in futures_by_loop.items():
        try:
            loop.call_soon_threadsafe(_resolve, futures)
        except RuntimeError:  # the loop has closed: nobody waits any more
            pass


def _resolve(futures: list[asyncio.Future]) -> None:
    for future in futures:
        if not future.done():  # not cancelled
            future.set_result(None)


def _insert(connection: sqlite3.Connection, write: _Write) -> str | None:
    """Insert the record unless its id is taken; return None, or the body stored with that id."""
    # Only the id may clash (the primary key); the first writer wins, atomically. A record
    # sent twice in one group is stored by the first and found by the second.
    cursor = connection.execute(
        "INSERT INTO records (id, site, kind, created, body, received, client_ip,"
        " user_agent, identity) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (id) DO NOTHING", write.parameters)
    if cursor.rowcount == 1:
        return None
    (stored,) = connection.execute("SELECT body FROM records WHERE id = ?",
                                   (write.parameters[0],)).fetchone()
    return stored


def _upgrade(connection: sqlite3.Connection) -> None:
    """Bring a database an earlier collector made up to ``_SCHEMA``, whose
    CREATE ... IF NOT EXISTS leaves what is there as it was."""
    # The identity column came later (NULL for the records before it)
    columns = [row[1] for row in connection.execute("PRAGMA table_info(records)")]
    if "identity" not in columns:
        connection.execute("ALTER TABLE records ADD COLUMN identity TEXT")
    # The first collector's trigger refused every DELETE, the retention purge's too
    (trigger,) = connection.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'records_no_delete'"
    ).fetchone()
    if "purge_permit" not in trigger:
        connection.executescript(
            f"BEGIN IMMEDIATE; DROP TRIGGER records_no_delete; {_SCHEMA} COMMIT;")


def _busy(error: sqlite3.Error) -> bool:
    return (error.sqlite_errorname or "").startswith("SQLITE_BUSY")


log = logging.getLogger("qinglian.collector")

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
    "CORRUPT": "the file is damaged: stop the collector, keep a copy of the file and restore "
               "the last backup (qinglian collector restore)",
}
