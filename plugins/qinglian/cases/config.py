from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class CasesConfig(Config):
    enabled = c.Type(bool, default=True)

    # Settings for sources, relative to docs_dir: the case pages (their
    # index.md gets the generated index) and the lessons (front matter: standard)
    cases_dir = c.Type(str, default="cases")
    lessons_dir = c.Type(str, default="lessons")
