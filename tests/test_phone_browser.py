"""Staff on phones: both builds (file:// and over http) in Chromium as a 360x740 touch
screen (``PHONE``), tapped rather than clicked, with every outside request blocked."""

import re

import pytest
from playwright.sync_api import expect

from conftest import PHONE, STATED_ROLES, accessible_table
from test_path_browser import STAFF, route_of, route_records, store

pytestmark = pytest.mark.browser

# The element's box on the screen, as [left, top, right, bottom] in CSS pixels
BOX = "(element) => { const r = element.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }"


def overlap(one, other) -> bool:
    return one[0] < other[2] and other[0] < one[2] and one[1] < other[3] and other[1] < one[3]


@pytest.fixture(params=["file", "http"])
def address(request):
    """A function giving a page's address ("exhibits/", "quizzes/onboarding") in the
    file:// build, then in the intranet build over http."""
    if request.param == "file":
        site = request.getfixturevalue("offline_site")
        return lambda page: (site / (f"{page}index.html" if page.endswith("/") else f"{page}.html")).as_uri()
    server = request.getfixturevalue("local_server")
    return lambda page: server + (page if page.endswith("/") else f"{page}/")


def test_lightbox_shows_the_picture_larger_than_the_gallery(address, open_page):
    """Tapped on a phone, the lightbox's picture takes the screen's width (its side margins
    left it narrower than the card it was opened from), its caption is Material's text
    size (it was 10 px), and the arrows and close button cover no part of the picture."""
    recorded = open_page(**PHONE)
    page = recorded.page
    page.goto(address("exhibits/"))
    link = page.locator("a[data-ql-lightbox]").first
    card_width = link.locator("img").bounding_box()["width"]
    link.tap()
    dialog = page.locator("dialog.ql-lightbox")
    image = dialog.locator("img")
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    picture = image.evaluate(BOX)
    assert picture[2] - picture[0] > card_width
    assert dialog.locator(".ql-lightbox__title").evaluate(
        "(element) => parseFloat(getComputedStyle(element).fontSize)") >= 14
    for name in ("prev", "next", "close"):
        button = dialog.locator(f".ql-lightbox__{name}")
        assert not overlap(button.evaluate(BOX), picture), name
    dialog.locator(".ql-lightbox__next").tap()
    expect(dialog.locator(".ql-lightbox__position")).to_contain_text("第 2 /")
    dialog.locator(".ql-lightbox__close").tap()
    expect(dialog).to_be_hidden()
    assert recorded.blocked == [] and recorded.errors == []


def sign_in_by_touch(page) -> None:
    """Fill the quiz's profile form by tapping and typing, as on a phone."""
    page.locator("input[name=name]").tap()
    page.keyboard.type("张三")
    page.locator("input[name=staff_id]").tap()
    page.keyboard.type("A001")
    page.locator("select[name=department]").select_option(index=1)
    page.locator(".qinglian-profile button").tap()


def start_by_touch(page, address: str) -> None:
    page.goto(address)
    sign_in_by_touch(page)
    page.locator(".qinglian-quiz__start").tap()
    expect(page.locator("form.qinglian-quiz")).to_have_attribute("data-state", "running")


def test_exam_countdown_is_not_hidden_by_back_to_top(address, open_page):
    """Scrolling back up through the exam on a phone, Material's 回到页面顶部 appears, centred,
    where the countdown sticks: the countdown stays in sight beside or below it."""
    recorded = open_page(**PHONE)
    page = recorded.page
    start_by_touch(page, address("quizzes/onboarding"))
    page.evaluate("window.scrollTo(0, 4000)")
    page.evaluate("window.scrollTo(0, 3600)")  # back up: Material offers the way to the top
    back_to_top = page.locator(".md-top")
    expect(back_to_top).to_be_visible()
    timer = page.locator(".qinglian-quiz__timer").evaluate(BOX)
    assert 0 <= timer[1] and timer[3] <= PHONE["viewport"]["height"]
    assert not overlap(timer, back_to_top.evaluate(BOX))
    assert recorded.blocked == [] and recorded.errors == []


