"""The collector under faults: a full or failing disk, a locked database, a flood of
invalid requests, slow and oversized requests, and reads without the admin token.

A record the collector cannot store is answered 503 with Retry-After: the browser
keeps it and sends it again, so nothing is lost and nothing is stored twice. The
real-server tests start ``qinglian collector`` as a process (conftest.run_collector)
and speak to it over raw sockets or http.client, so nothing between the test and
uvicorn tidies up what a hostile client sends. (SIGKILL under load is in
test_collector_load.py.)
"""

from __future__ import annotations

import http.client
import json
import logging
import os
import re
import resource
import socket
import sqlite3
import threading
import time
import warnings
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, contextmanager
from pathlib import Path

import psycopg
import pytest

from conftest import run_collector
from qinglian.cli import main
from qinglian.collector import store as store_module
from qinglian.collector.app import RETRY_AFTER, create_app
from qinglian.collector.errors import StoreUnavailable
from qinglian.collector.settings import Settings
from qinglian.collector.store import Evidence, Store, canonical_json, open_store
from test_collector_api import PARTS, READS, TOKEN, assert_error, record

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

CLIENT_TIMEOUT = 1.5  # --client-timeout of the slow-client tests
GRACE = 1.5  # seconds a cut-off may come after its deadline on a busy machine


def big_record() -> dict:
    """A valid record of some 15 KB: more than a database page, so storing it needs new pages."""
    answers = [{"question": f"q-{n}", "answer": "A" * 120, "correct": True} for n in range(100)]
    return record(attempt={**PARTS["attempt"], "answers": answers})


def send(connection: http.client.HTTPConnection, method: str, path: str, body=None,
         headers: dict | None = None) -> tuple[int, http.client.HTTPMessage, bytes]:
    connection.request(method, path, body, headers or {})
    response = connection.getresponse()
    return response.status, response.headers, response.read()


def post(connection: http.client.HTTPConnection, item: dict, **headers: str):
    return send(connection, "POST", "/api/v1/records", json.dumps(item).encode(),
                {"Content-Type": "application/json", **headers})


def listed(connection: http.client.HTTPConnection) -> list[str]:
    """Return the ids of the stored records, as an admin reads them."""
    status, _, body = send(connection, "GET", "/api/v1/records",
                           headers={"Authorization": f"Bearer {TOKEN}"})
    assert status == 200, body
    return [item["record"]["id"] for item in json.loads(body)["records"]]


