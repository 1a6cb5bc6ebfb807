"""Paper and phones in Chromium: what every page prints (print media, A4) and how it
lays out 360 px wide. Assertions are on measured layout, not on screenshots."""

import pytest
from playwright.sync_api import expect

from conftest import PROJECT, pdf_margins, pdf_pages, site_pages
from test_path_browser import route_of, route_records, store
from test_pledge_browser import STAFF, SUPPLIER, fill

pytestmark = pytest.mark.browser

# qinglian.css's page margins (top and bottom, left and right) in mm, and what is left
# of A4 inside them (210 mm - 2 × 16 mm), in CSS px
MARGINS = (18, 16)
A4_TEXT_WIDTH = round((210 - 2 * MARGINS[1]) / 25.4 * 96)
PHONE = {"width": 360, "height": 740}


def served(site, server, *, posters: bool = False) -> list[str]:
    """The address of every Material page of the intranet build (instant navigation on),
    with ``posters`` the QR poster sheets too."""
    return [server + page.relative_to(site).as_posix() for page in site_pages(site, posters=posters)]


def on_paper(page, selector: str) -> list[str]:
    """Return the elements matching ``selector`` that print (print media emulated)."""
    return page.locator(selector).evaluate_all(
        "els => els.filter(el => el.getClientRects().length"
        " && getComputedStyle(el).visibility !== 'hidden')"
        ".map(el => el.outerHTML.slice(0, 80))")


def test_every_printed_page_names_where_it_came_from(intranet_site, local_server, open_page):
    """Each page prints the hospital's source line, including the pages whose template
    replaces Material's content block (home, 监督举报)."""
    page = open_page().page
    page.emulate_media(media="print")
    page.set_viewport_size({"width": A4_TEXT_WIDTH, "height": 900})
    missing = []
    for url in served(intranet_site, local_server):
        page.goto(url)
        if len(on_paper(page, ".ql-print-source")) != 1:
            missing.append(url)
    assert missing == []


def test_no_page_scrolls_sideways_on_a_phone(intranet_site, local_server, open_page):
    """360 px wide, no page (poster sheets included) is wider than the screen: long words
    and addresses wrap, and tables scroll inside their own box."""
    page = open_page().page
    page.set_viewport_size(PHONE)
    wide = {}
    for url in served(intranet_site, local_server, posters=True):
        page.goto(url)
        width = page.evaluate("() => document.scrollingElement.scrollWidth")
        if width > PHONE["width"]:
            wide[url] = width
    assert wide == {}
    # Control: the risk page's example table is wider than a phone: it scrolls in its box
    page.goto(f"{local_server}risks/")
    box = page.locator(".md-typeset__scrollwrap").first
    assert box.evaluate("el => el.scrollWidth > el.clientWidth && getComputedStyle(el).overflowX") == "auto"


def mm(px: float) -> float:
    return px * 25.4 / 96


def test_poster_qr_code_prints_at_its_full_size(intranet_site, local_server, open_page):
    """On paper the QR code keeps its size (70 mm on A4, 50 mm on A5), though it shrinks
    to fit a phone's screen."""
    page = open_page().page
    page.set_viewport_size(PHONE)
    page.goto(f"{local_server}lessons/index.posters.html#standard-1")
    qr = page.locator("#standard-1 .ql-poster-qr")
    assert qr.evaluate("el => el.getBoundingClientRect().right") <= PHONE["width"]
    page.emulate_media(media="print")
    for paper, text_width, size in [("a4", 180, 70), ("a5", 128, 50)]:
        page.get_by_label(paper.upper()).evaluate("el => el.click()")  # hidden on paper
        page.set_viewport_size({"width": round(text_width / 25.4 * 96), "height": 900})
        box = qr.bounding_box()
        assert round(mm(box["width"])) == round(mm(box["height"])) == size, paper


# What only works on a screen: the site's furniture, buttons, filters, sign-in forms
# and the link to a page's poster (an unsigned pledge's fields stay: a paper form)
SCREEN_ONLY = (".md-header, .md-tabs, .md-sidebar, .md-footer, button, "
               "select:not(.qinglian-pledge select), .qinglian-profile, .ql-poster-link")


def test_printed_pages_leave_out_what_only_works_on_a_screen(intranet_site, local_server, open_page):
    """Printing any page (a lesson with its quiz, the pledges, the risk register with its
    filters, the exam) gives the text, without navigation, buttons or forms to fill in."""
    page = open_page().page
    page.emulate_media(media="print")
    page.set_viewport_size({"width": A4_TEXT_WIDTH, "height": 900})
    printed = {}
    for url in served(intranet_site, local_server):
        page.goto(url)
        if found := on_paper(page, SCREEN_ONLY):
            printed[url] = found
    assert printed == {}


