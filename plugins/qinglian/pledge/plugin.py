"""MkDocs adapter for pledges: pages with a version and a hash, and their signing forms."""

from __future__ import annotations

from pathlib import Path

from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger

from ..common.assets import Bundle, asset_cache, block_assets, page_assets, site_id
from ..common.blocks import FILL_BLOCKS, block_data, fill_slots, not_started, render_block, swap_fences
from ..common.errors import shown_path
from ..common.fences import find_fences
from ..common.manifest import write_manifest_part
from ..common.pages import read_source
from ..common.records import person_fields
from .config import PledgeConfig
from .library import PledgeLibrary, load_pledges, resolve_fence
from .render import pledge_payload

ASSETS = Path(__file__).parent / "assets"


class PledgePlugin(BasePlugin[PledgeConfig]):

    def __init__(self):
        self.library = PledgeLibrary()
        self.bundle: Bundle | None = None
        self.fallback = ""  # what a signing form says until its script draws it

    # Read every pledge and the lock once per build (after the portal plugin
    # has resolved extra.hospital: departments, site id, collector)
    def on_config(self, config):
        if not self.config.enabled:
            return

        self.library = self._load(config)
        for problem in self.library.problems:
            log.warning(str(problem))
        self.bundle = block_assets("pledge", ASSETS, self._hospital(config), config.site_name,
                                   config.theme.get("language", "zh"),
                                   asset_cache(config.config_file_path))
        # Once per build: made for each page, the words cost more than filling its forms
        self.fallback = not_started("pledge", config.theme.get("language", "zh"))

    # Swap each ```pledge block for a placeholder (run early, before other
    # plugins treat it as code); its form goes in after Markdown
    @event_priority(50)
    def on_page_markdown(self, markdown, *, page, config, files):
        if not self.config.enabled:
            return

        # The page is named only in messages: most pages have no fence to resolve
        return swap_fences({"pledge"}, markdown, lambda: page.file.content_string,
                           lambda fence: resolve_fence(
                               fence, shown_path(page.file.abs_src_path, config.config_file_path),
                               self.library),
                           lambda problem: log.warning(str(problem)))

    # Put each signing form where its block stood, with its assets, once search
    # has indexed the page (see FILL_BLOCKS)
    @event_priority(FILL_BLOCKS)
    def on_page_context(self, context, *, page, config, nav):
        if not self.config.enabled:
            return

        def form(pledge_id: str, so_far: str) -> str:
            departments = self._hospital(config).get("departments") or []
            language = config.theme.get("language", "zh")
            pledge = self.library.pledges[pledge_id]
            versions = [entry["version"] for entry in self.library.lock.get(pledge.id, [])]
            payload = pledge_payload(pledge, person_fields(pledge.audience, departments, language),
                                     versions)
            needed = self.bundle.for_page(so_far)
            return render_block("pledge", pledge.id, block_data(payload), *page_assets(needed, page.url),
                                self.fallback)

        page.content = fill_slots("pledge", page.content, form) or page.content
        return context

    # Write the browser assets, and the manifest the collector checks records against
    def on_post_build(self, *, config):
        if not self.config.enabled:
            return

        site_dir = Path(config.site_dir)
        for item in self.bundle.assets:
            item.write(site_dir)
        hospital = self._hospital(config)
        write_manifest_part(site_dir, {
            "site": site_id(hospital, config.site_name),
            # The reports and the verification page speak the site's language
            "language": config.theme.get("language", "zh"),
            "departments": list(hospital.get("departments") or []),
            "pledges": self.library.lock,
            # The reports count a signature older than renew_every as lapsed, as the form does
            "renew_days": {pledge.id: pledge.renew_days for pledge in self.library.pledges.values()
                           if pledge.renew_days},
        })

    def check(self, config) -> list[str]:
        """Return every problem of pledge pages, the lock and pledge blocks, for ``qinglian check``."""
        library = self._load(config)
        problems = list(library.problems)
        for path in sorted(Path(config.docs_dir).rglob("*.md")):
            shown = shown_path(str(path), config.config_file_path)
            source, _ = read_source(path, shown)  # a page not in UTF-8: the portal says so
            for fence in find_fences(source or "", {"pledge"}):
                problem = resolve_fence(fence, shown, library)[1]
                if problem:
                    problems.append(problem)
        return [str(problem) for problem in problems]

    def folder(self, config) -> Path:
        """Return the folder of pledge pages, the lock file and the archive."""
        return Path(config.docs_dir) / self.config.pledges_dir

    def _load(self, config) -> PledgeLibrary:
        return load_pledges(self.folder(config), shown_path(str(self.folder(config)),
                                                            config.config_file_path))

    @staticmethod
    def _hospital(config) -> dict:
        return config.extra.get("hospital") or {}


log = get_plugin_logger(__name__)
