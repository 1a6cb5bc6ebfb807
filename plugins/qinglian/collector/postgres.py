"""The append-only record store on PostgreSQL, for a hospital group that outgrows one file.

The same methods and rules as the SQLite ``Store``: the first writer of an id
wins, bodies are canonical JSON text (byte for byte what SQLite stores), and
reads come back in arrival order (the ``arrival`` counter). Every commit waits for
the WAL flush (``synchronous_commit = on`` on each connection, whatever the
server's default), so a 201 means the record is on disk.

Triggers refuse UPDATE, DELETE and TRUNCATE on records, corrections and the
purge log, from any client. The one delete is the retention purge: it sets
``qinglian.purge`` with SET LOCAL, which lives only inside its own
transaction, deletes and logs. Like the SQLite permit this guards against
mistakes, not against someone who holds the database password.

Connections come from a pool (psycopg_pool) rather than one per thread:
Starlette's worker threads are ended after 10 s idle and new ones started,
so per-thread connections would pile up until the server refuses more.
The tables are created if missing, which needs PostgreSQL 14 or later
(CREATE OR REPLACE TRIGGER) and a role that owns them; a start-up waits for
another session's lock on them only ``lock_timeout``.
"""

from __future__ import annotations

import functools
import json
import shlex
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

import anyio.to_thread
import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import ConnectionPool

from .errors import SetupError, StoreUnavailable
from .store import (LOCK_TIMEOUT, Correction, Evidence, PurgedRecord, StoredRecord,
                    canonical_json, utc_now)

# Connections at most: more than the cores rarely helps PostgreSQL, and the
# server's default limit (100) leaves room for several collectors and psql
POOL_SIZE = 10
OLDEST_SERVER = 140000  # PostgreSQL 14: CREATE OR REPLACE TRIGGER

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
  arrival bigint GENERATED ALWAYS AS IDENTITY,
  id text PRIMARY KEY,
  site text NOT NULL,
  kind text NOT NULL,
  created text NOT NULL,
  body text NOT NULL,
  received text NOT NULL,
  client_ip text,
  user_agent text,
  identity text
);
CREATE INDEX IF NOT EXISTS records_site_kind ON records (site, kind);
CREATE TABLE IF NOT EXISTS purge_log (
  arrival bigint GENERATED ALWAYS AS IDENTITY,
  id text NOT NULL,
  site text NOT NULL,
  kind text NOT NULL,
  created text NOT NULL,
  received text NOT NULL,
  purged text NOT NULL,
  cutoff text NOT NULL
);
CREATE TABLE IF NOT EXISTS corrections (
  arrival bigint GENERATED ALWAYS AS IDENTITY,
  id text PRIMARY KEY,
  created text NOT NULL,
  operator text NOT NULL,
  reason text NOT NULL,
  site text NOT NULL,
  staff_id text NOT NULL,
  action text NOT NULL,
  changes text NOT NULL
);
CREATE OR REPLACE FUNCTION qinglian_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '%', TG_ARGV[0];
END
$$;
CREATE OR REPLACE TRIGGER records_no_change BEFORE UPDATE OR TRUNCATE ON records
  FOR EACH STATEMENT EXECUTE FUNCTION qinglian_refuse('records are append-only');
CREATE OR REPLACE TRIGGER records_no_delete BEFORE DELETE ON records
  FOR EACH STATEMENT WHEN (current_setting('qinglian.purge', true) IS DISTINCT FROM 'on')
  EXECUTE FUNCTION qinglian_refuse('records are append-only');
CREATE OR REPLACE TRIGGER corrections_no_change
  BEFORE UPDATE OR DELETE OR TRUNCATE ON corrections
  FOR EACH STATEMENT EXECUTE FUNCTION qinglian_refuse('corrections are append-only');
CREATE OR REPLACE TRIGGER purge_log_no_change BEFORE UPDATE OR DELETE OR TRUNCATE ON purge_log
  FOR EACH STATEMENT EXECUTE FUNCTION qinglian_refuse('the purge log is append-only');
