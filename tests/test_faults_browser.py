"""Faults in Chromium, from file:// and http://127.0.0.1 with every outside request
blocked: storage that is disabled, full or corrupt; a network that comes and goes while
records wait; a collector that answers 500, never answers or hangs up. Nothing a person
entered is lost, nothing is stored twice, and the page says where each record is.

The collector is the real one on the port the sites deliver to; the faulty one stands
in on the same port, a small HTTP server of the test's own."""

import collections
import http.server
import json
import queue
import threading
from contextlib import contextmanager
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from conftest import stored
from test_pledge_browser import STAFF, fill, outbox
from test_quiz_browser import STORAGE_FAULTS

pytestmark = [pytest.mark.browser, pytest.mark.collector]

FAMILY = [{"name": name, "relationship": "配偶", "staff_name": "张三", "staff_id": "A001"}
          for name in ("李四", "王芳", "赵敏")]
WAITING = "等待发送到医院服务器"
SENT = "已送达医院服务器"
# What Chromium logs for a request that failed on the way, which these tests cause
NETWORK_NOISE = ("Failed to load resource",)


def pledge_url(delivery, origin: str, audience: str = "staff") -> str:
    if origin == "file":
        return (delivery["root"] / "offline" / "pledges" / f"{audience}.html").as_uri()
    return f"{delivery['site']}pledges/{audience}/"


def delivery_state(page):
    return page.locator(".qinglian-pledge__delivery")


def summary(page):
    return page.locator("form.qinglian-pledge [role=status]")


def counts(waiting: int, sent: int) -> str:
    """What the summary says of the records on this computer (none refused here)."""
    return f"本机记录：待发送 {waiting} 条，已送达 {sent} 条，被拒绝 0 条。"


def notice(page):
    return page.locator(".qinglian-pledge__notice")


def network_back(page) -> None:
    """Tell the page the network is back, as the browser does, so it tries at once."""
    page.evaluate("() => window.dispatchEvent(new Event('online'))")


def unexpected(errors: list[str], *allowed: str) -> list[str]:
    return [error for error in errors if not error.startswith(NETWORK_NOISE + allowed)]


def successes(page) -> dict[str, list[int]]:
    """The collector's successful answers the page receives, by record id, from now
    on. One each: an answer that is lost on the way never reaches the page, so a
    second one means the page sent a record it knew was delivered."""
    answers = collections.defaultdict(list)

    def note(response):
        if response.request.method == "POST" and response.ok:
            answers[response.request.post_data_json["id"]].append(response.status)

    page.on("response", note)
    return answers


def downloaded(page) -> list[dict]:
    """The records the person takes away with 下载我的记录."""
    with page.expect_download() as download:
        page.locator("button", has_text="下载我的记录").click()
    with open(download.value.path(), encoding="utf-8") as file:
        return [item["record"] for item in json.load(file)["records"]]


def test_outside_requests_stay_blocked(delivery, open_page):
    """The page fixture lets the page reach 127.0.0.1 on its own (a test may be busy
    waiting for a server meanwhile) and still blocks and records everything else."""
    recorded = open_page()
    page = recorded.page
    page.goto(pledge_url(delivery, "http"))
    outside = ["http://example.com/x", "http://127.0.0.1.example.com/x", "https://intranet.test/x"]
    outcomes = page.evaluate("""urls => Promise.all(urls.concat(location.href).map(url =>
        fetch(url).then(() => 'reached', () => 'failed')))""", outside)
    assert outcomes == ["failed"] * 3 + ["reached"]
    assert recorded.blocked == outside


# -----------------------------------------------------------------------------
# Storage


