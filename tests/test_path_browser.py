"""The onboarding route in Chromium: from file:// (and over http for instant navigation),
keyboard only where a person acts, with every outside request blocked. Playwright's
clock stands in for the minimum time on a page."""

import base64
import hashlib
import json
import re
import uuid
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import Error, expect

from conftest import (PROJECT, TOKEN, block_data, build, free_port, open_for_instant_navigation, run_collector,
                      same_document, stored)
from qinglian.common.records import record_problems
from test_quiz_browser import CONTRAST, PREFIX, STORAGE_FAULTS, answer_all, right_answer, start, submit, tab_to

pytestmark = pytest.mark.browser

STAFF = {"name": "张三", "staff_id": "A001", "department": "内科"}
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# Fixed record ids and their code: tests/test_verify.py holds common/verification.py
# to the same constant
FIXED_IDS = ["3f2b6a10-1c2d-4e5f-8a9b-0c1d2e3f4a5b", "0a1b2c3d-4e5f-4a6b-9c7d-8e9f0a1b2c3d",
             "ffffffff-ffff-4fff-bfff-ffffffffffff"]
FIXED_CODE = "PTFX93YRPCRGDXDE"


def expected_code(ids) -> str:
    """SHA-256 over the sorted ids, one per line; Crockford base32 of its first 80 bits."""
    digest = hashlib.sha256("\n".join(sorted(ids)).encode("utf-8")).digest()
    rfc4648 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    return base64.b32encode(digest[:10]).decode().translate(str.maketrans(rfc4648, CROCKFORD))


def shown(code: str) -> str:
    return "-".join(code[n:n + 4] for n in range(0, 16, 4))


def page_url(site, page: str) -> str:
    return (site / page).as_uri()


def route_of(site) -> dict:
    """The route as the built landing page carries it."""
    return block_data((site / "onboarding" / "index.html").read_text("utf-8"), "path")["route"]


def sign_in(page, form: str) -> None:
    """Fill the profile form inside ``form`` with the keyboard only."""
    page.locator(f"{form} .qinglian-profile legend").click()  # Tab starts from the form
    tab_to(page, page.locator(f"{form} input[name=name]"))
    page.keyboard.type(STAFF["name"])
    page.keyboard.press("Tab")
    page.keyboard.type(STAFF["staff_id"])
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")  # 内科, the first department
    tab_to(page, page.locator(f"{form} .qinglian-profile button"))
    page.keyboard.press("Enter")


def stop_clock(page) -> None:
    """Install Playwright's clock, standing still: a page's minimum time then counts down
    only as the test runs the clock. Running, it counts from the page's load in real
    time, and on a loaded machine "30 秒后" could read 29 before study() checks it."""
    page.clock.install()
    page.clock.pause_at(datetime.now() + timedelta(seconds=1))


def study(page, seconds: int, *, signed_in: bool = True) -> None:
    """Wait out the page's minimum time on Playwright's clock, then press 我已学习 by keyboard."""
    form = page.locator("form.qinglian-study")
    button = form.locator(".qinglian-study__button")
    expect(form).to_have_attribute("data-state", "reading")
    if seconds:
        expect(button).to_be_disabled()
        expect(form.locator(".qinglian-study__wait")).to_contain_text(f"{seconds} 秒后")
        page.clock.run_for(seconds * 1000)
    expect(button).to_be_enabled()
    form.locator(".qinglian-study__where").click()
    tab_to(page, button)
    page.keyboard.press("Enter")
    if not signed_in:
        sign_in(page, "form.qinglian-study")
    expect(form).to_have_attribute("data-state", "done")
    expect(form.locator(".qinglian-study__done")).to_be_focused()


def states(page) -> list[str]:
    return page.locator(".qinglian-path__step").evaluate_all(
        "steps => steps.map(step => step.getAttribute('data-state'))")


def outbox(page) -> list:
    return page.evaluate("() => window.qinglian.outbox()")


