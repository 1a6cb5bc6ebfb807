from mkdocs.config import config_options as c
from mkdocs.config.base import Config

from ..common.options import WholeNumber


class DashboardConfig(Config):
    enabled = c.Type(bool, default=True)

    # Settings for the dashboard, relative to docs_dir: the page it is shown on,
    # and the dashboard.json of a report (qinglian report), copied there
    page = c.Type(str, default="dashboard/index.md")
    data_file = c.Type(str, default="dashboard/data.json")

    # Departments of fewer people are shown only pooled, so that no row shows
    # one person's progress to all staff (1: every department alone)
    min_group = WholeNumber(1, 1000, default=5)