def stored_ids(db: Path) -> list[str]:
    """Return the ids in the database file, after checking the file is sound."""
    with closing(sqlite3.connect(db)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return [row[0] for row in connection.execute("SELECT id FROM records ORDER BY rowid")]


def logged(server, text: str, timeout: float = 10) -> bool:
    """Wait until the collector's output holds ``text`` (read by another thread)."""
    deadline = time.monotonic() + timeout
    while text not in server.output():
        if time.monotonic() > deadline:
            return False
        threading.Event().wait(0.05)
    return True


def usage(pid: int) -> tuple[int, int]:
    """Return the process's resident memory (KB) and its count of open files and sockets."""
    status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    return int(re.search(r"VmRSS:\s+(\d+)", status)[1]), len(os.listdir(f"/proc/{pid}/fd"))


def settled_files(pid: int, at_most: int, timeout: float = 10) -> int:
    """Wait until the process holds at most ``at_most`` files; return how many it holds."""
    deadline = time.monotonic() + timeout
    while (files := usage(pid)[1]) > at_most and time.monotonic() < deadline:
        threading.Event().wait(0.05)
    return files


# A full or failing disk -----------------------------------------------------------------

def test_full_disk_is_503_keeps_nothing_and_recovers(tmp_path, caplog):
    """SQLite says "database or disk is full": the record is refused with 503 and Retry-After,
    the log says what to do, earlier records stay readable, and the same record is stored,
    once, when there is room again."""
    db = tmp_path / "records.db"
    earlier = [record() for _ in range(3)]
    with TestClient(create_app(Settings(db=db, admin_token=TOKEN))) as client:
        for item in earlier:
            assert client.post("/api/v1/records", json=item).status_code == 201
        store = client.app.state.store
        # SQLite's own limit, set on each connection the store has opened: the file is full
        for connection in store._all:
            (pages,) = connection.execute("PRAGMA page_count").fetchone()
            connection.execute(f"PRAGMA max_page_count = {pages}")
        big = big_record()
        with caplog.at_level(logging.WARNING, logger="qinglian.collector"):
            response = client.post("/api/v1/records", json=big)
        assert_error(response, 503)
        assert response.headers["retry-after"] == str(RETRY_AFTER)
        assert "SQLITE" not in response.text and str(db) not in response.text
        assert (f"cannot store a record in '{db}': database or disk is full (SQLITE_FULL); "
                "free space on the disk that holds it") in caplog.text
        reads = client.get("/api/v1/records", headers={"Authorization": f"Bearer {TOKEN}"})
        assert [item["record"]["id"] for item in reads.json()["records"]] == \
            [item["id"] for item in earlier]

        for connection in store._all:
            connection.execute("PRAGMA max_page_count = 1000000000")
        # 201, not 200 "already there": nothing of the refused record was kept
        assert client.post("/api/v1/records", json=big).status_code == 201
        assert client.post("/api/v1/records", json=big).status_code == 200
    assert stored_ids(db) == [item["id"] for item in earlier] + [big["id"]]


@pytest.mark.collector
def test_running_collector_survives_refused_writes_and_recovers(tmp_path):
    """The system refuses every write of the running collector (its RLIMIT_FSIZE, lowered
    from outside as a disk that fills up): records get 503, reads and /healthz go on,
    and when writes work again the same records are stored once, without a restart."""
    db = tmp_path / "records.db"
    earlier, refused = [record() for _ in range(3)], [big_record() for _ in range(3)]
    with run_collector(db, "--rate-limit", "0", token=TOKEN) as server:
        connection = server.connect()
        for item in earlier:
            assert post(connection, item)[0] == 201
        pid = server.process.pid
        limits = resource.prlimit(pid, resource.RLIMIT_FSIZE)
        resource.prlimit(pid, resource.RLIMIT_FSIZE, (1, limits[1]))
        try:
            for item in refused:
                status, headers, body = post(connection, item)
                assert status == 503, body
                assert headers["Retry-After"] == str(RETRY_AFTER)
            assert send(connection, "GET", "/healthz")[0] == 200
            assert listed(connection) == [item["id"] for item in earlier]
        finally:
            resource.prlimit(pid, resource.RLIMIT_FSIZE, limits)
        assert [post(connection, item)[0] for item in refused] == [201] * len(refused)
        assert logged(server, "disk I/O error (SQLITE_IOERR_WRITE); the write failed: check "
                              "free space"), server.output()
        assert "Traceback" not in server.output()
    assert stored_ids(db) == [item["id"] for item in earlier + refused]


def test_records_import_stops_with_the_reason_when_the_store_refuses(tmp_path, capsys,
                                                                   monkeypatch):
    """``qinglian records import`` onto a full disk says why and exits 2, no traceback."""
    path = tmp_path / "records.json"
    path.write_text(json.dumps([record(), record()]), encoding="utf-8")

    def refuse(store, records, evidence):
        raise StoreUnavailable("cannot store a record in 'r.db': database or disk is full")

    monkeypatch.setattr(Store, "add_all", refuse)
    assert main(["records", "import", str(path), "--db", str(tmp_path / "r.db")]) == 2
    assert capsys.readouterr().err == (
        "qinglian records import: cannot store a record in 'r.db': database or disk is full; "
        "the records stored so far stay stored, run the import again\n")


# A locked database ----------------------------------------------------------------------

LOCK_TIMEOUT = 0.5


@contextmanager
def write_lock(db: str):
    """Hold the write lock on the records from another connection until the block ends."""
    if db.startswith("postgresql://"):
        with psycopg.connect(db) as connection:  # one transaction until the block ends
            connection.execute("LOCK TABLE records IN EXCLUSIVE MODE")  # reads still pass
            yield
            connection.rollback()
        return
    with closing(sqlite3.connect(db, isolation_level=None)) as connection:
        connection.execute("BEGIN EXCLUSIVE")
        yield
        connection.execute("ROLLBACK")


def test_locked_database_is_503_in_time_then_stored_once(store_db, caplog):
    """Another connection holds the write lock past the lock timeout: 503 with Retry-After
    after that timeout (not 500, not a hang), reads go on, and the record is stored once
    after the lock is released."""
    first, second = record(), record()
    app = create_app(Settings(db=store_db, admin_token=TOKEN, lock_timeout=LOCK_TIMEOUT))
    with TestClient(app) as client:
        def ids():
            reads = client.get("/api/v1/records", headers={"Authorization": f"Bearer {TOKEN}"})
            return [item["record"]["id"] for item in reads.json()["records"]]

        assert client.post("/api/v1/records", json=first).status_code == 201
        # The pool outermost: a request that hangs is waited for only after the lock is gone
        with ThreadPoolExecutor(1) as pool, write_lock(store_db), \
                caplog.at_level(logging.WARNING, logger="qinglian.collector"):
            started = time.monotonic()
            sending = pool.submit(client.post, "/api/v1/records", json=second)
            response = sending.result(timeout=LOCK_TIMEOUT + 5)
            waited = time.monotonic() - started
            assert_error(response, 503)
            assert response.headers["retry-after"] == str(RETRY_AFTER)
            assert LOCK_TIMEOUT * 0.9 <= waited < LOCK_TIMEOUT + 3
            assert ids() == [first["id"]]
        reason = ("lock timeout" if store_db.startswith("postgresql://")
                  else "database is locked (SQLITE_BUSY); another program held the write lock")
        assert "cannot store a record in" in caplog.text and reason in caplog.text
        assert client.post("/api/v1/records", json=second).status_code == 201
        assert client.post("/api/v1/records", json=second).status_code == 200
        assert ids() == [first["id"], second["id"]]


def test_writers_queued_behind_a_lock_all_give_up_in_time(tmp_path):
    """Writers of one collector take turns; behind another program's lock each gives up
    within about twice the lock timeout, however many are queued."""
    db, timeout, writers = tmp_path / "records.db", 1.0, 6
    store = Store(db, lock_timeout=timeout)

    def write(_) -> tuple[float, str]:
        started = time.monotonic()
        try:
            store.add(record(), Evidence.now("127.0.0.1", None))
            outcome = "stored"
        except StoreUnavailable as error:
            outcome = str(error)
        return time.monotonic() - started, outcome

    try:
        with write_lock(str(db)), ThreadPoolExecutor(writers) as pool:
            results = list(pool.map(write, range(writers)))
        assert all(outcome.startswith(f"cannot store a record in '{db}'")
                   for _, outcome in results), results
        assert max(seconds for seconds, _ in results) < 2 * timeout + GRACE, results
        assert write(0)[1] == "stored"
    finally:
        store.close()


def test_admin_commands_behind_a_lock_say_so_and_change_nothing(store_db, capsys, monkeypatch):
    """Another program holds the write lock past the lock timeout: purge (and, on SQLite,
    whose lock covers every table, redact) says why and exits 2, without a traceback;
    nothing is removed or added."""
    store = open_store(store_db)
    store.add(record("pledge"), Evidence("2019-05-01T00:00:00.000Z", None, None))
    store.close()
    monkeypatch.setattr(store_module.open_store, "__defaults__", (LOCK_TIMEOUT,))
    commands = [["purge", "--older-than", "3y"]]
    if store_db.startswith("postgresql://"):
        # The record's row only: a lock on the table would hold up the schema check too
        lock = psycopg.connect(store_db)
        lock.execute("SELECT id FROM records FOR UPDATE")
    else:
        commands.append(["redact", "--site", "example-hospital", "--staff-id", "A001",
                         "--operator", "纪检监察室", "--reason", "本人申请"])
        lock = closing(sqlite3.connect(store_db, isolation_level=None))
        lock.thing.execute("BEGIN EXCLUSIVE")
    with lock:
        for action, *arguments in commands:
            assert main(["collector", action, "--db", store_db, *arguments]) == 2, action
            error = capsys.readouterr().err
            assert error.startswith(f"qinglian collector {action}: cannot "), error
            assert error.endswith("; nothing was changed, run the command again\n"), error
    store = open_store(store_db)
    assert len(store.records()) == 1 and store.corrections() == []
    store.close()


# A database that cannot be read --------------------------------------------------------

ADMIN = {"Authorization": f"Bearer {TOKEN}"}


def seeded(db: Path, count: int) -> None:
    """Fill a new SQLite database with ``count`` records, in one transaction."""
    Store(db).close()  # the collector's tables
    items = [record() for _ in range(count)]
    with closing(sqlite3.connect(db)) as connection, connection:
        connection.executemany(
            "INSERT INTO records (id, site, kind, created, body, received)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [(item["id"], item["site"], item["kind"], item["created"], canonical_json(item),
              "2026-11-24T02:00:01.000Z") for item in items])


