from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class PostersConfig(Config):
    enabled = c.Type(bool, default=True)

    # Folders under docs_dir whose pages (all but index.md) get a QR poster
    sections = c.Type(list, default=["lessons", "exhibits"])
