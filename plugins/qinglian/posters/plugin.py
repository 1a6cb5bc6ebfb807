"""MkDocs adapter for QR posters: a printable poster for each chosen page, one sheet
file per folder."""

from __future__ import annotations

import posixpath
from html import escape
from pathlib import Path
from urllib.parse import quote, urljoin

from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File
from mkdocs.utils import get_relative_url

from ..common.errors import ContentProblem, shown_path
from ..common.i18n import translate
from .config import PostersConfig
from .poster import SHEET_NAME, Poster, render_sheet
from .qrcodes import QrCodes


class PostersPlugin(BasePlugin[PostersConfig]):

    def __init__(self):
        self.sheets: dict[str, list[Poster]] = {}  # sheet's site path → its posters
        self.codes: QrCodes | None = None
        self.in_the_way: dict[str, str] = {}  # site path of a file named like a sheet → its source
        self.addresses: dict[str, str] = {}  # source path of a page with a poster → its address
        self.directory_urls = True  # the intranet build's

    # Posters point at intranet addresses: without site_url there are none. The
    # file:// build (material/offline) turns directory URLs off, but its posters
    # still lead phones to the intranet build: note that build's setting first
    @event_priority(100)
    def on_config(self, config):
        self.sheets = {}
        self.directory_urls = config.use_directory_urls
        if self.config.enabled:
            for problem in self.check(config):
                log.warning(problem)
            self.codes = QrCodes(Path(config.config_file_path).parent / self.config.cache_dir)

    # Note where every file of the site goes (after other plugins added theirs):
    # a sheet may not overwrite one
    @event_priority(-100)
    def on_files(self, files, *, config):
        if self.config.enabled:
            self.in_the_way = {file.dest_uri: shown_path(file.abs_src_path, config.config_file_path)
                               for file in files
                               if file.dest_uri.endswith(SHEET_NAME) and file.abs_src_path}

    # Every page's address is known once the pages exist: start making the QR
    # codes the cache lacks while the pages render (and note which pages have a
    # poster, once: asked again per page, it cost a third of on_page_content)
    def on_nav(self, nav, *, config, files):
        if self.config.enabled:
            self.addresses = {file.src_uri: self._address(file.page, config)
                              for file in files.documentation_pages()
                              if file.page and self._has_poster(file.page)}
            self.codes.start(list(self.addresses.values()))

    # Note the page's poster and link it at the end of the page
    def on_page_content(self, html, *, page, config, files):
        url = self.addresses.get(page.file.src_uri)
        if not self.config.enabled or url is None:
            return

        # lessons/standard-1.md → lessons/index.posters.html#standard-1
        folder, name = posixpath.split(page.file.src_uri)
        sheet = posixpath.join(folder, SHEET_NAME)
        poster = Poster(anchor=posixpath.splitext(name)[0],
                        title=page.meta.get("title") or page.title or "",
                        text=str(page.meta.get("summary") or page.meta.get("description") or ""),
                        url=url, section=page.parent.title if page.parent else "")
        self.sheets.setdefault(sheet, []).append(poster)
        href = f"{get_relative_url(sheet, page.url)}#{quote(poster.anchor)}"
        link = translate("poster.link", config.theme.get("language", "zh"))
        # Left out of search: else "海报" finds every lesson
        return (html + f'<p class="ql-poster-link" data-search-exclude>'
                       f'<a href="{escape(href)}">{link}</a></p>')

    def check(self, config) -> list[str]:
        """Return the problems of the poster settings, for ``qinglian check``."""
        if config.site_url:
            return []
        return [f"{Path(config.config_file_path).name}: QR posters need the site's intranet address: "
                "set site_url (or disable qinglian/posters)"]

    # Write the sheets
    def on_post_build(self, *, config):
        if not self.config.enabled:
            return

        language = config.theme.get("language", "zh")
        hospital = (config.extra.get("hospital") or {}).get("name", "")
        try:
            for sheet, posters in self.sheets.items():
                if sheet in self.in_the_way:
                    log.warning(str(ContentProblem(
                        self.in_the_way[sheet], None,
                        f"it would be published as {sheet}, where this folder's QR posters go",
                        f"rename the file: {SHEET_NAME} is kept for the posters")))
                    continue
                path = Path(config.site_dir) / sheet
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(render_sheet(
                    posters, [self.codes.svg(poster.url) for poster in posters], hospital=hospital,
                    language=language, t=lambda key, **values: translate(key, language, **values)),
                    encoding="utf-8")
        finally:
            self.codes.close()

    # A failed build leaves no workers behind
    def on_build_error(self, *, error):
        if self.codes:
            self.codes.close()

    def _address(self, page, config) -> str:
        """Return the page's address in the intranet build, which its QR code holds."""
        if self.directory_urls == config.use_directory_urls:
            return page.canonical_url
        url = File(page.file.src_uri, config.docs_dir, config.site_dir, self.directory_urls).url
        return urljoin(config.site_url.rstrip("/") + "/", url)

    def _has_poster(self, page) -> bool:
        src = page.file.src_uri
        return bool(page.canonical_url) and not src.endswith("index.md") and any(
            src.startswith(f"{folder}/") for folder in self.config.sections)


log = get_plugin_logger(__name__)
