"""Back, Forward, a second tab and instant navigation in Chromium: what a page shows
and records after the person moved through the browser's history or another tab of
the site, over http and from file://, with every outside request blocked. Back
brings a page from the back/forward cache where Chromium keeps one
(``open_bfcache_page``): as it was left, its scripts stopped meanwhile."""

import re

import pytest
from playwright.sync_api import expect

from conftest import open_for_instant_navigation, same_document
from test_path_browser import route_of, route_records, sign_in, store, study
from test_pledge_browser import STAFF, fill, outbox
from test_quiz_browser import EXAM, answer_all, fill_profile, right_answer, start, submit, url

pytestmark = pytest.mark.browser

AWAY = "report"  # a page with none of our blocks


def ready_to_leave(page) -> list:
    """Mark the page's document and make it fit for the back/forward cache; return the
    list where Chromium's reasons for not restoring it from there, if any, will be."""
    page.evaluate("window.qinglianTestMarker = 1")
    # A request still open when the page is left (the search index) keeps it out of the cache
    page.wait_for_load_state("networkidle")
    session = page.context.new_cdp_session(page)
    session.send("Page.enable")
    reasons = []
    session.on("Page.backForwardCacheNotUsed", lambda event: reasons.append(event["notRestoredExplanations"]))
    return reasons


def left_for(page, away: str, meanwhile=lambda: None) -> None:
    """Leave the page for ``away``, let ``meanwhile`` happen, and come back with Back:
    the page must come back from the back/forward cache, as it was left."""
    not_restored = ready_to_leave(page)
    page.goto(away)
    meanwhile()
    # Playwright would wait for a load event, which a page from the cache never fires
    page.go_back(wait_until="commit")
    page.wait_for_function("document.readyState == 'complete'")
    assert same_document(page), f"Back loaded the page afresh, not from the cache: {not_restored}"


def reloaded_for(page, away: str, meanwhile=lambda: None) -> None:
    """Leave a quiz page for ``away``, let ``meanwhile`` happen, and come back with Back:
    the page must come back from the back/forward cache and load afresh."""
    not_restored = ready_to_leave(page)
    page.goto(away)
    meanwhile()
    # A page from the cache fires no load event: the one that comes is its reload's
    with page.expect_event("load"):
        page.go_back(wait_until="commit")
    assert not same_document(page)
    assert page.evaluate("performance.getEntriesByType('navigation')[0].type") == "reload", \
        f"not from the cache: {not_restored}"


def pledges(page) -> list:
    return [item for item in outbox(page) if item["record"]["kind"] == "pledge"]


def receipt_code(record: dict) -> str:
    """The code a pledge's receipt shows for ``record``: the first 8 of its id, as XXXX-XXXX."""
    code = record["id"][:8].upper()
    return f"{code[:4]}-{code[4:]}"


@pytest.mark.parametrize("origin", ["http", "file"])
def test_pledge_signed_in_another_tab_is_not_signed_again(local_server, offline_site, open_page, origin):
    """签署 in a tab whose form was drawn before the same person signed in another tab
    makes no second signature of the same version: the tab shows the one there is."""
    site = local_server if origin == "http" else offline_site
    recorded = open_page()
    first = recorded.page
    first.goto(url(site, "pledges/staff"))
    second = first.context.new_page()
    second.goto(url(site, "pledges/staff"))
    fill(second, STAFF)
    expect(second.locator("form.qinglian-pledge")).to_have_attribute("data-state", "signed")
    fill(first, STAFF)
    expect(first.locator("form.qinglian-pledge")).to_have_attribute("data-state", "signed")
    signed = pledges(first)
    assert len(signed) == 1
    expect(first.locator(".qinglian-pledge__receipt")).to_contain_text(receipt_code(signed[0]["record"]))
    assert recorded.errors == []


def test_restored_pledge_page_shows_a_signature_made_meanwhile(local_server, open_bfcache_page):
    """The staff pledge's form, drawn for the person signed in and left for another page
    while they signed the pledge in another tab, comes back with Back showing that
    signature, not a form to sign again."""
    recorded = open_bfcache_page()
    page = recorded.page
    page.goto(url(local_server, "pledges/staff"))
    page.evaluate("person => window.qinglian.signIn(person)", STAFF)
    page.reload()
    expect(page.locator("form.qinglian-pledge")).to_have_attribute("data-state", "form")

    def sign_elsewhere():
        other = page.context.new_page()
        other.goto(url(local_server, "pledges/staff"))
        fill(other, STAFF)
        expect(other.locator("form.qinglian-pledge")).to_have_attribute("data-state", "signed")
        other.close()

    left_for(page, url(local_server, AWAY), sign_elsewhere)
    expect(page.locator("form.qinglian-pledge")).to_have_attribute("data-state", "signed")
    expect(page.locator(".qinglian-pledge__receipt")).to_contain_text(receipt_code(pledges(page)[0]["record"]))
    assert recorded.errors == []


