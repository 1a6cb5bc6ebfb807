"""The collector as a real server: 50 clients at once, and a SIGKILL in the middle.

Each test starts ``python -m qinglian.cli collector`` on 127.0.0.1 and a free
port (conftest.run_collector) and prints the server's output when anything
fails. Clients use http.client with keep-alive, one connection each.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import signal
import sqlite3
import statistics
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import Collector, run_collector

pytestmark = pytest.mark.collector

TOKEN = "load-test-token"
CLIENTS = 50
RECORDS_PER_CLIENT = 200
REPEAT_EVERY = 10  # every 10th request resends one of the client's own earlier records


def record() -> dict:
    """Return a valid attempt record with a new id."""
    return {
        "id": str(uuid.uuid4()), "site": "example-hospital", "kind": "attempt",
        "created": "2026-11-24T02:00:00.000Z", "page": "http://intranet.test/quizzes/onboarding/",
        "person": {"name": "张三", "staff_id": "A001", "department": "内科"},
        "attempt": {"quiz_id": "onboarding", "quiz_hash": "c" * 64,
                    "started": "2026-11-24T01:50:00.000Z",
                    "finished": "2026-11-24T02:00:00.000Z", "score": 90, "passed": True,
                    "answers": [], "by_standard": {}},
    }


def post(connection: http.client.HTTPConnection, item: dict) -> int:
    connection.request("POST", "/api/v1/records", json.dumps(item, ensure_ascii=False).encode(),
                       {"Content-Type": "application/json"})
    response = connection.getresponse()
    response.read()
    return response.status


def stored_ids(db: Path) -> list[str]:
    connection = sqlite3.connect(db)
    try:
        return [row[0] for row in connection.execute("SELECT id FROM records")]
    finally:
        connection.close()


def test_fifty_clients_store_each_record_once(tmp_path):
    """50 clients × 200 records, 10 % resent: each new one 201, each resend 200, no doubles."""
    db = tmp_path / "records.db"

    def client(number: int, server: Collector) -> tuple[list[str], list[str], float]:
        chooser = random.Random(number)
        sent: list[dict] = []
        wrong: list[str] = []
        connection = server.connect()
        started = time.monotonic()
        for n in range(1, RECORDS_PER_CLIENT + 1):
            if n % REPEAT_EVERY == 0:
                item, expected = chooser.choice(sent), 200
            else:
                item, expected = record(), 201
                sent.append(item)
            status = post(connection, item)
            if status != expected:
                wrong.append(f"client {number}, request {n}: {status}, expected {expected}")
        connection.close()
        return [item["id"] for item in sent], wrong, time.monotonic() - started

    # Every test client is 127.0.0.1: one address would hit the per-address rate limit
    with run_collector(db, "--rate-limit", "0", token=TOKEN) as server:
        started = time.monotonic()
        with ThreadPoolExecutor(CLIENTS) as pool:
            results = list(pool.map(client, range(CLIENTS), [server] * CLIENTS))
        elapsed = time.monotonic() - started
        ids = stored_ids(db)

        sent = [record_id for client_ids, _, _ in results for record_id in client_ids]
        wrong = [line for _, client_wrong, _ in results for line in client_wrong]
        timings = sorted(seconds for _, _, seconds in results)
        summary = (f"{CLIENTS * RECORDS_PER_CLIENT} requests in {elapsed:.1f} s; per client "
                   f"min {timings[0]:.1f} s, median {statistics.median(timings):.1f} s, "
                   f"max {timings[-1]:.1f} s")
        print(summary)
        assert not wrong, f"{summary}\n" + "\n".join(wrong[:20]) + f"\n{server.output()[-3000:]}"
        assert len(sent) == CLIENTS * (RECORDS_PER_CLIENT - RECORDS_PER_CLIENT // REPEAT_EVERY)
        assert len(ids) == len(set(ids)) == len(sent)
        assert set(ids) == set(sent)


def test_acknowledged_records_survive_sigkill(tmp_path):
    """Kill -9 while clients post: after a restart, every 201/200 answered is in the store."""
    db = tmp_path / "records.db"
    acknowledged: list[str] = []
    stop = threading.Event()
    enough = threading.Event()

    def client(server: Collector) -> None:
        connection = server.connect()
        while not stop.is_set():
            item = record()
            try:
                status = post(connection, item)
            except (OSError, http.client.HTTPException):
                return  # the server is gone
            if status in (200, 201):
                acknowledged.append(item["id"])
                if len(acknowledged) >= 300:
                    enough.set()

    with run_collector(db, "--rate-limit", "0") as server:
        threads = [threading.Thread(target=client, args=(server,)) for _ in range(4)]
        for thread in threads:
            thread.start()
        try:
            assert enough.wait(timeout=30), f"too few records stored:\n{server.output()}"
            os.kill(server.process.pid, signal.SIGKILL)
            server.process.wait()
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=60)
        assert "reads are disabled" in server.output()

    with run_collector(db, token=TOKEN) as server:
        connection = server.connect()
        connection.request("GET", "/api/v1/records", headers={"Authorization": f"Bearer {TOKEN}"})
        response = connection.getresponse()
        assert response.status == 200, server.output()
        present = {item["record"]["id"] for item in json.loads(response.read())["records"]}
        missing = set(acknowledged) - present
        assert not missing, f"{len(missing)} acknowledged records lost:\n{server.output()}"
