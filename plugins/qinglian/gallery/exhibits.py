"""Exhibits: pages in content/exhibits/ whose front matter describes one work.

Front matter of an exhibit page::

    title: 清风正气
    creator: 李文涛                # a person or a department
    department: 内科               # one of extra.hospital.departments, when set
    medium: 书法                   # 书法 | 绘画 | 摄影 | 海报 | 其他
    year: 2025
    description: 一到三句话的作品说明
    images:                        # paths relative to the page
      - file: images/shufa-qingfeng.jpg
        alt: 米色宣纸上竖写“清风正气”四个楷书大字
      - images/second-view.jpg     # alt text: the title
"""

from __future__ import annotations

import datetime
import os
import posixpath
from dataclasses import dataclass, field
from pathlib import Path

from ..common.errors import ContentProblem, did_you_mean, meant_path
from ..common.pages import (EXHIBIT_KEYS, THEME_KEYS, load_front_matter, read_pages,
                            unknown_key_problems)
from ..common.yamlio import LineDict, LineList

MEDIA = ("书法", "绘画", "摄影", "海报", "其他")
IMAGE_KEYS = ("file", "alt")


@dataclass(frozen=True)
class ExhibitImage:
    src: str  # path under content/, e.g. exhibits/images/shufa.jpg
    alt: str


@dataclass(frozen=True)
class Exhibit:
    src: str  # path under content/, e.g. exhibits/shufa-qingfeng.md
    title: str
    creator: str
    department: str
    medium: str
    year: int
    description: str
    images: tuple[ExhibitImage, ...]


@dataclass
class Gallery:
    exhibits: list[Exhibit] = field(default_factory=list)
    problems: list[ContentProblem] = field(default_factory=list)

    def images(self) -> list[ExhibitImage]:
        return [image for exhibit in self.exhibits for image in exhibit.images]


def load_gallery(folder: Path, docs_dir: Path, shown_folder: str,
                 departments: list[str], own_keys: tuple[str, ...] = ()) -> Gallery:
    """Read every exhibit page in ``folder`` (all .md files but index.md), newest
    year first; messages name files as ``shown_folder``/name. ``own_keys`` are
    front-matter keys the site's own templates read."""
    exhibits, problems = read_pages(
        folder, docs_dir, shown_folder,
        lambda source, src, shown: read_exhibit(source, src, shown, docs_dir, departments,
                                                own_keys))
    exhibits.sort(key=lambda exhibit: -exhibit.year)
    return Gallery(exhibits, problems)


def read_exhibit(source: str, src: str, shown: str, docs_dir: Path, departments: list[str],
                 own_keys: tuple[str, ...] = ()) -> tuple[Exhibit | None, list[ContentProblem]]:
    """Return the exhibit a page describes, or None with the problems found."""
    meta, problems = load_front_matter(source.replace("\r\n", "\n"), shown)
    if problems:
        return None, problems
    if not isinstance(meta, LineDict):
        return None, [ContentProblem(shown, 1, "the exhibit has no front matter",
                                     f"start it with {', '.join(EXHIBIT_KEYS)} "
                                     "between --- lines")]
    problems = unknown_key_problems(meta, shown, EXHIBIT_KEYS + THEME_KEYS + tuple(own_keys))

    def problem(line, message, fix):
        problems.append(ContentProblem(shown, line + 1, message, fix))

    for key in ("title", "creator", "department", "description"):
        if not isinstance(meta.get(key), str) or not meta[key].strip():
            problem(meta.line_of(key), f"'{key}' is missing or empty",
                    f"add '{key}: …' to the front matter")
    department = meta.get("department")
    if departments and isinstance(department, str) and department.strip() not in departments:
        problem(meta.line_of("department"),
                f"department '{department}' is not in extra.hospital.departments"
                f"{did_you_mean(department, departments)}",
                "use a department from that list in mkdocs.yml, or add it there")
    if meta.get("medium") not in MEDIA:
        problem(meta.line_of("medium"),
                f"medium '{meta.get('medium')}' is not one of {'、'.join(MEDIA)}"
                f"{did_you_mean(meta.get('medium'), MEDIA)}", "write e.g. medium: 书法")
    year = meta.get("year")
    if isinstance(year, bool) or not isinstance(year, int) or not 1949 <= year <= _this_year() + 1:
        problem(meta.line_of("year"), f"year '{year}' is not a year",
                "write the year the work was made, e.g. year: 2025")
    images, image_problems = _images(meta, src, shown, docs_dir)
    problems += image_problems
    if problems:
        return None, problems
    return Exhibit(src, meta["title"].strip(), meta["creator"].strip(), department.strip(),
                   meta["medium"], year, meta["description"].strip(), images), []


def _images(meta: LineDict, src: str, shown: str,
            docs_dir: Path) -> tuple[tuple[ExhibitImage, ...], list[ContentProblem]]:
    entries = meta.get("images")
    if not isinstance(entries, LineList) or not entries:
        return (), [ContentProblem(shown, meta.line_of("images") + 1,
                                   "'images' must list the work's image files",
                                   "write images: [{file: images/name.jpg, alt: 画面描述}]")]
    images, problems = [], []
    for entry, line in zip(entries, entries.item_lines):
        if isinstance(entry, str):
            file, alt = entry, meta.get("title")
        elif isinstance(entry, LineDict) and set(entry) <= set(IMAGE_KEYS):
            file, alt = entry.get("file"), entry.get("alt")
        else:
            problems.append(ContentProblem(shown, line + 1, "an image must be a file name or "
                                           "a mapping with 'file' and 'alt'",
                                           "write - file: images/name.jpg and alt: 画面描述"))
            continue
        if not isinstance(file, str) or not file.strip():
            problems.append(ContentProblem(shown, line + 1, "an image has no 'file'",
                                           "write the path of the image, relative to this page"))
            continue
        if not isinstance(alt, str) or not alt.strip():
            problems.append(ContentProblem(shown, line + 1, f"image '{file}' has no alt text",
                                           "add alt: a short description of what the picture shows"))
            continue
        image_src = posixpath.normpath(posixpath.join(posixpath.dirname(src), file.strip()))
        # Only files inside content/: not ../ out of it, nor an absolute path
        if (image_src.startswith(("../", "/")) or image_src == ".."
                or not os.path.isfile(docs_dir / image_src)):
            folder = docs_dir / posixpath.dirname(src)
            meant = meant_path(file, (path.relative_to(folder).as_posix()
                                      for path in folder.rglob("*") if path.is_file()))
            problems.append(ContentProblem(
                shown, line + 1, f"image '{file}' does not exist{meant}",
                "write the path as the file is named: on the build machine upper and lower "
                "case count, and folders are separated by /" if meant else
                f"put the file at {posixpath.dirname(shown)}/{file.strip()} or correct the path"))
            continue
        images.append(ExhibitImage(image_src, alt.strip()))
    return tuple(images), problems


def _this_year() -> int:
    return datetime.date.today().year
