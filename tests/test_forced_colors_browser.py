"""Windows high contrast (forced colours) in Chromium: the colours are the system's, and
backgrounds go; the notices keep a border, so they still stand apart from the text."""

import pytest
from playwright.sync_api import expect

from test_path_browser import STAFF, page_url
from test_quiz_browser import STORAGE_FAULTS

pytestmark = pytest.mark.browser

# The notice's border as drawn: its style, width and colour, and the text's colour
BORDER = """(element) => {
    const style = getComputedStyle(element);
    return [style.borderTopStyle, style.borderTopWidth, style.borderTopColor == style.color];
}"""


@pytest.mark.parametrize("page_path, notices", [
    ("lessons/standard-1.html", [".qinglian-quiz__notice", ".qinglian-study__notice"]),
    ("pledges/staff.html", [".qinglian-pledge__notice"]),
])
def test_storage_notices_keep_their_box(offline_site, open_page, page_path, notices):
    """Storage disabled: the quiz's, 我已学习's and the pledge's notices have a border in
    the text's colour where the forced colours took their background away."""
    page = open_page().page
    page.add_init_script(STORAGE_FAULTS["disabled"][0])
    page.emulate_media(forced_colors="active")
    page.goto(page_url(offline_site, page_path))
    for selector in notices:
        notice = page.locator(selector)
        expect(notice).to_be_visible()
        assert notice.evaluate(BORDER) == ["solid", "1px", True], selector


def test_switch_person_warning_keeps_its_box(offline_site, open_page):
    """换人's warning about records not yet delivered has a border in forced colours."""
    page = open_page().page
    page.goto(page_url(offline_site, "onboarding/index.html"))
    page.evaluate("""profile => {
        const q = window.qinglian;
        q.signIn(profile);
        q.send(q.record('progress', profile, {path: 'onboarding', step: 'overview:lessons/index.md', done: true}));
    }""", STAFF)
    page.reload()
    page.emulate_media(forced_colors="active")
    page.locator(".qinglian-path__switch").click()
    guard = page.locator(".qinglian-path__guard")
    expect(guard).to_be_focused()
    assert guard.evaluate(BORDER) == ["solid", "1px", True]
