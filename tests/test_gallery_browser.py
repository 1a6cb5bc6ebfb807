"""The gallery in Chromium: filters (the risk register's share their script), the lightbox
by keyboard, file:// and instant navigation."""

import re

import pytest
from playwright.sync_api import expect

from conftest import open_for_instant_navigation, pdf_pages, same_document

pytestmark = pytest.mark.browser


# Logs each change of a live region's text, as a screen reader would hear it: the region's
# aria-live read when its text changed (aria-live="off" says nothing)
SPOKEN = """window.qinglianSpoken = [];
new MutationObserver(records => records.forEach(record => {
    const node = record.target.nodeType == 1 ? record.target : record.target.parentElement;
    const region = node && node.closest('[aria-live], [role=status], [role=alert]');
    if (region && region.getAttribute('aria-live') != 'off') window.qinglianSpoken.push(region.textContent);
})).observe(document, {subtree: true, childList: true, characterData: true});"""


def _focus_in_dialog(page) -> bool:
    return page.evaluate("document.querySelector('dialog.ql-lightbox').contains(document.activeElement)")


def test_filter_and_lightbox_by_keyboard_from_file(offline_site, open_page):
    recorded = open_page()
    page = recorded.page
    page.goto((offline_site / "exhibits" / "index.html").as_uri())
    cards = page.locator(".ql-gallery-card")
    total = cards.count()
    assert total >= 12
    count = page.locator(".ql-gallery-count")
    expect(count).to_have_text(f"显示 {total} / {total} 件作品")

    page.get_by_label("形式").select_option("书法")
    shown = page.locator(".ql-gallery-card:visible")
    expect(count).to_have_text(f"显示 {shown.count()} / {total} 件作品")
    assert 0 < shown.count() < total
    assert {card.get_attribute("data-medium") for card in shown.all()} == {"书法"}

    # From the last filter, Tab reaches the first shown picture; Enter opens it
    page.get_by_label("年份").focus()
    page.keyboard.press("Tab")
    first = shown.first.locator("a[data-ql-lightbox]").first
    expect(first).to_be_focused()
    page.keyboard.press("Enter")
    dialog = page.locator("dialog.ql-lightbox")
    expect(dialog).to_be_visible()
    expect(dialog.locator(".ql-lightbox__close")).to_be_focused()
    image = dialog.locator("img")
    expect(image).to_have_attribute("alt", first.get_attribute("data-alt"))
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    pictures = page.locator(".ql-gallery-card:visible a[data-ql-lightbox]").count()
    position = dialog.locator(".ql-lightbox__position")
    expect(position).to_have_text(f"第 1 / {pictures} 幅")
    expect(dialog.locator(".ql-lightbox__title")).to_have_text(
        shown.first.locator(".ql-gallery-title").inner_text())

    # Arrow keys page through the shown works only; focus never leaves the dialog
    page.keyboard.press("ArrowRight")
    expect(position).to_have_text(f"第 2 / {pictures} 幅")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    expect(position).to_have_text(f"第 {pictures} / {pictures} 幅")
    for key in ("Tab", "Tab", "Tab", "Tab", "Shift+Tab", "Shift+Tab", "Shift+Tab"):
        page.keyboard.press(key)
        assert _focus_in_dialog(page), key
    expect(dialog.locator(".ql-lightbox__live")).to_have_attribute("aria-live", "polite")

    # Escape closes and gives focus back to the picture that opened the lightbox
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(first).to_be_focused()
    assert recorded.blocked == [] and recorded.errors == []


@pytest.mark.parametrize("page_path, menu, choice, count", [
    ("exhibits/index.html", "形式", "书法", ".ql-gallery-count"),
    ("risks/index.html", "风险等级", "高", ".ql-risk-count"),
])
def test_filter_count_is_said_only_on_a_change(offline_site, open_page, page_path, menu, choice, count):
    """The count of works or risk points is shown on arrival but said only when the person
    changes a menu: a live region filled at load would talk over the page."""
    recorded = open_page()
    page = recorded.page
    page.add_init_script(SPOKEN)
    page.goto((offline_site / page_path).as_uri())
    expect(page.locator(count)).to_have_text(re.compile(r"显示 (\d+) / \1 "))
    assert page.evaluate("window.qinglianSpoken") == []
    page.get_by_label(menu).focus()
    page.get_by_label(menu).select_option(choice)
    said = page.locator(count).inner_text()
    assert not re.match(r"显示 (\d+) / \1 ", said)
    page.wait_for_function("said => window.qinglianSpoken.includes(said)", arg=said)
    assert recorded.blocked == [] and recorded.errors == []


def test_lightbox_says_its_title_once(offline_site, open_page):
    """Opened, the lightbox is said by its name (the title) and description (where the
    picture is and what it shows) as the focus moves in, not by its live region too; a
    step to the next picture is said by the live region, title included."""
    recorded = open_page()
    page = recorded.page
    page.add_init_script(SPOKEN)
    page.goto((offline_site / "exhibits" / "index.html").as_uri())
    links = page.locator("a[data-ql-lightbox]")
    titles = page.locator(".ql-gallery-card .ql-gallery-title")
    links.first.click()
    dialog = page.locator("dialog.ql-lightbox")
    expect(dialog.locator(".ql-lightbox__close")).to_be_focused()
    title = titles.first.inner_text()
    expect(dialog).to_have_accessible_name(title)
    expect(dialog).to_have_accessible_description(
        f"第 1 / {links.count()} 幅 {links.first.get_attribute('data-alt')}")
    assert not [said for said in page.evaluate("window.qinglianSpoken") if title in said]
    page.keyboard.press("ArrowRight")
    live = dialog.locator(".ql-lightbox__live")
    expect(live).to_contain_text(f"第 2 / {links.count()} 幅")
    expect(live).to_contain_text(dialog.locator(".ql-lightbox__title").inner_text())
    assert recorded.blocked == [] and recorded.errors == []


