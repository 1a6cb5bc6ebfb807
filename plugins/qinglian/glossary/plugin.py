"""MkDocs adapter for the glossary: validates the terms, feeds jieba, renders the page."""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger

from ..common.blocks import FILL_BLOCKS
from ..common.cachefiles import writable
from ..common.errors import shown_path
from ..common.pages import read_source
from .config import GlossaryConfig
from .terms import Term, annotate_terms, parse_terms, render_terms, tooltips_for


class GlossaryPlugin(BasePlugin[GlossaryConfig]):

    def __init__(self):
        self.terms: list[Term] = []
        self.tooltips = tooltips_for([])

    # Check jieba before Material's search plugin configures itself (run first:
    # without jieba, search silently splits Chinese badly, or crashes with a
    # traceback when a jieba dictionary is set)
    @event_priority(100)
    def _prepare_jieba(self, config):
        if not self.config.enabled:
            return

        jieba = _import_jieba()
        _check_search_separator(config)
        cache_dir = Path(config.config_file_path).parent / self.config.cache_dir
        # One that cannot be written (a read-only USB stick): jieba keeps to the system's
        # temporary folder, rather than print a traceback for each failed write
        if writable(cache_dir):
            jieba.dt.tmp_dir = str(cache_dir)

    # Teach the glossary's terms to jieba, so search indexes 统方 as one word
    @event_priority(90)
    def _load_terms(self, config):
        if not self.config.enabled:
            return

        self.terms, problems = self._read_terms(config)
        for problem in problems:
            log.warning(problem)
        self.tooltips = tooltips_for(self.terms)
        jieba = _import_jieba()
        for term in self.terms:
            jieba.add_word(term.term)

    on_config = CombinedEvent(_prepare_jieba, _load_terms)

    # Show the glossary on its page (before search indexes it: the terms are found)
    def on_page_content(self, html, *, page, config, files):
        if self.config.enabled and page.file.src_uri == self.config.page:
            return html + render_terms(self.terms)

    # Explain terms where lessons use them, once search has indexed the page: its
    # parser read every tooltip's definition again, and the index drops the tags
    @event_priority(FILL_BLOCKS)
    def on_page_context(self, context, *, page, config, nav):
        src = page.file.src_uri
        if (self.config.enabled and src != self.config.page
                and src.startswith(tuple(self.config.tooltips_in))):
            page.content = annotate_terms(page.content, self.tooltips)
        return context


    def check(self, config) -> list[str]:
        """Return the glossary's problems, for ``qinglian check``."""
        return self._read_terms(config)[1]

    def _read_terms(self, config) -> tuple[list[Term], list[str]]:
        path = Path(config.docs_dir) / self.config.terms_file
        shown = shown_path(str(path), config.config_file_path)
        if not path.is_file():
            return [], [f"{shown}: the glossary file does not exist; create it, "
                        "or set the glossary plugin's terms_file"]
        text, problem = read_source(path, shown)
        if problem:
            return [], [str(problem)]
        terms, problems = parse_terms(text, shown)
        return terms, [str(problem) for problem in problems]


# -----------------------------------------------------------------------------


def _import_jieba():
    """Return the jieba module, or stop the build saying how to install it."""
    try:
        import jieba
    except ImportError:
        raise PluginError(
            "jieba is not installed, so search cannot split Chinese text into words. "
            "Install the project with its dependencies: pip install -e ."
        ) from None
    jieba.setLogLevel(logging.WARNING)  # its INFO lines would interleave with MkDocs' log
    return jieba


def _check_search_separator(config) -> None:
    """Warn when the search separator ignores jieba's word breaks (U+200B)."""
    search = config.plugins.get("material/search")
    separator = search.config.separator if search else None
    if separator and "\u200b" not in separator and "\\u200b" not in separator:
        log.warning(
            f"{shown_path(config.config_file_path, config.config_file_path)}: Config value "
            "'plugins.search.separator' does not include \\u200b, so the words jieba finds "
            "are not split in the search index; add \\u200b inside its [...], e.g. "
            "separator: '[\\s\\u200b\\-]'"
        )


log = get_plugin_logger(__name__)
