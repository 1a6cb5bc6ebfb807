"""Group commit in the SQLite store: records that arrive while another is being written
are written together, in one transaction, and each sender hears back only after it.

Each test holds the writer inside the first record's INSERT, queues the others behind
it in a known order (counted as they are queued, not guessed with sleeps), then lets
go. The statements the store runs are read from SQLite's trace callback.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing

import pytest

from qinglian.collector import store as store_module
from qinglian.collector.errors import StoreUnavailable
from qinglian.collector.store import Evidence, Store, canonical_json
from test_collector_api import record

WAIT = 30  # seconds: only a broken store makes a test wait this long


def committed_ids(path) -> set[str]:
    """The ids another connection sees: only records whose transaction has committed."""
    with closing(sqlite3.connect(path)) as connection:
        return {row[0] for row in connection.execute("SELECT id FROM records")}


class Writers:
    """Threads adding records to ``store``: the writer is held inside the first record's
    write until released; each later record is queued before the next starts."""

    def __init__(self, store: Store, monkeypatch):
        self.store = store
        self.results: list[tuple[int, object, bool]] = []  # per add: number, outcome, committed
        self.threads: list[threading.Thread] = []
        self.writing = threading.Event()
        self.released = threading.Event()
        self.queued = 0
        self.queue_changed = threading.Condition()
        # Every write runs on the one connection the store opened (one writer at a time)
        self.statements: list[str] = []
        (connection,) = store._all
        connection.set_trace_callback(self.statements.append)

        self.after_first = lambda: None  # runs when the first write has ended
        insert = store_module._insert

        def held_insert(connection, write):
            first = not self.writing.is_set()
            if first:
                self.writing.set()
                assert self.released.wait(WAIT)
            try:
                return insert(connection, write)
            finally:
                if first:
                    self.after_first()

        enqueue = Store._enqueue

        def counted_enqueue(store, write):
            enqueue(store, write)
            with self.queue_changed:
                self.queued += 1
                self.queue_changed.notify_all()

        monkeypatch.setattr(store_module, "_insert", held_insert)
        monkeypatch.setattr(Store, "_enqueue", counted_enqueue)

    def start(self, first: dict, *queued: dict) -> None:
        """Start ``first`` and hold it in its write; queue ``queued`` behind it, in order."""
        self._add(first)
        assert self.writing.wait(WAIT)
        for count, item in enumerate(queued, 2):
            self._add(item)
            with self.queue_changed:
                assert self.queue_changed.wait_for(lambda: self.queued == count, WAIT)

    def finish(self) -> list[tuple[str, object, bool]]:
        """Let the first writer go; return each add's id, outcome and whether its record
        was committed when add returned, in the order the adds started."""
        self.released.set()
        for thread in self.threads:
            thread.join(WAIT)
        assert not any(thread.is_alive() for thread in self.threads)
        return sorted(self.results, key=lambda result: result[0])

    def release_when_queued(self, count: int) -> None:
        """Let the writer go, from another thread, once ``count`` records are queued."""
        def release():
            with self.queue_changed:
                assert self.queue_changed.wait_for(lambda: self.queued == count, WAIT)
            self.released.set()

        threading.Thread(target=release).start()

    def kinds(self) -> list[str]:
        """The statements run on the store's connection, by their first word."""
        return [statement.split()[0] for statement in self.statements]

    def _add(self, item: dict) -> None:
        number = len(self.threads)

        def add():
            try:
                outcome = self.store.add(item, Evidence.now("127.0.0.1", "test"))
            except Exception as error:  # the sender's answer: 503 or 500
                outcome = error
            self.results.append((number, outcome, item["id"] in committed_ids(self.store.path)))

        self.threads.append(threading.Thread(target=add))
        self.threads[-1].start()


@pytest.fixture
def store(tmp_path):
    store = Store(tmp_path / "records.db", lock_timeout=5)
    yield store
    store.close()


def test_records_arriving_together_are_committed_in_one_transaction(store, monkeypatch):
    """Five records queued behind a write go to disk in one transaction; each add returns
    only when its record is committed, and each is stored once."""
    items = [record() for _ in range(6)]
    writers = Writers(store, monkeypatch)
    writers.start(*items)
    results = writers.finish()
    assert [(outcome, committed) for _, outcome, committed in results] == [(None, True)] * 6
    assert writers.kinds() == ["INSERT", "BEGIN", *["INSERT"] * 5, "COMMIT"]
    (connection,) = store._all
    assert connection.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL: synced
    ids = [row[0] for row in connection.execute("SELECT id FROM records ORDER BY rowid")]
    assert ids == [item["id"] for item in items]  # in the order they arrived


