"""HTML of the gallery: the filterable thumbnail grid and an exhibit's own page.

Every picture is a link to its display-size JPEG, so it works without
JavaScript; gallery.js turns the links marked ``data-ql-lightbox`` into a
lightbox. A card or figure carries what the lightbox shows as its caption.
"""

from __future__ import annotations

from html import escape

from .exhibits import MEDIA, Exhibit, ExhibitImage
from .images import Rendition

# Each medium's name in the UI strings (exhibit.medium.calligraphy …): the front
# matter's value is Chinese on every site
_MEDIUM_NAMES = dict(zip(MEDIA, ("calligraphy", "painting", "photography", "poster", "other")))


def picture(rendition: Rendition, size: str, alt: str, url, *, lazy: bool = True) -> str:
    """Return a <picture>: WebP with a JPEG fallback, sized, lazily loaded.

    ``url(rendition, size, kind)`` gives a rendition's URL relative to the page.
    """
    width, height = rendition.sizes[size]
    loading = ' loading="lazy" decoding="async"' if lazy else ""
    return (f'<picture><source srcset="{escape(url(rendition, size, "webp"))}" type="image/webp">'
            f'<img src="{escape(url(rendition, size, "jpg"))}" alt="{escape(alt)}" '
            f'width="{width}" height="{height}"{loading}></picture>')


def _lightbox_link(image: ExhibitImage, rendition: Rendition, size: str, url,
                   hidden: bool = False) -> str:
    width, height = rendition.sizes["display"]
    return (f'<a class="ql-gallery-image" href="{escape(url(rendition, "display", "jpg"))}" '
            f'data-ql-lightbox data-webp="{escape(url(rendition, "display", "webp"))}" '
            f'data-width="{width}" data-height="{height}" data-alt="{escape(image.alt)}"'
            f'{" hidden" if hidden else ""}>'
            + ("" if hidden else picture(rendition, size, image.alt, url)) + "</a>")


def _meta_line(exhibit: Exhibit, t) -> str:
    creator = escape(exhibit.creator)
    if exhibit.department != exhibit.creator:
        creator = t("exhibit.by_department", creator=creator, department=escape(exhibit.department))
    return f"{creator} · {_medium(exhibit.medium, t)} · {exhibit.year}"


def render_gallery(exhibits: list[Exhibit], renditions: dict[str, Rendition], href, url, t) -> str:
    """Return the gallery index: filters, a live count and one card per exhibit.

    ``renditions`` maps an image's src to its renditions (images that could
    not be made are absent); ``href(exhibit)`` is the exhibit page's URL
    relative to the index; ``t(key, **values)`` gives UI strings.
    """
    media = [medium for medium in MEDIA if any(e.medium == medium for e in exhibits)]
    years = sorted({e.year for e in exhibits}, reverse=True)
    filters = (
        # The controls are no content: kept out of search, their labels ran together there
        f'<form class="ql-gallery-filters" role="search" aria-label="{t("gallery.filters")}" data-search-exclude '
        f'data-count="{escape(t("gallery.count", shown="{shown}", total="{total}"))}" hidden>'
        + _select("medium", t("gallery.medium"), [(medium, _medium(medium, t)) for medium in media], t)
        + _select("year", t("gallery.year"), [(str(year), str(year)) for year in years], t)
        + '<p class="ql-gallery-count" role="status" aria-live="off"></p></form>'
    )
    cards = []
    for exhibit in exhibits:
        images = [(image, renditions[image.src]) for image in exhibit.images
                  if image.src in renditions]
        if images:
            first, *more = images
            pictures = (_lightbox_link(*first, "thumb", url)
                        + "".join(_lightbox_link(*image, "thumb", url, hidden=True) for image in more))
        else:
            pictures = f'<p class="ql-gallery-missing">{t("gallery.no_image")}</p>'
        count = f'<span class="ql-gallery-more">{t("gallery.images", count=len(images))}</span>' \
            if len(images) > 1 else ""
        cards.append(
            f'<li class="ql-gallery-card" data-medium="{escape(exhibit.medium)}" '
            f'data-year="{exhibit.year}">{pictures}'
            f'<h3 class="ql-gallery-title"><a href="{escape(href(exhibit))}">{escape(exhibit.title)}</a></h3>'
            f'<p class="ql-gallery-meta">{_meta_line(exhibit, t)}{count}</p>'
            f'<p class="ql-gallery-description">{escape(exhibit.description)}</p></li>')
    return (f'<section class="ql-gallery" aria-label="{t("gallery.label")}">{filters}'
            f'<ul class="ql-gallery-grid">{"".join(cards)}</ul></section>')


def render_exhibit(exhibit: Exhibit, renditions: dict[str, Rendition], url, t) -> str:
    """Return what an exhibit page shows above its text: its pictures, the facts
    about the work and its description."""
    figures = "".join(
        f'<figure class="ql-exhibit-figure">'
        f'{_lightbox_link(image, renditions[image.src], "display", url)}</figure>'
        for image in exhibit.images if image.src in renditions)
    facts = "".join(f"<dt>{t(f'gallery.{key}')}</dt><dd>{escape(str(value))}</dd>" for key, value in (
        ("creator", exhibit.creator), ("department", exhibit.department),
        ("medium", _medium(exhibit.medium, t)), ("year", exhibit.year)))
    return (f'<section class="ql-gallery ql-exhibit" aria-label="{t("gallery.work")}">'
            f'<div class="ql-gallery-card">{figures}'
            f'<p class="ql-gallery-title" hidden>{escape(exhibit.title)}</p>'
            f'<p class="ql-gallery-meta" hidden>{_meta_line(exhibit, t)}</p>'
            f'<dl class="ql-exhibit-facts">{facts}</dl>'
            f'<p class="ql-gallery-description">{escape(exhibit.description)}</p></div></section>')


def _medium(medium: str, t) -> str:
    return t(f"exhibit.medium.{_MEDIUM_NAMES[medium]}")


def _select(name: str, label: str, options: list[tuple[str, str]], t) -> str:
    choices = "".join(f'<option value="{escape(v)}">{escape(text)}</option>' for v, text in options)
    return (f'<label>{label} <select name="{name}"><option value="">{t("gallery.all")}</option>'
            f"{choices}</select></label>")