def test_complete_route_by_keyboard_from_file(offline_site, open_page):
    """From an empty profile to the certificate from file://, by keyboard: every page
    studied after its minimum time, the exam passed, the pledge signed; the code is
    the one Python computes over exactly those records."""
    recorded = open_page()
    page = recorded.page
    stop_clock(page)
    route = route_of(offline_site)
    page.goto(page_url(offline_site, "onboarding/index.html"))
    sign_in(page, "form.qinglian-path")
    go = page.locator(".qinglian-path__go")
    expect(go).to_be_focused()
    for step in [s for s in route["steps"] if s["kind"] == "read"]:
        for entry in step["pages"]:
            expect(go).to_have_text(f"阅读《{entry['title']}》")
            page.keyboard.press("Enter")  # the focused link to the next page
            expect(page).to_have_url(page_url(offline_site, entry["url"]))
            study(page, step["min_read_seconds"])
            tab_to(page, go)
    expect(go).to_have_text("去参加测验")
    page.keyboard.press("Enter")
    expect(page).to_have_url(page_url(offline_site, "quizzes/onboarding.html"))
    start(page)
    answer_all(page, right_answer)
    submit(page)

    page.goto(page_url(offline_site, "onboarding/index.html"))
    assert states(page) == ["done", "done", "done", "done", "next"]
    expect(page.locator("[data-step=exam] .qinglian-path__facts")).to_have_text("已完成 · 已通过，100 分")
    page.locator("h1").click()  # Tab starts from the top of the text
    tab_to(page, go)
    expect(go).to_have_text("去签署承诺书")
    page.keyboard.press("Enter")
    expect(page).to_have_url(page_url(offline_site, "pledges/staff.html"))
    expect(page.locator("form.qinglian-pledge [name=staff_id]")).to_have_value("A001")  # the profile
    page.locator("form.qinglian-pledge legend").first.click()
    tab_to(page, page.locator("input[name=agree]"))
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.type(STAFF["name"])
    page.keyboard.press("Enter")
    expect(page.locator(".qinglian-pledge__receipt")).to_be_visible()

    page.goto(page_url(offline_site, "onboarding/index.html"))
    expect(page.locator("form.qinglian-path")).to_have_attribute("data-state", "complete")
    assert states(page) == ["done"] * 5
    page.locator("h1").click()  # Tab starts from the top of the text
    tab_to(page, go)
    expect(go).to_have_text("查看结业证书")
    page.keyboard.press("Enter")
    expect(page).to_have_url(page_url(offline_site, "onboarding/certificate.html"))
    certificate = page.locator("form.qinglian-certificate")
    expect(certificate).to_have_attribute("data-state", "complete")
    records = [item["record"] for item in outbox(page)]
    assert [r["kind"] for r in records] == ["progress"] * 13 + ["attempt", "pledge"]
    assert all(record_problems(record) == [] for record in records)
    assert records[1]["progress"] == {"path": "onboarding", "step": "lessons:lessons/standard-1.md",
                                      "done": True}
    expect(certificate.locator(".qinglian-certificate__code")).to_have_text(
        shown(expected_code(r["id"] for r in records)))
    sheet = certificate.locator(".qinglian-certificate__sheet")
    for text in ["新职工入职培训结业证书", "兹证明 张三 已完成新职工入职培训的全部内容。", "A001", "内科",
                 "通过入职测验100 分", "签署廉洁从业承诺书第 1 版"]:
        expect(sheet).to_contain_text(text)
    # No collector in this build: the records stay here, so it cannot be verified yet
    expect(certificate.locator(".qinglian-certificate__delivery")).to_contain_text("待验证")
    expect(certificate.locator(".qinglian-certificate__verify")).to_have_count(0)
    assert recorded.blocked == [] and recorded.errors == []


def test_later_steps_are_locked(offline_site, open_page):
    """Only the first step not done is open; later ones show no links until it is done."""
    page = open_page().page
    stop_clock(page)
    page.goto(page_url(offline_site, "onboarding/index.html"))
    sign_in(page, "form.qinglian-path")
    assert states(page) == ["next", "locked", "locked", "locked", "locked"]
    expect(page.locator(".qinglian-path__step--locked a")).to_have_count(0)
    expect(page.locator("[data-step=exam] .qinglian-path__facts")).to_have_text(
        "未开放：先完成前面的步骤 · 80% 及格")
    page.goto(page_url(offline_site, "lessons/index.html"))
    study(page, 30)
    page.goto(page_url(offline_site, "onboarding/index.html"))
    assert states(page) == ["done", "next", "locked", "locked", "locked"]
    lessons = page.locator("[data-step=lessons]")
    expect(lessons.locator(".qinglian-path__facts")).to_have_text("下一步 · 已学 0/9 页")
    expect(lessons.locator("a")).to_have_count(9)
    expect(page.locator(".qinglian-path__next")).to_have_text(
        "下一步：学习九项准则。 阅读《第一条 合法按劳取酬，不接受商业提成》")


def test_reload_keeps_progress_and_marks_the_nav(offline_site, open_page):
    """Studied on a page before anyone signed in (the block asks who), the progress
    survives reloads: the page says so, the nav marks it, the route counts it."""
    recorded = open_page()
    page = recorded.page
    stop_clock(page)
    page.goto(page_url(offline_site, "lessons/standard-1.html"))
    study(page, 60, signed_in=False)
    page.reload()
    expect(page.locator("form.qinglian-study")).to_have_attribute("data-state", "done")
    page.goto(page_url(offline_site, "lessons/standard-2.html"))
    studied = page.locator(".md-nav--primary a.qinglian-path-studied")
    expect(studied).to_have_count(1)
    expect(studied).to_have_attribute("href", "standard-1.html")
    expect(studied.locator(".qinglian-path-studied__label")).to_have_text("已学习")
    page.goto(page_url(offline_site, "onboarding/index.html"))
    page.reload()
    lessons = page.locator("[data-step=lessons]")
    expect(lessons.locator(".qinglian-path__facts")).to_contain_text("已学 1/9 页")
    # The overview comes first, so the lessons step is still locked
    assert states(page)[:2] == ["next", "locked"]
    assert recorded.blocked == [] and recorded.errors == []


@pytest.mark.parametrize("fault", sorted(STORAGE_FAULTS))
def test_study_says_when_storage_fails(offline_site, open_page, fault):
    """Storage disabled or full: 我已学习 still marks the page, and says the mark is
    not kept on this computer, as the quiz and the pledge do."""
    script, warning = STORAGE_FAULTS[fault]
    recorded = open_page()
    page = recorded.page
    page.add_init_script(script)
    stop_clock(page)
    page.goto(page_url(offline_site, "lessons/index.html"))
    if fault == "disabled":
        # Material's own scripts throw when they read it, one in a timer due at once: the
        # clock stands still, so that timer runs here, and its error comes to the test
        with pytest.raises(Error, match="SecurityError: denied"):
            page.clock.run_for(0)
    study(page, 30, signed_in=False)
    notice = page.locator("form.qinglian-study .qinglian-study__notice")
    expect(notice).to_contain_text(warning)
    expect(notice).to_contain_text("结果不会保留，关闭页面即丢失")
    # The focus is on 已学习, below the notice: the form's live region says it
    expect(page.locator("form.qinglian-study [role=status]")).to_have_text(notice.inner_text())
    assert set(recorded.errors) <= ({"denied"} if fault == "disabled" else set())