@pytest.mark.parametrize("fault,origin", [("disabled", "file"), ("full", "http")])
def test_pledge_without_storage(delivery, collector, open_page, fault, origin):
    """Storage disabled or full: the pledge is signed, the person is told it is not
    kept on this computer, can take it away as a file, and it is delivered once."""
    script, warning = STORAGE_FAULTS[fault]
    recorded = open_page()
    page = recorded.page
    page.add_init_script(script)
    page.goto(pledge_url(delivery, origin))
    fill(page, STAFF)
    expect(page.locator(".qinglian-pledge__receipt")).to_contain_text("张三")
    expect(notice(page)).to_contain_text(warning)
    expect(notice(page)).to_contain_text("结果不会保留，关闭页面即丢失")
    # The focus is on the receipt, below the notice: the form's live region says it
    expect(summary(page)).to_have_text(f"{notice(page).inner_text()} {counts(waiting=1, sent=0)}")
    expect(delivery_state(page)).to_have_text(WAITING)
    [item] = outbox(page)
    assert downloaded(page) == [item["record"]]
    with collector() as server:
        network_back(page)
        expect(delivery_state(page)).to_have_text(SENT)
        assert stored(server) == [item["record"]]
    expect(notice(page)).to_be_visible()  # still true: nothing is kept here
    # With storage disabled, Material's own palette script throws when it reads it
    assert unexpected(recorded.errors, *(["denied"] if fault == "disabled" else [])) == []
    assert recorded.blocked == []


# A year of one shared ward PC, in the shapes the site makes: 100 staff, each with
# practice attempts and route progress, until the origin's storage is full to within
# a few characters. `state` is what the collector did with them; `waiting` ones are
# not due for a while, so the page does not try them all while the test signs.
FILL_STORAGE = """state => {
    const q = window.qinglian;
    const prefix = 'qinglian:v1:' + q.config.siteId + ':';
    const items = [], people = {};
    for (let n = 0; n < 9000; n++) {
        const profile = {name: '职工' + n % 100, staff_id: 'S' + String(n % 100).padStart(3, '0'), department: '内科'};
        const record = n % 5 ? q.record('progress', profile,
            {path: 'onboarding', step: 'lessons:lessons/standard-' + (n % 9 + 1) + '.md', done: true})
          : q.record('attempt', profile, {quiz_id: 'standard-1-practice', quiz_hash: 'f'.repeat(64),
            started: '2026-01-05T08:00:00.000Z', finished: '2026-01-05T08:09:00.000Z', score: 90,
            passed: true, timed_out: false, by_standard: {1: {correct: 9, total: 10}},
            answers: Array.from({length: 10}, (_, i) => ({question: 's1-00' + i, answer: '0', correct: i > 0}))});
        record.created = new Date(Date.UTC(2026, 0, 5) + n * 3600000).toISOString();
        items.push({record, state, tries: 0, next: Date.now() + 3600000});
        if (record.kind == 'attempt') (people[profile.staff_id] ||= {profile, attempts: [], seen: []}).attempts.push(record);
    }
    for (const id in people) localStorage.setItem(prefix + 'person:' + id, JSON.stringify(people[id]));
    function fits(count) {
        try {
            localStorage.setItem(prefix + 'outbox', JSON.stringify(items.slice(0, count)));
            return true;
        } catch (error) {
            return false;
        }
    }
    let low = 0, high = items.length;
    while (low < high) {
        const middle = (low + high + 1) >> 1;
        if (fits(middle)) low = middle; else high = middle - 1;
    }
    items.length = low;
    // The last record's address takes up what is left, but for a few characters
    const last = items[low - 1].record, page = last.page;
    let pad = 0;
    for (let step = 4096; step; step >>= 1) {
        last.page = page + '#' + 'x'.repeat(pad + step);
        if (fits(low)) pad += step;
    }
    last.page = page + '#' + 'x'.repeat(pad);
    fits(low);
    return items.map(item => item.record.id);
}"""


def kept_here(page) -> dict:
    """The outbox and people as this computer's storage holds them, not the page's memory."""
    return page.evaluate("""() => {
        const prefix = 'qinglian:v1:' + window.qinglian.config.siteId + ':';
        const people = Object.keys(localStorage).filter(key => key.startsWith(prefix + 'person:'));
        return {outbox: JSON.parse(localStorage.getItem(prefix + 'outbox')),
                people: Object.fromEntries(people.map(key =>
                    [key.slice(prefix.length + 7), JSON.parse(localStorage.getItem(key))]))};
    }""")


