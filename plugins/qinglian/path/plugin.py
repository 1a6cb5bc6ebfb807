"""MkDocs adapter for routes: quizzes/paths/*.yml in; the route, "我已学习" buttons,
nav marks, the certificate and the collector's manifest part out."""

from __future__ import annotations

from pathlib import Path

from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import InclusionLevel, get_files

from ..common.assets import (DIGEST_SCRIPT, Asset, Bundle, asset, asset_cache, block_assets,
                             page_assets)
from ..common.errors import shown_path
from ..common.blocks import FILL_BLOCKS, not_started, swap_fences
from ..common.fences import find_fences
from ..common.manifest import write_manifest_part
from ..pledge.lock import LOCK_NAME, read_lock
from ..quiz.loader import Library
from .config import PathConfig
from .render import Tags, manifest_part, render_page, route_payload
from .routes import FENCES, RouteLibrary, Site, find_blocks, load_routes, resolve_fence

ASSETS = Path(__file__).parent / "assets"
# The pledge page's records download, which 换人 offers too
EXPORTER = Path(__file__).parents[1] / "pledge" / "assets" / "pledge.js"


class PathPlugin(BasePlugin[PathConfig]):

    def __init__(self):
        self.library = RouteLibrary()
        self.payloads: dict[str, dict] = {}
        self.bundle: Bundle | None = None
        self.exporter: Asset | None = None

    # Make the browser assets once per build (after the portal plugin has
    # resolved extra.hospital: departments, site id, collector)
    def on_config(self, config):
        if not self.config.enabled:
            return

        hospital = config.extra.get("hospital") or {}
        language = config.theme.get("language", "zh")
        cache = asset_cache(config.config_file_path)
        # SHA-256 makes the certificate's code
        self.bundle = block_assets("path", ASSETS, hospital, config.site_name, language, cache,
                                   extra_scripts=(DIGEST_SCRIPT,))
        self.exporter = asset("pledge", EXPORTER, language, cache)

    # Read and check every route once the site's pages are known
    def on_files(self, files, *, config):
        if not self.config.enabled:
            return

        self.library = self._load(config, _sources(files), _excluded(files))
        for problem in self.library.problems:
            log.warning(str(problem))

    # Rebuild the preview when a route changes (unless there is no route folder:
    # watching a missing folder stops mkdocs serve with a traceback; nor when a
    # folder watched already holds it, as quizzes/ does: each save built twice)
    def on_serve(self, server, *, config, builder):
        folder = self._paths_dir(config)
        if self.config.enabled and folder.is_dir() and not _watched(folder, config):
            server.watch(str(folder))
        return server

    # Swap each ```path and ```certificate block for a placeholder (run early,
    # before other plugins treat it as code); its HTML goes in once every
    # page's title is known
    @event_priority(50)
    def on_page_markdown(self, markdown, *, page, config, files):
        if not self.config.enabled:
            return

        # The page is named only in messages: most pages have no fence to resolve
        return swap_fences(set(FENCES), markdown, lambda: page.file.content_string,
                           lambda fence: resolve_fence(
                               fence, shown_path(page.file.abs_src_path, config.config_file_path),
                               self.library),
                           lambda problem: log.warning(str(problem)))

    # Every page has been read, so every title is known: make each route's payload
    def on_env(self, env, *, config, files):
        if not self.config.enabled:
            return

        def page_of(src: str):
            return files.get_file_from_path(src)

        self.payloads = {route.id: route_payload(route, lambda src: page_of(src).url,
                                                 lambda src: page_of(src).page.title)
                         for route in self.library.routes.values()}

    # Put each route block in its page (Material renders page.content next),
    # once search has indexed the page (see FILL_BLOCKS)
    @event_priority(FILL_BLOCKS)
    def on_page_context(self, context, *, page, config, nav):
        if not self.config.enabled or not self.payloads:
            return

        # A quiz or pledge block on the page may have brought the shared module already
        scripts, stylesheets = page_assets(self.bundle.for_page(page.content), page.url)
        tags = Tags(scripts, stylesheets, page_assets([self.exporter], page.url)[0],
                    not_started("path", config.theme.get("language", "zh")))
        # page.url is "", "a/b/" (directory URLs) or "a/b.html": one ../ per folder
        html = render_page(page.content, page.file.src_uri, "../" * page.url.count("/"),
                           self.library.routes, self.payloads, tags)
        if html is not None:
            page.content = html
        return context

    # Write the browser assets, and the routes into the collector's manifest
    def on_post_build(self, *, config):
        if not self.config.enabled:
            return

        site_dir = Path(config.site_dir)
        for item in [*self.bundle.assets, self.exporter]:
            item.write(site_dir)
        write_manifest_part(site_dir, manifest_part(self.library.routes))

    def check(self, config) -> list[str]:
        """Return every problem of routes and route blocks, for ``qinglian check``."""
        docs = Path(config.docs_dir)
        # The pages a build has (exclude_docs and drafts left out), as on_files sees them
        files = get_files(config)
        sources = _sources(files)
        library = self._load(config, sources, _excluded(files))
        problems = list(library.problems)
        for page, source in sources.items():
            shown = shown_path(str(docs / page), config.config_file_path)
            for fence in find_fences(source, set(FENCES)):
                problem = resolve_fence(fence, shown, library)[1]
                if problem:
                    problems.append(problem)
        return [str(problem) for problem in problems]

    def _paths_dir(self, config) -> Path:
        return Path(config.config_file_path).parent / self.config.paths_dir

    def _load(self, config, sources: dict[str, str], excluded: frozenset[str]) -> RouteLibrary:
        return load_routes(self._paths_dir(config), self.config.paths_dir,
                           self._site(config, sources, excluded))

    @staticmethod
    def _site(config, sources: dict[str, str], excluded: frozenset[str]) -> Site:
        """What routes may name: the pages (``sources``: docs path → Markdown), the quiz
        plugin's quizzes (read once, shared with it) and the pledge plugin's published
        pledges; ``excluded``: the pages MkDocs leaves out, named as such."""
        quiz = config.plugins.get("qinglian/quiz")
        pledge = config.plugins.get("qinglian/pledge")
        quizzes = quiz.site_library(config) if quiz and quiz.config.enabled else Library()
        lock = {}
        if pledge and pledge.config.enabled:
            lock = read_lock(pledge.folder(config) / LOCK_NAME, LOCK_NAME)[0]
        return Site(frozenset(sources), {key: item.pass_mark for key, item in quizzes.quizzes.items()},
                    frozenset(quizzes.broken), lock, find_blocks(sources), excluded)