def test_next_person_studies_as_themselves(offline_site, open_page):
    """On a shared PC the 我已学习 block says who it records for: the next person presses
    不是你？ (by keyboard), no longer sees the last one's progress, and studies as
    themselves; the last one's record stays theirs."""
    page = open_page().page
    stop_clock(page)
    page.goto(page_url(offline_site, "lessons/standard-1.html"))
    study(page, 60, signed_in=False)
    page.goto(page_url(offline_site, "lessons/standard-1.html"))  # the next person sits down
    form = page.locator("form.qinglian-study")
    who = form.locator(".qinglian-study__who")
    expect(form).to_have_attribute("data-state", "done")
    expect(who).to_have_text("学员：张三（工号 A001，内科） 不是你？")
    form.locator(".qinglian-study__where").click()  # Tab starts in the block
    page.keyboard.press("Shift+Tab")
    expect(who.locator("button.qinglian-study__not-you")).to_be_focused()
    page.keyboard.press("Enter")
    expect(form).to_have_attribute("data-state", "reading")
    expect(form.locator(".qinglian-study__wait")).to_be_focused()  # the button waits: say why
    expect(who).to_have_count(0)
    expect(page.locator(".md-nav--primary a.qinglian-path-studied")).to_have_count(0)
    page.clock.run_for(60_000)
    form.locator(".qinglian-study__button").click()
    form.locator("[name=name]").fill("李四")
    form.locator("[name=staff_id]").fill("B002")
    form.locator("[name=department]").select_option("外科")
    form.locator(".qinglian-profile button").click()
    expect(form).to_have_attribute("data-state", "done")
    expect(who).to_have_text("学员：李四（工号 B002，外科） 不是你？")
    assert [item["record"]["person"]["staff_id"] for item in outbox(page)] == ["A001", "B002"]


@pytest.mark.parametrize("press", ["keyboard", "mouse"])
def test_study_records_only_for_the_person_it_names(offline_site, open_page, press):
    """我已学习 in a tab still naming the last person, after the next one signed in in
    another tab, records nothing: it names the new one and says so, with the focus on
    不是你？ beside their name (so a second Enter only signs them out). A press of its
    own then records for them."""
    recorded = open_page()
    first = recorded.page
    stop_clock(first)
    first.goto(page_url(offline_site, "lessons/standard-1.html"))
    study(first, 60, signed_in=False)
    first.goto(page_url(offline_site, "lessons/standard-2.html"))
    form = first.locator("form.qinglian-study")
    who = form.locator(".qinglian-study__who")
    expect(who).to_have_text("学员：张三（工号 A001，内科） 不是你？")
    second = first.context.new_page()  # the next person, in another tab
    second.goto(page_url(offline_site, "onboarding/index.html"))
    second.locator(".qinglian-path__not-you").click()
    second.locator("form.qinglian-path [name=name]").fill("李四")
    second.locator("form.qinglian-path [name=staff_id]").fill("B002")
    second.locator("form.qinglian-path [name=department]").select_option("外科")
    second.locator("form.qinglian-path .qinglian-profile button").click()
    expect(second.locator(".qinglian-path__who")).to_contain_text("李四")
    first.bring_to_front()
    first.clock.run_for(60_000)
    button = form.locator(".qinglian-study__button")
    status = form.locator("[role=status]")
    changed = "本机登记的学员已在本网站的另一窗口更换，现按最新情况显示；确认是你后再点“我已学习”。"
    if press == "keyboard":
        button.focus()
        first.keyboard.press("Enter")
        expect(status).to_have_text(changed)
        expect(who).to_have_text("学员：李四（工号 B002，外科） 不是你？")
        expect(who.locator(".qinglian-study__not-you")).to_be_focused()
        first.keyboard.press("Enter")
        expect(who).to_have_count(0)  # 李四 signed out, nothing recorded
    else:
        button.dblclick()
        expect(status).to_have_text(changed)
        expect(who).to_have_text("学员：李四（工号 B002，外科） 不是你？")
    expect(form).to_have_attribute("data-state", "reading")
    assert [item["record"]["person"]["staff_id"] for item in outbox(first)] == ["A001"]
    if press == "mouse":
        button.click()  # a press of its own: 李四 has read it
        expect(form).to_have_attribute("data-state", "done")
        assert [(item["record"]["person"]["staff_id"], item["record"]["progress"]["step"])
                for item in outbox(first)] == [("A001", "lessons:lessons/standard-1.md"),
                                               ("B002", "lessons:lessons/standard-2.md")]
    assert recorded.errors == []