def test_full_storage_makes_room_from_delivered_records(delivery, collector, open_page):
    """Storage full of a year's delivered records and the collector down: a new
    signature is kept on this computer all the same, in room made by dropping the
    oldest delivered records (a person's attempt keeps its quiz, score and verdict),
    and it is delivered once the collector is back."""
    recorded = open_page()
    page = recorded.page
    page.goto(pledge_url(delivery, "http"))
    before = page.evaluate(FILL_STORAGE, "sent")
    assert len(before) > 5000
    fill(page, STAFF)
    expect(page.locator(".qinglian-pledge__receipt")).to_contain_text("张三")
    expect(delivery_state(page)).to_have_text(WAITING)
    expect(notice(page)).to_be_hidden()
    here = kept_here(page)
    *left, mine = here["outbox"]
    assert (mine["record"]["person"], mine["state"]) == (STAFF, "waiting")
    dropped = before[:len(before) - len(left)]
    assert dropped and [item["record"]["id"] for item in left] == before[len(dropped):]
    # Some hundred records' worth of room, not the whole year
    assert len(dropped) < len(before) / 10
    first = here["people"]["S000"]["attempts"][0]
    assert first == {"id": before[0], "attempt": {"quiz_id": "standard-1-practice", "score": 90, "passed": True}}
    assert "answers" in here["people"]["S000"]["attempts"][-1]["attempt"]
    with collector() as server:
        network_back(page)
        expect(delivery_state(page)).to_have_text(SENT)
        assert stored(server) == [mine["record"]]
    assert unexpected(recorded.errors) == [] and recorded.blocked == []


def test_full_storage_never_drops_a_record_not_delivered(delivery, open_page):
    """Storage full of records the collector has not got (down for days): none is
    dropped to make room, and the person who signs is told the signature is not kept."""
    recorded = open_page()
    page = recorded.page
    page.goto(pledge_url(delivery, "http"))
    before = page.evaluate(FILL_STORAGE, "waiting")
    fill(page, STAFF)
    expect(page.locator(".qinglian-pledge__receipt")).to_contain_text("张三")
    expect(notice(page)).to_contain_text("浏览器存储已满")
    assert [item["record"]["id"] for item in kept_here(page)["outbox"]] == before
    assert unexpected(recorded.errors) == [] and recorded.blocked == []


def test_full_storage_notice_goes_once_its_records_are_kept(delivery, open_page):
    """A family pledge signed on storage full of undelivered records is held in memory
    alone, and the page says so; once those records are delivered, room is made and it
    is kept: the notice goes, it no longer being true."""
    recorded = open_page()
    page = recorded.page
    page.goto(pledge_url(delivery, "http", "family"))
    page.evaluate(FILL_STORAGE, "waiting")
    fill(page, FAMILY[0])
    expect(page.locator(".qinglian-pledge__receipt")).to_contain_text(FAMILY[0]["name"])
    expect(notice(page)).to_contain_text("浏览器存储已满")
    # The collector had been down: it takes them all now
    page.evaluate("""() => window.qinglian.saveOutbox(window.qinglian.outbox()
        .map(item => Object.assign(item, {state: 'sent'})))""")
    expect(notice(page)).to_be_hidden()
    assert kept_here(page)["outbox"][-1]["record"]["person"]["name"] == FAMILY[0]["name"]
    assert unexpected(recorded.errors) == [] and recorded.blocked == []


@pytest.mark.parametrize("origin", ["file", "http"])
@pytest.mark.parametrize("broken", ['[{"record": {"id": "3f1c', '{"records": []}', '[{}]',
                                    '[{"record": {"id": "3f1c", "kind": "pledge"}, "state": "kept"}]'],
                         ids=["not-json", "not-a-list", "not-records", "record-without-body"])
def test_corrupt_outbox_is_set_aside(delivery, collector, open_page, origin, broken):
    """An outbox that cannot be read is kept aside untouched, the person is told, and
    signing and delivery work afresh."""
    recorded = open_page()
    page = recorded.page
    page.goto(pledge_url(delivery, origin))
    page.evaluate("""broken => localStorage.setItem(
        'qinglian:v1:' + window.qinglian.config.siteId + ':outbox', broken)""", broken)
    with collector() as server:
        page.reload()
        expect(notice(page)).to_have_text("本机记录已损坏，已另存备份并重新记录。")
        fill(page, STAFF)
        expect(delivery_state(page)).to_have_text(SENT)
        [item] = outbox(page)
        assert stored(server) == [item["record"]]
    aside = page.evaluate("""() => Object.keys(localStorage)
        .filter(key => key.includes(':corrupt:outbox:')).map(key => localStorage.getItem(key))""")
    assert aside == [broken]
    assert recorded.errors == [] and recorded.blocked == []