def test_restored_pledge_form_names_who_is_signed_in_now(local_server, open_bfcache_page):
    """A staff pledge's form filled in for the last person, left while the next one
    signed in on another page, comes back for the next one, without the last one's
    details; a form whose person is still the same keeps what was typed in it."""
    recorded = open_bfcache_page()
    page = recorded.page
    page.goto(url(local_server, "pledges/staff"))
    form = page.locator("form.qinglian-pledge")
    form.locator("[name=name]").fill("张三")
    left_for(page, url(local_server, AWAY))
    expect(form.locator("[name=name]")).to_have_value("张三")

    def next_person():
        other = page.context.new_page()
        other.goto(url(local_server, "pledges/staff"))
        other.evaluate("""() => window.qinglian.signIn({name: "王五", staff_id: "A003", department: "外科"})""")
        other.close()

    left_for(page, url(local_server, AWAY), next_person)
    expect(page.locator(".qinglian-pledge__who")).to_contain_text("王五")
    expect(form.locator("[name=staff_id]")).to_have_value("A003")
    assert recorded.errors == []


def test_restored_route_page_shows_the_steps_done_meanwhile(local_server, open_bfcache_page):
    """The 入职培训 route, left for the pledge page and signed there, comes back with its
    pledge step done, not still asking for the signature; left with its profile half
    typed, it comes back with what was typed, not drawn anew and emptied."""
    recorded = open_bfcache_page()
    page = recorded.page
    page.goto(url(local_server, "onboarding"))
    typed = page.locator("form.qinglian-path input[name=name]")
    typed.fill("张")
    left_for(page, url(local_server, AWAY))
    expect(typed).to_have_value("张")
    typed.fill("")
    sign_in(page, "form.qinglian-path")
    step = page.locator(".qinglian-path__step[data-step=pledge]")
    expect(step).to_have_attribute("data-state", "locked")

    def sign():
        fill(page, STAFF)
        expect(page.locator("form.qinglian-pledge")).to_have_attribute("data-state", "signed")

    left_for(page, url(local_server, "pledges/staff"), sign)
    expect(step).to_have_attribute("data-state", "done")
    assert recorded.errors == []


def test_restored_page_marks_in_the_nav_a_page_studied_meanwhile(local_server, open_bfcache_page):
    """The lessons' overview (a page of the route without a quiz, which would load
    afresh), left for a lesson studied there, comes back with Back with that lesson
    marked studied in its nav, and naming whom its 我已学习 is for."""
    recorded = open_bfcache_page()
    page = recorded.page
    page.clock.install()
    page.goto(url(local_server, "lessons"))
    page.evaluate("""() => window.qinglian.signIn({name: "张三", staff_id: "A001", department: "内科"})""")
    left_for(page, url(local_server, "lessons/standard-1"), lambda: study(page, 60))
    expect(page.locator(".md-nav--primary a.qinglian-path-studied")).to_have_attribute(
        "href", url(local_server, "lessons/standard-1"))
    expect(page.locator(".qinglian-study__who")).to_contain_text("张三")
    assert recorded.errors == []


# How the last person leaves a shared PC: the page, the button there, and the state its
# block then shows
LEAVING = {
    "不是你？": ("pledges/staff", ".qinglian-pledge__not-you", "form.qinglian-pledge", "form"),
    "换人": ("onboarding", ".qinglian-path__switch", "form.qinglian-path", "profile"),
}


