from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class PledgeConfig(Config):
    enabled = c.Type(bool, default=True)

    # Settings for sources: the folder of pledge pages (and of the lock file
    # and archive), relative to docs_dir
    pledges_dir = c.Type(str, default="pledges")