def test_double_click_on_study_records_once_and_keeps_the_focus(offline_site, open_page):
    """A double click on 我已学习 records once; its second press, on what took the button's
    place, neither takes the focus from 已学习 nor follows a link."""
    recorded = open_page()
    page = recorded.page
    page.clock.install()
    page.goto(page_url(offline_site, "lessons/standard-1.html"))
    page.evaluate("profile => window.qinglian.signIn(profile)", STAFF)
    page.reload()
    page.clock.run_for(60_000)
    form = page.locator("form.qinglian-study")
    form.locator(".qinglian-study__button").dblclick()
    expect(form).to_have_attribute("data-state", "done")
    expect(form.locator(".qinglian-study__done")).to_be_focused()
    assert page.url == page_url(offline_site, "lessons/standard-1.html")
    assert [item["record"]["progress"]["step"] for item in outbox(page)] == ["lessons:lessons/standard-1.md"]
    assert recorded.errors == []


# Headless Chromium keeps every page visible (no tab behind another, no minimising):
# set document.visibilityState and fire visibilitychange, as the browser does
SHOW = """visible => {
    Object.defineProperty(document, 'visibilityState', {value: visible ? 'visible' : 'hidden', configurable: true});
    document.dispatchEvent(new Event('visibilitychange'));
}"""


def test_study_counts_only_the_time_the_page_is_seen(offline_site, open_page):
    """A page opened in a background tab, or hidden while read, does not count down
    until it is seen, and then goes on from where it stopped: nine lessons opened in
    nine tabs are not all ready a minute later."""
    recorded = open_page()
    page = recorded.page
    page.add_init_script(f"({SHOW})(false)")  # opened in a tab behind this one
    stop_clock(page)
    page.goto(page_url(offline_site, "lessons/standard-1.html"))
    form = page.locator("form.qinglian-study")
    wait = form.locator(".qinglian-study__wait")
    button = form.locator(".qinglian-study__button")
    # Shown or hidden (another tab, a minimised window), then the clock runs on: the
    # seconds left
    for visible, milliseconds, left in [(False, 120_000, 60), (True, 20_000, 40), (False, 600_000, 40),
                                        (True, 39_000, 1)]:
        page.evaluate(SHOW, visible)
        page.clock.run_for(milliseconds)
        expect(wait).to_have_text(f"请认真阅读本页，{left} 秒后可以点“我已学习”。")
        expect(button).to_be_disabled()
    page.clock.run_for(1_000)
    expect(button).to_be_enabled()
    expect(wait).to_have_text("已满规定的阅读时间，可以点“我已学习”了。")
    expect(form.locator("[role=status]")).to_have_text("已满规定的阅读时间，可以点“我已学习”了。")
    assert recorded.errors == []


def test_nav_marks_follow_instant_navigation(local_server, open_page):
    """Over http Material swaps pages in place: the new page's nav is marked and its
    我已学习 block starts, without a reload."""
    page = open_page().page
    stop_clock(page)
    page.goto(f"{local_server}lessons/standard-1/")
    study(page, 60, signed_in=False)
    page.evaluate("() => { window.sameDocument = true; }")
    # Material makes nav links absolute for instant navigation
    page.locator(f".md-nav--primary a.md-nav__link[href='{local_server}lessons/standard-2/']").click()
    expect(page).to_have_url(f"{local_server}lessons/standard-2/")
    assert page.evaluate("() => window.sameDocument") is True  # instant navigation
    expect(page.locator(".md-nav--primary a.qinglian-path-studied")).to_have_attribute(
        "href", f"{local_server}lessons/standard-1/")
    expect(page.locator("form.qinglian-study")).to_have_attribute("data-page", "lessons/standard-2.md")
    expect(page.locator("form.qinglian-study")).to_have_attribute("data-state", "reading")


# The work an outbox change makes: the calls to window.qinglian.outbox() it brings
OUTBOX_WORK = """() => {
    const q = window.qinglian;
    const outbox = q.outbox;
    let calls = 0;
    q.outbox = () => { calls += 1; return outbox(); };
    q.saveOutbox(outbox());
    q.outbox = outbox;
    return calls;
}"""


def window_listeners(page, event: str) -> int:
    """Count the listeners for ``event`` on the page's window, as Chromium holds them."""
    cdp = page.context.new_cdp_session(page)
    window = cdp.send("Runtime.evaluate", {"expression": "window"})["result"]["objectId"]
    listeners = cdp.send("DOMDebugger.getEventListeners", {"objectId": window})["listeners"]
    return sum(listener["type"] == event for listener in listeners)


def test_blocks_gone_by_instant_navigation_do_no_more_work(local_server, open_page):
    """Over http Material swaps pages in place: the route's and the certificate's blocks
    it takes off the page stop following the outbox and Back, so the work an outbox
    change makes and the page's listeners do not grow with the pages visited."""
    recorded = open_page()
    page = recorded.page
    open_for_instant_navigation(page, f"{local_server}onboarding/")
    page.evaluate("profile => window.qinglian.signIn(profile)", STAFF)

    def visit_both() -> None:
        """The certificate's page, then the route's, by instant navigation."""
        for address, block, state in [("onboarding/certificate/", "form.qinglian-certificate", "incomplete"),
                                      ("onboarding/", "form.qinglian-path", "route")]:
            page.locator(f".md-nav--primary a.md-nav__link[href='{local_server}{address}']").click()
            expect(page).to_have_url(f"{local_server}{address}")
            expect(page.locator(block)).to_have_attribute("data-state", state)

    visit_both()
    work, listeners = page.evaluate(OUTBOX_WORK), window_listeners(page, "pageshow")
    for _ in range(3):
        visit_both()
    assert same_document(page)  # instant navigation all along
    assert page.evaluate(OUTBOX_WORK) == work
    assert window_listeners(page, "pageshow") == listeners
    assert recorded.errors == []


