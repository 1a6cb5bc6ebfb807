from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class RisksConfig(Config):
    enabled = c.Type(bool, default=True)

    # Settings for sources, relative to docs_dir: the register's YAML files and
    # its page (index.md in the same folder), and the lessons, standard-N.md
    risks_dir = c.Type(str, default="risks")
    lessons_dir = c.Type(str, default="lessons")
