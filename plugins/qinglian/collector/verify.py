"""What a certificate's verification code certifies, from the records the collector holds.

The collector applies the same rule as the certificate page (common.verification):
for every staff member of a site, the records that complete each route the
site's manifest names, and their code. Corrections apply first, so a fixed 工号
still verifies.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from html import escape

from ..common.i18n import translate
from ..common.identity import text_key
from ..common.verification import completing_records, formatted, normalised, verification_code
from .corrections import REDACTED
from .manifest import Manifests, of_quizzes
from .store import StoredRecord


@dataclass(frozen=True)
class Completion:
    site: str
    path: str
    title: str  # the route's title
    name: str  # the person's name, masked: 张*
    completed: str  # when the last record of the route was made (ISO UTC)


def find(code: str, records: list[StoredRecord], manifests: Manifests) -> Completion | None:
    """Return what ``code`` (normalised) certifies, or None."""
    people: dict[tuple[str, str], list[dict]] = defaultdict(list)
    quizzes = {site: published.route_quizzes for site, published in manifests.sites.items()}
    for stored in records:
        record = stored.record
        staff_id = (record.get("person") or {}).get("staff_id")
        # Only what a route can count is kept: practice quizzes' attempts are most of a
        # year's records, and the page is public (a large hospital's took 950 MB a look-up)
        counts = record["site"] in quizzes and of_quizzes(record, quizzes[record["site"]])
        if counts and staff_id and staff_id != REDACTED and "relationship" not in record["person"]:
            people[(record["site"], staff_id)].append(record)
    for (site, _), mine in people.items():
        published = manifests.sites.get(site)
        for path, route in (published.paths.items() if published else ()):
            chosen = completing_records(mine, route["steps"], published.current_pledges, path)
            if chosen and verification_code(record["id"] for record in chosen) == code:
                return Completion(site, path, route["title"], masked(chosen[-1]["person"]["name"]),
                                  max(record["created"] for record in chosen))
    return None


def masked(name: str) -> str:
    """Return the first visible character of ``name`` and a star: enough to recognise, no
    more. Spaces and invisible characters are passed over: a pasted zero-width space showed
    as the bare star, a direction override turned the page's sentence back to front."""
    return f"{text_key(name)[:1]}*"


def verify_html(outcome: str, given: str, completion: Completion | None = None,
                language: str = "zh") -> str:
    """Return the verification page of the code ``given`` (as in the address):
    ``outcome`` is valid, unknown, malformed, unavailable (the records cannot be read
    just now) or busy (rate limited)."""
    def t(key: str, **values) -> str:
        return translate(f"verify.{key}", language, **values)

    # As printed on the certificate; what is no code, as given
    code = normalised(given)
    shown = formatted(code) if code else given

    script = ""
    if completion:
        date = (f'<time datetime="{escape(_quarter_hour(completion.completed))}">'
                f'{escape(t("utc_date", date=completion.completed[:10]))}</time>')
        text = t("valid_text", name=escape(completion.name), title=escape(completion.title),
                 date=date)
        script = _LOCAL_DATE
    else:
        text = t(f"{outcome}_text")
    return f"""<!doctype html>
<html lang="{escape(language)}"><head><meta charset="utf-8"><meta name="renderer" content="webkit">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>{t("title")}</title>
<style>body{{font-family:system-ui,"Noto Sans CJK SC",sans-serif;max-width:36rem;margin:3rem auto;
padding:0 1rem;line-height:1.7}}.valid{{color:#1b5e20}}.unknown,.malformed,.unavailable,.busy{{color:#b71c1c}}
code{{font-size:1.2em}}</style></head>
<body><main><h1>{t("title")}</h1><p>{t("code")}<code>{escape(shown)}</code></p>
<p class="{outcome}" role="status"><strong>{t(outcome)}</strong> {text}</p></main>{script}</body></html>
"""


def _quarter_hour(time: str) -> str:
    """Return the UTC ``time`` (as records carry it) cut down to its quarter of an hour.

    The page promises a date, but the viewer's date needs a time: every zone's offset is
    a whole number of quarter hours, so a midnight never falls inside one, and the page
    need not tell a stranger with the code the minute, second and millisecond."""
    return f"{time[:14]}{int(time[14:16]) // 15 * 15:02d}Z"


# The certificate gives the day in the zone of the PC it was printed on, and the
# collector's server may run in UTC: the viewer's day (without script, UTC's, so named)
_LOCAL_DATE = """<script>document.querySelectorAll("time[datetime]").forEach(function (time) {
  var date = new Date(time.getAttribute("datetime"));
  time.textContent = [date.getFullYear(), date.getMonth() + 1, date.getDate()].map(function (n) {
    return n < 10 ? "0" + n : n;
  }).join("-");
});</script>"""
