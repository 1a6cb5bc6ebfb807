"""MkDocs adapter for the dashboard: a report's dashboard.json, shown on its page."""

from __future__ import annotations

from pathlib import Path

from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.utils import get_relative_url

from ..common.assets import Asset, asset, site_id
from ..common.errors import shown_path
from ..common.i18n import translate
from .board import Dashboard, read_dashboard, render_dashboard, render_no_data
from .config import DashboardConfig

ASSETS = Path(__file__).parent / "assets"


class DashboardPlugin(BasePlugin[DashboardConfig]):

    def __init__(self):
        self.dashboard: Dashboard | None = None
        self.style: Asset | None = None

    # Read and check the data once per build; a missing file is not a mistake
    # (no report yet), a malformed one is (a warning: --strict fails)
    def on_config(self, config):
        if not self.config.enabled:
            return

        self.dashboard, problems = self._read(config)
        for problem in problems:
            log.warning(problem)
        self.style = asset("dashboard", ASSETS / "dashboard.css")

    # The data file sits beside the page but is not published as a file of its own
    def on_files(self, files, *, config):
        if not self.config.enabled:
            return

        data = files.get_file_from_path(self.config.data_file)
        if data is not None:
            files.remove(data)

    # Show the dashboard (or how to make it) at the end of its page
    def on_page_content(self, html, *, page, config, files):
        if not self.config.enabled or page.file.src_uri != self.config.page:
            return

        language = config.theme.get("language", "zh")

        def t(key: str, **values) -> str:
            return translate(key, language, **values)

        style = get_relative_url(f"assets/qinglian/{self.style.name}", page.url)
        if self.dashboard is None:
            body = render_no_data(self._shown_data_path(config), t)
        else:
            body = render_dashboard(self.dashboard, t, min_group=self.config.min_group)
        return html + f'<link rel="stylesheet" href="{style}">' + body

    # Write the dashboard's stylesheet
    def on_post_build(self, *, config):
        if self.config.enabled:
            self.style.write(Path(config.site_dir))

    def check(self, config) -> list[str]:
        """Return the problems of the dashboard's page and data, for ``qinglian check``."""
        return self._read(config)[1]

    def _read(self, config) -> tuple[Dashboard | None, list[str]]:
        problems = []
        page = Path(config.docs_dir) / self.config.page
        if not page.is_file():
            problems.append(f"{shown_path(str(page), config.config_file_path)}: the dashboard "
                            "page does not exist; create it, set the dashboard plugin's page, or, "
                            "for a site without a dashboard, remove qinglian/dashboard from "
                            "the plugins in mkdocs.yml")
        path = Path(config.docs_dir) / self.config.data_file
        if not path.is_file():
            return None, problems
        shown = self._shown_data_path(config)
        fix = ("copy the dashboard.json that 'qinglian report' wrote, unedited, "
               "or delete the file")
        try:
            dashboard, problem = read_dashboard(path.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError) as error:
            dashboard, problem = None, f"cannot be read ({error})"
        site = site_id(config.extra.get("hospital") or {}, config.site_name)
        if dashboard is not None and dashboard.site != site:
            dashboard, problem = None, f"it is for site '{dashboard.site}', not this site '{site}'"
            fix = "copy the dashboard.json of a report made with this site's manifest"
        if problem:
            problems.append(f"Error reading dashboard data '{shown}': {problem}; {fix}")
        return dashboard, problems

    def _shown_data_path(self, config) -> str:
        return shown_path(str(Path(config.docs_dir) / self.config.data_file),
                          config.config_file_path)


log = get_plugin_logger(__name__)
