"""MkDocs adapter for QR posters: one printable poster beside each chosen page."""

from __future__ import annotations

from pathlib import Path

from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.utils import get_relative_url

from ..common.i18n import translate
from .config import PostersConfig
from .poster import render_poster


class PostersPlugin(BasePlugin[PostersConfig]):

    def __init__(self):
        self.posters: dict[str, str] = {}  # site path → poster page

    # Posters point at intranet addresses: without site_url there are none
    def on_config(self, config):
        self.posters = {}
        if self.config.enabled:
            for problem in self.check(config):
                log.warning(problem)

    # Make the page's poster and link it at the end of the page
    def on_page_content(self, html, *, page, config, files):
        src = page.file.src_uri
        if (not self.config.enabled or not page.canonical_url or src.endswith("index.md")
                or not any(src.startswith(f"{folder}/") for folder in self.config.sections)):
            return

        language = config.theme.get("language", "zh")

        def t(key: str) -> str:
            return translate(key, language)

        # Directory URLs: lessons/standard-1/index.html → …/index.poster.html
        dest = page.file.dest_uri.removesuffix(".html") + ".poster.html"
        self.posters[dest] = render_poster(
            title=page.meta.get("title") or page.title or "",
            text=str(page.meta.get("summary") or page.meta.get("description") or ""),
            url=page.canonical_url, hospital=(config.extra.get("hospital") or {}).get("name", ""),
            section=page.parent.title if page.parent else "", language=language, t=t)
        href = get_relative_url(dest, page.url)
        return html + (f'<p class="ql-poster-link"><a href="{href}">{t("poster.link")}</a></p>')

    def check(self, config) -> list[str]:
        """Return the problems of the poster settings, for ``qinglian check``."""
        if config.site_url:
            return []
        return [f"{Path(config.config_file_path).name}: QR posters need the site's intranet address: "
                "set site_url (or disable qinglian/posters)"]

    # Write the posters
    def on_post_build(self, *, config):
        for dest, poster in self.posters.items():
            path = Path(config.site_dir) / dest
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(poster, encoding="utf-8")


log = get_plugin_logger(__name__)
