"""MkDocs adapter for quizzes: banks and definitions in, quiz blocks out."""

from __future__ import annotations

from pathlib import Path

from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger

from ..common.assets import DIGEST_SCRIPT, Bundle, asset_cache, block_assets, page_assets
from ..common.blocks import FILL_BLOCKS, fill_slots, not_started, swap_fences
from ..common.errors import ContentProblem, shown_path
from ..common.fences import find_fences
from ..common.pages import docs_files, read_source
from .config import QuizConfig
from .fence import page_resolver
from .loader import Library, load_library, unread_folders
from .render import QuizBlocks, render_quiz

ASSETS = Path(__file__).parent / "assets"


class QuizPlugin(BasePlugin[QuizConfig]):

    def __init__(self):
        self.library = Library()
        self.library_config = None  # the config self.library was read for
        self.blocks: QuizBlocks | None = None  # made for self.library at each build
        self.bundles: dict[str, Bundle] = {}  # by quiz mode
        self.fallback = ""  # what a quiz block says until its script draws it

    # Read and validate every bank and quiz once per build (after the portal
    # plugin has resolved extra.hospital, whose departments the profile offers)
    def on_config(self, config):
        if not self.config.enabled:
            return

        self.library_config = None  # a rebuild reads the banks afresh
        for problem in self.site_library(config).problems:
            log.warning(str(problem))
        self.blocks = QuizBlocks(self.library, self._cache_dir(config))
        # Once per build: made for each page, the words cost as much as filling its quizzes
        self.fallback = not_started("quiz", config.theme.get("language", "zh"))
        # Only exam pages need SHA-256 (their answers are salted digests)
        settings = (ASSETS, config.extra.get("hospital") or {}, config.site_name,
                    config.theme.get("language", "zh"), asset_cache(config.config_file_path))
        self.bundles = {"practice": block_assets("quiz", *settings),
                        "exam": block_assets("quiz", *settings, name="exam",
                                             extra_scripts=(DIGEST_SCRIPT,))}

    # Rebuild the preview when a bank or quiz changes (a new site may have no
    # quizzes/ yet: watching a missing folder stops mkdocs serve with a traceback)
    def on_serve(self, server, *, config, builder):
        if self.config.enabled and self._quizzes_dir(config).is_dir():
            server.watch(str(self._quizzes_dir(config)))
        return server

    # Swap each ```quiz fence for a placeholder (run early, before other
    # plugins treat the fence as code); its HTML goes in after Markdown
    @event_priority(50)
    def on_page_markdown(self, markdown, *, page, config, files):
        if not self.config.enabled:
            return

        # The page is named only in messages: most pages have no fence to resolve
        resolve = page_resolver(self.library)
        return swap_fences({"quiz"}, markdown, lambda: page.file.content_string,
                           lambda fence: resolve(
                               fence, shown_path(page.file.abs_src_path, config.config_file_path)),
                           lambda problem: log.warning(str(problem)))

    # Put each quiz where its fence stood, with its assets (only on such pages),
    # once search has indexed the page (see FILL_BLOCKS)
    @event_priority(FILL_BLOCKS)
    def on_page_context(self, context, *, page, config, nav):
        if not self.config.enabled:
            return

        def block(quiz_id: str, so_far: str) -> str:
            quiz = self.blocks[quiz_id]
            needed = self.bundles[quiz.mode].for_page(so_far)
            return render_quiz(quiz, *page_assets(needed, page.url), self.fallback)

        page.content = fill_slots("quiz", page.content, block) or page.content
        return context

    # Write the browser assets; keep the quiz blocks made for the next build
    def on_post_build(self, *, config):
        if not self.config.enabled:
            return

        for bundle in self.bundles.values():
            for item in bundle.assets:
                item.write(Path(config.site_dir))
        self.blocks.keep()

    def check(self, config) -> list[str]:
        """Return every problem in banks, quizzes and quiz blocks, for ``qinglian check``."""
        library = self.site_library(config)
        problems: list[ContentProblem] = list(library.problems)
        for path in sorted(Path(config.docs_dir).rglob("*.md")):
            shown = shown_path(str(path), config.config_file_path)
            source, _ = read_source(path, shown)  # a page not in UTF-8: the portal says so
            resolve = page_resolver(library)
            for fence in find_fences(source or "", {"quiz"}):
                problem = resolve(fence, shown)[1]
                if problem:
                    problems.append(problem)
        return [str(problem) for problem in problems]

    def _quizzes_dir(self, config) -> Path:
        return Path(config.config_file_path).parent / self.config.quizzes_dir

    def _cache_dir(self, config) -> Path:
        return Path(config.config_file_path).parent / self.config.cache_dir

    def site_library(self, config) -> Library:
        """Return every bank and quiz of the site, read once per build or check.

        The route plugin asks for them too: parsing the banks twice cost a third
        of a 1,000-page build (scripts/bench.py, cProfile).
        """
        if self.library_config is not config:
            self.library = load_library(
                self._quizzes_dir(config), self.config.quizzes_dir,
                # The names on disk: on Windows isfile finds Lessons/Standard-1.md too
                docs_files(Path(config.docs_dir)), self._cache_dir(config))
            self.library.problems += unread_folders(self._quizzes_dir(config),
                                                    self.config.quizzes_dir,
                                                    self._read_folders(config))
            self.library_config = config
        return self.library

    def _read_folders(self, config) -> dict[str, str]:
        """Return the sub-folders of quizzes_dir that are read, with what they hold: the
        banks, and the route plugin's routes when they are kept there."""
        read = {"banks": "question banks"}
        routes = config.plugins.get("qinglian/path")
        quizzes = self._quizzes_dir(config)
        if routes and routes.config.enabled:
            folder = Path(config.config_file_path).parent / routes.config.paths_dir
            if folder.is_relative_to(quizzes) and folder != quizzes:
                read[folder.relative_to(quizzes).parts[0]] = "routes"
        return read


# -----------------------------------------------------------------------------



log = get_plugin_logger(__name__)
