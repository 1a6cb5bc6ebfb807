"""The site's navigation, derived from content folders.

Each top-level folder of ``content/`` is one section, titled and ordered by the
portal plugin's ``sections`` map, so a page a trainer adds to a folder appears in
the navigation without anyone editing ``mkdocs.yml``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

from ..common.errors import named_path

NavItem = str | dict


def build_nav(
    docs_dir: Path,
    sections: dict[str, str],
    home_title: str,
    is_excluded: Callable[[str], bool],
    config_shown: str,
) -> tuple[list[NavItem], list[str]]:
    """Return an MkDocs ``nav`` for ``docs_dir`` and the problems found on the way.

    ``is_excluded`` receives a docs-relative POSIX path and says whether MkDocs
    leaves that file out of the site; ``config_shown`` is mkdocs.yml as trainers see
    it, which the problems start with (the sections map is fixed there).
    """
    problems: list[str] = []
    nav: list[NavItem] = []
    if (docs_dir / "index.md").is_file():
        nav.append({home_title: "index.md"})

    # By the names on disk: on Windows is_dir finds content/Lessons/ for 'lessons',
    # whose pages the build machine and the plugins then do not find
    folders = [path.name for path in docs_dir.iterdir() if path.is_dir()]
    misnamed = set()
    for folder, title in sections.items():
        path = docs_dir / folder
        if folder not in folders and not ("/" in folder and path.is_dir()):
            named = named_path(folder, folders)
            if named:
                misnamed.add(named)
            problems.append(
                f"{config_shown}: section folder '{folder}/' does not exist in '{docs_dir.name}/'"
                + (f", but '{named}/' does; rename it to '{folder}/' (upper and lower case "
                   "count on the build machine)" if named else
                   f"; create it with an index.md, or remove '{folder}' from the portal's "
                   "sections"))
            continue
        nav.append({title: _folder_items(docs_dir, path, is_excluded)})

    for path in sorted(docs_dir.iterdir(), key=_natural_key):
        relative = path.relative_to(docs_dir).as_posix()
        if (path.is_dir() and relative not in sections and relative not in misnamed
                and _has_pages(path)):
            problems.append(
                f"{config_shown}: content folder '{relative}/' has no section title, so it is left out of "
                f"the navigation; add '{relative}: <标题>' under the qinglian/portal "
                "plugin's sections in mkdocs.yml"
            )
        elif _is_page(path) and relative != "index.md" and not is_excluded(relative):
            nav.append(relative)
    return nav, problems


# -----------------------------------------------------------------------------


def _folder_items(docs_dir: Path, folder: Path, is_excluded) -> list[NavItem]:
    """Return the pages of ``folder`` (index first) and its sub-folders as sections."""
    items: list[NavItem] = []
    children = sorted(folder.iterdir(), key=lambda p: (p.name != "index.md", _natural_key(p)))
    # One path made per folder, not per page (a third of this function's time)
    inside = folder.relative_to(docs_dir).as_posix()
    for path in children:
        relative = f"{inside}/{path.name}"
        if _is_page(path) and not is_excluded(relative):
            items.append(relative)
        elif path.is_dir():
            pages = _folder_items(docs_dir, path, is_excluded)
            if pages:  # a folder of excluded files (an archive) is no section
                items.append({path.name: pages})
    return items


def _is_page(path: Path) -> bool:
    return path.is_file() and path.suffix == ".md"


def _has_pages(folder: Path) -> bool:
    return any(folder.rglob("*.md"))


def _natural_key(path: Path) -> list:
    """Sort 'standard-2' before 'standard-10'."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", path.name)]
