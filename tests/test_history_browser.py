"""Back, Forward, a second tab and instant navigation in Chromium: what a page shows
and records after the person moved through the browser's history or another tab of
the site, over http and from file://, with every outside request blocked."""

import pytest
from playwright.sync_api import expect

from test_pledge_browser import STAFF, fill, outbox
from test_quiz_browser import url

pytestmark = pytest.mark.browser


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
