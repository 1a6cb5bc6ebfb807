from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class QuizConfig(Config):
    enabled = c.Type(bool, default=True)

    # Settings for sources: banks in <quizzes_dir>/banks/, quizzes directly in
    # <quizzes_dir>/ (relative to mkdocs.yml)
    quizzes_dir = c.Type(str, default="quizzes")

    # The parsed banks, relative to mkdocs.yml: safe to delete (the next build
    # parses them again)
    cache_dir = c.Type(str, default=".cache/qinglian/banks")
