"""The collector in-process: every status, the manifest rules, the exports, hostile input.

Starlette's TestClient drives the app without a port (Datasette's ``ds_client``
style); ``test_collector_load.py`` runs the real server. Every test of a client
runs twice: on an SQLite file and on a PostgreSQL database (conftest's
``store_db``), so both stores keep the same rules.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sqlite3
import threading
import time
import tracemalloc
import uuid
import warnings
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

import anyio
import psycopg
import pytest

from conftest import free_port
from qinglian.cli import main
from qinglian.collector import app as app_module
from qinglian.collector import importer
from qinglian.collector.app import CHECK_ON_LOOP, MAX_BODY, create_app
from qinglian.collector.corrections import new_correction
from qinglian.collector.errors import SetupError
from qinglian.collector.intake import Outcome, receive_all
from qinglian.collector.manifest import Manifests
from qinglian.collector.settings import Settings
from qinglian.collector.store import (Evidence, PurgedRecord, Store, canonical_json,
                                      open_store)
from qinglian.common.records import record_problems

with warnings.catch_warnings():
    # Starlette 1.x asks for httpx2; httpx (the test extra) works the same, and older
    # Starlette releases allowed by pyproject need it
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

TOKEN = "test-admin-token"
SITE = "example-hospital"
PLEDGE_HASH = "a" * 64
TYPO_FIX_HASH = "b" * 64  # the same version after a minor typo fix
XAPI_SCHEMA = Path(__file__).resolve().parents[2] / "shared" / "schemas" / "xapi" / "statement.json"
READS = ["/api/v1/records", "/api/v1/export.csv", "/api/v1/export.xapi"]

STAFF = {"name": "张三", "staff_id": "A001", "department": "内科"}
FAMILY = {"name": "李四", "relationship": "配偶", "staff_name": "张三", "staff_id": "A001"}
SUPPLIER = {"company": "某某医疗器械有限公司", "credit_code": "91110000600037341L",
            "representative": "王五", "contact": "13800000000"}
PARTS = {
    "attempt": {"quiz_id": "onboarding", "quiz_hash": "c" * 64,
                "started": "2026-11-24T01:50:00.000Z", "finished": "2026-11-24T02:00:00.000Z",
                "score": 90, "passed": True,
                "answers": [{"question": "q-1", "answer": "A", "correct": True}],
                "by_standard": {"1": {"correct": 1, "total": 1}}},
    "pledge": {"id": "staff", "version": "1", "sha256": PLEDGE_HASH},
    "progress": {"path": "onboarding", "step": "lessons/standard-1", "done": True},
}


def record(kind: str = "attempt", person: dict = STAFF, **changes) -> dict:
    """Return a valid record of ``kind`` with a new id; ``changes`` replace whole fields."""
    return {"id": str(uuid.uuid4()), "site": SITE, "kind": kind,
            "created": "2026-11-24T02:00:00.000Z", "person": dict(person),
            "page": "http://intranet.test/quizzes/onboarding/", kind: PARTS[kind], **changes}


def write_manifest(folder: Path, site: str = SITE) -> Path:
    path = folder / f"{site}-manifest.json"
    path.write_text(json.dumps({
        "site": site, "departments": ["内科", "外科"],
        "pledges": {
            "staff": [{"version": "1", "sha256": PLEDGE_HASH, "date": "2026-11-24", "audience": "staff"},
                      {"version": "1", "sha256": TYPO_FIX_HASH, "date": "2026-11-25", "audience": "staff"}],
            "family": [{"version": "1", "sha256": PLEDGE_HASH, "date": "2026-11-24", "audience": "family"}],
            "supplier": [{"version": "1", "sha256": PLEDGE_HASH, "date": "2026-11-24",
                          "audience": "supplier"}],
        },
    }, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def make_client(store_db):
    """Return a function making a TestClient of a collector on a new database, SQLite or
    PostgreSQL; each is shut down (its store closed) when the test ends."""
    with ExitStack() as clients:

        def make_client(**settings) -> TestClient:
            settings = {"db": store_db, "admin_token": TOKEN, **settings}
            return clients.enter_context(TestClient(create_app(Settings(**settings))))

        yield make_client


@pytest.fixture
def client(make_client) -> TestClient:
    return make_client()


@pytest.fixture
def checked_client(make_client, tmp_path) -> TestClient:
    """A collector that serves only SITE, by its manifest."""
    return make_client(manifests=Manifests.load([write_manifest(tmp_path)]))


def admin(client: TestClient, path: str):
    return client.get(path, headers={"Authorization": f"Bearer {TOKEN}"})


def assert_error(response, status: int, *problems: str) -> None:
    """Assert the one error shape, and a problem starting with each of ``problems``."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error", "problems"}
    assert isinstance(body["error"], str) and body["error"].endswith(".")
    assert all(isinstance(problem, str) for problem in body["problems"])
    for start in problems:
        assert any(problem.startswith(start) for problem in body["problems"]), body["problems"]


def test_examples_are_valid_records():
    """Every example record of these tests passes the record schema."""
    examples = [record(kind) for kind in PARTS] + [
        record("pledge", FAMILY, pledge={**PARTS["pledge"], "id": "family"}),
        record("pledge", SUPPLIER)]
    for example in examples:
        assert record_problems(example) == []


# Statuses -------------------------------------------------------------------------------

def test_new_record_is_stored(client):
    """A new record answers 201, and the store holds exactly what was sent."""
    sent = record()
    response = client.post("/api/v1/records", json=sent)
    assert response.status_code == 201
    assert response.json() == {"id": sent["id"], "status": "stored"}
    assert [item["record"] for item in admin(client, "/api/v1/records").json()["records"]] == [sent]


def test_repeat_is_200_and_stored_once(client):
    """The same id with the same content (keys in any order) is a retry: 200, one row."""
    sent = record()
    client.post("/api/v1/records", json=sent)
    reordered = json.dumps(dict(reversed(list(sent.items()))), ensure_ascii=False, indent=1)
    response = client.post("/api/v1/records", content=reordered.encode(),
                           headers={"Content-Type": "application/json; charset=utf-8"})
    assert response.status_code == 200
    assert response.json() == {"id": sent["id"], "status": "already there"}
    assert len(admin(client, "/api/v1/records").json()["records"]) == 1


def test_same_id_other_content_is_409(client):
    """A record that reuses an id with other content is refused, the first one kept."""
    sent = record()
    client.post("/api/v1/records", json=sent)
    response = client.post("/api/v1/records", json={**sent, "page": "http://intranet.test/x/"})
    assert_error(response, 409, "id:")
    assert admin(client, "/api/v1/records").json()["records"][0]["record"] == sent


