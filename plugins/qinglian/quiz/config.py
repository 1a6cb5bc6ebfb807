from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class QuizConfig(Config):
    enabled = c.Type(bool, default=True)

    # Settings for sources: banks in <quizzes_dir>/banks/, quizzes directly in
    # <quizzes_dir>/ (relative to mkdocs.yml)
    quizzes_dir = c.Type(str, default="quizzes")