def test_switch_person_clears_at_once_when_all_is_delivered(offline_site, open_page):
    """换人 with every record delivered: this person's data is cleared, nobody else's."""
    page = open_page().page
    stop_clock(page)
    page.goto(page_url(offline_site, "lessons/index.html"))
    study(page, 30, signed_in=False)
    page.evaluate("""() => {
        const items = window.qinglian.outbox().map(item => Object.assign(item, {state: 'sent'}));
        const other = JSON.parse(JSON.stringify(items[0]));
        other.record.id = window.qinglian.uuid();
        other.record.person = {name: '李四', staff_id: 'B002', department: '外科'};
        other.state = 'kept';
        window.qinglian.store.set('outbox', items.concat([other]));
    }""")
    # Their data that the shared module set aside as unreadable, and others'
    aside = ["A001:1700000000000", "A001:1700000000001", "A0012:1700000000002", "B002:1700000000003"]
    page.evaluate("""([prefix, aside]) => aside.forEach(key =>
        localStorage.setItem(prefix + 'corrupt:person:' + key, '{"profile": broken'))""", [PREFIX, aside])
    page.goto(page_url(offline_site, "onboarding/index.html"))
    page.locator("h1").click()  # Tab starts from the top of the text
    tab_to(page, page.locator(".qinglian-path__switch"))
    page.keyboard.press("Enter")
    expect(page.locator("form.qinglian-path")).to_have_attribute("data-state", "profile")
    expect(page.locator("form.qinglian-path [role=status]")).to_have_text(
        "已从本机清除 张三 的记录，请下一位填写信息。")
    assert [item["record"]["person"]["staff_id"] for item in outbox(page)] == ["B002"]
    assert page.evaluate("() => window.qinglian.person()") is None
    assert page.evaluate("() => window.qinglian.store.get('person:A001')") is None
    assert page.evaluate("""(prefix) => Object.keys(localStorage).filter(key => key.startsWith(prefix + 'corrupt:'))
        .map(key => key.slice(prefix.length)).sort()""", PREFIX) == [
        "corrupt:person:A0012:1700000000002", "corrupt:person:B002:1700000000003"]


# -----------------------------------------------------------------------------
# A build whose collector is down


@pytest.fixture(scope="module")
def down_site(tmp_path_factory):
    """The file:// build, set to deliver to a collector on a port where nothing listens."""
    port = free_port()
    site = tmp_path_factory.mktemp("collector-down") / "site"
    result = build(PROJECT / "mkdocs.offline.yml", site,
                   env={"QINGLIAN_COLLECTOR_URL": f"http://127.0.0.1:{port}/api/v1/records"})
    assert result.returncode == 0, result.stderr
    return {"site": site, "collector": f"http://127.0.0.1:{port}"}


def study_with_collector_down(page, site) -> dict:
    """Sign in on the lessons' overview and study it (the collector is down); return the
    record left waiting in the outbox."""
    stop_clock(page)
    page.goto(page_url(site, "lessons/index.html"))
    study(page, 30, signed_in=False)
    [item] = outbox(page)
    return item


def test_switch_person_guards_undelivered_records(down_site, open_page):
    """换人 with a record still waiting: a warning with the count, nothing cleared; after the
    download (the pledge page's exporter) it may clear, and clears only this person."""
    site = down_site["site"]
    page = open_page().page
    item = study_with_collector_down(page, site)
    assert item["state"] == "waiting"
    page.goto(page_url(site, "onboarding/index.html"))
    switch = page.locator(".qinglian-path__switch")
    page.locator("h1").click()  # Tab starts from the top of the text
    tab_to(page, switch)
    page.keyboard.press("Enter")
    guard = page.locator(".qinglian-path__guard")
    expect(guard).to_be_focused()
    expect(guard).to_have_text("张三 还有 1 条记录没有送达医院服务器。换人会从本机清除这些记录：请先下载记录文件，交给培训负责人。")
    # Readable, and not a glaring light box, on Material's dark pages too
    page.evaluate("document.body.setAttribute('data-md-color-scheme', 'slate')")
    assert guard.evaluate(CONTRAST) >= 4.5
    background = guard.evaluate("(e) => getComputedStyle(e).backgroundColor")
    assert max(map(int, re.findall(r"\d+", background)[:3])) < 100, background  # a dark box
    page.evaluate("document.body.setAttribute('data-md-color-scheme', 'default')")
    assert guard.evaluate(CONTRAST) >= 4.5
    expect(page.locator(".qinglian-path__clear")).to_have_count(0)
    # Cancel: nothing happened
    tab_to(page, page.locator(".qinglian-path__cancel"))
    page.keyboard.press("Enter")
    expect(switch).to_be_focused()
    assert page.evaluate("() => window.qinglian.person().profile") == STAFF
    page.keyboard.press("Enter")
    tab_to(page, page.locator(".qinglian-path__download"))
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    saved = json.loads(open(download.value.path(), encoding="utf-8").read())
    assert download.value.suggested_filename == "qinglian-A001.json"
    assert [entry["record"] for entry in saved["records"]] == [item["record"]]
    clear = page.locator(".qinglian-path__clear")
    expect(clear).to_be_focused()
    expect(guard).to_have_text("张三 的记录都已送达医院服务器或已下载，可以从本机清除。")
    page.keyboard.press("Enter")
    expect(page.locator("form.qinglian-path")).to_have_attribute("data-state", "profile")
    expect(page.locator("form.qinglian-path input[name=name]")).to_be_focused()
    assert outbox(page) == [] and page.evaluate("() => window.qinglian.person()") is None