def test_risk_register_is_a_card_per_risk_point(address, open_page):
    """On a phone each risk point is a card of full-width lines, each named by its column
    (six columns left 风险等级 one character wide), and the filters still hide cards."""
    recorded = open_page(**PHONE)
    page = recorded.page
    page.goto(address("risks/"))
    table = page.locator(".ql-risk-table")
    headings = table.locator("thead th").all_inner_texts()
    width = table.evaluate("(element) => element.clientWidth")
    cells = table.locator("tbody tr").first.locator("td")
    assert cells.count() == len(headings) == 6
    for index, heading in enumerate(headings):
        cell = cells.nth(index)
        assert cell.evaluate("(element) => element.offsetWidth") >= 0.9 * width, heading
        assert cell.evaluate("(element) => getComputedStyle(element, '::before').content") == f'"{heading}"'
    page.get_by_label("风险等级").select_option("高")
    hidden = table.locator("tbody tr[hidden]")
    assert hidden.count() > 0
    assert hidden.first.evaluate("(element) => element.getBoundingClientRect().height") == 0
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["viewport"]["width"]
    assert recorded.blocked == [] and recorded.errors == []


def test_risk_register_is_a_table_to_a_screen_reader(address, open_page):
    """Shown as cards on a phone, the register is still a table to a screen reader: named
    by its caption, its headings column headers, each risk point a row of six cells.
    Chromium keeps it a table whatever the CSS; Safari (VoiceOver) drops a table shown
    as blocks, so each part states its role. On a desktop, where Material dresses
    th[role=columnheader] as a sortable column, the headings show no sort arrow."""
    page = open_page(**PHONE).page
    page.goto(address("risks/"))
    table = page.locator(".ql-risk-table")
    headings = table.locator("thead th").all_inner_texts()
    role, name, rows = accessible_table(page, ".ql-risk-table")
    assert (role, name) == ("table", "廉政风险点及防控措施")
    assert rows[0] == [("columnheader", heading) for heading in headings]
    assert len(rows) == 1 + table.locator("tbody tr").count()
    assert all([role for role, _ in row] == ["cell"] * 6 for row in rows[1:])
    assert set(table.evaluate(STATED_ROLES)) == {
        "table table", "caption caption", "thead rowgroup", "thead tr row",
        "thead th columnheader", "tbody rowgroup", "tbody tr row", "tbody td cell"}
    desk = open_page().page
    desk.goto(address("risks/"))
    heading = desk.locator(".ql-risk-table th").first
    assert heading.evaluate("(th) => getComputedStyle(th, '::after').content") == "none"
    assert heading.evaluate("(th) => getComputedStyle(th).cursor") == "auto"


def test_answer_options_are_finger_sized(address, open_page):
    """On a touch screen every answer option is a row at least 44 px tall (WCAG 2.5.5), not
    a 26 px line 5 px from the next, and a tap anywhere on the row chooses it."""
    recorded = open_page(**PHONE)
    page = recorded.page
    start_by_touch(page, address("quizzes/onboarding"))
    options = page.locator(".qinglian-question__option")
    heights = options.evaluate_all("(labels) => labels.map(label => label.getBoundingClientRect().height)")
    assert len(heights) > 50 and min(heights) >= 44
    option = options.first
    box = option.bounding_box()
    page.touchscreen.tap(box["x"] + box["width"] - 4, box["y"] + box["height"] - 3)  # the row's far corner
    expect(option.locator("input")).to_be_checked()
    assert recorded.blocked == [] and recorded.errors == []


# The controls of ``selector`` on the page, each as [its class or text, width, height]
SIZES = """(elements) => elements.map(element => {
  const r = element.getBoundingClientRect();
  return [element.className || element.textContent.trim(), r.width, r.height];
})"""


def too_small(page, selector: str) -> list:
    """The controls of ``selector`` (there must be some) that a finger's 44 x 44 px do not
    fit in (WCAG 2.5.5), with their sizes."""
    sizes = page.locator(selector).evaluate_all(SIZES)
    assert sizes, f"no {selector} on the page"
    return [size for size in sizes if size[1] < 44 or size[2] < 44]


def test_gallery_and_register_controls_are_finger_sized(address, open_page):
    """On a phone the gallery's and the risk register's filter menus (28 px high), the
    cards' titles (24 px, the way to an exhibit's page) and the lightbox's buttons are
    44 x 44 px at least."""
    page = open_page(**PHONE).page
    page.goto(address("exhibits/"))
    assert too_small(page, ".ql-gallery-filters select") == []
    assert too_small(page, ".ql-gallery-title a") == []
    page.locator("a[data-ql-lightbox]").first.tap()
    assert too_small(page, ".ql-lightbox__button") == []
    page.goto(address("risks/"))
    assert too_small(page, ".ql-risk-filters select") == []