"""


class PostgresStore:
    """The collector's tables in one PostgreSQL database, safe to use from many threads."""

    def __init__(self, url: str, lock_timeout: float = LOCK_TIMEOUT):
        self.url = url
        try:
            options = conninfo_to_dict(url)
            # libpq would wait for a silent host forever
            options.setdefault("connect_timeout", 10)
            with psycopg.connect(**options, autocommit=True) as connection:
                _check_version(connection, url)
                _create_tables(connection, url, lock_timeout)
        except psycopg.Error as error:
            reason = _masked(" ".join(str(error).split()), url)
            raise SetupError(f"cannot use the PostgreSQL database '{_without_password(url)}': "
                             f"{reason}; check that the server runs and that the URL's host, "
                             "port, database, user and password are right") from None
        self._pool = ConnectionPool(
            kwargs={**options, "autocommit": True}, min_size=1, max_size=POOL_SIZE,
            configure=functools.partial(_configure, lock_timeout=lock_timeout),
            # A connection the server dropped (a restart) is replaced, not handed out
            check=ConnectionPool.check_connection, open=True)

    def add(self, record: dict, evidence: Evidence) -> str | None:
        """Store ``record`` unless its id is taken; return None, or the body stored with that id."""
        with self._unavailable("store a record in"), self._pool.connection() as connection:
            # Only the id may clash (the primary key); the first writer wins, atomically
            cursor = connection.execute(
                "INSERT INTO records (id, site, kind, created, body, received, client_ip,"
                " user_agent, identity) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
                " ON CONFLICT (id) DO NOTHING",
                (record["id"], record["site"], record["kind"], record["created"],
                 canonical_json(record), evidence.received, evidence.client_ip,
                 evidence.user_agent, evidence.identity))
            if cursor.rowcount == 1:
                return None
            (stored,) = connection.execute("SELECT body FROM records WHERE id = %s",
                                           (record["id"],)).fetchone()
        return stored

    def add_all(self, records: list[dict], evidence: Evidence) -> list[str | None]:
        """``add`` for each of ``records``, in one transaction (one WAL flush for all):
        return what ``add`` would return for each, in order."""
        with self._unavailable("store records in"), self._pool.connection() as connection, \
                connection.transaction():
            cursor = connection.cursor()
            # One result per record, in order: its id if this record was the one stored
            cursor.executemany(
                "INSERT INTO records (id, site, kind, created, body, received, client_ip,"
                " user_agent, identity) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
                " ON CONFLICT (id) DO NOTHING RETURNING id",
                [(record["id"], record["site"], record["kind"], record["created"],
                  canonical_json(record), evidence.received, evidence.client_ip,
                  evidence.user_agent, evidence.identity) for record in records],
                returning=True)
            inserted = [cursor.fetchone() is not None for _ in cursor.results()]
            taken = [record["id"] for record, new in zip(records, inserted) if not new]
            bodies = dict(connection.execute("SELECT id, body FROM records WHERE id = ANY(%s)",
                                             (taken,)).fetchall()) if taken else {}
        return [None if new else bodies[record["id"]] for record, new in zip(records, inserted)]

    async def add_async(self, record: dict, evidence: Evidence) -> str | None:
        """``add`` for a coroutine, in a worker thread (psycopg's calls block). PostgreSQL
        itself lets concurrent commits share one flush of its WAL."""
        return await anyio.to_thread.run_sync(self.add, record, evidence)

    def records(self, site: str | None = None, kind: str | None = None) -> list[StoredRecord]:
        """Return the stored records in the order they arrived, of one site and kind if given."""
        return list(self.stream(site, kind))

    def stream(self, site: str | None = None, kind: str | None = None) -> Iterator[StoredRecord]:
        """Yield the records ``records`` returns, one row read at a time (single-row mode:
        the whole result is never held, as text or parsed)."""
        # Closed first when a reader stops early (a download cut off): until then psycopg's
        # stream holds the connection, and the pool's rollback of it would wait for ever
        with self._unavailable("read records from"), self._pool.connection() as connection, \
                closing(connection.cursor().stream(
                "SELECT body, received, client_ip, user_agent, identity FROM records"
                " WHERE (%(site)s::text IS NULL OR site = %(site)s)"
                " AND (%(kind)s::text IS NULL OR kind = %(kind)s) ORDER BY arrival",
                {"site": site, "kind": kind})) as rows:
            for body, *evidence in rows:
                yield StoredRecord(json.loads(body), *evidence)

    def add_correction(self, correction: Correction) -> None:
        """Store ``correction`` (its id is new: corrections are never replaced)."""
        with self._unavailable("add a correction to"), self._pool.connection() as connection:
            connection.execute(
                "INSERT INTO corrections (id, created, operator, reason, site, staff_id, action,"
                " changes) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                (correction.id, correction.created, correction.operator, correction.reason,
                 correction.site, correction.staff_id, correction.action,
                 canonical_json(correction.changes)))

    def corrections(self) -> list[Correction]:
        """Return every correction in the order they were made."""
        with self._unavailable("read records from"), self._pool.connection() as connection:
            rows = connection.execute(
                "SELECT id, created, operator, reason, site, staff_id, action, changes"
                " FROM corrections ORDER BY arrival").fetchall()
        return [Correction(*row[:7], json.loads(row[7])) for row in rows]

    def purge(self, received_before: str, *, dry_run: bool) -> list[PurgedRecord]:
        """Remove every record received before ``received_before`` (ISO UTC) and log each
        one; with ``dry_run``, only return what would go."""
        with self._unavailable("purge records in"), self._pool.connection() as connection:
            if dry_run:
                rows = connection.execute(
                    "SELECT id, site, kind, created, received FROM records"
                    " WHERE received < %s ORDER BY arrival", (received_before,)).fetchall()
                return [PurgedRecord(*row) for row in rows]
            # One transaction: SET LOCAL ends with it, so the permit never outlives the purge.
            # The log lists exactly the rows the DELETE removed.
            with connection.transaction():
                connection.execute("SET LOCAL qinglian.purge = 'on'")
                rows = connection.execute(
                    "WITH gone AS (DELETE FROM records WHERE received < %s"
                    " RETURNING arrival, id, site, kind, created, received)"
                    " SELECT id, site, kind, created, received FROM gone ORDER BY arrival",
                    (received_before,)).fetchall()
                purged = [PurgedRecord(*row) for row in rows]
                purged_at = utc_now()
                connection.cursor().executemany(
                    "INSERT INTO purge_log (id, site, kind, created, received, purged, cutoff)"
                    " VALUES (%s, %s, %s, %s, %s, %s, %s)",
                    [(p.id, p.site, p.kind, p.created, p.received, purged_at, received_before)
                     for p in purged])
        return purged

    def purge_log(self) -> list[tuple[PurgedRecord, str, str]]:
        """Return (record, purged at, cutoff) for every record a purge removed."""
        with self._pool.connection() as connection:
            rows = connection.execute(
                "SELECT id, site, kind, created, received, purged, cutoff FROM purge_log"
                " ORDER BY arrival").fetchall()
        return [(PurgedRecord(*row[:5]), row[5], row[6]) for row in rows]

    def backup(self, target: Path) -> int:
        """Refuse, naming the commands that do it: PostgreSQL's own pg_dump copies a
        running database consistently."""
        url = shlex.quote(_without_password(self.url))
        out = shlex.quote(str(target))
        raise SetupError(
            "a PostgreSQL database is backed up with PostgreSQL's tools, which copy it "
            f"consistently while records arrive:\n  pg_dump --format=custom --file {out} {url}\n"
            "and restored, with the collector stopped, by:\n"
            f"  pg_restore --clean --if-exists --dbname {url} {out}\n"
            "Both ask for the password, or read it from ~/.pgpass or PGPASSWORD.")

    def close(self) -> None:
        """Close every connection."""
        self._pool.close()

    @contextmanager
    def _unavailable(self, action: str):
        """A lock held past lock_timeout, a full disk, the server gone: StoreUnavailable,
        saying why (a write's transaction left nothing behind; try again later)."""
        try:
            yield
        except psycopg.OperationalError as error:
            reason = _masked(" ".join(str(error).split()), self.url)
            raise StoreUnavailable(f"cannot {action} the PostgreSQL database "
                                   f"'{_without_password(self.url)}': {reason}") from None