def test_switch_person_warning_is_read_once(down_site, open_page):
    """换人's warning is read once: it takes the focus and is no alert besides. After the
    download it describes the clear button, which takes the focus; a record made since in
    another tab brings the warning back, with the focus."""
    site = down_site["site"]
    page = open_page().page
    study_with_collector_down(page, site)
    page.goto(page_url(site, "onboarding/index.html"))
    page.locator(".qinglian-path__switch").click()
    guard = page.locator(".qinglian-path__guard")
    expect(guard).to_be_focused()
    expect(page.locator("form.qinglian-path [role=alert]")).to_have_count(0)
    with page.expect_download():
        page.locator(".qinglian-path__download").click()
    clear = page.locator(".qinglian-path__clear")
    expect(clear).to_be_focused()
    expect(clear).to_have_accessible_description("张三 的记录都已送达医院服务器或已下载，可以从本机清除。")
    page.evaluate("""() => {
        const q = window.qinglian;
        const made = q.record('progress', q.person().profile, {path: 'onboarding', step: 'overview:lessons/index.md', done: true});
        q.store.set('outbox', q.outbox().concat([{record: made, state: 'waiting', tries: 0, next: 0}]));
    }""")
    clear.click()
    expect(guard).to_be_focused()
    expect(guard).to_contain_text("张三 还有 2 条记录没有送达医院服务器。")
    assert len(outbox(page)) == 2


def test_next_person_signs_in_without_clearing_the_last_ones_records(down_site, open_page, tmp_path):
    """The route's 不是你？ is for the person who sits down: it signs the last one out
    without asking them to download or clear anything; the last one's undelivered
    record stays queued under their name and the newcomer starts from nothing."""
    site = down_site["site"]
    page = open_page().page
    item = study_with_collector_down(page, site)
    page.goto(page_url(site, "onboarding/index.html"))  # the next person sits down
    form = page.locator("form.qinglian-path")
    expect(form.locator(".qinglian-path__who")).to_have_text("学员：张三（工号 A001，内科） 不是你？ 换人")
    page.locator("h1").click()  # Tab starts from the top of the text
    tab_to(page, form.locator(".qinglian-path__not-you"))
    page.keyboard.press("Enter")
    expect(form).to_have_attribute("data-state", "profile")
    expect(form.locator("input[name=name]")).to_be_focused()
    assert [entry["record"] for entry in outbox(page)] == [item["record"]]
    assert outbox(page)[0]["state"] == "waiting" and page.evaluate("() => window.qinglian.person()") is None
    assert page.evaluate("() => window.qinglian.store.get('person:A001').profile") == STAFF
    form.locator("[name=name]").fill("李四")
    form.locator("[name=staff_id]").fill("B002")
    form.locator("[name=department]").select_option("外科")
    form.locator(".qinglian-profile button").click()
    expect(form.locator(".qinglian-path__who")).to_contain_text("学员：李四（工号 B002，外科）")
    assert states(page) == ["next"] + ["locked"] * 4
    page.goto(page_url(site, "lessons/index.html"))
    study(page, 30)
    # The collector comes back: both records arrive, each under its own person
    port = int(down_site["collector"].rsplit(":", 1)[1])
    with run_collector(tmp_path / "records.db", "--manifest", str(site / "qinglian-manifest.json"),
                       "--allow-file-origin", token=TOKEN, port=port) as server:
        page.evaluate("() => window.dispatchEvent(new Event('online'))")
        page.wait_for_function("() => window.qinglian.outbox().every(item => item.state === 'sent')")
        people = {record["id"]: record["person"]["staff_id"] for record in stored(server)}
    assert people == {item["record"]["id"]: "A001", outbox(page)[1]["record"]["id"]: "B002"}


def progress_item(step: str, created: str, state: str = "waiting", done: bool = True) -> dict:
    return entry("progress", {"path": "onboarding", "step": step, "done": done}, created, state)


def entry(kind: str, body: dict, created: str, state: str = "waiting", person: dict = STAFF) -> dict:
    """An outbox entry holding a record of ``kind`` made at ``created``."""
    record = {"id": str(uuid.uuid4()), "site": "example-hospital", "kind": kind, "created": created,
              "person": person, "page": "file:///onboarding.html", kind: body}
    assert record_problems(record) == []
    return {"record": record, "state": state, "tries": 0, "next": 0}


def attempt(passed: bool, score: int) -> dict:
    return {"quiz_id": "onboarding", "quiz_hash": "0" * 64, "started": "2026-11-20T08:00:00.000Z",
            "finished": "2026-11-20T08:20:00.000Z", "score": score, "passed": passed,
            "answers": [], "by_standard": {}}


