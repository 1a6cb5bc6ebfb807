"""The built site in a real Chromium: no outside request, no console error, search works.

Every request that is not file://, data:, blob: or 127.0.0.1 is blocked and
recorded by the ``open_page`` fixture.
"""

import re
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from conftest import PROJECT, site_pages

pytestmark = pytest.mark.browser


def visit_every_page(open_page, urls) -> tuple[list[str], list[str]]:
    """Open each URL once; return (blocked requests, console errors), each tagged by page."""
    blocked, errors = [], []
    recorded = open_page()
    for url in urls:
        recorded.blocked.clear()
        recorded.errors.clear()
        # networkidle: every request the page starts, including the search index, is done
        recorded.page.goto(url, wait_until="networkidle")
        blocked += [f"{url}: {request}" for request in recorded.blocked]
        errors += [f"{url}: {error}" for error in recorded.errors]
    return blocked, errors


def test_offline_build_makes_no_outside_request(offline_site, open_page):
    """Every page of the file:// build loads with zero outside requests and no errors."""
    urls = [page.as_uri() for page in site_pages(offline_site, posters=True)]
    assert len(urls) >= 8
    assert visit_every_page(open_page, urls) == ([], [])


def test_intranet_build_makes_no_outside_request(intranet_site, local_server, open_page):
    """Every page of the intranet build, served on 127.0.0.1, does the same."""
    urls = [local_server + page.relative_to(intranet_site).as_posix()
            for page in site_pages(intranet_site, posters=True)]
    assert visit_every_page(open_page, urls) == ([], [])


def test_recorder_catches_outside_requests(open_page, tmp_path):
    """Control: a page that fetches from another host is caught, so the tests above can fail."""
    page = tmp_path / "outside.html"
    page.write_text('<img src="https://example.com/x.png"><script src="https://cdn.example/x.js"></script>')
    recorded = open_page()
    recorded.page.goto(page.as_uri(), wait_until="networkidle")
    assert sorted(recorded.blocked) == ["https://cdn.example/x.js", "https://example.com/x.png"]


def search(page, query: str):
    """Type ``query`` into Material's search as a person would; return the result links."""
    page.locator("input.md-search__input").click()
    # Chinese arrives through an IME as text input without key events; Material
    # searches on keyup, so a key press follows, as it does for a real user
    page.keyboard.insert_text(query)
    page.keyboard.press("End")
    return page.locator(".md-search-result__item a")


def test_offline_search_finds_tongfang(offline_site, open_page):
    """Searching 统方 from file:// lists the lesson on standard 1, with no outside request."""
    recorded = open_page()
    recorded.page.goto((offline_site / "index.html").as_uri())
    results = search(recorded.page, "统方")
    expect(results.and_(recorded.page.locator("[href*='lessons/standard-1.html']")).first).to_be_visible()
    assert recorded.blocked == []
    assert recorded.errors == []


def test_offline_search_runs_in_a_real_worker(offline_site, open_page):
    """From file://, Material's search worker starts from a blob: URL, not an iframe."""
    page = open_page().page
    # Material starts its worker as the page loads
    with page.expect_worker() as worker_info:
        page.goto((offline_site / "index.html").as_uri())
    assert worker_info.value.url.startswith("blob:")
    expect(search(page, "统方").first).to_be_visible()
    assert page.locator("iframe").count() == 0


def test_intranet_search_finds_tongfang(local_server, open_page):
    """Over http the same search works with Material's own worker."""
    recorded = open_page()
    recorded.page.goto(local_server)
    results = search(recorded.page, "统方")
    expect(results.and_(recorded.page.locator("[href*='lessons/standard-1/']")).first).to_be_visible()
    assert recorded.blocked == []