# Helpers --------------------------------------------------------------------------------

def _check_version(connection: psycopg.Connection, url: str) -> None:
    version = connection.info.server_version
    if version < OLDEST_SERVER:
        raise SetupError(f"the PostgreSQL server of '{_without_password(url)}' is version "
                         f"{version // 10000}; the collector needs 14 or later")


def _create_tables(connection: psycopg.Connection, url: str, lock_timeout: float) -> None:
    try:
        with connection.transaction():
            # Another session's lock on a table (a transaction that wrote and stays open,
            # VACUUM FULL, pg_restore) would else hold the start-up for ever
            connection.execute(f"SET LOCAL lock_timeout = {round(lock_timeout * 1000)}")
            # Collectors starting at once would race on CREATE OR REPLACE; take turns
            connection.execute("SELECT pg_advisory_xact_lock(hashtext('qinglian schema'))")
            connection.execute(_SCHEMA)
    except psycopg.errors.LockNotAvailable:
        database = sql.Literal(connection.info.dbname).as_string(connection)
        raise SetupError(
            f"cannot set up the collector's tables in '{_without_password(url)}': another "
            f"session held a lock on them for over {lock_timeout:g} s (a transaction left "
            "open after a write, VACUUM FULL, pg_restore, or another collector starting); "
            "find it with  SELECT pid, state, xact_start, query FROM pg_stat_activity WHERE "
            f"datname = {database} AND xact_start IS NOT NULL;  end it (or wait for it to "
            "finish) and start the collector again") from None
    except psycopg.errors.InsufficientPrivilege as error:
        role, database = (sql.Identifier(name).as_string(connection)
                          for name in (connection.info.user, connection.info.dbname))
        raise SetupError(
            f"the role {role} may not create the collector's tables in "
            f"'{_without_password(url)}' ({error.diag.message_primary}): the collector's role "
            f"must own its database and tables; as a superuser, run  ALTER DATABASE {database} "
            f"OWNER TO {role};  and, for tables another role made,  ALTER TABLE records OWNER "
            f"TO {role};  (likewise corrections and purge_log, and ALTER FUNCTION "
            f"qinglian_refuse() OWNER TO {role}), or start the collector as the role that "
            "made them") from None