def route_records(route: dict) -> tuple[list, list]:
    """Outbox entries of one person: (those that complete the route by the rule, in step
    order; others that do not count: later repeats, undone, failed, refused, old version)."""
    pledge_hash = route["steps"][-1]["hashes"][0]
    chosen, others = [], []
    for n, (step, page) in enumerate((s["id"], p["src"]) for s in route["steps"] if s["kind"] == "read"
                                     for p in s["pages"]):
        chosen.append(progress_item(f"{step}:{page}", f"2026-11-20T07:{n:02d}:00.000Z"))
        others.append(progress_item(f"{step}:{page}", f"2026-11-20T09:{n:02d}:00.000Z"))  # later again
    others.append(progress_item("overview:lessons/index.md", "2026-11-20T06:00:00.000Z", done=False))
    others.append(entry("attempt", attempt(False, 60), "2026-11-20T07:50:00.000Z"))
    chosen.append(entry("attempt", attempt(True, 85), "2026-11-20T08:20:00.000Z"))
    others.append(entry("attempt", attempt(True, 95), "2026-11-20T08:40:00.000Z"))
    others.append(entry("pledge", {"id": "staff", "version": "0", "sha256": pledge_hash},
                        "2026-11-20T08:45:00.000Z"))
    others.append(entry("pledge", {"id": "staff", "version": "1", "sha256": pledge_hash},
                        "2026-11-20T08:50:00.000Z", state="rejected"))
    chosen.append(entry("pledge", {"id": "staff", "version": "1", "sha256": pledge_hash},
                        "2026-11-20T09:30:00.000Z"))
    return chosen, others


def store(page, items) -> None:
    """Put ``items`` in the outbox of STAFF, signed in, and load the page again."""
    page.evaluate("""([items, profile]) => {
        window.qinglian.store.set('outbox', items);
        window.qinglian.signIn(profile);
    }""", [items, STAFF])
    page.reload()


def test_certificate_shows_the_records_of_the_rule(down_site, open_page):
    """The certificate takes, per thing to do, the earliest record that does it (refused,
    failed, undone and other versions never count); it names what is missing until
    all is done, says 待验证 until every chosen record is delivered, and where to verify."""
    site = down_site["site"]
    chosen, others = route_records(route_of(site))
    page = open_page().page
    page.goto(page_url(site, "onboarding/certificate.html"))
    certificate = page.locator("form.qinglian-certificate")
    expect(certificate).to_have_attribute("data-state", "nobody")
    store(page, others + chosen[:-1])
    expect(certificate).to_have_attribute("data-state", "incomplete")
    expect(certificate.locator(".qinglian-certificate__missing li")).to_have_text(["签署廉洁从业承诺书"])
    store(page, others + chosen)
    expect(certificate).to_have_attribute("data-state", "complete")
    code = expected_code(item["record"]["id"] for item in chosen)
    expect(certificate.locator(".qinglian-certificate__code")).to_have_text(shown(code))
    expect(certificate.locator(".qinglian-certificate__sheet")).to_contain_text("通过入职测验85 分")
    status = certificate.locator(".qinglian-certificate__delivery")
    expect(status).to_have_text("待验证：还有 15 条记录没有送达医院服务器，送达后即可验证。")
    expect(certificate.locator(".qinglian-certificate__verify")).to_have_text(
        f"验证地址：{down_site['collector']}/verify/{shown(code)}")
    store(page, others + [{**item, "state": "sent"} for item in chosen])
    expect(status).to_have_text("已送达，可在医院验证。")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", certificate.locator("dd").nth(3).inner_text())


def test_next_person_does_not_see_the_last_ones_certificate(offline_site, open_page):
    """On a shared PC the certificate says whose it is, on screen only: the next person
    presses 不是你？ (by keyboard) and sees no certificate but where to start; the last
    one stays signed out with their records kept."""
    chosen, others = route_records(route_of(offline_site))
    page = open_page().page
    page.goto(page_url(offline_site, "onboarding/certificate.html"))
    certificate = page.locator("form.qinglian-certificate")
    who = certificate.locator(".qinglian-certificate__who")
    store(page, others + chosen[:-1])
    expect(certificate).to_have_attribute("data-state", "incomplete")
    expect(who).to_have_text("学员：张三（工号 A001，内科） 不是你？")
    store(page, others + chosen)
    expect(certificate).to_have_attribute("data-state", "complete")
    expect(who).to_have_text("学员：张三（工号 A001，内科） 不是你？")
    page.emulate_media(media="print")
    expect(who).to_be_hidden()  # the sheet names them
    page.emulate_media(media="screen")
    page.locator("h1").click()  # Tab starts from the top of the text
    tab_to(page, who.locator("button.qinglian-certificate__not-you"))
    page.keyboard.press("Enter")
    expect(certificate).to_have_attribute("data-state", "nobody")
    nobody = certificate.locator(".qinglian-certificate__nobody")
    expect(nobody).to_be_focused()
    # Their data is still on this computer: nobody is signed in, not "nobody registered"
    expect(nobody).to_have_text("现在没有学员登录：请打开新职工入职培训，填写你的姓名、工号和科室"
                                "（以前填过的也再填一次），再回到本页查看证书。")
    expect(certificate.locator(".qinglian-certificate__sheet")).to_have_count(0)
    assert page.evaluate("() => window.qinglian.person()") is None
    assert outbox(page) == others + chosen
    assert page.evaluate("() => window.qinglian.store.get('person:A001').profile") == STAFF


