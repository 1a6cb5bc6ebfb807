"""Records on their way to the collector, in Chromium: kept while it is down, delivered
exactly once, refused ones shown, from file://, 127.0.0.1 and the non-secure
intranet.test origin. The collector is the real one, on 127.0.0.1."""

import json
import uuid

import pytest
from playwright.sync_api import expect

from conftest import block_data, stored
from test_pledge_browser import STAFF, fill, outbox

pytestmark = [pytest.mark.browser, pytest.mark.collector]


def delivery_state(page):
    return page.locator(".qinglian-pledge__delivery")


def test_kept_while_down_then_delivered_once_from_file(delivery, collector, open_page):
    """Signed with the collector down: shown as waiting. When the network returns, it
    is delivered, once, and the receipt redrawn keeps the focus; a reload sends
    nothing again."""
    recorded = open_page()
    page = recorded.page
    page.goto((delivery["root"] / "offline" / "pledges" / "staff.html").as_uri())
    fill(page, STAFF)
    expect(delivery_state(page)).to_have_text("等待发送到医院服务器")
    assert outbox(page)[0]["state"] == "waiting"
    with collector() as server:
        expect(page.locator(".qinglian-pledge__receipt")).to_be_focused()
        page.evaluate("() => window.dispatchEvent(new Event('online'))")
        expect(delivery_state(page)).to_have_text("已送达医院服务器")
        expect(page.locator(".qinglian-pledge__receipt")).to_be_focused()
        page.reload()
        expect(delivery_state(page)).to_have_text("已送达医院服务器")
        expect(page.locator("form.qinglian-pledge [role=status]")).to_have_text(
            "本机记录：待发送 0 条，已送达 1 条，被拒绝 0 条。")
        [record] = stored(server)
    assert record == outbox(page)[0]["record"]
    assert recorded.errors == [] or all("Failed to fetch" in e or "ERR_CONNECTION_REFUSED" in e
                                        for e in recorded.errors)


def test_records_kept_before_the_collector_existed_are_delivered(delivery, collector, open_page):
    """A signature kept by an earlier build without a collector (state "kept") is sent,
    once, when the site now has one, instead of being called kept for ever."""
    pledge = block_data((delivery["root"] / "intranet" / "pledges" / "staff" / "index.html")
                        .read_text("utf-8"), "pledge")
    signed = {"id": str(uuid.uuid4()), "site": "example-hospital", "kind": "pledge",
              "created": "2026-11-24T02:00:00.000Z", "person": STAFF,
              "page": f"{delivery['site']}pledges/staff/",
              "pledge": {"id": "staff", "version": pledge["version"], "sha256": pledge["sha256"]}}
    # The storage of the signer as a build without a collector left it
    kept = {"current": "A001", "person:A001": {"profile": STAFF},
            "outbox": [{"record": signed, "state": "kept", "tries": 0, "next": 0}]}
    page = open_page().page
    page.goto(delivery["site"])  # no qinglian script: nothing reads the storage yet
    page.evaluate("""values => Object.entries(values).forEach(([key, value]) =>
        localStorage.setItem('qinglian:v1:example-hospital:' + key, JSON.stringify(value)))""", kept)
    with collector() as server:
        page.goto(f"{delivery['site']}pledges/staff/")
        expect(delivery_state(page)).to_have_text("已送达医院服务器")
        page.reload()
        expect(page.locator("form.qinglian-pledge [role=status]")).to_have_text(
            "本机记录：待发送 0 条，已送达 1 条，被拒绝 0 条。")
        assert stored(server) == [signed]


def test_lost_answer_is_retried_without_a_double(delivery, collector, open_page):
    """The collector stores the record but its answer is lost on the way: the browser
    tries again and the collector answers 'already there'. One record."""
    page = open_page().page
    with collector() as server:
        answers = []

        def drop_first_answer(route):
            response = route.fetch()  # the record reaches the collector ...
            answers.append(response.status)
            if len(answers) == 1:
                route.abort()  # ... but the browser never hears back
            else:
                route.fulfill(response=response)

        page.route(f"http://127.0.0.1:{delivery['collector_port']}/api/v1/records", drop_first_answer)
        page.goto(f"{delivery['site']}pledges/staff/")
        fill(page, STAFF)
        expect(delivery_state(page)).to_have_text("等待发送到医院服务器")
        page.evaluate("() => window.dispatchEvent(new Event('online'))")
        expect(delivery_state(page)).to_have_text("已送达医院服务器")
        assert answers == [201, 200]
        assert len(stored(server)) == 1


def test_refused_record_is_kept_and_shown(delivery, collector, open_page):
    """A 409 (same id, other content) is shown with its reason in the site's language,
    kept with the collector's own words for the administrator, and not retried; the
    copy already delivered under that id stays delivered."""
    page = open_page().page
    with collector() as server:
        page.goto(f"{delivery['intranet_host']}pledges/staff/")
        assert page.evaluate("() => isSecureContext") is False
        fill(page, STAFF)
        expect(delivery_state(page)).to_have_text("已送达医院服务器")
        # The same record id again with other content, as a tampered copy would be
        page.evaluate("""() => {
            const items = window.qinglian.outbox();
            const copy = JSON.parse(JSON.stringify(items[0]));
            copy.record.page = 'http://elsewhere/';
            copy.state = 'waiting';
            window.qinglian.store.set('outbox', [copy, items[0]]);
            window.qinglian.flush(true);
        }""")
        # Reloading while the answer's body is still being read would cut the reason
        # short (the page keeps the bare status): wait until the refusal is settled
        page.wait_for_function("() => window.qinglian.outbox()[0].state === 'rejected'")
        assert outbox(page)[1]["state"] == "sent"
        page.evaluate("() => window.qinglian.store.set('outbox', window.qinglian.outbox().slice(0, 1))")
        page.reload()
        expect(delivery_state(page)).to_have_text(
            "被服务器拒绝：服务器上已有一条编号相同、内容不同的记录。 请核对信息后重新签署；"
            "被拒绝的记录仍保存在本机，可以下载交给管理员。")
        [item] = outbox(page)
        assert item["state"] == "rejected" and item["record"]["page"] == "http://elsewhere/"
        assert item["status"] == 409 and "already holds a record with other content" in item["reason"]
        assert stored(server)[0]["page"] != "http://elsewhere/"
        with page.expect_download() as download:
            page.locator("button", has_text="下载我的记录").click()
        saved = json.loads(open(download.value.path(), encoding="utf-8").read())
        assert saved["records"][0]["state"] == "rejected"


def test_quiz_attempt_is_delivered(delivery, collector, open_page):
    """A finished quiz becomes an 'attempt' record that the collector accepts."""
    from test_quiz_browser import answer_all, fill_profile, right_answer, start, submit

    page = open_page().page
    with collector() as server:
        page.goto(f"{delivery['site']}lessons/standard-1/")
        fill_profile(page)
        start(page)
        answer_all(page, right_answer)
        submit(page)
        page.wait_for_function("() => window.qinglian.outbox()[0].state === 'sent'")
        [item] = outbox(page)
        [record] = stored(server)
    assert record["kind"] == "attempt" and record["attempt"]["score"] == 100
    assert record == item["record"]