# -----------------------------------------------------------------------------
# The network comes and goes


@pytest.mark.parametrize("origin", ["file", "http"])
def test_flapping_network_delivers_each_record_once(delivery, collector, open_page, origin):
    """Three family pledges signed while the collector is down and the network comes and
    goes; it keeps coming and going once the collector is up. In the end each record is
    stored once, and the page says all three were delivered."""
    recorded = open_page()
    page = recorded.page
    context = page.context
    answers = successes(page)
    page.clock.install()
    page.goto(pledge_url(delivery, origin, "family"))
    # Time stands still: records go out when the browser says the network is back,
    # not when their retry is due
    page.clock.pause_at(datetime.now() + timedelta(seconds=1))
    for number, person in enumerate(FAMILY):
        if number:
            page.locator("button", has_text="再签署一份").click()
        fill(page, person)
        expect(delivery_state(page)).to_have_text(WAITING)
        context.set_offline(number % 2 == 0)
    expect(summary(page)).to_have_text(counts(waiting=3, sent=0))
    with collector() as server:
        for _ in range(6):
            context.set_offline(False)  # the browser says "online": the page tries at once
            context.set_offline(True)
        context.set_offline(False)
        expect(summary(page)).to_have_text(counts(waiting=0, sent=3))
        expect(delivery_state(page)).to_have_text(SENT)
        expect(page.locator(".qinglian-pledge__receipt")).to_contain_text("赵敏")
        records = stored(server)
    items = outbox(page)
    assert sorted(r["id"] for r in records) == sorted(item["record"]["id"] for item in items)
    assert len({r["id"] for r in records}) == 3 and {item["state"] for item in items} == {"sent"}
    assert {id: len(statuses) for id, statuses in answers.items()} == {r["id"]: 1 for r in records}
    assert sorted(r["person"]["name"] for r in records) == sorted(person["name"] for person in FAMILY)
    assert unexpected(recorded.errors) == [] and recorded.blocked == []


# -----------------------------------------------------------------------------
# A collector that fails


class _FaultyHandler(http.server.BaseHTTPRequestHandler):
    """Answers the CORS preflight as the collector does, then fails every record."""

    def log_message(self, format, *args):
        pass

    def _allow_origin(self):
        self.send_header("Access-Control-Allow-Origin", self.headers.get("Origin", "*"))

    def do_OPTIONS(self):
        self.send_response(200)
        self._allow_origin()
        self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "content-type")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_POST(self):
        record = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.posts.put(record["id"])
        if self.server.fault == "500":
            body = b'{"error": "internal error"}'
            self.send_response(500)
            self._allow_origin()
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.server.fault == "hang":
            self.server.release.wait(60)  # no answer until the test ends
        # "close": return without a word; the connection is closed (HTTP/1.0)


