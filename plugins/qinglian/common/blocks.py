"""The HTML container of a browser-driven block (a quiz, a pledge form).

Its data goes into one ``data-<kind>`` attribute: no fetch is needed
(file://), and it survives Material's instant navigation, which re-creates
inline scripts from their text. The stylesheet and scripts are linked from
the block itself, so only pages with a block load them.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from html import escape
from typing import Callable

from .errors import ContentProblem
from .i18n import translate
from .fences import Fence, body_start_line, find_fences, replace_fences

# Blocks go into a page's HTML in on_page_context after Material's search
# (priority 0) has indexed it: blocks are left out of the index anyway
# (data-search-exclude), but parsing a quiz's data attribute there cost a
# fifth of our plugins' build time (scripts/bench.py, 1,000 pages)
FILL_BLOCKS = -50


def swap_fences(kinds: set[str], markdown: str, source: Callable[[], str],
                resolve: Callable[[Fence], tuple[str | None, ContentProblem | None]],
                report: Callable[[ContentProblem], None]) -> str | None:
    """Replace each fence of a page in one of ``kinds`` (```quiz, …) by a placeholder
    for its block.

    ``source()`` returns the page's whole source (for line numbers past its front matter);
    ``resolve`` names the item a fence shows, or the problem; a fence with a
    problem is left out (``report`` hears why), never half-rendered. Returns
    None when the page has no such fence.
    """
    fences = find_fences(markdown, kinds)
    if not fences:
        return None
    # Only pages with a block need their source again (the portal plugin keeps it
    # in memory; without it, this reads the file)
    first_line = body_start_line(source(), markdown)
    fences = [replace(fence, start=fence.start + first_line - 1, end=fence.end + first_line - 1)
              for fence in fences]

    # Resolved in page order (a resolver may remember the blocks before), then replaced
    placeholders = {}
    for fence in fences:
        item_id, problem = resolve(fence)
        if problem:
            report(problem)
        placeholders[fence.start] = f"<!-- qinglian-{fence.language}:{item_id} -->" if item_id else ""
    return replace_fences(markdown, fences, lambda fence: placeholders[fence.start], first_line)


def fill_slots(kind: str, html: str, render: Callable[[str, str], str]) -> str | None:
    """Replace the placeholders of :func:`swap_fences` by ``render(item id, so_far)``;
    None if none. ``so_far`` is ``html`` and the blocks rendered before this one: what
    the page already loads (see Bundle.for_page)."""
    if f"<!-- qinglian-{kind}:" not in html:
        return None
    rendered: list[str] = []

    def fill(match: re.Match) -> str:
        rendered.append(render(match[1], html + "".join(rendered)))
        return rendered[-1]

    return re.sub(rf"<!-- qinglian-{kind}:([a-z0-9-]+) -->", fill, html)


def block_data(payload: dict) -> str:
    """Return ``payload`` as JSON escaped for an HTML attribute in single quotes."""
    # In single quotes, the JSON's own quotes stay as they are: in double quotes
    # each became &quot;, 1.5 KB of a 10-question quiz's 4.8 KB attribute
    return escape(json.dumps(payload, ensure_ascii=False, separators=(",", ":")),
                  quote=False).replace("'", "&#x27;")


def not_started(plugin: str, language: str) -> str:
    """Return what a block of ``plugin`` (quiz, pledge, path) says until its script draws
    it: the words stay if the script never runs (scripting off, a browser's IE mode, a
    script that fails to load), where an empty box would say nothing."""
    return translate("block.not_started", language, what=translate(f"{plugin}.block", language))


def render_block(kind: str, item_id: str, data: str, scripts: list[str],
                 stylesheets: list[str], fallback: str, heading: str = "",
                 attributes: str = "") -> str:
    """Return ``<div class=qinglian-KIND-block>`` holding the form the script starts
    from; ``data`` is its payload from :func:`block_data`, ``fallback`` what the body
    says until the script draws it (see :func:`not_started`)."""
    tags = "".join(f'<script src="{escape(src)}"></script>' for src in scripts)
    links = "".join(f'<link rel="stylesheet" href="{escape(href)}">' for href in stylesheets)
    return (
        f'<div class="qinglian-{kind}-block" data-search-exclude>{links}'
        f'<form class="qinglian-{kind}" data-{kind}-id="{escape(item_id)}"{attributes} '
        f"data-{kind}='{data}' novalidate>{heading}"
        f'<div class="qinglian-{kind}__body"><p class="qinglian-not-started">{escape(fallback)}</p></div>'
        f'<div class="qinglian-{kind}__status" role="status" aria-live="polite"></div>'
        f"</form>{tags}</div>"
    )