def test_coroutines_are_answered_once_their_group_is_committed(store, monkeypatch):
    """The collector's requests await their records on the event loop: those queued
    together are committed together, and each await ends only after the commit."""
    items = [record() for _ in range(4)]
    writers = Writers(store, monkeypatch)
    writers.start(record())
    writers.release_when_queued(1 + len(items))

    async def send(item: dict) -> tuple[object, bool]:
        stored = await store.add_async(item, Evidence.now("127.0.0.1", "test"))
        return stored, item["id"] in committed_ids(store.path)

    async def send_all():
        return await asyncio.gather(*(send(item) for item in items))

    # In a thread of its own: the browser tests' Playwright (sync API) leaves an event
    # loop running on the main thread, where asyncio.run refuses to start
    with ThreadPoolExecutor(1) as pool:
        answers = pool.submit(asyncio.run, send_all()).result()
    assert answers == [(None, True)] * len(items)
    writers.finish()
    assert writers.kinds() == ["INSERT", "BEGIN", *["INSERT"] * len(items), "COMMIT"]


def test_one_failing_record_does_not_fail_the_others_in_its_group(store, monkeypatch):
    """A record the database refuses (here: no site) is refused alone; the group is
    rolled back and its other records are stored, each in its own transaction."""
    good, bad, other = record(), {**record(), "site": None}, record()
    writers = Writers(store, monkeypatch)
    writers.start(record(), good, bad, other)
    results = writers.finish()
    assert [outcome for _, outcome, _ in results][:2] == [None, None]
    assert isinstance(results[2][1], sqlite3.IntegrityError), results[2]
    assert results[3][1] is None
    assert [committed for _, _, committed in results] == [True, True, False, True]
    assert writers.kinds() == ["INSERT", "BEGIN", "INSERT", "INSERT", "ROLLBACK",
                               "INSERT", "INSERT", "INSERT"]
    assert len(committed_ids(store.path)) == 3


def test_repeats_within_a_group_are_answered_like_repeats(store, monkeypatch):
    """The same id twice in one group: the first is stored, the second is told what is
    stored with that id (a repeat, or a conflict if its content differs)."""
    item = record()
    changed = {**item, "page": "http://intranet.test/other/"}
    writers = Writers(store, monkeypatch)
    writers.start(record(), item, item, changed)
    results = writers.finish()
    stored = canonical_json(item)
    assert [outcome for _, outcome, _ in results] == [None, None, stored, stored]
    assert writers.kinds().count("COMMIT") == 1
    assert len(committed_ids(store.path)) == 2


def test_add_all_writes_its_records_in_one_transaction(store):
    """``records import`` hands its records over in batches: each batch is one transaction
    and one sync to disk, not one per record (a year's records took ten minutes)."""
    items = [record() for _ in range(5)]
    (connection,) = store._all
    statements: list[str] = []
    connection.set_trace_callback(statements.append)
    answers = store.add_all([*items, items[0]], Evidence.now(None, "test"))
    assert answers == [None] * 5 + [canonical_json(items[0])]
    assert [statement.split()[0] for statement in statements] == [
        "BEGIN", *["INSERT"] * 6, "SELECT", "COMMIT"]
    assert len(committed_ids(store.path)) == 5


def test_a_group_behind_another_programs_lock_is_refused_without_retries(tmp_path,
                                                                        monkeypatch):
    """Another program takes the write lock while a group waits: the group is refused
    with the reason after one wait for the lock, not tried again record by record (each
    would wait as long again)."""
    store = Store(tmp_path / "records.db", lock_timeout=2)
    other_program = sqlite3.connect(store.path, isolation_level=None, check_same_thread=False)
    writers = Writers(store, monkeypatch)
    writers.after_first = lambda: other_program.execute("BEGIN EXCLUSIVE")
    try:
        writers.start(record(), record(), record(), record())
        results = writers.finish()
    finally:
        other_program.close()
        store.close()
    assert results[0][1:] == (None, True)
    for _, outcome, committed in results[1:]:
        assert isinstance(outcome, StoreUnavailable) and not committed
        assert "database is locked (SQLITE_BUSY)" in str(outcome)
    assert writers.kinds() == ["INSERT", "BEGIN"]
    assert len(committed_ids(store.path)) == 1


def test_writer_ends_when_idle_and_the_next_record_starts_another(store, monkeypatch):
    """No thread is kept for a store nobody writes to; a record after a quiet spell
    starts a new writer."""
    monkeypatch.setattr(store_module, "WRITER_IDLE", 0)
    first, second = record(), record()
    assert store.add(first, Evidence.now(None, None)) is None
    writer = store._writer
    if writer is not None:  # not yet ended
        writer.join(WAIT)
    assert store._writer is None
    assert store.add(second, Evidence.now(None, None)) is None
    assert committed_ids(store.path) == {first["id"], second["id"]}