def damaged(db: Path, where: float) -> None:
    """Overwrite the leaf page of the records table ``where`` of the way through it, as a
    failing disk would: reading the records from there on fails."""
    with closing(sqlite3.connect(db)) as connection:
        (size,) = connection.execute("PRAGMA page_size").fetchone()
        pages = [row[0] for row in connection.execute(
            "SELECT pageno FROM dbstat WHERE name = 'records' AND pagetype = 'leaf'"
            " ORDER BY path")]
    with open(db, "r+b") as file:
        file.seek((pages[int(len(pages) * where)] - 1) * size)
        file.write(b"\xff" * size)


@contextmanager
def unreadable(db: str):
    """Make the records unreadable until the block ends; yield what the log says about it.
    PostgreSQL: another session's lock (VACUUM FULL, pg_restore); SQLite: a damaged page."""
    if db.startswith("postgresql://"):
        with psycopg.connect(db) as connection:
            connection.execute("LOCK TABLE records IN ACCESS EXCLUSIVE MODE")
            yield "lock timeout"
            connection.rollback()
        return
    damaged(Path(db), 0)
    yield "database disk image is malformed (SQLITE_CORRUPT); the file is damaged"


def app_holding_one_record(store_db):
    """Return the collector's app on a database that holds one record."""
    store = open_store(store_db)
    store.add(record(), Evidence.now("127.0.0.1", None))
    store.close()
    return create_app(Settings(db=store_db, admin_token=TOKEN, lock_timeout=LOCK_TIMEOUT))


