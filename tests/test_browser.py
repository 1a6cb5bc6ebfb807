"""The built site in a real Chromium: no outside request, no console error, search works."""

import pytest
from playwright.sync_api import expect

from conftest import site_pages

pytestmark = pytest.mark.browser


def test_offline_build_search_finds_tongfang(offline_site, open_page):
    """Searching 统方 from file:// lists the lesson on standard 1."""
    recorded = open_page()
    page = recorded.page
    page.goto((offline_site / "index.html").as_uri())
    page.locator("label.md-search__icon, .md-search__input").first.click()
    search = page.locator("input.md-search__input")
    search.focus()
    # Material's search listens for keyup; insertText alone fires none
    page.keyboard.insert_text("统方")
    page.keyboard.press("End")
    result = page.locator(".md-search-result__item a[href*='lessons/standard-1']")
    expect(result.first).to_be_visible()
    assert recorded.blocked == []
    assert recorded.errors == []
