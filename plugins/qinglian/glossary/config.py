from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class GlossaryConfig(Config):
    enabled = c.Type(bool, default=True)

    # Settings for the glossary: both paths are relative to docs_dir
    terms_file = c.Type(str, default="glossary/terms.yml")
    page = c.Type(str, default="glossary/index.md")
    # Pages (by path prefix under docs_dir) whose text gets term tooltips
    tooltips_in = c.ListOfItems(c.Type(str), default=["lessons/", "cases/"])

    # Settings for search: where jieba keeps its dictionary cache
    cache_dir = c.Type(str, default=".cache/qinglian")
