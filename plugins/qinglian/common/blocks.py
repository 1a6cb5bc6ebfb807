"""The HTML container of a browser-driven block (a quiz, a pledge form).

Its data goes into one ``data-<kind>`` attribute: no fetch is needed
(file://), and it survives Material's instant navigation, which re-creates
inline scripts from their text. The stylesheet and scripts are linked from
the block itself, so only pages with a block load them.
"""

from __future__ import annotations

import json
from html import escape


def render_block(kind: str, item_id: str, payload: dict, scripts: list[str], stylesheet: str,
                 noscript: str, heading: str = "", attributes: str = "") -> str:
    """Return ``<div class=qinglian-KIND-block>`` holding the form the script starts from."""
    data = escape(json.dumps(payload, ensure_ascii=False, separators=(",", ":")), quote=True)
    tags = "".join(f'<script src="{escape(src)}"></script>' for src in scripts)
    return (
        f'<div class="qinglian-{kind}-block" data-search-exclude>'
        f'<link rel="stylesheet" href="{escape(stylesheet)}">'
        f'<form class="qinglian-{kind}" data-{kind}-id="{escape(item_id)}"{attributes} '
        f'data-{kind}="{data}" novalidate>{heading}'
        f"<noscript><p>{escape(noscript)}</p></noscript>"
        f'<div class="qinglian-{kind}__body"></div>'
        f'<div class="qinglian-{kind}__status" role="status" aria-live="polite"></div>'
        f"</form>{tags}</div>"
    )
