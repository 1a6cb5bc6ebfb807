"""MkDocs adapter for the offline promise: no outside requests, search from file://."""

from __future__ import annotations

from pathlib import Path

import markdown
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.utils.meta import get_data

from ..common.errors import shown_path
from ..common.pages import read_source
from .config import OfflineConfig
from .guard import (
    OutsideReference,
    describe_site_reference,
    fence_problems,
    find_cdn_fences,
    find_outside_references,
    is_outside,
    reference_problems,
)
from .worker import compact_index_script, find_search_worker, mend_site_worker, render_worker_script

ASSET_DIR = "assets/qinglian"


class OfflinePlugin(BasePlugin[OfflineConfig]):

    def __init__(self):
        self.worker_script: tuple[str, str] | None = None
        self.reported: set[str] = set()

    # Register our search worker shim before Material's offline plugin adds
    # its own from unpkg.com (run first: it skips its shim when a polyfill
    # named iframe-worker is already listed)
    @event_priority(100)
    def _register_worker(self, config):
        self.reported = set()
        self.worker_script = None
        if not self.config.enabled or not self.config.search_worker or not _file_build(config):
            return

        worker = find_search_worker(config.theme.dirs)
        if worker is None:
            log.warning("Material's search worker was not found in the theme, so search "
                        "will not work from file://; reinstall mkdocs-material")
            return
        self.worker_script = render_worker_script(worker)
        polyfills = config.extra.get("polyfills") or []
        config.extra["polyfills"] = [f"{ASSET_DIR}/{self.worker_script[0]}", *polyfills]

    # No server shows a file:// build's 404 page, and its links start at the
    # disk's root (/assets/…), so opened by hand it is a broken page: leave it out
    def _leave_out_404(self, config):
        if self.config.enabled and _file_build(config):
            config.theme.static_templates.discard("404.html")

    # Material's instant navigation does nothing from file://, yet left on it ends
    # the page's document$ before the page has loaded, so every part of a page that
    # waits for it stays dead there: search highlighting, the back-to-top button,
    # the table of contents following the reader
    def _leave_out_instant_navigation(self, config):
        if self.config.enabled and _file_build(config):
            features = config.theme.get("features") or []
            config.theme["features"] = [feature for feature in features
                                        if not feature.startswith("navigation.instant")]

    on_config = CombinedEvent(_register_worker, _leave_out_404, _leave_out_instant_navigation)

    # Fences that Material draws with a library from a CDN cannot work offline
    def on_page_markdown(self, markdown, *, page, config, files):
        if not self.config.enabled or not self.config.guard:
            return

        # Scan the file as written, so line numbers count the front matter too
        # (read again only when the body has such a fence)
        if not find_cdn_fences(markdown):
            return
        path = shown_path(page.file.abs_src_path, config.config_file_path)
        for problem in fence_problems(page.file.content_string, path):
            log.warning(str(problem))

    # Any http(s) resource in a finished page is a request to an outside host
    def on_post_page(self, output, *, page, config):
        if not self.config.enabled or not self.config.guard:
            return

        references = find_outside_references(output, page.content)
        if not references:
            return
        path = shown_path(page.file.abs_src_path, config.config_file_path)
        own = set(find_outside_references(page.content))
        problems, elsewhere = reference_problems(references, own, page.file.content_string, path)
        for problem in problems:
            log.warning(str(problem))
        for reference in elsewhere:
            # From the theme or mkdocs.yml: the same on every page, say it once
            if reference.url not in self.reported:
                self.reported.add(reference.url)
                log.warning(describe_site_reference(reference))

    # Write the file:// search worker shim into the site
    def _write_worker(self, *, config):
        if not self.worker_script:
            return

        name, script = self.worker_script
        folder = Path(config.site_dir) / ASSET_DIR
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(script, encoding="utf-8")

    # Material's offline plugin (priority -100) inlines the search index into a
    # script with every Chinese character escaped (\u4e5d: 6 bytes for 3): write
    # it as UTF-8, half the size for the page to load before search can start
    @event_priority(-110)
    def _compact_search_index(self, *, config):
        if self.worker_script:
            compact_index_script(Path(config.site_dir) / "search" / "search_index.js")

    # Material's query segmenter drops a Chinese query's last word (see
    # SEGMENT_LOOP): mend the worker the intranet build serves
    def _mend_search_worker(self, *, config):
        if self.config.enabled:
            mend_site_worker(Path(config.site_dir))

    on_post_build = CombinedEvent(_write_worker, _compact_search_index, _mend_search_worker)


    def check(self, config) -> list[str]:
        """Return every outside reference and CDN fence, for ``qinglian check``.

        Pages are rendered with the site's Markdown extensions but without the
        theme, so this finds what trainers wrote; the build checks the rest.
        """
        if not self.config.guard:
            return []
        problems = [
            describe_site_reference(OutsideReference(url, f"mkdocs.yml {option}"))
            for option, url in _configured_assets(config) if is_outside(url)
        ]
        # One converter, reset between pages: making one per page cost a fifth of
        # this check on 1,000 pages (cProfile)
        converter = markdown.Markdown(**_unhighlighted(config.markdown_extensions,
                                                       config.mdx_configs))
        for path in sorted(Path(config.docs_dir).rglob("*.md")):
            relative = path.relative_to(config.docs_dir).as_posix()
            # A folder named x.md is no page to MkDocs either
            if path.is_dir() or (config.exclude_docs and config.exclude_docs.match_file(relative)):
                continue
            shown = shown_path(str(path), config.config_file_path)
            source, problem = read_source(path, shown)
            if problem:  # the portal's check names it
                continue
            references = find_outside_references(converter.reset().convert(get_data(source)[0]))
            found, _ = reference_problems(references, set(references), source, shown)
            problems += [str(p) for p in fence_problems(source, shown) + found]
        return problems


# -----------------------------------------------------------------------------


def _file_build(config) -> bool:
    """Say whether this is the file:// build (Material's offline plugin is on)."""
    offline = config.plugins.get("material/offline")
    return bool(offline and offline.config.enabled)


def _unhighlighted(extensions: list, configs: dict) -> dict:
    """Return the site's Markdown extensions, set to leave code as plain text: code fetches
    nothing either way, and Pygments took a quarter of this check on 1,000 pages with a
    ```quiz fence each (cProfile)."""
    extensions, configs = list(extensions), dict(configs)
    # Superfences takes its settings from pymdownx.highlight, listed or not
    if "pymdownx.superfences" in extensions and "pymdownx.highlight" not in extensions:
        extensions.append("pymdownx.highlight")
    for name in ("pymdownx.highlight", "codehilite"):
        if name in extensions:
            configs[name] = {**configs.get(name, {}), "use_pygments": False}
    return {"extensions": extensions, "extension_configs": configs}


def _configured_assets(config):
    """Yield (option, url) for every script and stylesheet listed in mkdocs.yml."""
    for option in ("extra_css", "extra_javascript"):
        for entry in config[option]:
            yield option, str(entry)
    for entry in config.extra.get("polyfills") or []:
        yield "extra.polyfills", str(entry)



log = get_plugin_logger(__name__)
