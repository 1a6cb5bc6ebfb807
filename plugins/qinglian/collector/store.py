"""The append-only record store: one SQLite file, each stored record committed to disk.

WAL lets exports read while records arrive; ``synchronous=FULL`` makes each
commit survive a power cut, so a 201 means the record is on disk. Nothing here
updates or deletes a row, and triggers refuse it even from an sqlite3 shell.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from .errors import SetupError

USER_AGENT_LIMIT = 500

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
  id TEXT PRIMARY KEY,
  site TEXT NOT NULL,
  kind TEXT NOT NULL,
  created TEXT NOT NULL,
  body TEXT NOT NULL,
  received TEXT NOT NULL,
  client_ip TEXT,
  user_agent TEXT
);
CREATE INDEX IF NOT EXISTS records_site_kind ON records (site, kind);
CREATE TRIGGER IF NOT EXISTS records_no_update BEFORE UPDATE ON records
  BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER IF NOT EXISTS records_no_delete BEFORE DELETE ON records
  BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
"""


@dataclass(frozen=True)
class Evidence:
    """What the collector itself saw when a record arrived."""

    received: str
    client_ip: str | None
    user_agent: str | None

    @classmethod
    def now(cls, client_ip: str | None, user_agent: str | None) -> Evidence:
        """Return evidence stamped with the current UTC time (user agent cut to 500 characters)."""
        received = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
        return cls(received.replace("+00:00", "Z"), client_ip,
                   user_agent[:USER_AGENT_LIMIT] if user_agent is not None else None)


@dataclass(frozen=True)
class StoredRecord:
    """A record as the client sent it, with the collector's evidence."""

    record: dict
    received: str
    client_ip: str | None
    user_agent: str | None


def canonical_json(record: dict) -> str:
    """Return ``record`` as canonical JSON: the stored body, and what repeats are compared by."""
    return json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


class Store:
    """The records table of one SQLite file, safe to use from many threads.

    Each thread gets its own connection (Starlette runs sync code in a thread
    pool); SQLite serialises the writers, and WAL keeps readers out of their way.
    """

    def __init__(self, path: Path):
        self.path = path
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        try:
            self._connection().executescript(_SCHEMA)
        except sqlite3.DatabaseError as error:
            raise SetupError(f"cannot use '{path}' as the collector's database: {error}; "
                             "give a path in an existing, writable folder, to a new file "
                             "or to a database this collector made") from None

    def add(self, record: dict, evidence: Evidence) -> str | None:
        """Store ``record`` unless its id is taken; return None, or the body stored with that id."""
        body = canonical_json(record)
        connection = self._connection()
        # Only the id may clash (the primary key); the first writer wins, atomically
        cursor = connection.execute(
            "INSERT INTO records (id, site, kind, created, body, received, client_ip, user_agent)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
            (record["id"], record["site"], record["kind"], record["created"], body,
             evidence.received, evidence.client_ip, evidence.user_agent),
        )
        if cursor.rowcount == 1:
            return None
        (stored,) = connection.execute("SELECT body FROM records WHERE id = ?",
                                       (record["id"],)).fetchone()
        return stored

    def records(self, site: str | None = None, kind: str | None = None) -> list[StoredRecord]:
        """Return the stored records in the order they arrived, of one site and kind if given."""
        rows = self._connection().execute(
            "SELECT body, received, client_ip, user_agent FROM records"
            " WHERE (:site IS NULL OR site = :site) AND (:kind IS NULL OR kind = :kind)"
            " ORDER BY rowid",
            {"site": site, "kind": kind},
        )
        return [StoredRecord(json.loads(body), received, client_ip, user_agent)
                for body, received, client_ip, user_agent in rows]

    def close(self) -> None:
        """Close every thread's connection."""
        with self._lock:
            for connection in self._connections:
                connection.close()
            self._connections.clear()

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            # Autocommit: each INSERT is its own transaction, committed when execute returns.
            # The timeout is how long a writer waits for the others (SQLite's busy timeout).
            connection = sqlite3.connect(self.path, isolation_level=None, timeout=30,
                                         check_same_thread=False)
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = FULL")
            self._local.connection = connection
            with self._lock:
                self._connections.append(connection)
        return connection
