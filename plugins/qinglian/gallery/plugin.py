"""MkDocs adapter for the gallery: exhibits checked, images made, index and pages rendered."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File
from mkdocs.utils import get_relative_url

from ..common.assets import FILTERS_SCRIPT, Asset, asset, asset_cache
from ..common.errors import ContentProblem, shown_path
from ..common.i18n import translate
from ..common.pages import site_front_matter_keys
from .config import GalleryConfig
from .exhibits import Exhibit, Gallery, load_gallery
from .images import ImageProblem, Rendition, Settings, process_images, prune_cache
from .render import render_exhibit, render_gallery

# Image files in the exhibits folder: published only as cleaned renditions (the
# JPEG names Windows and browsers give downloads, .jfif and .jpe, included)
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".jpe", ".jfif", ".jif", ".png", ".apng", ".webp", ".gif",
                  ".bmp", ".dib", ".tif", ".tiff", ".heic", ".heif", ".avif", ".mpo", ".svg",
                  ".svgz", ".dng"}
OUTPUT = "assets/qinglian/gallery"
EXHIBIT_SEARCH_BOOST = 0.5


class GalleryPlugin(BasePlugin[GalleryConfig]):

    def __init__(self):
        self.gallery = Gallery()
        self.exhibit_pages: dict[str, Exhibit] = {}  # page src → the exhibit it shows
        self.renditions: dict[str, Rendition] = {}  # image src → its renditions
        self.assets: list[Asset] = []

    # Read and check every exhibit page once per build
    def on_config(self, config):
        if not self.config.enabled:
            return

        self.gallery = self._load(config)
        for problem in self.gallery.problems:
            log.warning(str(problem))
        folder = Path(__file__).parent / "assets"
        language = config.theme.get("language", "zh")
        self.assets = [asset("gallery", folder / "gallery.js", language,
                             asset_cache(config.config_file_path), extra_scripts=(FILTERS_SCRIPT,)),
                       asset("gallery", folder / "gallery.css")]

    # Keep the originals (EXIF, GPS) out of the site and add their renditions
    def on_files(self, files, *, config):
        if not self.config.enabled:
            return

        # Whatever its name, a file an exhibit shows is a source, never published
        listed = {image.src for image in self.gallery.images()}
        for file in list(files):
            if file.src_uri in listed or (
                    file.src_uri.startswith(f"{self.config.exhibits_dir}/")
                    and Path(file.src_uri).suffix.lower() in IMAGE_SUFFIXES):
                files.remove(file)
        # An exhibit MkDocs leaves out (exclude_docs, draft_docs) has no page to link to
        published = {file.src_uri for file in files.documentation_pages()}
        self.gallery.exhibits = [e for e in self.gallery.exhibits if e.src in published]
        # Looked up for every page of the site: not a search through the exhibits each time
        self.exhibit_pages = {exhibit.src: exhibit for exhibit in self.gallery.exhibits}
        self.renditions = self._make_images(config)
        # One picture under two names has one rendition: add its files once
        for rendition in {rendition.key: rendition for rendition in self.renditions.values()}.values():
            for size in rendition.sizes:
                for kind in ("webp", "jpg"):
                    files.append(LinkedRendition.generated(
                        config, f"{OUTPUT}/{rendition.name(size, kind)}",
                        abs_src_path=str(rendition.file(size, kind))))
        return files

    # Rank exhibits below the lessons and cases they illustrate: a poster's few
    # words made it the first result for 红包 or 回扣 (a trainer's own
    # search.boost in front matter still counts)
    def on_page_markdown(self, markdown, *, page, config, files):
        if self.config.enabled and page.file.src_uri in self.exhibit_pages:
            search = page.meta.setdefault("search", {})
            if isinstance(search, dict):
                search.setdefault("boost", EXHIBIT_SEARCH_BOOST)

    # The index shows every exhibit; an exhibit page its pictures and facts
    def on_page_content(self, html, *, page, config, files):
        if not self.config.enabled:
            return

        def t(key: str, **values) -> str:
            return translate(key, config.theme.get("language", "zh"), **values)

        def url(rendition: Rendition, size: str, kind: str) -> str:
            return get_relative_url(f"{OUTPUT}/{rendition.name(size, kind)}", page.url)

        def href(exhibit) -> str:
            return get_relative_url(files.get_file_from_path(exhibit.src).url, page.url)

        src = page.file.src_uri
        if src == f"{self.config.exhibits_dir}/index.md":
            # The works come before the index page's own sections (how to submit, …)
            section = (render_gallery(self.gallery.exhibits, self.renditions, href, url, t)
                       + self._asset_tags(page))
            heading = re.search(r"<h2[ >]", html)
            at = heading.start() if heading else len(html)
            return html[:at] + section + html[at:]
        exhibit = self.exhibit_pages.get(src)
        if exhibit:
            # The work comes first, right below the page's title
            section = render_exhibit(exhibit, self.renditions, url, t) + self._asset_tags(page)
            heading = re.search(r"</h1>", html)
            at = heading.end() if heading else 0
            return html[:at] + section + html[at:]

    # Write the gallery's script and stylesheet
    def on_post_build(self, *, config):
        if self.config.enabled:
            for item in self.assets:
                item.write(Path(config.site_dir))

    def check(self, config) -> list[str]:
        """Return every problem of the exhibit pages, for ``qinglian check``."""
        return [str(problem) for problem in self._load(config).problems]

    def _make_images(self, config) -> dict[str, Rendition]:
        docs = Path(config.docs_dir)
        sources = {docs / image.src: image.src for image in self.gallery.images()}
        made = 0

        def progress(done: int, total: int) -> None:
            nonlocal made
            made = done
            # A trainer waiting on many new images should see the build is alive
            if total >= 10 and (done % max(1, total // 10) == 0 or done == total):
                log.info(f"Gallery images: {done}/{total} made")

        cache_dir = self._cache_dir(config)
        results = process_images(list(sources), self._settings(), cache_dir,
                                 jobs=self.config.jobs, progress=progress)
        log.info(f"Gallery images: {made} new, {len(results) - made} from the cache")
        if any(isinstance(result, Rendition) and result.folder.parent != cache_dir
               for result in results.values()):
            log.info(f"Gallery images: {shown_path(str(cache_dir), config.config_file_path)} "
                     "cannot be written, so the new images are made again at every build")
        renditions = {}
        for path, result in results.items():
            shown = shown_path(str(path), config.config_file_path)
            if isinstance(result, ImageProblem):
                log.warning(str(ContentProblem(shown, None, result.message, result.fix)))
                continue
            for note in result.notes:
                log.info(f"{shown}: {note}")
            renditions[sources[path]] = result
        prune_cache(cache_dir, list(renditions.values()))
        return renditions

    def _asset_tags(self, page) -> str:
        script, stylesheet = (get_relative_url(f"assets/qinglian/{item.name}", page.url)
                              for item in self.assets)
        return f'<link rel="stylesheet" href="{stylesheet}"><script src="{script}"></script>'

    def _settings(self) -> Settings:
        return Settings(self.config.display_size, self.config.thumb_size,
                        self.config.webp_quality, self.config.jpeg_quality)

    def _cache_dir(self, config) -> Path:
        return Path(config.config_file_path).parent / self.config.cache_dir

    def _load(self, config) -> Gallery:
        docs = Path(config.docs_dir)
        folder = docs / self.config.exhibits_dir
        # not a mapping: the portal names the mistake (in a build, the portal has made
        # it a HospitalConfig: a Mapping, not a dict)
        hospital = config.extra.get("hospital")
        departments = (hospital.get("departments") if isinstance(hospital, Mapping) else None) or []
        return load_gallery(folder, docs, shown_path(str(folder), config.config_file_path),
                            departments, site_front_matter_keys(config))


class LinkedRendition(File):
    """A rendition in the cache, hard-linked into the site rather than copied.

    Copying the renditions was most of a warm rebuild's image work (500 photos:
    2,000 files, 1.7 s, 2.2 % of the cold build; scripts/bench.py). A link costs
    next to nothing; cleaning the site folder removes only the link, and the
    cache never changes a file in place (entries are renamed into place whole).
    Where the site is on another file system, or links are refused, it is copied.
    """

    def copy_file(self, dirty: bool = False) -> None:
        output = self.abs_dest_path
        try:
            if os.path.exists(output):
                if os.path.samefile(self.abs_src_path, output):
                    return
                os.remove(output)
            os.makedirs(os.path.dirname(output), exist_ok=True)
            os.link(self.abs_src_path, output)
        except OSError:
            super().copy_file(dirty)


log = get_plugin_logger(__name__)
