"""Links of a rendered page as paper shows them."""

from __future__ import annotations

import re

# The start of an <a> whose href leads to another site (http:, https: or //host)
_OUTSIDE_LINK = re.compile(r"""<a(?=\s[^>]*?\bhref\s*=\s*["']?\s*(?:https?:)?//)""", re.IGNORECASE)


def mark_outside_links(html: str) -> str:
    """Return ``html`` with ``data-ql-outside`` on each link to another site, whose
    address paper shows after it (qinglian.css). In the browser the href cannot tell:
    Material's instant navigation makes every link of the site absolute too."""
    if "//" not in html:  # most pages: a find instead of the pattern (2 vs 15 µs a page)
        return html
    return _OUTSIDE_LINK.sub("<a data-ql-outside", html)
