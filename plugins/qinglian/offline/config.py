from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class OfflineConfig(Config):
    enabled = c.Type(bool, default=True)

    # Settings for the guard against outside requests in rendered pages
    guard = c.Type(bool, default=True)

    # Settings for file:// builds (when Material's offline plugin is on)
    search_worker = c.Type(bool, default=True)
