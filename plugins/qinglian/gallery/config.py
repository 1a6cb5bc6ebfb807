from mkdocs.config import config_options as c
from mkdocs.config.base import Config

from ..common.options import WholeNumber


class GalleryConfig(Config):
    enabled = c.Type(bool, default=True)

    # Settings for sources, relative to docs_dir: the exhibit pages and the
    # gallery index (index.md in the same folder). Images in this folder are
    # never published as they are, only their cleaned renditions.
    exhibits_dir = c.Type(str, default="exhibits")

    # Settings for images: longest sides in px (a thumbnail no larger than the
    # display image) and encoder qualities
    display_size = WholeNumber(16, 10000, default=1600)
    thumb_size = WholeNumber(16, 10000, default=400, at_most="display_size")
    webp_quality = WholeNumber(1, 100, default=80)
    jpeg_quality = WholeNumber(1, 100, default=85)

    # Settings for the cache, relative to mkdocs.yml: safe to delete (the next
    # build makes the renditions again); jobs: threads, 0 for one per core
    cache_dir = c.Type(str, default=".cache/qinglian/images")
    jobs = WholeNumber(0, 64, default=0)