# -----------------------------------------------------------------------------


def _watched(folder: Path, config) -> bool:
    """Say whether mkdocs serve watches ``folder`` already: in the content folder, a
    folder of mkdocs.yml's watch, or the quiz plugin's quizzes folder."""
    watched = [config.docs_dir, *config.watch]
    quiz = config.plugins.get("qinglian/quiz")
    if quiz is not None and quiz.config.enabled:
        watched.append(Path(config.config_file_path).parent / quiz.config.quizzes_dir)
    folder = folder.resolve()
    return any(folder.is_relative_to(Path(path).resolve()) for path in watched)


def _sources(files) -> dict[str, str]:
    """Return the site's Markdown pages: docs path → text. A page not in UTF-8 is
    left out: the portal plugin names it and stops the build (the path plugin may
    come first in mkdocs.yml)."""
    sources = {}
    for file in files.documentation_pages():
        try:
            sources[file.src_uri] = file.content_string
        except UnicodeDecodeError:
            continue
    return sources


def _excluded(files) -> frozenset[str]:
    """Return the Markdown pages exclude_docs or draft_docs leave out of the site."""
    return frozenset(file.src_uri for file in
                     files.documentation_pages(inclusion=InclusionLevel.is_excluded))


log = get_plugin_logger(__name__)
