from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class PostersConfig(Config):
    enabled = c.Type(bool, default=True)

    # Folders under docs_dir whose pages (all but index.md) get a QR poster
    sections = c.Type(list, default=["lessons", "exhibits"])

    # The QR codes already made, relative to mkdocs.yml: safe to delete (the
    # next build makes them again)
    cache_dir = c.Type(str, default=".cache/qinglian/posters")