def test_exhibit_page_opens_its_picture_in_the_lightbox(offline_site, open_page):
    recorded = open_page()
    page = recorded.page
    exhibit = next(path for path in sorted((offline_site / "exhibits").glob("*.html"))
                   if path.name != "index.html" and not path.name.endswith(".posters.html"))
    page.goto(exhibit.as_uri())
    figure = page.locator(".ql-exhibit-figure a[data-ql-lightbox]").first
    figure.click()
    dialog = page.locator("dialog.ql-lightbox")
    expect(dialog).to_be_visible()
    expect(dialog.locator(".ql-lightbox__title")).to_have_text(
        page.locator(".ql-exhibit .ql-gallery-title").text_content())
    dialog.locator(".ql-lightbox__close").click()
    expect(dialog).to_be_hidden()
    assert recorded.blocked == [] and recorded.errors == []


def test_lightbox_after_instant_navigation(local_server, open_page):
    recorded = open_page()
    page = recorded.page
    open_for_instant_navigation(page, local_server)
    page.locator("a.md-tabs__link", has_text="清廉文化").click()
    expect(page).to_have_url(re.compile(r"/exhibits/$"))
    # The script has run when it shows the filters
    expect(page.get_by_label("形式")).to_be_visible()
    assert same_document(page)
    link = page.locator("a[data-ql-lightbox]").first
    link.click()
    dialog = page.locator("dialog.ql-lightbox")
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    # Filters work on the page instant navigation brought in
    page.get_by_label("形式").select_option("摄影")
    expect(page.locator(".ql-gallery-card:visible").first).to_have_attribute("data-medium", "摄影")
    assert recorded.blocked == [] and recorded.errors == []


def test_back_button_closes_the_lightbox(local_server, open_page):
    """Going back (a phone's swipe back) while a picture is open leaves no lightbox over
    the previous page, which instant navigation brings in under the same <body>."""
    recorded = open_page()
    page = recorded.page
    open_for_instant_navigation(page, local_server)
    page.locator("a.md-tabs__link", has_text="清廉文化").click()
    # The script has run when it shows the filters: a click before that opens the image
    expect(page.get_by_label("形式")).to_be_visible()
    page.locator("a[data-ql-lightbox]").first.click()
    dialog = page.locator("dialog.ql-lightbox")
    expect(dialog).to_be_visible()
    page.go_back()
    expect(page.locator("#ql-hero-title")).to_be_visible()  # the home page is back
    expect(dialog).to_be_hidden()
    assert same_document(page)
    assert recorded.blocked == [] and recorded.errors == []


def test_filter_kept_after_back(local_server, open_page):
    """Back from a work's page shows the works chosen before, though instant
    navigation draws the gallery afresh."""
    recorded = open_page()
    page = recorded.page
    open_for_instant_navigation(page, f"{local_server}exhibits/")
    cards = page.locator(".ql-gallery-card")
    shown = page.locator(".ql-gallery-card:visible")
    page.get_by_label("形式").select_option("摄影")
    expect(page.locator(".ql-gallery-count")).to_have_text(f"显示 {shown.count()} / {cards.count()} 件作品")
    assert 0 < shown.count() < cards.count()
    photos = shown.count()
    shown.first.locator(".ql-gallery-title a").click()
    expect(page.locator(".ql-exhibit-figure")).to_be_visible()
    page.go_back()
    expect(page.get_by_label("形式")).to_have_value("摄影")
    expect(page.locator(".ql-gallery-count")).to_have_text(f"显示 {photos} / {cards.count()} 件作品")
    assert {card.get_attribute("data-medium") for card in shown.all()} == {"摄影"}
    assert same_document(page)
    assert recorded.blocked == [] and recorded.errors == []


def test_poster_prints_on_one_a4_or_a5_sheet(offline_site, open_page):
    recorded = open_page()
    page = recorded.page
    page.goto((offline_site / "lessons" / "standard-5.html").as_uri())
    page.get_by_role("link", name="打印二维码海报").click()
    # The folder's sheet shows this lesson's poster only (the fifth of nine)
    posters = page.locator("article.poster")
    expect(page.locator("article.poster:visible")).to_have_count(1)
    expect(page.locator("#standard-5 svg.ql-poster-qr")).to_be_visible()
    assert pdf_pages(page.pdf(prefer_css_page_size=True)) == [(595, 842)]  # A4
    page.get_by_label("A5").check()
    assert pdf_pages(page.pdf(prefer_css_page_size=True)) == [(420, 595)]  # A5
    # …or every poster of the folder, one sheet of paper each
    count = posters.count()
    assert count >= 9
    page.get_by_role("link", name=f"显示本栏目全部 {count} 张海报").click()
    expect(page.locator("article.poster:visible")).to_have_count(count)
    expect(page.get_by_role("link", name=f"显示本栏目全部 {count} 张海报")).to_be_hidden()
    assert pdf_pages(page.pdf(prefer_css_page_size=True)) == [(420, 595)] * count
    # A mistyped fragment shows them all, without a script error
    page.goto(page.url.split("#")[0] + "#%E0")
    expect(page.locator("article.poster:visible")).to_have_count(count)
    assert recorded.blocked == [] and recorded.errors == []
