"""The hospital's reporting channels (extra.hospital.report_channels), on the page
whose front matter says ``template: report.html``."""

from __future__ import annotations

from html import escape

REPORT_TEMPLATE = "report.html"


def with_channels(html: str, channels: list, title: str) -> str:
    """Return the page's ``html`` with the channels after its introduction, before its
    first section. They go into the page's content, not the template, so that
    search finds 举报电话 and the e-mail address."""
    if not channels:
        return html
    items = "".join(f"<dt>{escape(channel['name'])}</dt><dd>{escape(channel['detail'])}</dd>"
                    for channel in channels)
    section = (f'<section class="ql-channels" aria-labelledby="ql-channels-title">'
               f'<h2 id="ql-channels-title">{escape(title)}</h2><dl>{items}</dl></section>')
    introduction, heading, rest = html.partition("<h2")
    return introduction + section + heading + rest