@pytest.mark.parametrize("change, problem", [
    # (what replaces a valid record's field, the problem's field path)
    ({"person": {**STAFF, "name": ""}}, "person.name:"),
    ({"id": "not-a-uuid"}, "id:"),
    ({"created": "2026-11-24 02:00"}, "created:"),
    ({"attempt": {**PARTS["attempt"], "score": 101}}, "attempt.score:"),
    ({"extra": 1}, "record:"),
    # A pattern's "$" is the end of the text, as in JSON Schema (Python's also
    # matches before a last newline: "A001\n" was a 工号, "<id>\n" a second record)
    ({"person": {**STAFF, "staff_id": "A001\n"}}, "person.staff_id:"),
    ({"id": "0b7c6a48-4f5e-4d3a-9b2c-1d0e9f8a7b6c\n"}, "id:"),
    ({"created": "2026-11-24T02:00:00Z\n"}, "created:"),
    ({"attempt": {**PARTS["attempt"], "by_standard": {"1\n": {"correct": 1, "total": 1}}}},
     "attempt.by_standard:"),
    # Digits are 0-9 only, and a time must exist
    ({"created": "٢٠٢٦-١١-٢٤T٠٢:٠٠:٠٠Z"}, "created:"),
    ({"created": "2026-02-30T02:00:00Z"}, "created: '2026-02-30T02:00:00Z' is not a time that exists"),
    ({"attempt": {**PARTS["attempt"], "finished": "2026-11-24T25:61:61Z"}}, "attempt.finished:"),
])
def test_invalid_record_is_400_naming_the_field(client, change, problem):
    """Schema problems come back one per field, as 'field.path: message'."""
    assert_error(client.post("/api/v1/records", json=record(**change)), 400, problem)


@pytest.mark.parametrize("sent, problems", [
    # (a record whose person has one thing wrong, every problem the answer names)
    (record(person={**STAFF, "staff_id": "A 0017"}),
     ["person.staff_id: a text of 6 character(s) is not in the expected form"]),
    (record("pledge", {**STAFF, "staff_id": "A 0017"}),
     ["person.staff_id: a text of 6 character(s) is not in the expected form"]),
    (record("pledge", {**FAMILY, "staff_id": "A 0017"}),
     ["person.staff_id: a text of 6 character(s) is not in the expected form"]),
    (record("pledge", {key: value for key, value in FAMILY.items() if key != "relationship"}),
     ["person: 'relationship' is a required property"]),
    (record("pledge", {**SUPPLIER, "credit_code": "9111000060003734IL"}),
     ["person.credit_code: a text of 18 character(s) is not in the expected form"]),
])
def test_invalid_person_is_named_by_its_own_kind(client, sent, problems):
    """A person is checked as the kind they are (staff, family or supplier): a bad 工号
    is not also 'department' unexpected, a supplier gets no staff form's problems, and
    an attempt's person (checked as staff twice by the schema) is named once."""
    response = client.post("/api/v1/records", json=sent)
    assert response.status_code == 400
    assert response.json()["problems"] == problems


@pytest.mark.parametrize("body", [b"{", b"\xff\xfe", b"[" * 30000 + b"]" * 30000, b"[]", b"null"])
def test_not_a_record_is_400(client, body):
    """Bodies that are not JSON, too deeply nested, or not an object are refused."""
    response = client.post("/api/v1/records", content=body,
                           headers={"Content-Type": "application/json"})
    assert_error(response, 400)