def _configure(connection: psycopg.Connection, lock_timeout: float) -> None:
    # A 201 promises the record is on disk, even where the server's default says otherwise
    connection.execute("SET synchronous_commit = on")
    # A write waits this long for a lock another session holds (the server's default: for ever)
    connection.execute(f"SET lock_timeout = {round(lock_timeout * 1000)}")


def _without_password(url: str) -> str:
    """Return ``url`` without the password (user part or ?password=), fit to print or run."""
    parts = urlsplit(url)
    userinfo, at, hosts = parts.netloc.rpartition("@")
    query = "&".join(pair for pair in parts.query.split("&")
                     if pair and not pair.startswith("password="))
    # Put together by hand: urlunsplit drops the // of a URL without a host (a socket)
    return (f"{parts.scheme}://{userinfo.partition(':')[0]}{at}{hosts}{parts.path}"
            + (f"?{query}" if query else ""))


def _masked(text: str, url: str) -> str:
    """Return ``text`` with the URL's password, as written or decoded, replaced by ***
    (libpq quotes parts of a malformed URL in its errors)."""
    parts = urlsplit(url)
    written = [parts.password] + [pair.partition("=")[2] for pair in parts.query.split("&")
                                  if pair.startswith("password=")]
    secrets = {form for value in written if value for form in (value, unquote(value))}
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text
