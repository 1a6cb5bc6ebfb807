from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class PathConfig(Config):
    enabled = c.Type(bool, default=True)

    # Settings for sources: one route per <paths_dir>/*.yml, its file name the
    # route's id (relative to mkdocs.yml; a sub-folder of quizzes/, so the quiz
    # plugin does not read routes as quizzes)
    paths_dir = c.Type(str, default="quizzes/paths")
