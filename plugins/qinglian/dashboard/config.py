from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class DashboardConfig(Config):
    enabled = c.Type(bool, default=True)

    # Settings for the dashboard, relative to docs_dir: the page it is shown on,
    # and the dashboard.json of a report (qinglian report), copied there
    page = c.Type(str, default="dashboard/index.md")
    data_file = c.Type(str, default="dashboard/data.json")