@contextmanager
def faulty_collector(port: int, fault: str):
    """A collector on ``port`` that answers 500, hangs, or closes the connection."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), _FaultyHandler)
    server.fault, server.posts, server.release = fault, queue.Queue(), threading.Event()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        server.release.set()
        server.shutdown()
        server.server_close()


FAULTS = [("500", "file"), ("500", "http"), ("hang", "file"), ("hang", "http"),
          ("close", "file"), ("close", "http")]


@pytest.mark.parametrize("fault,origin", FAULTS)
def test_failing_collector_is_retried_until_stored_once(delivery, collector, open_page, fault, origin):
    """The collector fails twice (500, no answer within the page's 15 s, or a closed
    connection): the record stays waiting, is tried again after 5 s and 10 s on its own,
    and is stored once the real collector is back."""
    recorded = open_page()
    page = recorded.page
    page.clock.install()
    answers = successes(page)
    page.goto(pledge_url(delivery, origin))
    # Time stands still, so that each retry is due only when the test says: on a loaded
    # machine five real seconds could pass before a try is noted, or ten while the real
    # collector starts, and the page would try again on its own (a try too many)
    page.clock.pause_at(datetime.now() + timedelta(seconds=1))

    def failed_try(server, tries):
        """Wait for the page's request, let it fail, and for the page to take note."""
        assert server.posts.get(timeout=10) == record_id()
        if fault == "hang":
            page.clock.fast_forward(15_000)  # the page gives up waiting
        page.wait_for_function("tries => window.qinglian.outbox()[0].tries === tries", arg=tries)
        expect(delivery_state(page)).to_have_text(WAITING)
        expect(summary(page)).to_have_text(counts(waiting=1, sent=0))

    def record_id():
        return outbox(page)[0]["record"]["id"]

    with faulty_collector(delivery["collector_port"], fault) as server:
        fill(page, STAFF)
        failed_try(server, 1)
        page.clock.fast_forward(5_000)  # the first retry is due
        failed_try(server, 2)
        assert server.posts.empty()  # two tries, no more
    with collector() as server:
        page.clock.fast_forward(10_000)  # the second retry is due
        expect(delivery_state(page)).to_have_text(SENT)
        expect(summary(page)).to_have_text(counts(waiting=0, sent=1))
        [item] = outbox(page)
        assert stored(server) == [item["record"]]
    assert answers == {item["record"]["id"]: [201]}
    assert unexpected(recorded.errors) == [] and recorded.blocked == []


def queue_more_pledges(page, people) -> None:
    """Put a waiting record of the pledge signed first for each of ``people`` into the
    outbox, and make the first one due again."""
    # The signing page's own try is over and written: else its outcome could land on the
    # outbox queued here, as a try of a record that is due again
    page.wait_for_function("() => window.qinglian.outbox()[0].tries === 1")
    page.evaluate("""people => {
        const q = window.qinglian;
        const first = Object.assign(q.outbox()[0], {tries: 0, next: 0});
        q.saveOutbox([first].concat(people.map(person => ({
            record: q.record('pledge', person, first.record.pledge), state: 'waiting', tries: 0, next: 0}))));
    }""", people)


def test_collector_down_a_page_load_tries_one_record_not_each(delivery, collector, open_page):
    """Thirty records waiting while the collector is down for days: a page load tries
    one, and the others wait for its retry (each failed try rewrites the whole outbox,
    which on a full storage kept the page busy for minutes). Once the collector is back
    they all go."""
    recorded = open_page()
    page = recorded.page
    page.clock.install()
    # Every try the page makes, counted as it is made
    page.add_init_script("""const post = window.fetch; window.tries = 0;
        window.fetch = function () { window.tries++; return post.apply(this, arguments); };""")
    page.goto(pledge_url(delivery, "http", "family"))
    # Time stands still before the first try, so that no retry is due until the test
    # says, neither the signing page's nor the reloaded page's (on a loaded machine, five
    # real seconds could pass before the queue is made or the count is read)
    page.clock.pause_at(datetime.now() + timedelta(seconds=1))
    fill(page, FAMILY[0])
    queue_more_pledges(page, (FAMILY * 10)[1:])  # twenty-nine more family members sign it
    page.reload()
    # The page notes a failed try before it makes the next one (no task in between)
    page.wait_for_function("() => window.qinglian.outbox().some(item => item.tries === 1)")
    assert page.evaluate("window.tries") == 1
    tried = [item for item in outbox(page) if item["tries"]]
    assert len(tried) == 1 and len(outbox(page)) == 30
    page.clock.fast_forward(5_000)  # its retry is due: another record is tried, one only
    page.wait_for_function("() => window.qinglian.outbox().filter(item => item.tries === 1).length === 2")
    assert page.evaluate("window.tries") == 2
    with collector() as server:
        network_back(page)
        page.wait_for_function("() => window.qinglian.outbox().every(item => item.state !== 'waiting')")
        assert len(stored(server)) == 30
    assert {item["state"] for item in outbox(page)} == {"sent"}
    assert unexpected(recorded.errors) == [] and recorded.blocked == []