@pytest.mark.parametrize("leaving", LEAVING)
def test_restored_certificate_is_not_shown_to_the_next_person(intranet_site, local_server,
                                                              open_bfcache_page, leaving):
    """A certificate page left while its holder signed out (不是你？) or cleared their data
    (换人) on another page comes back with Back naming nobody: not the last person's
    name, 工号, scores and code, as the back/forward cache kept it."""
    chosen, others = route_records(route_of(intranet_site))
    for item in others + chosen:
        item["state"] = "sent"  # so 换人 clears at once
    recorded = open_bfcache_page()
    page = recorded.page
    page.goto(url(local_server, "onboarding/certificate"))
    store(page, others + chosen)
    certificate = page.locator("form.qinglian-certificate")
    expect(certificate).to_have_attribute("data-state", "complete")
    away, button, block, state = LEAVING[leaving]

    def leave():
        page.locator(button).click()
        expect(page.locator(block)).to_have_attribute("data-state", state)

    left_for(page, url(local_server, away), leave)
    expect(certificate).to_have_attribute("data-state", "nobody")
    expect(page.locator("body")).not_to_contain_text("张三")
    assert recorded.errors == []


def test_exam_left_and_resumed_by_instant_navigation_hands_in_once(local_server, open_page):
    """Over http Material swaps pages in place: an exam left mid-paper through the nav
    and reached again with Back resumes its paper and its own deadline, with one clock,
    and at the deadline hands in one attempt, not one per visit."""
    recorded = open_page()
    page = recorded.page
    page.clock.install()
    open_for_instant_navigation(page, url(local_server, EXAM))
    fill_profile(page)
    start(page)
    page.clock.run_for("05:00")
    page.locator("a.md-tabs__link", has_text="九项准则").click()
    expect(page.locator("form.qinglian-quiz")).to_have_count(0)
    page.go_back()
    expect(page.locator("form.qinglian-quiz")).to_have_attribute("data-state", "running")
    page.locator("a.md-tabs__link", has_text="九项准则").click()
    page.locator("a.md-tabs__link", has_text="测验").click()
    page.locator(".md-nav a", has_text="新职工廉洁从业入职测验").first.click()
    expect(page.locator("form.qinglian-quiz")).to_have_attribute("data-state", "running")
    assert same_document(page)
    timer = page.locator(".qinglian-quiz__timer")
    # Five minutes gone, give or take the seconds the clicks took (the clock runs on)
    expect(timer).to_have_text(re.compile(r"剩余时间 2[45]:\d\d$"))
    page.clock.run_for("25:00")
    expect(page.locator("form.qinglian-quiz")).to_have_attribute("data-state", "done")
    attempts = page.evaluate("() => window.qinglian.person().attempts")
    assert len(attempts) == 1 and attempts[0]["attempt"]["timed_out"] is True
    assert len(page.evaluate("() => window.qinglian.outbox()")) == 1
    assert recorded.blocked == [] and recorded.errors == []


def test_restored_exam_loads_afresh_with_its_deadline_and_its_hand_in(local_server, open_bfcache_page):
    """An exam paper left for another page and brought back with Back loads afresh
    (theme/main.html): the same paper, counting on to its own deadline. Handed in
    meanwhile on a later visit, the page brought back shows it handed in, with the
    attempts left of now, and offers no paper to hand in again."""
    recorded = open_bfcache_page()
    page = recorded.page
    page.goto(url(local_server, EXAM))
    fill_profile(page)
    start(page)
    answer_all(page, right_answer)
    reloaded_for(page, url(local_server, AWAY))
    expect(page.locator("form.qinglian-quiz")).to_have_attribute("data-state", "running")
    left = page.evaluate("""() => {
        const paper = window.qinglian.person().open.onboarding;
        return Math.ceil((paper.deadline - Date.now()) / 1000);
    }""")
    timer = page.locator(".qinglian-quiz__timer")
    shown = timer.inner_text()
    assert shown in {f"剩余时间 {s // 60}:{s % 60:02}" for s in (left, left + 1)}
    expect(timer).not_to_have_text(shown)  # still ticking
    # The answers given before leaving are still there
    expect(page.locator("form.qinglian-quiz input:checked").first).to_be_visible()

    def hand_in():  # the same paper, resumed in a page loaded afresh
        submit(page)

    # Another address of the page: the same one would take the place of this entry
    reloaded_for(page, url(local_server, EXAM) + "?again", hand_in)
    expect(page.locator("form.qinglian-quiz")).not_to_have_attribute("data-state", "running")
    expect(page.locator(".qinglian-quiz__facts")).to_contain_text("剩余 2/3 次")
    expect(page.locator("form.qinglian-quiz .qinglian-question")).to_have_count(0)
    assert len(page.evaluate("() => window.qinglian.person().attempts")) == 1
    assert recorded.errors == []