@pytest.mark.parametrize("path", READS)
def test_unreadable_records_answer_reads_503(store_db, path, caplog):
    """The records cannot be read: every read answers 503 with Retry-After and the error
    shape, before anything is sent (not 200 and a short or empty download); the log
    says why."""
    app = app_holding_one_record(store_db)
    with TestClient(app) as client, unreadable(store_db) as reason, \
            caplog.at_level(logging.WARNING, logger="qinglian.collector"):
        response = client.get(path, headers=ADMIN)
    assert_error(response, 503)
    assert response.headers["retry-after"] == str(RETRY_AFTER)
    assert response.json()["error"].startswith("The collector cannot read its database just now")
    assert "cannot read records from" in caplog.text and reason in caplog.text
    assert "answered 503: nothing was sent" in caplog.text


def test_unreadable_records_answer_the_verification_page_503_in_its_language(store_db, caplog):
    """Someone checking a certificate while the records cannot be read gets the
    verification page saying so (503, Retry-After), not the JSON error admin clients read."""
    app = app_holding_one_record(store_db)
    with TestClient(app) as client, unreadable(store_db) as reason, \
            caplog.at_level(logging.WARNING, logger="qinglian.collector"):
        response = client.get("/verify/abcd-efgh-jkmn-pqrs")
    assert response.status_code == 503 and response.headers["retry-after"] == str(RETRY_AFTER)
    assert response.headers["content-type"].startswith("text/html")
    assert '<html lang="zh">' in response.text and "暂时无法查询。" in response.text
    assert "<code>ABCD-EFGH-JKMN-PQRS</code>" in response.text
    assert reason in caplog.text and "answered the verification page 503" in caplog.text


