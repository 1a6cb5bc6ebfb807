"""Staff on phones: both builds (file:// and over http) in Chromium as a 360x740 touch
screen (``PHONE``), tapped rather than clicked, with every outside request blocked."""

import pytest
from playwright.sync_api import expect

from conftest import PHONE

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
