"""What the collector and the browser get of a route.

The collector's manifest part names each route's steps and the quiz's pass
mark. The browser's payload adds page titles and addresses and the pledge
versions that count, so path.js applies the collector's completion rule
(common/verification.py) with no fetch. Each block carries its route in a
``data-*`` attribute (common/blocks.py): it works from file:// and after
instant navigation.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Callable

from ..common.blocks import block_data, fill_slots, render_block
from .routes import FENCES, Route, Step


@dataclass(frozen=True)
class Tags:
    """The addresses a page's route blocks load, relative to the page."""

    scripts: list[str]
    stylesheets: list[str]
    exporter: list[str]  # the records download (pledge.js), for 换人 on the route's page
    not_started: str  # what a block says until its script draws it


def manifest_part(routes: dict[str, Route]) -> dict:
    """Return the manifest's "paths" part: each route's title and steps."""
    return {"paths": {route.id: {"title": route.title,
                                 "steps": [_manifest_step(step) for step in route.steps]}
                      for route in routes.values()}}


def route_payload(route: Route, url: Callable[[str], str], title: Callable[[str], str]) -> dict:
    """Return what the browser needs of ``route``; ``url`` and ``title`` give a page's
    address (relative to the site's root) and its title."""
    steps = []
    for step in route.steps:
        entry = _manifest_step(step)
        if step.kind == "read":
            entry["pages"] = [{"src": page, "title": title(page), "url": url(page)}
                              for page in step.pages]
            entry["min_read_seconds"] = step.min_read_seconds
        else:
            entry["url"] = url(step.page)
        if step.kind == "pledge":
            entry["version"], entry["hashes"] = step.version, list(step.hashes)
        steps.append(entry)
    return {"id": route.id, "title": route.title, "landing": url(route.landing),
            "certificate": url(route.certificate), "steps": steps}


def render_page(html: str, page: str, base: str, routes: dict[str, Route],
                payloads: dict[str, dict], tags: Tags) -> str | None:
    """Return the HTML of ``page`` with its route blocks, or None when it has none.

    ``base`` leads from the page to the site's root. The route and its
    certificate stand where their blocks stood; each page of a read step ends
    with its "我已学习" block; other pages in the folder of such a page carry
    the route invisibly, for the marks on studied pages in the nav.
    """
    shown = html
    for kind in FENCES:
        extra = tags.exporter if kind == "path" else []
        shown = fill_slots(kind, shown, lambda route_id, _so_far, kind=kind, extra=extra: render_block(
            kind, route_id, _data(base, payloads[route_id]), tags.scripts + extra,
            tags.stylesheets, tags.not_started)) or shown
    for route in routes.values():
        for step in route.steps:
            if page in step.pages:
                shown += render_block("study", route.id, _data(base, payloads[route.id]),
                                      _missing(tags.scripts, shown),
                                      _missing(tags.stylesheets, shown), tags.not_started,
                                      attributes=f' data-step="{escape(step.id)}" '
                                                 f'data-page="{escape(page)}"')
    if shown == html:
        folder = page.rsplit("/", 1)[0] if "/" in page else None
        for route in routes.values():
            if folder and any(p.startswith(f"{folder}/") for s in route.steps for p in s.pages):
                shown += _nav_data(_data(base, payloads[route.id]), _missing(tags.scripts, shown))
    return shown if shown != html else None


# -----------------------------------------------------------------------------


def _manifest_step(step: Step) -> dict:
    entry = {"id": step.id, "kind": step.kind, "title": step.title}
    if step.kind == "read":
        entry["pages"] = list(step.pages)
    elif step.kind == "quiz":
        entry["quiz"], entry["pass_mark"] = step.quiz, step.pass_mark
    else:
        entry["pledge"] = step.pledge
    return entry


def _data(base: str, payload: dict) -> str:
    return block_data({"base": base, "route": payload})


def _missing(urls: list[str], html: str) -> list[str]:
    """Return the assets ``html`` does not load yet (a quiz on the page loads the shared ones)."""
    return [url for url in urls if f'"{escape(url)}"' not in html]


def _nav_data(data: str, scripts: list[str]) -> str:
    tags = "".join(f'<script src="{escape(src)}"></script>' for src in scripts)
    return f"<div class=\"qinglian-path-nav\" data-path-nav='{data}' hidden></div>{tags}"
