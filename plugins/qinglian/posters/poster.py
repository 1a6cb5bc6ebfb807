"""QR posters: printable A4/A5 sheets that send readers from a notice board to a page.

The posters of one folder's pages share one file (``index.posters.html``): a
site with 1,000 lessons would otherwise write 1,000 more files, which cost
about 5 % of its build (scripts/bench.py). A page links its own poster as
``index.posters.html#<page name>``; the sheet then shows and prints only
that poster, and offers the whole folder's, one per sheet of paper.

The QR code holds the page's intranet address (from site_url) and is made at
build time by segno, as inline SVG (qrcodes.py): the sheet needs no font or
request from anywhere else, and prints sharp at any size.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

# Longest text a poster shows; the page itself has the rest
TEXT_LIMIT = 140
SHEET_NAME = "index.posters.html"


@dataclass(frozen=True)
class Poster:
    anchor: str  # the page's file name without .md: its poster's id on the sheet
    title: str
    text: str
    url: str  # the page's intranet address, which the QR code holds
    section: str


def render_sheet(posters: list[Poster], qr_codes: list[str], *, hospital: str, language: str,
                 t) -> str:
    """Return the sheet of ``posters`` (with their QR codes as SVG): a whole HTML
    document. ``t(key, **values)`` gives UI strings."""
    title = posters[0].section or posters[0].title
    items = "".join(_poster(poster, qr, hospital, t) for poster, qr in zip(posters, qr_codes))
    return f"""<!doctype html>
<html lang="{escape(language)}">
<head>
<meta charset="utf-8">
<meta name="renderer" content="webkit">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} · {escape(t("poster.title"))}</title>
<style>{_STYLE}</style>
</head>
<body>
<form class="controls" aria-label="{escape(t("poster.controls"))}">
  <h1>{escape(title)} · {escape(t("poster.title"))}</h1>
  <fieldset><legend>{escape(t("poster.paper"))}</legend>
    <label><input type="radio" name="paper" value="a4" checked> A4</label>
    <label><input type="radio" name="paper" value="a5" id="paper-a5"> A5</label>
  </fieldset>
  <button type="button" onclick="window.print()">{escape(t("poster.print"))}</button>
  <a class="all" href="#" hidden>{escape(t("poster.all", count=len(posters)))}</a>
  <p>{escape(t("poster.hint"))}</p>
</form>
<main>{items}</main>
<script>{_SCRIPT}</script>
</body>
</html>
"""


def _poster(poster: Poster, qr: str, hospital: str, t) -> str:
    text = poster.text
    if len(text) > TEXT_LIMIT:
        text = text[:TEXT_LIMIT - 1] + "…"
    return f"""
<article class="poster" id="{escape(poster.anchor)}">
  <p class="hospital">{escape(hospital)}</p>
  <p class="section">{escape(poster.section)}</p>
  <h2>{escape(poster.title)}</h2>
  <p class="text">{escape(text)}</p>
  <figure>
    {qr}
    <figcaption>{escape(t("poster.scan"))}<br><span class="url">{escape(poster.url)}</span></figcaption>
  </figure>
</article>"""


# A page's link names its poster in the fragment: show (and print) only that
# one, with a link back to all. Without scripts every poster is shown.
_SCRIPT = """
(function () {
  var all = document.querySelector(".all");
  function show() {
    var one = null;
    try {
      one = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    } catch (error) {} // a mistyped address ("#%E0"): show them all
    if (one && !one.classList.contains("poster")) one = null;
    [].forEach.call(document.querySelectorAll(".poster"), function (poster) {
      poster.hidden = !!one && poster !== one;
    });
    all.hidden = !one;
  }
  addEventListener("hashchange", show);
  show();
  // The paper chosen, as a class: cores before Chromium 105 (360 and QQ browsers)
  // have no :has() to see the checked A5 button from the page's style
  var a5 = document.getElementById("paper-a5");
  function paper() {
    document.body.className = a5.checked ? "a5" : "";
  }
  a5.form.addEventListener("change", paper);
  paper();
})();
"""

# A4 by default; choosing A5 (body.a5, set by the script) switches the named page
# and the sizes.
# Each poster is a sheet of paper of its own. On a screen narrower than the paper
# (a phone) the poster and its QR code shrink to fit, instead of scrolling sideways.
_STYLE = """
@page { size: A4; margin: 15mm; }
@page a5 { size: A5; margin: 10mm; }
[hidden] { display: none !important; }
body { margin: 0; font-family: system-ui, "Noto Sans CJK SC", "Microsoft YaHei", sans-serif;
  color: #222; background: #eee; }
.controls { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: center;
  padding: .8rem 1.2rem; background: #fff; border-bottom: 1px solid #ccc; }
.controls h1 { flex-basis: 100%; margin: 0; font-size: 1.2rem; }
.controls fieldset { border: 0; margin: 0; padding: 0; }
.controls legend { float: left; margin-right: .6rem; }
.controls button { font: inherit; padding: .3rem 1.2rem; }
.controls p { margin: 0; color: #555; font-size: .9rem; }
.poster { box-sizing: border-box; width: 180mm; max-width: 100%; min-height: 267mm; margin: 1.5rem auto;
  padding: 18mm 16mm; background: #fff; border-top: 12mm solid #b71c1c;
  display: flex; flex-direction: column; align-items: center; text-align: center; }
.poster + .poster { break-before: page; }
.hospital { margin: 0; font-size: 14pt; color: #b71c1c; letter-spacing: .2em; }
.section { margin: .4em 0 0; font-size: 12pt; color: #666; }
h2 { margin: .8em 0 .5em; font-size: 30pt; line-height: 1.3; }
.text { margin: 0 0 1.5em; font-size: 15pt; line-height: 1.7; text-align: justify; }
figure { margin: auto 0 0; }
.ql-poster-qr { display: block; width: 70mm; height: 70mm; max-width: 100%; margin: 0 auto; }
figcaption { margin-top: .6em; font-size: 13pt; }
.url { font-size: 9pt; color: #555; word-break: break-all; }
body.a5 .poster { page: a5; width: 128mm; min-height: 190mm;
  padding: 10mm; border-top-width: 8mm; }
body.a5 h2 { font-size: 22pt; }
body.a5 .text { font-size: 12pt; }
body.a5 .ql-poster-qr { width: 50mm; height: 50mm; }
@media print {
  body { background: none; }
  .controls { display: none; }
  .poster { margin: 0 auto; border-top-color: #b71c1c; print-color-adjust: exact;
    -webkit-print-color-adjust: exact; }
}
"""