def test_body_over_64_kb_is_413(client):
    """Content-Length over 64 KB is refused before reading; so is a longer chunked body."""
    too_big = b" " * (MAX_BODY + 1)
    response = client.post("/api/v1/records", content=too_big,
                           headers={"Content-Type": "application/json"})
    assert_error(response, 413)
    chunks = (b" " * 1024 for _ in range(MAX_BODY // 1024 + 1))
    response = client.post("/api/v1/records", content=chunks,
                           headers={"Content-Type": "application/json"})
    assert "content-length" not in response.request.headers
    assert_error(response, 413)


def test_body_of_exactly_64_kb_is_read(client):
    """The limit is 64 KB: a record padded to exactly that size is stored."""
    text = json.dumps(record())
    body = (text + " " * (MAX_BODY - len(text))).encode()
    assert len(body) == MAX_BODY
    response = client.post("/api/v1/records", content=body,
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 201


def test_small_and_large_records_are_checked_alike(client, monkeypatch):
    """A record of up to CHECK_ON_LOOP bytes is checked on the event loop, a larger one in
    a worker thread (its check may take long): the answers are the same."""
    checked_in_thread = []
    run_in_threadpool = app_module.run_in_threadpool

    async def counted(function, *args):
        checked_in_thread.append(function.__name__)
        return await run_in_threadpool(function, *args)

    monkeypatch.setattr(app_module, "run_in_threadpool", counted)
    answers = []
    for item in (record(site="<script>"), record()):
        text = json.dumps(item)
        for body in (text, text + " " * CHECK_ON_LOOP):
            response = client.post("/api/v1/records", content=body.encode(),
                                   headers={"Content-Type": "application/json"})
            answers.append((response.status_code, response.json()))
    assert checked_in_thread == ["_problems", "_problems"]
    assert answers[0] == answers[1] and answers[0][0] == 400
    assert [status for status, _ in answers[2:]] == [201, 200]  # the same record twice


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded"])
def test_other_content_type_is_415(client, content_type):
    """Only application/json is read (this also keeps cross-origin POSTs behind a preflight)."""
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.post("/api/v1/records", content=json.dumps(record()).encode(),
                           headers=headers)
    assert_error(response, 415, "Content-Type:")


def test_slow_body_is_408(tmp_path):
    """A client that stops sending half-way gets 408 once the body timeout passes."""
    app = create_app(Settings(db=tmp_path / "records.db", body_timeout=0.2))
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "POST", "scheme": "http", "path": "/api/v1/records",
             "raw_path": b"/api/v1/records", "root_path": "", "query_string": b"",
             "headers": [(b"content-type", b"application/json"), (b"content-length", b"500")],
             "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8765)}
    messages = [{"type": "http.request", "body": b'{"id": "', "more_body": True}]
    sent = []

    async def receive():
        if messages:
            return messages.pop()
        await anyio.sleep_forever()  # the rest never comes

    async def send(message):
        sent.append(message)

    async def call():
        with anyio.fail_after(10):
            await app(scope, receive, send)

    # In a thread of its own: Playwright's browser fixture may hold this thread's event loop
    worker = threading.Thread(target=anyio.run, args=(call,))
    worker.start()
    worker.join()
    assert sent[0]["status"] == 408
    body = json.loads(b"".join(message.get("body", b"") for message in sent[1:]))
    assert set(body) == {"error", "problems"}


def test_unknown_address_and_method_use_the_error_shape(client):
    """404 and 405 answer in the same JSON shape; 405 lists the methods allowed."""
    assert_error(client.get("/api/v1/nothing"), 404)
    response = client.delete("/api/v1/records")
    assert_error(response, 405)
    assert {"GET", "POST"} <= set(response.headers["allow"].split(", "))


# Reads and the admin token --------------------------------------------------------------

@pytest.mark.parametrize("path", READS)
@pytest.mark.parametrize("authorization", [None, "Bearer wrong-token", f"Basic {TOKEN}",
                                           "Bearer", f"Bearer {TOKEN}x", "Bearer 令牌"])
def test_read_without_the_token_is_401(client, path, authorization):
    """Every read needs 'Authorization: Bearer <token>'; anything else is 401 with a challenge."""
    headers = {"Authorization": authorization.encode()} if authorization else {}
    response = client.get(path, headers=headers)
    assert_error(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("path", READS)
def test_reads_are_disabled_without_a_token(make_client, path):
    """A collector started without a token refuses every read, with the reason."""
    client = make_client(admin_token=None)
    response = client.get(path, headers={"Authorization": "Bearer "})
    assert_error(response, 401)
    assert "without an admin token" in response.json()["error"]


@pytest.mark.parametrize("path", READS)
def test_read_with_the_token_is_200(client, path):
    """With the token each read answers 200, never cached."""
    client.post("/api/v1/records", json=record())
    response = admin(client, path)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"


def test_reads_filter_by_site_and_kind(client):
    """?site= and ?kind= narrow a read; an unknown kind is a 400 naming it."""
    attempt, pledge, other = record(), record("pledge"), record(site="other-hospital")
    for sent in (attempt, pledge, other):
        client.post("/api/v1/records", json=sent)

    def ids(query):
        return [item["record"]["id"]
                for item in admin(client, f"/api/v1/records{query}").json()["records"]]

    assert ids("") == [attempt["id"], pledge["id"], other["id"]]
    assert ids(f"?site={SITE}") == [attempt["id"], pledge["id"]]
    assert ids(f"?site={SITE}&kind=pledge") == [pledge["id"]]
    assert_error(admin(client, "/api/v1/records?kind=quiz"), 400, "kind:")


def test_healthz_needs_no_token_and_says_nothing_else(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_evidence_is_kept_with_each_record(client):
    """Receive time (UTC), the peer's address and the user agent (cut to 500) are stored."""
    user_agent = "Mozilla/5.0 " + "x" * 600
    client.post("/api/v1/records", json=record(), headers={"User-Agent": user_agent})
    (item,) = admin(client, "/api/v1/records").json()["records"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", item["received"])
    assert item["client_ip"] == "testclient"
    assert item["user_agent"] == user_agent[:500]


# Manifest rules -------------------------------------------------------------------------

def test_manifest_refuses_an_unknown_site(checked_client):
    response = checked_client.post("/api/v1/records", json=record(site="other-hospital"))
    assert_error(response, 400, "site:")


def test_manifest_refuses_an_unpublished_pledge_text(checked_client):
    pledge = {**PARTS["pledge"], "sha256": "f" * 64}
    response = checked_client.post("/api/v1/records", json=record("pledge", pledge=pledge))
    assert_error(response, 400, "pledge.sha256:")
    unknown_version = {**PARTS["pledge"], "version": "2"}
    response = checked_client.post("/api/v1/records", json=record("pledge", pledge=unknown_version))
    assert_error(response, 400, "pledge.sha256:")


def test_manifest_accepts_both_hashes_of_a_minor_change(checked_client):
    """A version published twice (a typo fix) may be signed in either text."""
    for sha256 in (PLEDGE_HASH, TYPO_FIX_HASH):
        pledge = {**PARTS["pledge"], "sha256": sha256}
        response = checked_client.post("/api/v1/records", json=record("pledge", pledge=pledge))
        assert response.status_code == 201, response.text


@pytest.mark.parametrize("kind", ["attempt", "progress", "pledge"])
def test_manifest_refuses_a_department_not_listed(checked_client, kind):
    response = checked_client.post("/api/v1/records",
                                   json=record(kind, {**STAFF, "department": "不存在科"}))
    assert_error(response, 400, "person.department:")


def test_manifest_checks_no_department_for_family_or_suppliers(checked_client):
    family = record("pledge", FAMILY, pledge={**PARTS["pledge"], "id": "family"})
    assert checked_client.post("/api/v1/records", json=family).status_code == 201
    supplier = record("pledge", SUPPLIER, pledge={**PARTS["pledge"], "id": "supplier"})
    assert checked_client.post("/api/v1/records", json=supplier).status_code == 201


def test_manifest_refuses_a_pledge_signed_by_the_wrong_audience(checked_client):
    """The staff pledge is for staff: a supplier's signature on it is refused."""
    response = checked_client.post("/api/v1/records", json=record("pledge", SUPPLIER))
    assert_error(response, 400, "person: pledge 'staff' is signed by staff, not by supplier")


def test_without_manifest_any_site_and_pledge_is_accepted(client):
    pledge = {"id": "anything", "version": "9", "sha256": "e" * 64}
    sent = record("pledge", {**STAFF, "department": "任意"}, site="any-site", pledge=pledge)
    assert client.post("/api/v1/records", json=sent).status_code == 201


@pytest.mark.parametrize("text, message", [
    # (manifest file content, what the error says)
    ("{", "is not JSON"),
    ('{"departments": []}', "'site' is a required property"),
    ('{"site": "x", "pledges": {"staff": [{"version": "1", "sha256": "abc"}]}}',
     "pledges.staff.0.sha256"),
])
def test_bad_manifest_is_a_setup_error(tmp_path, text, message):
    path = tmp_path / "manifest.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SetupError, match=message) as raised:
        Manifests.load([path])
    assert str(path) in str(raised.value)


def test_two_manifests_for_one_site_are_refused(tmp_path):
    first = write_manifest(tmp_path)
    second = tmp_path / "copy.json"
    second.write_text(first.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(SetupError, match="one manifest per site"):
        Manifests.load([first, second])


# Exports --------------------------------------------------------------------------------

def test_csv_has_a_bom_and_one_row_per_record(client):
    """The CSV opens in Excel as UTF-8 and holds the person, what they did and the evidence."""
    attempt, pledge, step = record(), record("pledge"), record("progress")
    for sent in (attempt, pledge, step):
        client.post("/api/v1/records", json=sent)
    response = admin(client, "/api/v1/export.csv")
    assert response.content.startswith("\ufeff".encode("utf-8"))
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith("attachment")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row["id"] for row in rows] == [attempt["id"], pledge["id"], step["id"]]
    expected = {"name": "张三", "staff_id": "A001", "department": "内科",
                "quiz_id": "onboarding", "score": "90", "passed": "true", "client_ip": "testclient"}
    assert {column: rows[0][column] for column in expected} == expected
    assert (rows[1]["pledge_id"], rows[1]["pledge_version"], rows[1]["pledge_sha256"]) == \
        ("staff", "1", PLEDGE_HASH)
    assert (rows[2]["progress_path"], rows[2]["progress_done"]) == ("onboarding", "true")
    assert rows[2]["created"] == "2026-11-24T02:00:00.000Z" and rows[2]["received"]


@pytest.mark.parametrize("person, column, text", [
    # (person fields, CSV column, a value a spreadsheet would run as a formula)
    ({**STAFF, "name": "=1+2"}, "name", "=1+2"),
    ({**STAFF, "name": "+1"}, "name", "+1"),
    ({**STAFF, "name": "-1"}, "name", "-1"),
    ({**STAFF, "name": "@SUM(A1)"}, "name", "@SUM(A1)"),
    ({**STAFF, "department": '=HYPERLINK("http://x","看")'}, "department",
     '=HYPERLINK("http://x","看")'),
    ({**SUPPLIER, "company": "=cmd|' /C calc'!A0"}, "company", "=cmd|' /C calc'!A0"),
])
def test_csv_neutralises_formulas(client, person, column, text):
    """A cell starting with = + - @ gets a leading quote, so Excel shows it as text."""
    client.post("/api/v1/records", json=record("pledge", person))
    text_of_csv = admin(client, "/api/v1/export.csv").content.decode("utf-8-sig")
    (row,) = csv.DictReader(io.StringIO(text_of_csv))
    assert row[column] == "'" + text


@pytest.mark.parametrize("step", ["\tstep", "\rstep"])
def test_csv_neutralises_tab_and_carriage_return(client, step):
    """Free-text fields may start with a tab or CR; those cells are quoted too."""
    client.post("/api/v1/records",
                json=record("progress", progress={**PARTS["progress"], "step": step}))
    text_of_csv = admin(client, "/api/v1/export.csv").content.decode("utf-8-sig")
    (row,) = csv.DictReader(io.StringIO(text_of_csv, newline=""))
    assert row["progress_step"] == "'" + step


def test_json_reads_are_streamed_whole_and_escaped(client, monkeypatch):
    """The records and the xAPI export come a few records at a time (a large hospital's
    year of records took the collector 2 GB as one document), yet read as one JSON
    document: every record once, in order across batches, markup escaped."""
    monkeypatch.setattr(app_module, "STREAM_BATCH", 2)
    sent = [record(person={**STAFF, "name": f"<b>张{number}"}) for number in range(5)]
    for item in sent:
        assert client.post("/api/v1/records", json=item).status_code == 201
    listing, xapi = admin(client, "/api/v1/records"), admin(client, "/api/v1/export.xapi")
    for response in (listing, xapi):
        assert "content-length" not in response.headers  # streamed, not rendered whole
        assert response.headers["content-type"] == "application/json"
        assert response.headers["cache-control"] == "no-store"
        assert "<" not in response.text
    assert [item["record"] for item in listing.json()["records"]] == sent
    assert [statement["id"] for statement in xapi.json()] == [item["id"] for item in sent]
    monkeypatch.setattr(app_module, "STREAM_BATCH", 10)
    assert admin(client, "/api/v1/records").content == listing.content


def xapi_validator():
    if not XAPI_SCHEMA.is_file():
        pytest.skip(f"the shared xAPI schema is not beside the repository ({XAPI_SCHEMA})")
    from jsonschema import Draft4Validator

    return Draft4Validator(json.loads(XAPI_SCHEMA.read_text(encoding="utf-8")))


def test_xapi_statements_validate(client):
    """Every kind of record maps to a statement valid against the xAPI schema."""
    validator = xapi_validator()
    examples = [
        record(), record(attempt={**PARTS["attempt"], "score": 40, "passed": False}),
        record("pledge"), record("pledge", FAMILY, pledge={**PARTS["pledge"], "id": "family"}),
        record("pledge", SUPPLIER, pledge={**PARTS["pledge"], "version": "1.0 修订/2"}),
        record("progress"), record("progress", progress={**PARTS["progress"], "done": False,
                                                         "step": "第一课 / 视频"}),
    ]
    for sent in examples:
        assert client.post("/api/v1/records", json=sent).status_code == 201
    statements = admin(client, "/api/v1/export.xapi").json()
    assert len(statements) == len(examples)
    for statement in statements:
        assert list(validator.iter_errors(statement)) == []
        assert statement["verb"]["id"]  # the spec requires it; the schema does not
    verbs = [statement["verb"]["id"].rsplit("/", 1)[1] for statement in statements]
    assert verbs == ["passed", "failed", "agree", "agree", "agree", "completed", "progressed"]
    first = statements[0]
    assert first["id"] == examples[0]["id"]
    assert first["timestamp"] == examples[0]["created"]
    assert first["result"] == {"score": {"scaled": 0.9, "raw": 90, "min": 0, "max": 100},
                               "success": True}
    assert first["actor"]["account"] == {"homePage": f"urn:qinglian:site:{SITE}", "name": "A001"}
    assert first["object"]["id"] == f"urn:qinglian:{SITE}:attempt:onboarding"
    assert statements[2]["object"]["id"] == f"urn:qinglian:{SITE}:pledge:staff:1"
    assert statements[3]["actor"]["account"]["name"] == "family:A001:李四"
    assert statements[4]["actor"]["account"]["name"] == SUPPLIER["credit_code"]


# Hostile input --------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["a" * 10_000, "张" * 10_000, "张\x00三", "张\n三",
                                  "\x1b[31m", "\x7f", "\t"])
def test_hostile_names_with_control_characters_or_too_long_are_refused(client, name):
    response = client.post("/api/v1/records", json=record(person={**STAFF, "name": name}))
    assert_error(response, 400, "person.name:")


@pytest.mark.parametrize("name", ["<script>alert(1)</script>", "O'Brien \"Bob\"",
                                  "</script><img src=x>", "&lt;b&gt;", "=1+2\"'"])
def test_hostile_names_come_out_escaped_everywhere(client, name):
    """A name that is markup or quotes is stored as sent, and every output keeps it inert."""
    sent = record(person={**STAFF, "name": name})
    assert client.post("/api/v1/records", json=sent).status_code == 201

    listing = admin(client, "/api/v1/records")
    assert listing.json()["records"][0]["record"]["person"]["name"] == name
    xapi = admin(client, "/api/v1/export.xapi")
    assert xapi.json()[0]["actor"]["name"] == name
    for response in (listing, xapi):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert not {"<", ">", "&"} & set(response.text)  # escaped as \u003c, \u003e, \u0026

    exported = admin(client, "/api/v1/export.csv")
    assert exported.headers["x-content-type-options"] == "nosniff"
    (row,) = csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig")))
    assert row["name"] == ("'" + name if name.startswith("=") else name)


# Store and intake -----------------------------------------------------------------------

def test_a_read_stopped_early_gives_its_connection_back(store_db):
    """A download cut off stops the stream of records mid-way: the store must still read
    and write (on PostgreSQL the pool's rollback waited for ever on the open stream),
    also after more such reads than the pool holds connections."""
    store = open_store(store_db)
    outcome = []

    def read_and_stop() -> None:
        for _ in range(3):
            store.add(record(), Evidence.now("127.0.0.1", "test"))
        for _ in range(12):  # more than PostgresStore's POOL_SIZE
            stream = store.stream()
            next(stream)
            stream.close()
        store.add(record(), Evidence.now("127.0.0.1", "test"))
        outcome.append(len(store.records()))

    worker = threading.Thread(target=read_and_stop, daemon=True)
    worker.start()
    worker.join(60)  # a deadline, not a wait: it returns in well under a second
    assert not worker.is_alive(), "the store hung after a read stopped early"
    store.close()
    assert outcome == [4]


def test_concurrent_repeats_store_one_row(store_db):
    """Threads racing with one id: one stores, the same content repeats, other content conflicts."""
    store = open_store(store_db)
    sent = record()
    changed = {**sent, "page": "http://intranet.test/other/"}
    outcomes = []
    start = threading.Barrier(16)

    def send(item):
        start.wait()
        evidence = Evidence.now("127.0.0.1", "test")
        (receipt,) = receive_all([item], store, Manifests(), evidence)
        outcomes.append((item is sent, receipt.outcome))

    threads = [threading.Thread(target=send, args=(sent if n % 2 else changed,))
               for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(store.records()) == 1
    winner_is_sent = store.records()[0].record == sent
    stored = [outcome for _, outcome in outcomes if outcome is Outcome.STORED]
    assert len(stored) == 1
    for is_sent, outcome in outcomes:
        if outcome is not Outcome.STORED:
            expected = Outcome.REPEAT if is_sent == winner_is_sent else Outcome.CONFLICT
            assert outcome is expected
    store.close()


def test_add_all_answers_each_record_as_add_would(store_db):
    """``add_all`` (one transaction for many records) stores each new id once and returns,
    in order, None or the body already stored with the id, also for repeats in one call."""
    store = open_store(store_db)
    try:
        earlier, new = record(), record()
        store.add(earlier, Evidence.now(None, "test"))
        changed = {**new, "page": "http://intranet.test/other/"}
        answers = store.add_all([earlier, new, new, changed], Evidence.now(None, "test"))
        assert answers == [canonical_json(earlier), None, canonical_json(new), canonical_json(new)]
        assert [stored.record for stored in store.records()] == [earlier, new]
    finally:
        store.close()


def test_store_is_append_only_and_in_wal_mode(tmp_path):
    """Even an sqlite3 shell cannot change or delete a stored record."""
    store = Store(tmp_path / "records.db")
    store.add(record(), Evidence.now(None, None))
    store.close()
    with sqlite3.connect(tmp_path / "records.db") as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        for statement in ("UPDATE records SET site = 'x'", "DELETE FROM records"):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                connection.execute(statement)
    connection.close()


@pytest.mark.parametrize("make_path", [
    lambda folder: folder / "missing" / "records.db",
    lambda folder: folder,
])
def test_unusable_database_path_is_a_setup_error(tmp_path, make_path):
    with pytest.raises(SetupError, match="cannot use .* as the collector's database"):
        Store(make_path(tmp_path))


def test_a_file_that_is_not_a_database_is_a_setup_error(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("not a database, just notes " * 100, encoding="utf-8")
    with pytest.raises(SetupError, match="not a database"):
        Store(path)


def test_postgres_store_is_append_only(postgres_url):
    """Even psql cannot update, delete or truncate records, corrections or the purge log;
    bodies are stored byte for byte as SQLite stores them."""
    store = open_store(postgres_url)
    kept, purged = record(), record()
    store.add(kept, Evidence.now(None, None))
    store.add(purged, Evidence("2019-05-01T00:00:00.000Z", None, None))
    store.purge("2020-01-01T00:00:00.000Z", dry_run=False)
    store.add_correction(new_correction(site=SITE, staff_id="A001", operator="人事科",
                                        reason="工单 1", changes={"name": "张三丰"}))
    store.close()
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        assert connection.execute("SELECT body FROM records").fetchall() == [
            (canonical_json(kept),)]
        for table, message in (("records", "records are append-only"),
                               ("corrections", "corrections are append-only"),
                               ("purge_log", "the purge log is append-only")):
            for statement in (f"UPDATE {table} SET site = 'x'", f"DELETE FROM {table}",
                              f"TRUNCATE {table}"):
                with pytest.raises(psycopg.errors.RaiseException, match=message):
                    connection.execute(statement)


def test_store_purges_and_logs(store_db):
    """A dry run lists what would go; the real run removes exactly that and logs it."""
    store = open_store(store_db)
    arrivals = [(record("pledge"), "2019-05-01T00:00:00.000Z"),
                (record(), "2020-01-01T00:00:00.000Z"),
                (record("progress"), "2026-11-01T00:00:00.000Z")]
    for item, received in arrivals:
        store.add(item, Evidence(received, "10.0.0.1", "test"))
    cutoff = "2023-11-24T00:00:00.000Z"
    old = [PurgedRecord(item["id"], item["site"], item["kind"], item["created"], received)
           for item, received in arrivals[:2]]

    listed = store.purge(cutoff, dry_run=True)
    assert listed == old
    assert len(store.records()) == 3 and store.purge_log() == []

    assert store.purge(cutoff, dry_run=False) == listed
    assert [stored.record for stored in store.records()] == [arrivals[2][0]]
    log = store.purge_log()
    assert [entry for entry, _, _ in log] == listed
    assert {logged_cutoff for _, _, logged_cutoff in log} == {cutoff}
    assert store.purge(cutoff, dry_run=False) == []
    store.close()


def test_corrections_round_trip(store_db, make_client):
    """Corrections come back as made, in order, and the collector's reads apply them."""
    client = make_client()
    client.post("/api/v1/records", json=record("pledge", {**STAFF, "staff_id": "A01"}))
    store = open_store(store_db)
    made = [new_correction(site=SITE, staff_id="A01", operator="人事科 王", reason="工单 118",
                           changes={"staff_id": "A001", "name": "张三丰"}),
            new_correction(site=SITE, staff_id="A001", operator="纪检监察室",
                           reason="本人申请", redact=True)]
    for correction in made:
        store.add_correction(correction)
    assert store.corrections() == made
    store.close()
    (item,) = admin(client, "/api/v1/records").json()["records"]
    assert item["record"]["person"] == {**STAFF, "name": "（已删除）", "staff_id": "（已删除）"}


def test_unreachable_postgres_is_a_setup_error_without_the_password(capsys):
    """The collector exits 2 with the reason, and never prints the URL's password."""
    port = free_port()
    code, _, err = run(capsys, "collector", "--db",
                       f"postgresql://collector:s3cret-pw@127.0.0.1:{port}/records")
    assert code == 2
    assert err.startswith("qinglian collector: cannot use the PostgreSQL database "
                          f"'postgresql://collector@127.0.0.1:{port}/records': ")
    assert "Connection refused" in err and "s3cret" not in err and "Traceback" not in err
    # libpq quotes the part of a malformed URL it cannot read: here, the password
    with pytest.raises(SetupError, match="invalid percent-encoded token") as raised:
        open_store("postgresql://collector:s3cret%zz@127.0.0.1/records")
    assert "s3cret" not in str(raised.value)


def test_postgres_start_up_behind_a_lock_gives_up_in_time(postgres_url):
    """Another session holds a lock on the records (a transaction left open after a
    write): a start-up gives up after the lock timeout and says how to find that
    session, instead of waiting for ever."""
    open_store(postgres_url).close()
    with psycopg.connect(postgres_url) as holder, ThreadPoolExecutor(1) as pool:
        holder.execute("INSERT INTO records (id, site, kind, created, body, received)"
                       " VALUES ('held', 's', 'k', 'c', 'b', 'r')")
        started = time.monotonic()
        starting = pool.submit(open_store, postgres_url, 0.5)
        try:
            with pytest.raises(SetupError) as refused:
                starting.result(timeout=10)
        finally:
            holder.rollback()  # a start-up that hangs is released, and the test ends
    assert time.monotonic() - started < 5
    message = str(refused.value)
    assert message.startswith(f"cannot set up the collector's tables in '{postgres_url}': "
                              "another session held a lock on them for over 0.5 s"), message
    assert "FROM pg_stat_activity WHERE datname = '" in message


def test_postgres_role_that_may_not_own_the_tables_is_named(postgres_url, postgres_server,
                                                            capsys):
    """Started as a role that may not make the collector's tables (a database it does
    not own; tables another role made): exit 2 naming the role and the ALTER … OWNER
    that fixes it, not a hint about the host and password."""
    role = f"clerk_{uuid.uuid4().hex[:8]}"
    postgres_server.admin(f"CREATE ROLE {role} LOGIN")
    url = postgres_url.replace("postgres@", f"{role}@")
    database = postgres_url.rsplit("/", 1)[1]
    try:
        with psycopg.connect(postgres_url, autocommit=True) as connection:
            # As PostgreSQL 15 and later have it: only the database's owner makes tables
            connection.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
        code, _, err = run(capsys, "collector", "--db", url)
        assert code == 2 and "Traceback" not in err
        assert err.startswith(f'qinglian collector: the role "{role}" may not create the '
                              f"collector's tables in '{url}' (permission denied for schema "
                              "public): the collector's role must own its database and "
                              f'tables; as a superuser, run  ALTER DATABASE "{database}" '
                              f'OWNER TO "{role}";'), err

        open_store(postgres_url).close()  # the tables, made by another role
        with psycopg.connect(postgres_url, autocommit=True) as connection:
            connection.execute(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {role}")
            connection.execute(f"GRANT CREATE ON SCHEMA public TO {role}")
        code, _, err = run(capsys, "collector", "--db", url)
        assert code == 2
        assert "(must be owner of table records)" in err
        assert f'ALTER TABLE records OWNER TO "{role}";' in err
    finally:
        with psycopg.connect(postgres_url, autocommit=True) as connection:
            connection.execute(f"DROP OWNED BY {role}")
        postgres_server.admin(f"DROP ROLE {role}")


def test_postgres_backup_names_pg_dump(postgres_url, tmp_path):
    """The collector leaves PostgreSQL backups to pg_dump, and says how (no password)."""
    store = open_store(postgres_url.replace("postgres@", "postgres:s3cret-pw@"))
    with pytest.raises(SetupError) as raised:
        store.backup(tmp_path / "records.dump")
    store.close()
    message = str(raised.value)
    assert f"pg_dump --format=custom --file {tmp_path / 'records.dump'} {postgres_url}" in message
    assert f"pg_restore --clean --if-exists --dbname {postgres_url}" in message
    assert "s3cret" not in message


# CORS -----------------------------------------------------------------------------------

def preflight(client: TestClient, origin: str):
    return client.options("/api/v1/records", headers={
        "Origin": origin, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})


def test_cors_allows_the_configured_origins_only(make_client):
    client = make_client(origins=("http://intranet.test:8000",))
    allowed = preflight(client, "http://intranet.test:8000")
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "http://intranet.test:8000"
    assert "POST" in allowed.headers["access-control-allow-methods"]
    assert preflight(client, "http://evil.test").status_code == 400
    assert preflight(client, "null").status_code == 400


def test_cors_allows_file_pages_only_when_asked(make_client):
    client = make_client(allow_file_origin=True)
    allowed = preflight(client, "null")
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "null"
    response = client.post("/api/v1/records", json=record(), headers={"Origin": "null"})
    assert response.headers["access-control-allow-origin"] == "null"


# Command line ---------------------------------------------------------------------------

def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_records_import_is_idempotent_and_reports(tmp_path, capsys, store_db):
    """Wrapped and bare records are stored once; invalid ones are named with the reason."""
    first, second = record(), record("pledge")
    invalid = record(person={**STAFF, "name": ""})
    path = tmp_path / "qinglian-records.json"
    path.write_text(json.dumps({"records": [
        {"record": first, "state": "waiting", "tries": 3}, second, {"record": invalid}, 42,
    ]}, ensure_ascii=False), encoding="utf-8-sig")
    db = store_db

    code, out, err = run(capsys, "records", "import", str(path), "--db", db)
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith(f"{invalid['id']}: ") and "person.name: " in lines[0]
    assert lines[1].startswith("entry 4: record: 42 is not of type 'object'")
    assert lines[2] == "stored 2, already there 0, conflicting 0, invalid 2"
    code, out, err = run(capsys, "records", "import", str(path), "--db", db)
    assert code == 1
    assert out.splitlines()[-1] == "stored 0, already there 2, conflicting 0, invalid 2"

    path.write_text(json.dumps([first, {**second, "page": "http://other.test/"}]),
                    encoding="utf-8")
    code, out, err = run(capsys, "records", "import", str(path), "--db", db)
    assert code == 1
    assert out.splitlines()[0].startswith(f"{second['id']}: id: ")
    assert out.splitlines()[-1] == "stored 0, already there 1, conflicting 1, invalid 0"
    store = open_store(db)
    assert len(store.records()) == 2
    store.close()


def test_records_import_in_batches_keeps_the_rules(tmp_path, capsys, store_db, monkeypatch):
    """Records are stored a batch at a time: a record repeated in the file, in its batch
    or a later one, is stored once, a changed copy is named as conflicting, and an entry
    is named by its place in the whole file."""
    monkeypatch.setattr(importer, "BATCH", 2)
    first, second = record(), record("pledge")
    changed = {**first, "page": "http://intranet.test/other/"}
    path = tmp_path / "records.json"
    path.write_text(json.dumps([first, first, second, changed, {"record": second}, 42]),
                    encoding="utf-8")
    code, out, _ = run(capsys, "records", "import", str(path), "--db", store_db)
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 3 and lines[0].startswith(f"{first['id']}: id: ")
    assert lines[1].startswith("entry 6: record: 42 is not of type 'object'")
    assert lines[2] == "stored 2, already there 2, conflicting 1, invalid 1"
    store = open_store(store_db)
    assert [stored.record for stored in store.records()] == [first, second]
    store.close()


def test_records_import_of_several_files_gives_one_summary(tmp_path, capsys, store_db):
    """Files gathered from many PCs are imported in one run: a record in two files is
    stored once, each rejected entry is named after its file, one summary counts all."""
    shared, other = record(), record("pledge")
    ward = tmp_path / "ward-3.json"
    ward.write_text(json.dumps([shared, other]), encoding="utf-8")
    clinic = tmp_path / "clinic\n.json"  # a name from a USB stick may hold anything
    clinic.write_text(json.dumps({"records": [{"record": shared}, 42]}), encoding="utf-8")
    code, out, _ = run(capsys, "records", "import", str(ward), str(clinic), "--db", store_db)
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{ascii(str(clinic))}: entry 2: record: 42 is not of type")
    assert lines[1] == "stored 2, already there 1, conflicting 0, invalid 1 (from 2 files)"
    store = open_store(store_db)
    assert [stored.record for stored in store.records()] == [shared, other]
    store.close()


def test_records_import_stores_nothing_when_one_of_its_files_cannot_be_read(tmp_path, capsys):
    """Every file is read before any record is stored: a damaged second file stops the
    import with exit 2 and leaves the first file's records out too."""
    good, damaged = tmp_path / "good.json", tmp_path / "damaged.json"
    good.write_text(json.dumps([record()]), encoding="utf-8")
    damaged.write_text("[{", encoding="utf-8")
    db = tmp_path / "r.db"
    code, out, err = run(capsys, "records", "import", str(good), str(damaged), "--db", str(db))
    assert (code, out) == (2, "")
    assert err.startswith(f"qinglian records import: '{damaged}' is not a JSON file")
    assert not db.exists()


def test_records_import_prints_no_control_characters_from_the_file(tmp_path, capsys, store_db):
    """An id from the file that holds a line break, a terminal escape or a bidi override
    is not printed as it is: it would forge a line of the report (or the summary) or
    rewrite the admin's screen. Such a record is named by its place in the file."""
    forged = "x\nstored 9, already there 0, conflicting 0, invalid 0\x1b[2J\u202e"
    path = tmp_path / "records.json"
    path.write_text(json.dumps([{**record(), "id": forged}, {**record(), "id": "y" * 500}]),
                    encoding="utf-8")
    code, out, _ = run(capsys, "records", "import", str(path), "--db", store_db)
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 3 and lines[0].startswith("entry 1: id: ")
    assert lines[1].startswith("entry 2: id: ")  # not 500 y before the reason
    assert "\x1b" not in out and "\u202e" not in out
    assert lines[2] == "stored 0, already there 0, conflicting 0, invalid 2"



def test_records_import_quotes_the_odd_text_it_names(tmp_path, capsys):
    """A department or pledge version the site did not publish is named in the report as a
    Python string literal: the schema lets through C1 controls (U+009B is a terminal's CSI,
    which clears the admin's screen) and invisible characters, which also explain why
    '内科' followed by a zero-width space is not the department 内科."""
    path = tmp_path / "records.json"
    path.write_text(json.dumps([
        record("pledge", person={**STAFF, "department": "内科\u200b\x9b2J"}),
        record("pledge", pledge={**PARTS["pledge"], "version": "1\u202e\x9b2J"}),
    ]), encoding="utf-8")
    code, out, _ = run(capsys, "records", "import", str(path), "--db", str(tmp_path / "r.db"),
                       "--manifest", str(write_manifest(tmp_path)))
    assert code == 1
    assert "person.department: '内科\\u200b\\x9b2J' is not a department" in out
    assert "version '1\\u202e\\x9b2J' with this hash" in out
    assert not {"\x9b", "\u200b", "\u202e"} & set(out)


def test_records_import_names_the_field_not_the_persons_value(tmp_path, capsys):
    """A refused record's name or 工号 was printed as it was, into the admin's terminal
    scroll-back and logs: the report names the record and the field, and says what is
    wrong with the value without showing it."""
    bad_id = record(person={**STAFF, "name": "张三\n", "staff_id": "A 0017"})
    typed = record(person={**STAFF, "name": "王" * 101, "staff_id": 170017})
    path = tmp_path / "records.json"
    path.write_text(json.dumps([bad_id, typed, "李四,0018,内科"], ensure_ascii=False),
                    encoding="utf-8")
    code, out, _ = run(capsys, "records", "import", str(path), "--db", str(tmp_path / "r.db"))
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith(f"{bad_id['id']}: ")
    assert "person.name: a text of 3 character(s) is not in the expected form" in lines[0]
    assert "person.staff_id: a text of 6 character(s) is not in the expected form" in lines[0]
    assert lines[1].startswith(f"{typed['id']}: ")
    assert "person.name: a text of 101 character(s) is too long" in lines[1]
    assert "person.staff_id: a number is not of type 'string'" in lines[1]
    assert lines[2].startswith("entry 3: record: a text of 10 character(s) is not of type 'object'")
    for value in ("张三", "0017", "王王", "170017", "李四", "0018"):
        assert value not in out


def test_records_import_applies_the_manifests(tmp_path, capsys):
    path = tmp_path / "records.json"
    path.write_text(json.dumps([record(site="other-hospital"), record()]), encoding="utf-8")
    code, out, _ = run(capsys, "records", "import", str(path), "--db", str(tmp_path / "r.db"),
                       "--manifest", str(write_manifest(tmp_path)))
    assert code == 1
    assert out.splitlines()[-1] == "stored 1, already there 0, conflicting 0, invalid 1"


def test_records_import_takes_the_collectors_own_listing(client, tmp_path, capsys):
    """What GET /api/v1/records returns imports into another collector unchanged."""
    for sent in (record(), record("progress")):
        client.post("/api/v1/records", json=sent)
    path = tmp_path / "listing.json"
    path.write_bytes(admin(client, "/api/v1/records").content)
    code, out, _ = run(capsys, "records", "import", str(path), "--db", str(tmp_path / "copy.db"))
    assert (code, out) == (0, "stored 2, already there 0, conflicting 0, invalid 0\n")


@pytest.mark.parametrize("content, message", [
    # (file content or None for no file, what stderr says)
    (None, "cannot read"),
    ("[{", "is not a JSON file"),
    (b"\xff\xfe[]", "is not a JSON file"),
    ('{"items": []}', "holds no records"),
    ('"text"', "holds no records"),
    ('{"records": [], "records": []}', 'holds "records" twice'),  # json.loads keeps the last
])
def test_records_import_of_an_unreadable_file_exits_2(tmp_path, capsys, content, message):
    path = tmp_path / "records.json"
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    elif content is not None:
        path.write_bytes(content)
    code, out, err = run(capsys, "records", "import", str(path), "--db", str(tmp_path / "r.db"))
    assert code == 2
    assert err.startswith("qinglian records import: ") and message in err
    assert "Traceback" not in err


def test_records_import_holds_a_batch_not_the_file(tmp_path, capsys):
    """A year's export of a large hospital (150,000 records, 170 MB) took 1.2 GB read
    whole: the import reads each file as a stream, and holds one batch of records."""
    answers = [{"question": f"standard-{n % 9 + 1}-q-{n}", "answer": "B", "correct": True}
               for n in range(10)]
    path = tmp_path / "qinglian-records.json"
    with path.open("w", encoding="utf-8") as file:  # as GET /api/v1/records writes it
        file.write('{"records":[' + ",".join(json.dumps({
            "record": record(attempt={**PARTS["attempt"], "answers": answers}),
            "received": "2026-11-24T02:00:01.000Z", "client_ip": "10.0.0.1",
            "user_agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64)", "identity": None,
        }, ensure_ascii=False) for _ in range(5000)) + "]}")
    tracemalloc.start()
    try:
        code, out, _ = run(capsys, "records", "import", str(path), "--db", str(tmp_path / "r.db"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (code, out) == (0, "stored 5000, already there 0, conflicting 0, invalid 0\n")
    # Read whole, these 6.5 MB took 38 MB; a batch of 500 takes some 9 MB
    assert peak < 20 * 2**20, f"{peak:,} bytes"


@pytest.mark.parametrize("chunk", [1, 3, 16])
def test_records_file_reads_as_json_loads_does_in_pieces_of_any_size(tmp_path, monkeypatch,
                                                                    chunk):
    """Read a piece at a time, a file gives the entries json.loads would, and a file cut
    or damaged anywhere the same error (line and column), wherever the pieces end."""
    monkeypatch.setattr(importer, "CHUNK", chunk)
    path = tmp_path / "records.json"
    # As the site downloads it: indented, with a BOM when saved by Windows Notepad
    text = json.dumps({"records": [{"record": record(), "state": "waiting", "tries": 2}, {
        "text": "张三\n\U0001f600\\", "numbers": [2.5, -1e-3, 12345, 0, True, None],
    }], "reason": None}, ensure_ascii=False, indent=2)
    text = text.replace('"reason": null', '"reason": "\\ud83d\\ude00"')  # an escaped pair
    path.write_text(text, encoding="utf-8-sig")
    assert list(importer.RecordsFile(path)) == json.loads(text)["records"]
    for damaged in [text[:cut] for cut in range(len(text))] + [
            text.replace("2.5", "2.5.", 1), text.replace('"tries"', "tries", 1),
            text.replace("[", "[,", 1), text.replace("}", ",}", 1), text + " x"]:
        path.write_text(damaged, encoding="utf-8")
        try:
            json.loads(damaged)
        except ValueError as error:
            expected = f"'{path}' is not a JSON file ({error}); give the file the site downloaded"
        else:  # cut after a whole value: the object around the array is missing
            expected = f"'{path}' holds no records"
        with pytest.raises(SetupError) as raised:
            list(importer.RecordsFile(path))
        assert str(raised.value).startswith(expected), damaged


def test_records_import_reads_a_pipe(tmp_path, capsys):
    """A pipe (records import <(curl …)) can be read only once; the import still checks it
    through before storing it."""
    first, second = record(), record("pledge")
    reading, writing = os.pipe()
    os.write(writing, json.dumps({"records": [first, second]}).encode())
    os.close(writing)
    try:
        code, out, _ = run(capsys, "records", "import", f"/dev/fd/{reading}",
                           "--db", str(tmp_path / "r.db"))
    finally:
        os.close(reading)
    assert (code, out) == (0, "stored 2, already there 0, conflicting 0, invalid 0\n")


def test_records_import_of_a_file_gone_before_its_turn(tmp_path, capsys, monkeypatch):
    """Each file is read again as it is stored: one that can no longer be read then (its
    USB stick pulled out) stops the import, and what was stored stays."""
    first, second = record(), record("pledge")
    ward, clinic = tmp_path / "ward-3.json", tmp_path / "clinic.json"
    ward.write_text(json.dumps([first]), encoding="utf-8")
    clinic.write_text(json.dumps([second]), encoding="utf-8")
    checked = importer.read_records_file

    def check_then_lose(path: Path) -> importer.RecordsFile:
        records_file = checked(path)
        if path == clinic:
            clinic.unlink()
        return records_file

    monkeypatch.setattr(importer, "read_records_file", check_then_lose)
    db = str(tmp_path / "r.db")
    code, out, err = run(capsys, "records", "import", str(ward), str(clinic), "--db", db)
    assert (code, out) == (2, "")
    assert err == (f"qinglian records import: cannot read '{clinic}': No such file or "
                   "directory; the records stored so far stay stored, run the import again\n")
    store = open_store(db)
    assert [stored.record for stored in store.records()] == [first]
    store.close()


@pytest.mark.parametrize("options, message", [
    # (command-line options after --db, what stderr says)
    (["--manifest", "missing.json"], "cannot read manifest"),
    (["--origin", "http://intranet.test/site/"], "is not an origin"),
    (["--origin", "null"], "--allow-file-origin"),
    (["--token-file", "empty-token"], "is empty"),
    (["--token-file", "missing-token"], "cannot read the token file"),
])
def test_collector_refuses_bad_options_before_starting(tmp_path, capsys, monkeypatch,
                                                       options, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty-token").write_text(" \n", encoding="utf-8")
    code, _, err = run(capsys, "collector", "--db", "records.db", *options)
    assert code == 2
    assert err.startswith("qinglian collector: ") and message in err


def test_records_without_an_action_shows_help(capsys):
    code, out, _ = run(capsys, "records")
    assert code == 2 and "import" in out