@pytest.mark.collector
def test_read_failing_half_way_is_cut_off_not_ended(tmp_path):
    """The disk fails under the records half-way through a download: the JSON reads,
    which answered 200 already, end without their last chunk, so the client sees the
    transfer cut off (curl exits 18) rather than a shorter document that looks whole;
    the CSV, made whole before it is sent, answers 503. The log says why, no traceback."""
    db = tmp_path / "records.db"
    seeded(db, 1500)  # three batches of 500
    damaged(db, 0.75)
    with run_collector(db, "--rate-limit", "0", token=TOKEN) as server:
        for path, head in (("/api/v1/records", b'{"records":[{'), ("/api/v1/export.xapi", b"[{")):
            with closing(server.connect()) as connection:
                connection.request("GET", path, headers=ADMIN)
                response = connection.getresponse()
                assert response.status == 200
                with pytest.raises(http.client.IncompleteRead) as cut:
                    response.read()
                assert cut.value.partial.startswith(head), path
        with closing(server.connect()) as connection:
            status, headers, body = send(connection, "GET", "/api/v1/export.csv", headers=ADMIN)
            assert status == 503 and headers["Retry-After"] == str(RETRY_AFTER), body
            assert send(connection, "GET", "/healthz")[0] == 200
        assert logged(server, f"cannot read records from '{db}': database disk image is "
                              "malformed (SQLITE_CORRUPT); the file is damaged"), server.output()
        assert logged(server, "the download was cut off half-way"), server.output()
    assert "Traceback" not in server.output()


# A flood of invalid requests ------------------------------------------------------------

FLOOD = 10_000
FLOODERS = 4
VALID = 40  # records a ward PC sends while the flood goes on

JSON = {"Content-Type": "application/json"}
INVALID = [  # method, path, headers, body: each is refused, none is stored
    ("POST", "/api/v1/records", JSON, b'{"id": '),
    ("POST", "/api/v1/records", JSON, b'{"not": "a record"}'),
    ("POST", "/api/v1/records", JSON, json.dumps(record(kind="attempt", site="<script>")).encode()),
    ("POST", "/api/v1/records", {"Content-Type": "text/plain"}, json.dumps(record()).encode()),
    ("GET", "/api/v1/records", {"Authorization": "Bearer guess"}, None),
    ("GET", "/api/v1/export.csv", {}, None),
    ("DELETE", "/api/v1/records", {}, None),
    ("GET", "/verify/not-a-code", {}, None),
    ("GET", "/wp-login.php", {}, None),
]