def test_certificate_names_the_verify_page_under_the_collectors_path(tmp_path, open_page):
    """A collector a proxy serves under a path (nginx location /qinglian/): the
    certificate's address keeps that path, where the verify page is."""
    site = tmp_path / "site"
    result = build(PROJECT / "mkdocs.offline.yml", site, env={
        "QINGLIAN_COLLECTOR_URL": "http://127.0.0.1:9/qinglian/api/v1/records"})
    assert result.returncode == 0, result.stderr
    chosen, others = route_records(route_of(site))
    page = open_page().page
    page.goto(page_url(site, "onboarding/certificate.html"))
    store(page, others + chosen)
    code = expected_code(item["record"]["id"] for item in chosen)
    expect(page.locator(".qinglian-certificate__verify")).to_have_text(
        f"验证地址：http://127.0.0.1:9/qinglian/verify/{shown(code)}")


@pytest.mark.collector
def test_certificate_verifies_at_the_collector(down_site, open_page, tmp_path):
    """Once the collector is up the records go out, the certificate says so, and the
    collector's page confirms its code; a mistyped or unknown code is not found."""
    site = down_site["site"]
    chosen, others = route_records(route_of(site))
    page = open_page().page
    page.goto(page_url(site, "onboarding/certificate.html"))
    store(page, [item for item in others if item["state"] != "rejected"] + chosen)
    delivery = page.locator(".qinglian-certificate__delivery")
    expect(delivery).to_contain_text("待验证")
    code = shown(expected_code(item["record"]["id"] for item in chosen))
    port = int(down_site["collector"].rsplit(":", 1)[1])
    with run_collector(tmp_path / "records.db", "--manifest", str(site / "qinglian-manifest.json"),
                       "--allow-file-origin", port=port) as server:
        page.evaluate("() => window.dispatchEvent(new Event('online'))")
        expect(delivery).to_have_text("已送达，可在医院验证。", timeout=30000)
        address = page.locator(".qinglian-certificate__verify").inner_text().split("：", 1)[1]
        assert address == f"{down_site['collector']}/verify/{code}"
        tampered = code[:-1] + ("0" if code[-1] != "0" else "1")
        for sent, status, text in [(code, 200, "张*"), (tampered, 404, "未找到"),
                                   ("ABCD-EFGH-JKMN-PQRS", 404, "未找到")]:
            connection = server.connect()
            connection.request("GET", f"/verify/{sent}")
            response = connection.getresponse()
            body = response.read().decode("utf-8")
            assert response.status == status and text in body, body


def test_code_matches_python(offline_site, open_page):
    """window.qinglianPath.code gives, at once, the code Python's hashlib and base32 give."""
    assert expected_code(FIXED_IDS) == FIXED_CODE
    page = open_page().page
    page.goto(page_url(offline_site, "onboarding/index.html"))
    assert page.evaluate("ids => window.qinglianPath.code(ids)", FIXED_IDS) == FIXED_CODE
    assert page.evaluate("ids => window.qinglianPath.code(ids)", list(reversed(FIXED_IDS))) == FIXED_CODE


def test_certificate_says_when_its_records_arrive(down_site, open_page):
    """The sheet is drawn anew when delivery changes: the new state is said in the form's
    status region (a live region), which said nothing while nothing changed."""
    site = down_site["site"]
    chosen, others = route_records(route_of(site))
    page = open_page().page
    page.goto(page_url(site, "onboarding/certificate.html"))
    store(page, others + chosen)
    certificate = page.locator("form.qinglian-certificate")
    expect(certificate).to_have_attribute("data-state", "complete")
    status = certificate.locator("[role=status]")
    expect(status).to_have_attribute("aria-live", "polite")
    expect(status).to_have_text("")
    page.evaluate("""() => window.qinglian.saveOutbox(window.qinglian.outbox()
        .map(item => Object.assign(item, {state: 'sent'})))""")
    expect(certificate.locator(".qinglian-certificate__delivery")).to_have_text("已送达，可在医院验证。")
    expect(status).to_have_text("已送达，可在医院验证。")


def test_signing_in_to_study_starts_at_the_first_field(offline_site, open_page):
    """我已学习 pressed by keyboard with nobody signed in: the profile form takes its place
    and the focus goes to its first field, not back to the top of the page."""
    page = open_page().page
    page.clock.install()
    page.goto(page_url(offline_site, "lessons/index.html"))
    form = page.locator("form.qinglian-study")
    page.clock.run_for(30_000)
    form.locator(".qinglian-study__where").click()  # Tab starts in the block
    tab_to(page, form.locator(".qinglian-study__button"))
    page.keyboard.press("Enter")
    expect(form).to_have_attribute("data-state", "profile")
    expect(form.locator("input[name=name]")).to_be_focused()


def test_route_blocks_ask_who_is_training(offline_site, open_page):
    """The profile form of a route block is headed 学员信息: nobody answers a quiz there.
    The lesson's quiz on the same page keeps its own heading."""
    page = open_page().page
    page.clock.install()
    page.goto(page_url(offline_site, "onboarding/index.html"))
    expect(page.locator("form.qinglian-path .qinglian-profile legend")).to_have_text("学员信息")
    page.goto(page_url(offline_site, "lessons/standard-1.html"))
    page.clock.run_for(60_000)
    page.locator(".qinglian-study__button").click()
    expect(page.locator("form.qinglian-study .qinglian-profile legend")).to_have_text("学员信息")
    expect(page.locator("form.qinglian-quiz .qinglian-profile legend")).to_have_text("答题人信息")
