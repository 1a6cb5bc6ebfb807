"""QR posters: a printable A4/A5 sheet that sends readers from a notice board to a page.

The QR code holds the page's intranet address (from site_url) and is made at
build time by segno, as inline SVG (qrcodes.py): the poster needs no script,
font or request from anywhere else, and prints sharp at any size.
"""

from __future__ import annotations

from html import escape

# Longest text a poster shows; the page itself has the rest
TEXT_LIMIT = 140


def render_poster(*, title: str, text: str, url: str, qr: str, hospital: str, section: str,
                  language: str, t) -> str:
    """Return the poster page: a whole HTML document. ``qr`` is the QR code of ``url``
    as SVG; ``t(key)`` gives UI strings."""
    if len(text) > TEXT_LIMIT:
        text = text[:TEXT_LIMIT - 1] + "…"
    return f"""<!doctype html>
<html lang="{escape(language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} · {escape(t("poster.title"))}</title>
<style>{_STYLE}</style>
</head>
<body>
<form class="controls" aria-label="{escape(t("poster.controls"))}">
  <fieldset><legend>{escape(t("poster.paper"))}</legend>
    <label><input type="radio" name="paper" value="a4" checked> A4</label>
    <label><input type="radio" name="paper" value="a5" id="paper-a5"> A5</label>
  </fieldset>
  <button type="button" onclick="window.print()">{escape(t("poster.print"))}</button>
  <p>{escape(t("poster.hint"))}</p>
</form>
<main class="poster">
  <p class="hospital">{escape(hospital)}</p>
  <p class="section">{escape(section)}</p>
  <h1>{escape(title)}</h1>
  <p class="text">{escape(text)}</p>
  <figure>
    {qr}
    <figcaption>{escape(t("poster.scan"))}<br><span class="url">{escape(url)}</span></figcaption>
  </figure>
</main>
</body>
</html>
"""


# A4 by default; choosing A5 switches the named page and the sizes (no script)
_STYLE = """
@page { size: A4; margin: 15mm; }
@page a5 { size: A5; margin: 10mm; }
body { margin: 0; font-family: system-ui, "Noto Sans CJK SC", "Microsoft YaHei", sans-serif;
  color: #222; background: #eee; }
.controls { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: center;
  padding: .8rem 1.2rem; background: #fff; border-bottom: 1px solid #ccc; }
.controls fieldset { border: 0; margin: 0; padding: 0; }
.controls legend { float: left; margin-right: .6rem; }
.controls button { font: inherit; padding: .3rem 1.2rem; }
.controls p { margin: 0; color: #555; font-size: .9rem; }
.poster { box-sizing: border-box; width: 180mm; min-height: 267mm; margin: 1.5rem auto;
  padding: 18mm 16mm; background: #fff; border-top: 12mm solid #b71c1c;
  display: flex; flex-direction: column; align-items: center; text-align: center; }
.hospital { margin: 0; font-size: 14pt; color: #b71c1c; letter-spacing: .2em; }
.section { margin: .4em 0 0; font-size: 12pt; color: #666; }
h1 { margin: .8em 0 .5em; font-size: 30pt; line-height: 1.3; }
.text { margin: 0 0 1.5em; font-size: 15pt; line-height: 1.7; text-align: justify; }
figure { margin: auto 0 0; }
.ql-poster-qr { display: block; width: 70mm; height: 70mm; margin: 0 auto; }
figcaption { margin-top: .6em; font-size: 13pt; }
.url { font-size: 9pt; color: #555; word-break: break-all; }
body:has(#paper-a5:checked) .poster { page: a5; width: 128mm; min-height: 190mm;
  padding: 10mm; border-top-width: 8mm; }
body:has(#paper-a5:checked) h1 { font-size: 22pt; }
body:has(#paper-a5:checked) .text { font-size: 12pt; }
body:has(#paper-a5:checked) .ql-poster-qr { width: 50mm; height: 50mm; }
@media print {
  body { background: none; }
  .controls { display: none; }
  .poster { margin: 0 auto; border-top-color: #b71c1c; print-color-adjust: exact;
    -webkit-print-color-adjust: exact; }
}
"""