@pytest.mark.collector
def test_flood_of_invalid_requests_leaves_valid_senders_served(tmp_path):
    """10,000 invalid requests from 4 clients at once (via the trusted proxy, from 100
    addresses; every 100th not even HTTP): the collector stays up, a ward PC behind the
    same proxy has each record stored during and after the flood, nothing invalid is
    stored, and memory and open connections come back down."""
    db = tmp_path / "records.db"
    done = [0]
    progress = threading.Condition()

    def flood(number: int, server) -> Counter:
        statuses: Counter = Counter()
        connection = server.connect()
        for n in range(FLOOD // FLOODERS):
            if n % 100 == 99:
                statuses[f"not HTTP: {garbage(server)}"] += 1
            else:
                method, path, headers, body = INVALID[n % len(INVALID)]
                address = f"10.66.{number}.{n % 25}"
                statuses[send(connection, method, path, body,
                              {**headers, "X-Forwarded-For": address})[0]] += 1
            with progress:
                done[0] += 1
                progress.notify_all()
        connection.close()
        return statuses

    def ward_pc(server) -> tuple[list[str], list[str], list[float]]:
        connection, sent, wrong, seconds = server.connect(), [], [], []
        for n in range(VALID):
            with progress:  # spread the records over the flood
                progress.wait_for(lambda: done[0] >= (n + 1) * FLOOD // (VALID + 1), timeout=120)
            item, started = record(), time.monotonic()
            status = post(connection, item, **{"X-Forwarded-For": "10.0.0.7"})[0]
            seconds.append(time.monotonic() - started)
            sent.append(item["id"])
            if status != 201:
                wrong.append(f"record {n} at flood request {done[0]}: {status}")
        connection.close()
        return sent, wrong, seconds

    with run_collector(db, "--trusted-proxy", "127.0.0.1", token=TOKEN) as server:
        pid = server.process.pid
        memory, files = usage(pid)
        started = time.monotonic()
        with ThreadPoolExecutor(FLOODERS + 1) as pool:
            pc = pool.submit(ward_pc, server)
            floods = [pool.submit(flood, number, server) for number in range(FLOODERS)]
            statuses = sum((future.result() for future in floods), Counter())
            sent, wrong, seconds = pc.result()
        elapsed = time.monotonic() - started
        grown = usage(pid)[0] - memory
        print(f"{FLOOD} invalid requests in {elapsed:.1f} s: "
              f"{dict(sorted(statuses.items(), key=str))}; valid records took at most "
              f"{max(seconds):.2f} s; the collector grew by {grown} KB")
        assert not wrong, "\n".join(wrong)
        assert max(seconds) < 5, seconds
        assert sum(statuses.values()) == FLOOD
        assert set(statuses) <= {400, 401, 404, 405, 415, 429, "not HTTP: 400"}, statuses
        assert statuses[429] > FLOOD // 2  # the flood's addresses were slowed down …
        assert statuses[400] > FLOOD // 50  # … after some of their requests were read and refused

        connection = server.connect()
        after = [record() for _ in range(5)]
        for item in after:
            assert post(connection, item, **{"X-Forwarded-For": "10.0.0.8"})[0] == 201
        assert send(connection, "GET", "/healthz")[0] == 200
        assert grown < 30_000, f"the collector grew by {grown} KB"
        # The flood's connections are gone; this one remains
        assert settled_files(pid, files + 1) <= files + 1
        assert listed(connection) == sent + [item["id"] for item in after]
        connection.close()
    assert "Traceback" not in server.output()


def garbage(server) -> int:
    """Send bytes that are not HTTP on a new connection; return the status answered."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as raw:
        raw.sendall(b"\x16\x03\x01\x02\x00 not HTTP at all\r\n\r\n")
        answer = b""
        while chunk := raw.recv(4096):
            answer += chunk
    return int(answer.split(b" ", 2)[1])


# Slow and oversized requests ------------------------------------------------------------

def trickle(port: int, first: bytes, drip: bytes = b"", limit: float = CLIENT_TIMEOUT + GRACE,
            connected: threading.Barrier | None = None) -> tuple[bytes, float | None]:
    """Send ``first``, then ``drip`` every 0.25 s, reading all the while; return what came
    back and when the collector closed the connection (None: not within ``limit``)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        if connected is not None:
            connected.wait(timeout=30)
        started, received = time.monotonic(), b""
        try:
            raw.sendall(first)
        except OSError:  # reset: refused before it was all sent
            pass
        raw.settimeout(0.25)  # the drip's pace: a read that hears nothing for 0.25 s
        while time.monotonic() - started < limit:
            try:
                chunk = raw.recv(65536)
            except socket.timeout:
                try:
                    raw.sendall(drip)
                except OSError:  # reset: closed while we wrote
                    return received, time.monotonic() - started
                continue
            except OSError:
                return received, time.monotonic() - started
            if not chunk:
                return received, time.monotonic() - started
            received += chunk
        return received, None


HEAD = b"POST /api/v1/records HTTP/1.1\r\nHost: collector\r\nContent-Type: application/json\r\n"
SLOW = {  # what a slow client sends first, what it then drips, the status it gets (if any)
    "silent": (b"", b"", None),
    "slow head": (HEAD, b"X-Slow: 1\r\n", None),
    "slow body": (HEAD + b"Content-Length: 1000\r\n\r\n{", b" ", 408),
    "slow body nobody reads": (b"GET /healthz HTTP/1.1\r\nHost: c\r\nContent-Length: 1000\r\n\r\n",
                               b" ", 200),
    "slow second request": (b"GET /healthz HTTP/1.1\r\nHost: c\r\n\r\nG", b"E", 200),
}


def status_of(answer: bytes) -> int | None:
    return int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.1 ") else None


@pytest.mark.collector
def test_slow_clients_are_cut_off_in_time(tmp_path):
    """Whatever part of a request a client is slow to send (nothing at all, the headers,
    the body, the next request), the collector closes the connection within
    --client-timeout, answering 408 to a record that does not arrive in time."""
    with run_collector(tmp_path / "r.db", "--client-timeout", str(CLIENT_TIMEOUT)) as server:
        with ThreadPoolExecutor(len(SLOW)) as pool:
            futures = {kind: pool.submit(trickle, server.port, first, drip)
                       for kind, (first, drip, _) in SLOW.items()}
            results = {kind: future.result() for kind, future in futures.items()}
    for kind, (answer, closed) in results.items():
        assert closed is not None, f"{kind}: still open after {CLIENT_TIMEOUT + GRACE} s"
        assert closed >= CLIENT_TIMEOUT * 0.9, f"{kind}: closed early, after {closed:.2f} s"
        assert status_of(answer) == SLOW[kind][2], f"{kind}: {answer[:200]!r}"


@pytest.mark.collector
def test_oversized_requests_are_refused_without_waiting(tmp_path):
    """A record announced or sent larger than 64 KB is refused with 413, and a megabyte of
    headers with 400 (uvicorn's limit), at once, and the connection is closed."""
    big = b"9" * (200 * 1024)
    requests = {
        "announced": (HEAD + b"Content-Length: 104857600\r\n\r\n", 413),
        "chunked": (HEAD + b"Transfer-Encoding: chunked\r\n\r\n"
                    + b"%x\r\n%s\r\n" % (len(big), big), 413),
        "sent": (HEAD + b"Content-Length: %d\r\n\r\n" % len(big) + big, 413),
        "headers": (HEAD + b"X-Big: " + b"a" * (1024 * 1024) + b"\r\n\r\n", 400),
    }
    with run_collector(tmp_path / "r.db", "--client-timeout", "30") as server:
        for kind, (request, status) in requests.items():
            answer, closed = trickle(server.port, request, limit=5)
            assert status_of(answer) == status, f"{kind}: {answer[:200]!r}"
            assert closed is not None and closed < 5, f"{kind}: not closed at once"


@pytest.mark.collector
def test_many_slow_clients_do_not_keep_a_valid_one_out(tmp_path):
    """120 slow clients at once do not delay a valid record; 210 (more than uvicorn's
    limit_concurrency of 200) hold it off with 503 only until they are cut off."""
    db = tmp_path / "r.db"
    kinds = ["silent", "slow head", "slow body"]
    with run_collector(db, "--client-timeout", str(CLIENT_TIMEOUT), "--rate-limit", "0",
                       token=TOKEN) as server:
        files = usage(server.process.pid)[1]
        valid = server.connect()
        assert send(valid, "GET", "/healthz")[0] == 200

        count = 120
        connected = threading.Barrier(count + 1)
        with ThreadPoolExecutor(count) as pool:
            slow = [pool.submit(trickle, server.port, *SLOW[kinds[n % 3]][:2],
                                connected=connected) for n in range(count)]
            connected.wait(timeout=30)  # every slow client is connected
            released = time.monotonic()
            for _ in range(10):
                assert post(valid, record())[0] == 201
            served = time.monotonic() - released
            cut_off = [future.result()[1] for future in slow]
            assert None not in cut_off
            # All ten were stored before the collector cut off any slow client, not once
            # they were gone (a fixed bound on the posts' time failed on a loaded machine,
            # where the cut-offs came late alike)
            assert served < min(cut_off), (served, min(cut_off))

        count = 210
        sockets = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(count)]
        try:
            with closing(server.connect()) as retry:
                # uvicorn answers 503 while it holds limit_concurrency connections …
                status, _, body = send(retry, "GET", "/healthz")
                assert status == 503, body
                # … until the silent ones are cut off
                started, deadline = time.monotonic(), time.monotonic() + CLIENT_TIMEOUT + GRACE
                while (status := post(retry, record())[0]) == 503 and time.monotonic() < deadline:
                    threading.Event().wait(0.1)  # a browser trying again
                assert status == 201, f"still {status} after {time.monotonic() - started:.1f} s"
        finally:
            for raw in sockets:
                raw.close()
        valid.close()
        assert settled_files(server.process.pid, files) <= files
        with closing(server.connect()) as connection:
            assert len(listed(connection)) == 11


# Admin reads never without the token ----------------------------------------------------

PUBLIC = {"/healthz", "/verify/{code}"}  # /verify shows a masked name, a route and a date
WRONG = [None, "Bearer", "Bearer wrong", f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}",
         f"Bearer {TOKEN.upper()}", f"Basic {TOKEN}", f"Token {TOKEN}", TOKEN,
         f"Bearer {TOKEN} {TOKEN}"]


