"""MkDocs adapter for the risk register: its page, and each lesson's risk points."""

from __future__ import annotations

from pathlib import Path

from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.utils import get_relative_url

from ..common.assets import FILTERS_SCRIPT, Asset, asset, asset_cache
from ..common.errors import shown_path
from ..common.i18n import standard_label, translate
from ..common.pages import insert_before_heading, is_standard
from .config import RisksConfig
from .register import Risk, load_register, render_for_standard, render_register


class RisksPlugin(BasePlugin[RisksConfig]):

    def __init__(self):
        self.risks: list[Risk] = []
        self.script: Asset | None = None

    # Read and check the register once per build
    def on_config(self, config):
        if not self.config.enabled:
            return

        self.risks, problems = self._load(config)
        for problem in problems:
            log.warning(str(problem))
        self.script = asset("risks", Path(__file__).parent / "assets" / "risks.js",
                            cache_dir=asset_cache(config.config_file_path),
                            extra_scripts=(FILTERS_SCRIPT,))

    # The register page shows the table; each lesson its standard's risk points
    def on_page_content(self, html, *, page, config, files):
        if not self.config.enabled:
            return

        language = config.theme.get("language", "zh")

        def t(key: str, **values) -> str:
            return translate(key, language, **values)

        src = page.file.src_uri
        if src == f"{self.config.risks_dir}/index.md":
            script = get_relative_url(f"assets/qinglian/{self.script.name}", page.url)
            return (html + render_register(self.risks, t, lambda n: standard_label(n, language))
                    + f'<script src="{script}"></script>')
        standard = page.meta.get("standard")
        if not src.startswith(f"{self.config.lessons_dir}/") or not is_standard(standard):
            return
        # Looked up only for lessons: on every page it was half of this handler's time
        register = files.get_file_from_path(f"{self.config.risks_dir}/index.md")
        if register:
            href = get_relative_url(register.url, page.url)
            section = render_for_standard(self.risks, standard, href, t)
            return insert_before_heading(html, t("quiz.self_test"), section)

    # Write the register's filter script
    def on_post_build(self, *, config):
        if self.config.enabled:
            self.script.write(Path(config.site_dir))

    def check(self, config) -> list[str]:
        """Return every problem of the register, for ``qinglian check``."""
        return [str(problem) for problem in self._load(config)[1]]

    def _load(self, config):
        folder = Path(config.docs_dir) / self.config.risks_dir
        return load_register(folder, shown_path(str(folder), config.config_file_path))


log = get_plugin_logger(__name__)