def test_collector_back_writes_the_outbox_once_a_batch(delivery, collector, open_page):
    """Sixty records waiting (the collector's burst) when the collector comes back: all
    are delivered, once, and the outbox is rewritten once for each fifty of them, not
    after each (a ward PC took 0.1-0.5 s for each write of an outbox of 2,000 records,
    so a write per record kept the page busy for minutes)."""
    recorded = open_page()
    page = recorded.page
    # Every write of the outbox, counted as it is made
    page.add_init_script("""const write = Storage.prototype.setItem; window.outboxWrites = 0;
        Storage.prototype.setItem = function (key) {
            if (/:outbox$/.test(key)) window.outboxWrites++;
            return write.apply(this, arguments);
        };""")
    page.clock.install()
    page.goto(pledge_url(delivery, "http", "family"))
    # Time stands still, so that the signing page's retry never comes: else, were the
    # collector up by then, that page would deliver (and write) before the reload
    page.clock.pause_at(datetime.now() + timedelta(seconds=1))
    fill(page, FAMILY[0])
    queue_more_pledges(page, (FAMILY * 20)[1:])
    with collector() as server:
        page.reload()  # tries at once, as on every load
        page.wait_for_function("() => window.qinglian.outbox().every(item => item.state === 'sent')")
        assert page.evaluate("window.outboxWrites") == 2
        assert len(stored(server)) == 60
    assert unexpected(recorded.errors) == [] and recorded.blocked == []


@pytest.mark.parametrize("origin", ["file", "http"])
def test_retry_count_of_another_shape_counts_as_zero(delivery, collector, open_page, origin):
    """An outbox entry whose try count or retry time is not a number (saved by another
    version, or edited by hand) is retried on the usual schedule after a failed try,
    not at once again and again, and is stored once the collector is back."""
    recorded = open_page()
    page = recorded.page
    page.clock.install()
    page.goto(pledge_url(delivery, origin))
    # Time stands still, so that the retry is due only when the test says: else, five
    # real seconds after a failed try (a loaded machine, the collector starting), the
    # page tries again on its own, before the test has changed the outbox or read it
    page.clock.pause_at(datetime.now() + timedelta(seconds=1))
    with faulty_collector(delivery["collector_port"], "500") as server:
        fill(page, STAFF)
        server.posts.get(timeout=10)
        page.wait_for_function("() => window.qinglian.outbox()[0].tries === 1")
        page.evaluate("""() => {
            var items = window.qinglian.outbox();
            items[0].tries = "x";
            delete items[0].next;
            window.qinglian.saveOutbox(items);
        }""")
        page.reload()  # tried at once, as on every load, and fails
        server.posts.get(timeout=10)
        page.wait_for_function("""() => {
            var item = window.qinglian.outbox()[0];
            return item.tries === 1 && item.next > Date.now();
        }""")
    with collector() as server:
        page.clock.fast_forward(5_000)  # the retry is due
        expect(delivery_state(page)).to_have_text(SENT)
        [item] = outbox(page)
        assert stored(server) == [item["record"]]
    assert unexpected(recorded.errors) == [] and recorded.blocked == []


# -----------------------------------------------------------------------------
# Two tabs of the same site


def test_two_tabs_keep_each_others_records(delivery, collector, open_page):
    """A person signs in one tab while another tab of the site is open and signs there
    too: both records stay in the outbox (a tab never writes back a stale copy), and
    both are delivered once the collector is up."""
    recorded = open_page()
    first = recorded.page
    first.goto(pledge_url(delivery, "http", "family"))
    second = first.context.new_page()
    second.goto(pledge_url(delivery, "http", "family"))  # reads the outbox: empty
    fill(first, FAMILY[0])
    expect(delivery_state(first)).to_have_text(WAITING)
    fill(second, FAMILY[1])
    expect(delivery_state(second)).to_have_text(WAITING)
    kept = first.evaluate("""() => JSON.parse(localStorage.getItem(
        'qinglian:v1:' + window.qinglian.config.siteId + ':outbox'))""")
    assert sorted(item["record"]["person"]["name"] for item in kept) == ["李四", "王芳"]
    with collector() as server:
        network_back(first)
        expect(summary(first)).to_have_text(counts(waiting=0, sent=2))
        assert sorted(r["person"]["name"] for r in stored(server)) == ["李四", "王芳"]
    assert unexpected(recorded.errors) == [] and recorded.blocked == []