def test_every_route_is_public_or_an_admin_read(tmp_path):
    """A new route must be added here, as public or as a read the next test checks."""
    app = create_app(Settings(db=tmp_path / "r.db"))
    assert {route.path for route in app.routes} == PUBLIC | set(READS)


def odd_paths(path: str) -> list[str]:
    """``path`` as a hostile client might spell it."""
    folder, _, name = path.rpartition("/")
    return [path, f"{path}/", f"{path}?site=example-hospital&kind=attempt", f"/{path}",
            f"{folder}/%{ord(name[0]):02X}{name[1:]}", f"{folder}%2F{name}",
            f"{folder}/./{name}", path.upper(), f"{path}%00", f"{path};.css", f"{path}/..%2F"]


@pytest.mark.collector
def test_admin_reads_never_answer_without_the_token(tmp_path):
    """Every read, by GET, HEAD or OPTIONS, however its path is spelt, answers 401 (or 404,
    405, a redirect) with any token but the right one: never a record, never the token
    given, the same words for every wrong token."""
    person = {"name": "泄露检查", "staff_id": "LEAK-01", "department": "内科"}
    item = record(person=person)
    secrets = [item["id"], person["name"], person["staff_id"]]
    reached, refusals = [], set()
    with run_collector(tmp_path / "r.db", "--rate-limit", "0", token=TOKEN) as server:
        connection = server.connect()
        assert post(connection, item)[0] == 201
        for path in READS:
            status, _, body = send(connection, "GET", path,
                                   headers={"Authorization": f"Bearer {TOKEN}"})
            assert status == 200 and person["staff_id"] in body.decode("utf-8")
            for spelt in odd_paths(path):
                for method in ("GET", "HEAD", "OPTIONS"):
                    right = send(connection, method, spelt,
                                 headers={"Authorization": f"Bearer {TOKEN}"})[0]
                    if 200 <= right < 300:
                        reached.append((method, spelt))
                    for authorization in WRONG:
                        headers = {"Authorization": authorization} if authorization else {}
                        status, answer_headers, body = send(connection, method, spelt,
                                                            headers=headers)
                        answer = f"{answer_headers}{body.decode('utf-8', 'replace')}"
                        where = f"{method} {spelt} with {authorization!r}: {status} {answer}"
                        assert not 200 <= status < 300, where
                        assert not any(secret in answer for secret in secrets), where
                        guess = (authorization or "").rpartition(" ")[2]
                        if guess not in ("", "Bearer"):
                            assert guess not in answer, where
                        if 200 <= right < 300:
                            assert status == 401, where
                            assert answer_headers["WWW-Authenticate"] == "Bearer", where
                            if body:
                                refusals.add(body)
        connection.close()
    assert ("GET", "/api/v1/%72ecords") in reached and ("HEAD", "/api/v1/export.csv") in reached
    assert len(refusals) == 1, refusals  # one answer, whatever was wrong
