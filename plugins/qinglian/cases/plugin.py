"""MkDocs adapter for cases: the index, each lesson's cases, each case's lessons."""

from __future__ import annotations

from pathlib import Path

from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.utils import get_relative_url

from ..common.errors import shown_path
from ..common.i18n import standard_label, translate
from ..common.pages import (insert_before_heading, is_section_page, is_standard,
                            site_front_matter_keys)
from .config import CasesConfig
from .library import Case, CaseLibrary, lesson_pages, load_cases, render_index, render_list


class CasesPlugin(BasePlugin[CasesConfig]):

    def __init__(self):
        self.library = CaseLibrary()
        self.lessons: dict[int, str] = {}  # standard → its lesson's path under content/
        self.published: dict[str, Case] = {}  # a published case by its path under content/

    # Read and check every case once per build
    def on_config(self, config):
        if not self.config.enabled:
            return

        self.library = self._load(config)
        for problem in self.library.problems:
            log.warning(str(problem))

    # Find each standard's lesson in the pages the portal plugin has read (reading
    # the 1,000 lessons of a large site again cost 30 ms); leave out the cases and
    # lessons MkDocs leaves out (exclude_docs, draft_docs): the index, lessons and
    # cases would link to pages that are not there
    def on_files(self, files, *, config):
        if not self.config.enabled:
            return

        published = {file.src_uri for file in files.documentation_pages()}
        self.library.cases = [case for case in self.library.cases if case.src in published]
        self.published = {case.src: case for case in self.library.cases}
        lessons = lesson_pages(_lesson_sources(files, self.config.lessons_dir))
        self.lessons = {standard: src for standard, src in lessons.items() if src in published}

    # The index lists every case; a lesson its cases; a case its lessons
    def on_page_content(self, html, *, page, config, files):
        if not self.config.enabled:
            return

        def href(case) -> str:
            return get_relative_url(files.get_file_from_path(case.src).url, page.url)

        language = config.theme.get("language", "zh")

        def t(key: str, **values) -> str:
            return translate(key, language, **values)

        def label(number: int) -> str:
            return standard_label(number, language)

        src = page.file.src_uri
        if src == f"{self.config.cases_dir}/index.md":
            return html + render_index(self.library, href, t, label)
        standard = page.meta.get("standard")
        if src.startswith(f"{self.config.lessons_dir}/") and is_standard(standard):
            section = render_list(self.library.for_standard(standard), href, t)
            return insert_before_heading(html, translate("quiz.self_test", language), section)
        case = self.published.get(src)
        if case:
            return html + self._lesson_links(case, page, files, t, label)

    def check(self, config) -> list[str]:
        """Return every problem of the case pages, for ``qinglian check``."""
        return [str(problem) for problem in self._load(config).problems]

    def _lesson_links(self, case, page, files, t, label) -> str:
        links = []
        for standard in case.standards:
            lesson = files.get_file_from_path(self.lessons.get(standard, ""))
            if lesson:
                url = get_relative_url(lesson.url, page.url)
                links.append(f'<li><a href="{url}">{t("cases.lesson", label=label(standard))}</a></li>')
        return (f'<h2 id="related-lessons">{t("cases.lessons")}</h2><ul>{"".join(links)}</ul>'
                if links else "")

    def _load(self, config) -> CaseLibrary:
        docs = Path(config.docs_dir)
        folder = docs / self.config.cases_dir
        return load_cases(folder, docs, shown_path(str(folder), config.config_file_path),
                          site_front_matter_keys(config))


# -----------------------------------------------------------------------------


def _lesson_sources(files, folder: str) -> dict[str, str]:
    """Return the lesson pages, path under content/ → Markdown: the section pages of
    ``folder`` (as read_pages reads them), those MkDocs leaves out too: one of them
    may come first on a standard."""
    sources = {}
    for file in files:
        src = file.src_uri
        if not (src.startswith(f"{folder}/") and is_section_page(src[len(folder) + 1:])):
            continue
        try:
            sources[src] = file.content_string
        except (OSError, UnicodeDecodeError):  # the portal plugin names the page
            continue
    return sources


log = get_plugin_logger(__name__)