# Deletes every style rule whose selector names :has(), as a core before Chromium 105
# drops it; returns how many
WITHOUT_HAS = """() => {
  let dropped = 0;
  const prune = list => {
    for (let i = list.length - 1; i >= 0; i--) {
      const rule = list[i];
      if (rule.selectorText && rule.selectorText.includes(":has(")) {
        (rule.parentRule || rule.parentStyleSheet).deleteRule(i);
        dropped++;
      } else if (rule.cssRules) prune(rule.cssRules);
    }
  };
  for (const sheet of document.styleSheets) prune(sheet.cssRules);
  return dropped;
}"""


FAMILY = {"name": "李四", "relationship": "配偶", "staff_name": "张三", "staff_id": "A001"}


@pytest.mark.parametrize("pledge, person, signer", [
    ("staff", STAFF, "张三"), ("family", FAMILY, "李四"), ("supplier", SUPPLIER, "王五 · 某某医药有限公司")])
def test_signed_pledge_prints_on_one_a4_sheet(intranet_site, local_server, open_page, pledge, person,
                                              signer):
    """The printed copy for the personnel file (医德医风档案) is one A4 sheet: the pledge's
    text and, below it, the receipt with the signer's name and the code, at a readable size."""
    page = open_page().page
    page.goto(f"{local_server}pledges/{pledge}/")
    fill(page, person)
    receipt = page.locator(".qinglian-pledge__receipt")
    expect(receipt).to_contain_text(signer)
    # As 360 and QQ browsers' cores before Chromium 105 print it: without :has()
    page.evaluate(WITHOUT_HAS)
    assert pdf_pages(page.pdf(prefer_css_page_size=True)) == [(595, 842)]
    page.emulate_media(media="print")
    page.set_viewport_size({"width": A4_TEXT_WIDTH, "height": 900})
    for value in [signer, receipt.locator("dd").nth(4).inner_text()]:  # the name, the code
        size = receipt.locator("dd", has_text=value).evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
        assert size >= 13, (value, size)  # 10 pt


# The address a link prints after itself, if any (print media)
PRINTED_ADDRESSES = """els => els.map(el => getComputedStyle(el, '::after').content)
    .filter(content => content.includes('//'))"""


def test_printed_links_show_the_address_only_of_other_sites(intranet_site, local_server, make_site,
                                                             open_page):
    """On paper a lesson's links to the glossary, cases and risk points (absolute in the
    browser: Material's instant navigation) show no address; a link to another site does."""
    page = open_page().page
    page.emulate_media(media="print")
    page.goto(f"{local_server}lessons/standard-1/")
    links = page.locator(".md-typeset a")
    assert links.evaluate_all("els => els.filter(el => el.href.includes('/cases/')).length") > 0
    assert links.evaluate_all(PRINTED_ADDRESSES) == []
    site = make_site({"content/lessons/standard-1.md": "# 第一条\n\n见[国家卫生健康委员会](https://www.nhc.gov.cn/)"
                      "和[术语表](../glossary/index.md)。\n"},
                     {"theme": {"custom_dir": str(PROJECT / "theme")}})
    assert site.build().returncode == 0
    page.goto((site.root / "site" / "lessons" / "standard-1" / "index.html").as_uri())
    assert page.locator(".md-typeset a").evaluate_all(PRINTED_ADDRESSES) == ['" (https://www.nhc.gov.cn/)"']


def test_only_the_certificate_takes_its_own_page_margins(intranet_site, local_server, open_page):
    """The certificate prints alone on one A4 sheet within its own 20 mm margins; a page
    of the route (its 我已学習 block loads the route's stylesheet) keeps the theme's."""
    page = open_page().page
    page.goto(f"{local_server}lessons/standard-1/")
    assert page.locator("link[rel=stylesheet][href*='assets/qinglian/path.']").count() == 1
    pdf = page.pdf(prefer_css_page_size=True)
    assert set(pdf_margins(pdf)) == {MARGINS} and len(pdf_margins(pdf)) == len(pdf_pages(pdf)) > 1
    page.goto(f"{local_server}onboarding/certificate/")
    chosen, others = route_records(route_of(intranet_site))
    store(page, others + chosen)
    expect(page.locator("form.qinglian-certificate")).to_have_attribute("data-state", "complete")
    pdf = page.pdf(prefer_css_page_size=True)
    assert pdf_pages(pdf) == [(595, 842)] and pdf_margins(pdf) == [(20, 20)]
