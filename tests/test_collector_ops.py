"""Running the collector for years: corrections, redaction, retention purge, backup and
restore under load, rate limits, trusted proxies and the single-sign-on header."""

from __future__ import annotations

import csv
import functools
import io
import json
import logging
import os
import sqlite3
import stat
import subprocess
import sys
import threading
import warnings

import pytest

from conftest import disk_full_past, run_collector
from qinglian.cli import main
from qinglian.collector.app import create_app
from qinglian.collector.manifest import Manifests
from qinglian.collector.ratelimit import TokenBuckets
from qinglian.collector.retention import cutoff
from qinglian.collector.settings import Settings
from qinglian.collector.store import Evidence, Store, open_store
from test_collector_api import FAMILY, SITE, STAFF, TOKEN, record, write_manifest

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient


def _exported(client) -> list[dict]:
    response = client.get("/api/v1/export.csv", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def _client(db, **settings) -> TestClient:
    return TestClient(create_app(Settings(db=db, admin_token=TOKEN, **settings)))


# Corrections and redaction -----------------------------------------------------------

def test_correction_fixes_a_mistyped_staff_id_in_every_output(tmp_path, capsys):
    db = tmp_path / "records.db"
    client = _client(db)
    typo = record("pledge", person={**STAFF, "staff_id": "A01"})
    assert client.post("/api/v1/records", json=typo).status_code == 201
    assert main(["collector", "correct", "--db", str(db), "--site", SITE, "--staff-id", "A01",
                 "--set", "staff_id=A001", "--set", "name=张三丰", "--operator", "人事科 王",
                 "--reason", "工单 2026-118"]) == 0
    assert "correct" in capsys.readouterr().out
    (row,) = _exported(client)
    assert (row["staff_id"], row["name"]) == ("A001", "张三丰")
    listed = client.get("/api/v1/records", headers={"Authorization": f"Bearer {TOKEN}"}).json()
    assert listed["records"][0]["record"]["person"]["staff_id"] == "A001"
    # The record itself is as it was sent
    with sqlite3.connect(db) as connection:
        (body,) = connection.execute("SELECT body FROM records").fetchone()
    assert json.loads(body)["person"]["staff_id"] == "A01"
    assert main(["collector", "corrections", "--db", str(db)]) == 0
    line = capsys.readouterr().out.strip()
    assert "correct example-hospital A01 name=张三丰 staff_id=A001 by 人事科 王: 工单 2026-118" in line


def test_redaction_hides_the_person_also_in_family_records(tmp_path):
    db = tmp_path / "records.db"
    client = _client(db)
    for item in (record("pledge"), record("pledge", person=FAMILY),
                 record("pledge", person={**STAFF, "staff_id": "B002", "name": "赵六"})):
        assert client.post("/api/v1/records", json=item).status_code == 201
    assert main(["collector", "redact", "--db", str(db), "--site", SITE, "--staff-id", "A001",
                 "--operator", "纪检监察室", "--reason", "本人申请（个人信息保护法第47条）"]) == 0
    staff, family, other = _exported(client)
    assert (staff["name"], staff["staff_id"], staff["client_ip"]) == ("（已删除）", "（已删除）", "")
    assert staff["department"] == "内科"  # kept: department counts stay right
    assert (family["staff_name"], family["name"]) == ("（已删除）", "李四")
    assert other["name"] == "赵六"


def test_redaction_and_correction_find_the_staff_id_in_any_case_and_hide_the_sign_on(tmp_path):
    """A001 and a001 are one person, as in the reports; the single-sign-on user goes too."""
    db = tmp_path / "records.db"
    client = _client(db, trusted_proxies=("testclient",), identity_header="X-Remote-User")
    for staff_id in ("A001", "a001"):
        assert client.post("/api/v1/records", json=record("pledge", person={**STAFF, "staff_id": staff_id}),
                           headers={"X-Remote-User": f"zhangsan-{staff_id}"}).status_code == 201
    assert main(["collector", "correct", "--db", str(db), "--site", SITE, "--staff-id", "a001",
                 "--set", "department=外科", "--operator", "人事科 王", "--reason", "调岗"]) == 0
    assert [row["department"] for row in _exported(client)] == ["外科", "外科"]
    assert main(["collector", "redact", "--db", str(db), "--site", SITE, "--staff-id", "A001",
                 "--operator", "纪检监察室", "--reason", "本人申请"]) == 0
    assert [(row["name"], row["staff_id"]) for row in _exported(client)] == [("（已删除）", "（已删除）")] * 2
    listed = client.get("/api/v1/records", headers={"Authorization": f"Bearer {TOKEN}"}).json()
    assert [entry["identity"] for entry in listed["records"]] == [None, None]
    assert "zhangsan" not in client.get("/api/v1/export.csv",
                                        headers={"Authorization": f"Bearer {TOKEN}"}).text


def test_a_redaction_typed_full_width_hides_the_person(tmp_path):
    """An admin typing the 工号 in a Chinese input method's full-width mode (Ａ００１) still
    redacts A001: a request to delete must not pass over the person unnoticed."""
    db = tmp_path / "records.db"
    client = _client(db)
    assert client.post("/api/v1/records", json=record("pledge")).status_code == 201
    assert main(["collector", "redact", "--db", str(db), "--site", SITE, "--staff-id", "Ａ００１",
                 "--operator", "纪检监察室", "--reason", "本人申请"]) == 0
    assert [(row["name"], row["staff_id"]) for row in _exported(client)] == [("（已删除）", "（已删除）")]


def test_a_correction_made_after_a_redaction_does_not_bring_the_person_back(tmp_path):
    """张三 asked to be deleted (A001 redacted); later HR fixes a record of hers sent under
    the typo A01 to A001. That record, and one corrected away from A001 afterwards, stay
    hidden: a redaction hides every record that reads as the person at any point."""
    db = tmp_path / "records.db"
    client = _client(db, trusted_proxies=("testclient",), identity_header="X-Remote-User")
    for staff_id in ("A01", "A001"):
        assert client.post("/api/v1/records", headers={"X-Remote-User": "zhangsan"}, json=record(
            "pledge", person={**STAFF, "staff_id": staff_id})).status_code == 201
    assert main(["collector", "redact", "--db", str(db), "--site", SITE, "--staff-id", "A001",
                 "--operator", "纪检监察室", "--reason", "本人申请"]) == 0
    for old, new in (("A01", "A001"), ("A001", "A0001")):
        assert main(["collector", "correct", "--db", str(db), "--site", SITE, "--staff-id", old,
                     "--set", f"staff_id={new}", "--operator", "人事科", "--reason", "录错"]) == 0
    rows = _exported(client)
    assert [(row["name"], row["staff_id"], row["client_ip"]) for row in rows] == [
        ("（已删除）", "（已删除）", "")] * 2
    listed = client.get("/api/v1/records", headers={"Authorization": f"Bearer {TOKEN}"}).text
    assert STAFF["name"] not in listed and "zhangsan" not in listed and "A0001" not in listed


@pytest.mark.parametrize("arguments, message", [
    (["--set", "email=x"], "'email' cannot be corrected"),
    (["--set", "staff_id"], "write FIELD=VALUE"),
    (["--set", "name= "], "the new name is empty"),
    # the record schema's rules: what the forms send and the roster is matched by
    (["--set", "staff_id=A 002"], "the new staff_id 'A 002' may hold only half-width letters, "
     "digits and -, at most 32 of them; e.g. --set staff_id=A002"),
    (["--set", "staff_id=A" + "0" * 32], "may hold only half-width letters"),
    (["--set", "staff_id=Ａ００２"], "the new staff_id 'Ａ００２' is typed in full width; "
     "write --set staff_id=A002"),
    (["--set", "name=张\t三"], "the new name '张\\t三' may hold no control characters (a tab "
     "or line break); e.g. --set name=张三"),
    (["--set", "department=" + "内" * 41], "the new department is 41 characters long, a "
     "record's holds at most 40; e.g. --set department=内科"),
    ([], "nothing to change"),
])
def test_bad_corrections_are_refused(tmp_path, capsys, arguments, message):
    Store(tmp_path / "r.db").close()
    code = main(["collector", "correct", "--db", str(tmp_path / "r.db"), "--site", SITE,
                 "--staff-id", "A001", "--operator", "王", "--reason", "x", *arguments])
    assert code == 2 and message in capsys.readouterr().err
    assert Store(tmp_path / "r.db").corrections() == []


# Each admin command, with the arguments it needs besides --db
ADMIN_COMMANDS = [
    ["backup", "copy.db"],
    ["purge", "--older-than", "3y", "--dry-run"],
    ["correct", "--site", SITE, "--staff-id", "A001", "--set", "name=张三丰",
     "--operator", "人事科 王", "--reason", "工单 2026-118"],
    ["redact", "--site", SITE, "--staff-id", "A001", "--operator", "纪检监察室",
     "--reason", "本人申请"],
    ["corrections"],
]


def test_admin_commands_refuse_a_mistyped_database(tmp_path, capsys, monkeypatch):
    """A --db with no file behind it is named, with the fix, and no empty database is
    made: a redaction must never 'succeed' on a throwaway file."""
    monkeypatch.chdir(tmp_path)
    Store(tmp_path / "records.db").close()
    for action, *arguments in ADMIN_COMMANDS:
        assert main(["collector", action, "--db", "recrods.db", *arguments]) == 2, action
        captured = capsys.readouterr()
        assert captured.err == (f"qinglian collector {action}: no database at 'recrods.db'; "
                                "give the collector's --db file\n")
        assert captured.out == ""
    assert [path.name for path in tmp_path.iterdir()] == ["records.db"]


def test_admin_commands_refuse_an_empty_file(tmp_path, capsys, monkeypatch):
    """An empty --db file (a copy cut short, a file made by mistake) is no database with
    no records: SQLite would take it for one, write one into it, and purge, report
    and verify would find nothing, and say so as a success."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "records.db").write_bytes(b"")
    for action, *arguments in ADMIN_COMMANDS:
        assert main(["collector", action, "--db", "records.db", *arguments]) == 2, action
        assert capsys.readouterr().err == (f"qinglian collector {action}: 'records.db' is "
                                           "empty, not the collector's database; give the "
                                           "collector's --db file\n")
    assert (tmp_path / "records.db").read_bytes() == b""


def test_admin_commands_run_on_an_existing_database_of_each_backend(store_db, tmp_path,
                                                                    monkeypatch):
    """Only an SQLite --db is a file: a PostgreSQL URL is never taken for a missing one."""
    monkeypatch.chdir(tmp_path)
    open_store(store_db).close()
    for action, *arguments in ADMIN_COMMANDS:
        if action == "backup" and store_db.startswith("postgresql://"):
            continue  # pg_dump's work, tested with the PostgreSQL store
        assert main(["collector", action, "--db", store_db, *arguments]) == 0, action
    store = open_store(store_db)
    assert len(store.corrections()) == 2
    store.close()


# Retention ---------------------------------------------------------------------------

@pytest.mark.parametrize("now, age, expected", [
    ("2026-03-31T08:00:00.000Z", "1m", "2026-02-28T08:00:00.000Z"),
    ("2028-02-29T00:00:00.000Z", "1y", "2027-02-28T00:00:00.000Z"),
    ("2026-11-24T00:00:00.000Z", "3y", "2023-11-24T00:00:00.000Z"),
    ("2026-11-24T00:00:00.000Z", "18m", "2025-05-24T00:00:00.000Z"),
    ("2026-11-24T00:00:00.000Z", "10w", "2026-09-15T00:00:00.000Z"),
    ("2026-11-24T00:00:00.000Z", "400d", "2025-10-20T00:00:00.000Z"),
])
def test_retention_cutoff(now, age, expected):
    assert cutoff(now, age) == expected


def test_purge_dry_run_then_real_run(tmp_path, capsys):
    db = tmp_path / "records.db"
    store = Store(db)
    old = [record("pledge"), record("attempt")]
    new = record("pledge")
    for item, received in ((old[0], "2019-05-01T00:00:00.000Z"),
                           (old[1], "2020-01-01T00:00:00.000Z")):
        store.add(item, Evidence(received, "10.0.0.1", "test"))
    # Received now: a fixed date would fall out of the three years the purge keeps
    store.add(new, Evidence.now("10.0.0.1", "test"))
    store.close()

    assert main(["collector", "purge", "--db", str(db), "--older-than", "3y", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert f"would remove {old[0]['id']} {SITE} pledge received 2019-05-01T00:00:00.000Z" in out
    assert "would remove 2 records received before" in out
    assert len(Store(db).records()) == 3

    assert main(["collector", "purge", "--db", str(db), "--older-than", "3y"]) == 0
    assert "removed 2 records received before" in capsys.readouterr().out
    store = Store(db)
    assert [stored.record["id"] for stored in store.records()] == [new["id"]]
    log = store.purge_log()
    assert [(entry.id, entry.kind) for entry, _, _ in log] == [(old[0]["id"], "pledge"),
                                                              (old[1]["id"], "attempt")]
    assert "张三" not in json.dumps([entry.__dict__ for entry, _, _ in log], ensure_ascii=False)
    store.close()
    # Outside a purge, records and the log stay append-only
    with sqlite3.connect(db) as connection:
        for statement in ("DELETE FROM records", "DELETE FROM purge_log"):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                connection.execute(statement)
    connection.close()


# The schema of the first collector (13943c7): no identity column, and a trigger that
# refused every DELETE
FIRST_SCHEMA = """
CREATE TABLE records (id TEXT PRIMARY KEY, site TEXT NOT NULL, kind TEXT NOT NULL,
  created TEXT NOT NULL, body TEXT NOT NULL, received TEXT NOT NULL, client_ip TEXT,
  user_agent TEXT);
CREATE INDEX records_site_kind ON records (site, kind);
CREATE TRIGGER records_no_update BEFORE UPDATE ON records
  BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER records_no_delete BEFORE DELETE ON records
  BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
"""


def test_purged_records_leave_no_copy_in_the_database_files(tmp_path, monkeypatch, capsys):
    """A purge overwrites what it removes, and the collector's open database gets it at
    once: where SQLite is built without SECURE_DELETE (python.org's builds; Debian's has
    it) the removed names stayed in the file's free space, and every backup copies that."""
    connect = sqlite3.connect

    def without_secure_delete(*args, **kwargs):
        connection = connect(*args, **kwargs)
        connection.execute("PRAGMA secure_delete = OFF")
        return connection

    monkeypatch.setattr(sqlite3, "connect", without_secure_delete)
    db = tmp_path / "records.db"
    store = Store(db)
    store.add(record("pledge", person={**STAFF, "name": "欧阳娜娜"}),
              Evidence("2019-05-01T00:00:00.000Z", "10.0.0.1", "test"))
    for _ in range(20):
        store.add(record("pledge"), Evidence("2026-11-01T00:00:00.000Z", "10.0.0.1", "test"))
    store.close()
    collector = Store(db)  # the running collector keeps the database open
    collector.records()
    try:
        assert main(["collector", "purge", "--db", str(db), "--older-than", "3y"]) == 0
        assert "removed 1 records" in capsys.readouterr().out
        for path in tmp_path.iterdir():
            assert "欧阳娜娜".encode() not in path.read_bytes(), path.name
    finally:
        collector.close()


def test_database_of_the_first_collector_is_upgraded_and_purged(tmp_path, capsys):
    """A database the first collector made keeps its records, gains the identity column,
    and can be purged; outside a purge, a DELETE is still refused."""
    db = tmp_path / "records.db"
    old = record("pledge")
    with sqlite3.connect(db) as connection:
        connection.executescript(FIRST_SCHEMA)
        connection.execute("INSERT INTO records VALUES (?, ?, 'pledge', ?, ?, ?, '10.0.0.1', 'x')",
                           (old["id"], SITE, old["created"], json.dumps(old),
                            "2019-05-01T00:00:00.000Z"))
    connection.close()
    store = Store(db)
    new = record("pledge")
    store.add(new, Evidence.now("10.0.0.2", "test", "wang"))  # kept by the purge, in any year
    assert [stored.identity for stored in store.records()] == [None, "wang"]
    store.close()

    assert main(["collector", "purge", "--db", str(db), "--older-than", "3y"]) == 0
    assert "removed 1 records received before" in capsys.readouterr().out
    store = Store(db)
    assert [stored.record["id"] for stored in store.records()] == [new["id"]]
    store.close()
    with sqlite3.connect(db) as connection:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            connection.execute("DELETE FROM records")
    connection.close()


@pytest.mark.parametrize("port", ["99999", "65536", "http"])
def test_collector_refuses_a_port_that_is_not_one(tmp_path, capsys, port):
    """A port outside 1–65535 is named before anything starts, not a traceback from bind()."""
    with pytest.raises(SystemExit) as exit:
        main(["collector", "--db", str(tmp_path / "r.db"), "--port", port])
    assert exit.value.code == 2
    assert f"argument --port: '{port}' is not a port from 1 to 65535" in capsys.readouterr().err
    assert not (tmp_path / "r.db").exists()


def test_purge_refuses_a_bad_age(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit:
        main(["collector", "purge", "--db", str(tmp_path / "r.db"), "--older-than", "3 years"])
    assert exit.value.code == 2 and "'3 years' is not an age" in capsys.readouterr().err


# Backup and restore ------------------------------------------------------------------

def test_backup_under_load_and_restore(tmp_path):
    db, copy, restored = tmp_path / "records.db", tmp_path / "backup.db", tmp_path / "restored.db"
    acknowledged, stop = [], threading.Event()

    def client(server):
        connection = server.connect()
        while not stop.is_set():
            item = record("pledge")
            connection.request("POST", "/api/v1/records", json.dumps(item),
                               {"Content-Type": "application/json"})
            response = connection.getresponse()
            response.read()
            assert response.status == 201
            acknowledged.append(item["id"])
        connection.close()

    with run_collector(db, "--rate-limit", "0", token=TOKEN) as server:
        threads = [threading.Thread(target=client, args=(server,)) for _ in range(4)]
        for thread in threads:
            thread.start()
        try:
            while len(acknowledged) < 200:
                threading.Event().wait(0.05)  # let records pile up before the backup
            before = len(acknowledged)
            result = subprocess.run([sys.executable, "-m", "qinglian.cli", "collector", "backup",
                                     "--db", str(db), str(copy)], capture_output=True, text=True)
            after = len(acknowledged)
        finally:
            stop.set()
            for thread in threads:
                thread.join()
    assert result.returncode == 0, result.stderr
    count = int(result.stdout.split()[2])
    assert before <= count <= after + 4  # every acknowledged record, and those in flight
    with sqlite3.connect(copy) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        backed_up = {json.loads(body)["id"] for (body,) in connection.execute("SELECT body FROM records")}
    connection.close()
    assert set(acknowledged[:before]) <= backed_up <= set(acknowledged) | backed_up

    assert main(["collector", "restore", "--db", str(restored), str(copy)]) == 0
    assert {stored.record["id"] for stored in Store(restored).records()} == backed_up
    # A backup never overwrites; a restore replaces only when told to
    assert main(["collector", "backup", "--db", str(db), str(copy)]) == 2
    assert main(["collector", "restore", "--db", str(restored), str(copy)]) == 2
    assert main(["collector", "restore", "--db", str(restored), "--replace", str(copy)]) == 0


def test_restore_refuses_a_damaged_or_foreign_file(tmp_path, capsys):
    bad = tmp_path / "notes.db"
    bad.write_text("not a database " * 200, encoding="utf-8")
    assert main(["collector", "restore", "--db", str(tmp_path / "r.db"), str(bad)]) == 2
    assert "is not a collector backup" in capsys.readouterr().err
    assert not (tmp_path / "r.db").exists()


def test_a_restore_that_fills_the_disk_leaves_no_database(tmp_path, capsys):
    """The disk fills part-way through a restore: a message, exit 2, and no file left
    at --db (an empty one passed for a database with no records, and stopped the next
    restore without --replace)."""
    db, copy, restored = tmp_path / "records.db", tmp_path / "backup.db", tmp_path / "new.db"
    store = Store(db)
    for _ in range(50):
        store.add(record("pledge"), Evidence.now("10.0.0.1", "test"))
    store.close()
    assert main(["collector", "backup", "--db", str(db), str(copy)]) == 0
    capsys.readouterr()
    with disk_full_past(copy.stat().st_size // 2):
        assert main(["collector", "restore", "--db", str(restored), str(copy)]) == 2
    assert capsys.readouterr().err.startswith(
        f"qinglian collector restore: cannot write '{restored}': ")
    assert not restored.exists()


def test_a_backup_that_fills_the_disk_is_removed(tmp_path, capsys):
    """The disk (a USB stick) fills part-way through a backup: a message, exit 2, and no
    file cut short that passes for a backup and makes the next one refuse ("exists")."""
    db, copy = tmp_path / "records.db", tmp_path / "backup.db"
    store = Store(db)
    for _ in range(50):
        store.add(record("pledge"), Evidence.now("10.0.0.1", "test"))
    store.close()
    # More than the -shm file (32 KB) opening the database writes; less than the backup
    with disk_full_past(40_000):
        assert main(["collector", "backup", "--db", str(db), str(copy)]) == 2
    assert capsys.readouterr().err.startswith(f"qinglian collector backup: cannot write '{copy}': ")
    assert not copy.exists()


def test_backup_and_restore_with_uri_characters_in_the_names(tmp_path, capsys, monkeypatch):
    """'#', '?' and '%' are ordinary letters of a file name: the backup named so is the
    one restored, and no other file is read or made."""
    monkeypatch.chdir(tmp_path)
    store = Store(tmp_path / "records.db")
    item = record("pledge")
    store.add(item, Evidence.now("10.0.0.1", "test"))
    store.close()
    backup = "nightly #1 ?mode=rwc 100%25.db"
    assert main(["collector", "backup", "--db", "records.db", backup]) == 0
    assert main(["collector", "restore", "--db", "new.db", backup]) == 0, capsys.readouterr().err
    assert "restored 1 records" in capsys.readouterr().out
    # The backup is one file: reading it leaves no -wal or -shm beside it
    assert {path.name for path in tmp_path.iterdir()} == {backup, "new.db", "records.db"}
    restored = Store(tmp_path / "new.db")
    assert [stored.record["id"] for stored in restored.records()] == [item["id"]]
    restored.close()


def test_backups_and_restored_databases_are_readable_by_their_owner_only(tmp_path):
    """A backup holds every name and 工号: under the usual umask (022) SQLite made it
    readable by every user of the machine, wherever the admin wrote it."""
    db = tmp_path / "records.db"
    store = Store(db)
    store.add(record("pledge"), Evidence.now("10.0.0.1", "test"))
    store.close()
    old = os.umask(0o022)
    try:
        assert main(["collector", "backup", "--db", str(db), str(tmp_path / "backup.db")]) == 0
        assert main(["collector", "restore", "--db", str(tmp_path / "new.db"),
                     str(tmp_path / "backup.db")]) == 0
    finally:
        os.umask(old)
    for name in ("backup.db", "new.db"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600, name


@pytest.mark.parametrize("where", ["missing folder", "name too long"])
def test_backup_and_restore_to_a_place_that_cannot_be_written(tmp_path, capsys, where):
    """A backup or a restore aimed at a folder that does not exist, or at a name
    longer than the system allows: exit 2 saying where and what to give, no traceback."""
    db = tmp_path / "records.db"
    Store(db).close()
    assert main(["collector", "backup", "--db", str(db), str(tmp_path / "first.db")]) == 0
    target = tmp_path / ("missing/copy.db" if where == "missing folder" else "x" * 300 + ".db")
    capsys.readouterr()
    assert main(["collector", "backup", "--db", str(db), str(target)]) == 2
    assert main(["collector", "restore", "--db", str(target), str(tmp_path / "first.db")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert [line.split(":")[0] for line in err] == ["qinglian collector backup",
                                                     "qinglian collector restore"]
    assert all(f"cannot write '{target}'" in line and "existing, writable folder" in line
               for line in err)


# Rate limits, proxies, identity -------------------------------------------------------

def test_token_bucket_refills_and_punishes():
    now = [0.0]
    buckets = TokenBuckets(per_minute=60, burst=3, penalty=2, clock=lambda: now[0])
    assert [buckets.take("a") for _ in range(3)] == [0, 0, 0]
    assert buckets.take("a") == pytest.approx(1.0)
    assert buckets.take("b") == 0  # each address has its own bucket
    now[0] += 2  # two tokens back
    assert buckets.take("a") == 0
    buckets.punish("a")  # one left, minus two
    assert buckets.take("a") == pytest.approx(2.0)


def test_flood_of_invalid_requests_leaves_valid_senders_served(tmp_path, monkeypatch):
    # The buckets' clock stands still: on a slow machine the flood would otherwise
    # take long enough for a token to come back just before the valid record
    monkeypatch.setattr("qinglian.collector.app.TokenBuckets",
                        functools.partial(TokenBuckets, clock=lambda: 1000.0))
    client = _client(tmp_path / "r.db", trusted_proxies=("testclient",))
    statuses = [client.post("/api/v1/records", json={"not": "a record"},
                            headers={"X-Forwarded-For": "10.0.0.66"}).status_code
                for _ in range(200)]
    assert statuses[0] == 400 and statuses.count(429) > 150
    refused = client.post("/api/v1/records", json=record(), headers={"X-Forwarded-For": "10.0.0.66"})
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    assert refused.json()["error"].startswith("Too many requests")
    # Another ward PC goes on delivering its outbox
    for _ in range(50):
        sent = client.post("/api/v1/records", json=record(), headers={"X-Forwarded-For": "10.0.0.7"})
        assert sent.status_code == 201


@pytest.mark.parametrize("path", ["/api/v1/records", "/api/v1/export.csv", "/api/v1/export.xapi"])
def test_guessing_the_token_is_slowed_on_every_read(tmp_path, monkeypatch, path):
    """Wrong tokens cost like invalid records, on the listing and on both exports."""
    monkeypatch.setattr("qinglian.collector.app.TokenBuckets",
                        functools.partial(TokenBuckets, clock=lambda: 1000.0))
    client = _client(tmp_path / "r.db")
    statuses = [client.get(path, headers={"Authorization": f"Bearer guess-{n}"}).status_code
                for n in range(100)]
    assert statuses[0] == 401 and statuses.count(429) > 50


def test_forwarded_for_counts_only_from_trusted_proxies(tmp_path):
    untrusted = _client(tmp_path / "a.db")
    # Without a trusted proxy a client cannot dodge its limit by naming other addresses
    statuses = [untrusted.post("/api/v1/records", json={},
                               headers={"X-Forwarded-For": f"10.0.1.{n}"}).status_code
                for n in range(100)]
    assert 429 in statuses
    trusted = _client(tmp_path / "b.db", trusted_proxies=("testclient",))
    assert trusted.post("/api/v1/records", json=record(),
                        headers={"X-Forwarded-For": "10.0.0.9"}).status_code == 201
    listed = trusted.get("/api/v1/records", headers={"Authorization": f"Bearer {TOKEN}"}).json()
    assert listed["records"][0]["client_ip"] == "10.0.0.9"


def test_identity_header_is_kept_only_from_trusted_proxies(tmp_path):
    headers = {"X-Remote-User": "zhangsan", "X-Forwarded-For": "10.0.0.9"}
    for proxies, expected in ((("testclient",), "zhangsan"), ((), None)):
        client = _client(tmp_path / f"{bool(proxies)}.db", trusted_proxies=proxies,
                         identity_header="X-Remote-User")
        assert client.post("/api/v1/records", json=record(), headers=headers).status_code == 201
        listed = client.get("/api/v1/records", headers={"Authorization": f"Bearer {TOKEN}"}).json()
        assert listed["records"][0]["identity"] == expected


def test_rate_limit_zero_turns_it_off(tmp_path):
    client = _client(tmp_path / "r.db", rate_limit=0)
    assert 429 not in [client.post("/api/v1/records", json={}).status_code for _ in range(150)]


def test_records_the_manifests_refuse_are_logged_for_the_admin(tmp_path, caplog):
    """A record of a site or pledge text the collector's manifests lack is the admin's to
    fix (the browser never sends a refused record again): the log names it, the reason
    and the fix. A record broken in itself is the sender's, and is not logged."""
    client = _client(tmp_path / "records.db", manifests=Manifests.load([write_manifest(tmp_path)]))
    other_site = record("pledge", site="branch-hospital")
    new_text = record("pledge", pledge={"id": "staff", "version": "2", "sha256": "c" * 64})
    with caplog.at_level(logging.WARNING, logger="qinglian.collector"):
        for refused in (other_site, new_text, {**record("pledge"), "kind": "poem"}):
            assert client.post("/api/v1/records", json=refused).status_code == 400
    first, second = (entry.getMessage() for entry in caplog.records)
    assert first.startswith(f"refused record {other_site['id']} of site 'branch-hospital' from "
                            "testclient: site: 'branch-hospital' is not a site this collector "
                            "serves")
    assert f"refused record {new_text['id']} of site '{SITE}'" in second
    assert "pledge.sha256: pledge 'staff' version '2'" in second
    assert second.endswith("copy its new qinglian-manifest.json over the --manifest file "
                           "(read again when it changes; a site not yet served needs a "
                           "--manifest of its own and a restart)")


def test_manifest_copied_anew_is_read_without_a_restart(tmp_path, caplog):
    """The site is published with a new pledge text and its manifest copied over the
    collector's: the new text's signatures are stored without a restart. A copy that
    cannot be read yet (copied half-way) leaves the manifest read before in force, said
    once in the log, until the file is whole."""
    path = write_manifest(tmp_path)
    client = _client(tmp_path / "records.db", manifests=Manifests.load([path]))
    new_text = {"id": "staff", "version": "2", "sha256": "c" * 64}

    def status(pledge: dict | None = None) -> int:
        sent = record("pledge", pledge=pledge) if pledge else record("pledge")
        return client.post("/api/v1/records", json=sent).status_code

    assert status(new_text) == 400
    published = json.loads(path.read_text(encoding="utf-8"))
    published["pledges"]["staff"].append({**new_text, "date": "2026-12-01", "audience": "staff"})
    whole = json.dumps(published, ensure_ascii=False)
    with caplog.at_level(logging.INFO, logger="qinglian.collector"):
        path.write_text(whole[:len(whole) // 2], encoding="utf-8")
        assert [status(new_text), status(), status(new_text), status()] == [400, 201, 400, 201]
        path.write_text(whole, encoding="utf-8")
        assert status(new_text) == 201
    kept = [entry.getMessage() for entry in caplog.records
            if "goes on with the manifests it read before" in entry.getMessage()]
    assert len(kept) == 1 and kept[0].startswith(f"manifest '{path}' is not JSON"), kept
    assert f"read the manifests again, as '{path}' changed" in caplog.text


def test_unpaired_surrogate_is_400_not_a_crash(tmp_path):
    client = _client(tmp_path / "r.db")
    body = json.dumps(record(), ensure_ascii=False).replace('"张三"', '"\\ud800张三"')
    response = client.post("/api/v1/records", content=body,
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert "not valid Unicode ('\\ud800')" in response.json()["problems"][0]