def test_quiz_and_pledge_controls_are_finger_sized(address, open_page):
    """On a phone every field and button of the quiz and the pledge is 44 x 44 px at least:
    the quiz's 不是你？ (a 64 x 24 px link), text boxes and lists (37 px), the pledge's
    我已阅读并同意 (a 26 px line with a 13 px box). With a mouse, 不是你？ stays a link."""
    page = open_page(**PHONE).page
    page.goto(address("quizzes/onboarding"))
    assert too_small(page, ".qinglian-profile :is(input, select, button)") == []
    sign_in_by_touch(page)
    assert too_small(page, ".qinglian-quiz__not-you") == []
    page.locator(".qinglian-quiz__start").tap()
    assert too_small(page, "form.qinglian-quiz [type=text], .qinglian-quiz__submit") == []
    page.goto(address("pledges/staff"))
    assert too_small(page, "form.qinglian-pledge :is(input:not([type=checkbox]), select, button)") == []
    agree = "form.qinglian-pledge label:has([name=agree])"
    assert too_small(page, agree) == []
    page.locator(agree).tap()
    expect(page.locator("[name=agree]")).to_be_checked()
    page.locator("[name=signature]").fill(STAFF["name"])
    page.locator("form.qinglian-pledge [type=submit]").tap()
    expect(page.locator(".qinglian-pledge__receipt")).to_be_visible()
    assert too_small(page, "form.qinglian-pledge button") == []

    desk = open_page().page
    desk.goto(address("quizzes/onboarding"))
    desk.evaluate("(profile) => window.qinglian.signIn(profile)", STAFF)
    desk.reload()
    assert len(too_small(desk, ".qinglian-quiz__not-you")) == 1


def test_route_controls_are_finger_sized(address, open_page, offline_site):
    """On a phone the route's buttons and links (which page to read next, each page of a
    step, back to the route: 24 px lines) are 44 x 44 px at least, on the route, on a
    page to study and on the certificate."""
    page = open_page(**PHONE).page
    page.goto(address("onboarding/"))
    page.evaluate("(profile) => window.qinglian.signIn(profile)", STAFF)
    page.reload()
    assert too_small(page, "form.qinglian-path :is(a, button)") == []
    page.locator(".qinglian-path__switch").tap()
    assert too_small(page, "form.qinglian-path button") == []
    page.goto(address("lessons/standard-1"))
    assert too_small(page, "form.qinglian-study :is(a, button)") == []
    page.goto(address("onboarding/certificate"))
    store(page, route_records(route_of(offline_site))[0])
    expect(page.locator("form.qinglian-certificate")).to_have_attribute("data-state", "complete")
    assert too_small(page, "form.qinglian-certificate :is(a, button)") == []


# The number of lines the element's text takes on the screen
LINES = """(element) => {
  const range = document.createRange();
  range.selectNodeContents(element);
  return new Set([...range.getClientRects()].map(rect => Math.round(rect.top))).size;
}"""


def test_certificate_code_is_one_line(address, open_page, offline_site):
    """On a phone the certificate's verification code reads as one line under its label,
    not four groups one under another in the narrow column beside 签署廉洁从业承诺书."""
    page = open_page(**PHONE).page
    page.goto(address("onboarding/certificate"))
    store(page, route_records(route_of(offline_site))[0])
    code = page.locator(".qinglian-certificate__code")
    expect(code).to_have_text(re.compile(r"^(\w{4}-){3}\w{4}$"))
    assert code.evaluate(LINES) == 1
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["viewport"]["width"]


def test_receipt_is_not_under_the_header(address, open_page):
    """Signed on a phone, the pledge's receipt takes the focus and the page scrolls up to
    it: its heading (签署回执) shows below Material's header, not under it, nor under the
    回到页面顶部 that scrolling up brings."""
    page = open_page(**PHONE).page
    page.goto(address("pledges/staff"))
    page.evaluate("(profile) => window.qinglian.signIn(profile)", STAFF)
    page.reload()
    page.locator("form.qinglian-pledge label:has([name=agree])").tap()
    page.locator("[name=signature]").fill(STAFF["name"])
    page.locator("form.qinglian-pledge [type=submit]").tap()
    receipt = page.locator(".qinglian-pledge__receipt")
    expect(receipt).to_be_focused()
    heading = receipt.locator("h3").evaluate(BOX)
    assert heading[1] >= page.locator(".md-header").evaluate(BOX)[3]
    assert not overlap(heading, page.locator(".md-top").evaluate(BOX))