def test_screenshot_script_writes_png(intranet_site, tmp_path):
    """scripts/screenshot.py photographs the home page without any outside request."""
    out = tmp_path / "home.png"
    result = subprocess.run(
        [sys.executable, str(PROJECT / "scripts" / "screenshot.py"),
         "--site", str(intranet_site), "--out", str(out)],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert out.stat().st_size > 20_000  # a real page, not a blank image


@pytest.mark.parametrize("term, lesson", [
    # a key term, the lesson that search must list for it
    ("统方", "standard-1"), ("双通道", "standard-1"), ("冒名就医", "standard-2"),
    ("红包", "standard-8"), ("回扣", "standard-9"),
])
def test_search_finds_lessons_by_key_terms(offline_site, open_page, term, lesson):
    """From file://, searching a key term lists the lesson that teaches it."""
    recorded = open_page()
    recorded.page.goto((offline_site / "index.html").as_uri())
    search(recorded.page, term)
    result = recorded.page.locator(f".md-search-result__item a[href*='lessons/{lesson}.html']")
    expect(result.first).to_be_visible()
    assert recorded.blocked == [] and recorded.errors == []


def test_offline_pages_highlight_the_search_and_offer_back_to_top(offline_site, open_page):
    """From file://, a page opened from a search result marks the words searched for,
    scrolling back up offers 回到页面顶部 and the table of contents follows the reader,
    as over http (Material's instant navigation, which cannot work there, had stopped
    all three)."""
    recorded = open_page()
    recorded.page.goto((offline_site / "cases" / "s1-it-tongfang.html").as_uri() + "?h=统方")
    expect(recorded.page.locator("article mark[data-md-highlight]").first).to_have_text("统方")
    recorded.page.mouse.wheel(0, 3000)
    recorded.page.wait_for_function("scrollY > 1000")
    recorded.page.mouse.wheel(0, -300)
    expect(recorded.page.locator(".md-top")).to_be_visible()
    # The table of contents marks the section being read
    expect(recorded.page.locator(".md-sidebar--secondary .md-nav__link--active")).not_to_have_count(0)
    assert recorded.blocked == [] and recorded.errors == []


@pytest.mark.parametrize("term", ["红包", "回扣"])
def test_search_lists_teaching_pages_before_posters(offline_site, open_page, term):
    """A culture poster named after a term is found, after the lessons and cases that
    teach it (its few words made it the first result)."""
    recorded = open_page()
    recorded.page.goto((offline_site / "index.html").as_uri())
    results = search(recorded.page, term)
    expect(results.first).to_be_visible()
    assert "/exhibits/" not in results.first.get_attribute("href")
    expect(recorded.page.locator(".md-search-result__item a[href*='exhibits/']").first).to_be_attached()


@pytest.mark.parametrize("query, target", [
    # a query ending in a word that Material's segmenter dropped, the page it must list first
    ("第八条", "lessons/standard-8"), ("入职考试", "quizzes/onboarding"),
    # staff type article numbers in digits (half or full width); lessons write 第八条
    ("第8条", "lessons/standard-8"), ("第８条", "lessons/standard-8"),
])
@pytest.mark.parametrize("build", ["intranet", "file"])
def test_search_keeps_a_querys_last_word(request, open_page, build, query, target):
    """A query's last word counts: 第八条 was searched as 第 (the lessons on
    standards 6, 3, 5, 2 and 4 came first), 入职考试 as 入职 (the guide came first)."""
    if build == "intranet":
        start, href = request.getfixturevalue("local_server"), f"{target}/"
    else:
        start, href = (request.getfixturevalue("offline_site") / "index.html").as_uri(), f"{target}.html"
    recorded = open_page()
    recorded.page.goto(start)
    first = search(recorded.page, query).first
    expect(first).to_have_attribute("href", re.compile(rf"/{re.escape(href)}\?h="))
    assert recorded.blocked == [] and recorded.errors == []


def test_article_numbers_in_queries_become_chinese(open_page):
    """The worker's query script writes each 第N条 as the lessons and laws do; other
    digits are left alone."""
    script = (PROJECT / "plugins" / "qinglian" / "offline" / "assets" / "search-query.js").read_text(
        encoding="utf-8")
    cases = {"第8条": "第八条", "第10条": "第十条", "第15条": "第十五条", "第56条": "第五十六条",
             "第105条": "第一百零五条", "第110条": "第一百一十条", "第１２项": "第十二项",
             "红包 第 9 条": "红包 第九条", "8条": "8条", "第8号": "第8号", "2026年": "2026年"}
    rewritten = open_page().page.evaluate("""([script, queries]) => queries.map(query => {
        let listener;
        new Function("addEventListener", script)((type, handler) => { listener = handler; });
        const message = { type: 2, data: query };
        listener({ data: message });
        return message.data;
    })""", [script, list(cases)])
    assert dict(zip(cases, rewritten)) == cases


# Pages with blocks that a script draws, and those blocks
BLOCK_PAGES = {"lessons/standard-1": ["quiz", "study"], "pledges/staff": ["pledge"],
               "onboarding": ["path"], "onboarding/certificate": ["certificate"]}


@pytest.mark.parametrize("scripts", ["start", "fail to load"])
def test_a_block_whose_script_does_not_start_says_so(local_server, open_page, scripts):
    """A quiz, pledge or route block whose script never runs (a browser's IE mode, a file
    that fails to load) says what to do, where it showed an empty box; a block whose
    script starts shows no such words."""
    page = open_page().page
    if scripts == "fail to load":
        page.route(re.compile(r"/assets/qinglian/[^/]+\.js$"), lambda route: route.abort())
    for path, kinds in BLOCK_PAGES.items():
        page.goto(f"{local_server}{path}/")
        for kind in kinds:
            words = page.locator(f"form.qinglian-{kind} .qinglian-not-started")
            if scripts == "start":
                expect(page.locator(f"form.qinglian-{kind}")).to_have_attribute("data-state", re.compile("."))
                expect(words).to_have_count(0)
            else:
                expect(words).to_be_visible()
                expect(words).to_contain_text("还没有启动。如果这段话一直显示：请刷新页面")


@pytest.mark.parametrize("build", ["intranet", "file"])
def test_term_tooltip_on_keyboard_focus(request, open_page, build):
    """A glossary term in a lesson explains itself when reached with Tab, from file://
    too (Material's tooltips wait for its document$, which instant navigation had
    ended there before the page loaded)."""
    if build == "intranet":
        url = f"{request.getfixturevalue('local_server')}lessons/standard-1/"
    else:
        url = (request.getfixturevalue("offline_site") / "lessons" / "standard-1.html").as_uri()
    page = open_page().page
    page.goto(url)
    term = page.locator("abbr.ql-term", has_text="统方").first
    for _ in range(200):
        if term.evaluate("node => node === document.activeElement"):
            break
        page.keyboard.press("Tab")
    tooltip = page.locator(".md-tooltip2--active")
    expect(tooltip).to_contain_text("出于商业目的")
