#!/usr/bin/env python3
"""Draw the example works of the 清廉文化长廊 gallery into content/exhibits/images/.

The gallery needs works to show before the hospital's staff hand in their own:
calligraphy on rice paper, ink paintings, photographs of hospital scenes,
posters and paper-cuts. Every one is drawn here with Pillow, from code and a
fixed seed per picture, so nothing is downloaded and a second run writes
byte-identical files. A few are saved the awkward way real files arrive, so
that the gallery's image pipeline has work to do:

- sheying-wenhuaqiang.jpg is a phone photo: pixels stored sideways with EXIF
  Orientation 6, and a camera Make/Model and a (made-up) GPS position that
  the pipeline must strip;
- haibao-hongbao.jpg is a CMYK JPEG, as publicity departments send posters;
- jianzhi-qing.png and jianzhi-lian.png are palette PNGs (mode "P").

Needs the Kai font of Debian's fonts-arphic-ukai for the brush writing, and
Noto CJK (fonts-noto-cjk) for the posters and the signs in the photographs:

    apt-get install fonts-arphic-ukai fonts-noto-cjk

Usage:

    python scripts/make_exhibit_images.py              # draw them all
    python scripts/make_exhibit_images.py --list       # names of the pictures
    python scripts/make_exhibit_images.py --only huihua-zhu --out /tmp/look
"""

from __future__ import annotations

import argparse
import functools
import math
import random
import sys
import time
import zlib
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont, ImageOps

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "content" / "exhibits" / "images"

# kind: (font file, Debian package that installs it, end of the family name
# to pick from the collection)
FONTS = {
    "kai": ("/usr/share/fonts/truetype/arphic/ukai.ttc", "fonts-arphic-ukai", "UKai CN"),
    "sans": ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "fonts-noto-cjk", "CJK SC"),
    "sans-bold": (
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
        "fonts-noto-cjk",
        "CJK SC",
    ),
    "serif-bold": (
        "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",
        "fonts-noto-cjk",
        "CJK SC",
    ),
}

INK = (24, 22, 20)
VERMILION = (184, 38, 34)
PI = math.pi

Resample = Image.Resampling
Blur = ImageFilter.GaussianBlur


# --------------------------------------------------------------------------
# Registry: one function per picture, each returns the finished image

PICTURES: dict[str, tuple] = {}


def picture(stem: str, save: str = "jpeg"):
    """Register a picture function under its file stem; ``save`` says how to write it:
    jpeg, cmyk (CMYK JPEG), phone (sideways JPEG with EXIF) or palette (mode P PNG)."""

    def register(function):
        PICTURES[stem] = (function, save)
        return function

    return register


def seeded(name: str) -> random.Random:
    """The random source of one picture: the same on every run and machine."""
    return random.Random(zlib.crc32(name.encode()))


# --------------------------------------------------------------------------
# Fonts


def missing_fonts() -> list[tuple[str, str]]:
    return sorted(
        {(path, package) for path, package, _ in FONTS.values() if not Path(path).is_file()}
    )


@functools.lru_cache(maxsize=None)
def _face_index(kind: str) -> int:
    path, _, family = FONTS[kind]
    for index in range(16):
        try:
            face = ImageFont.truetype(path, 10, index=index)
        except OSError:
            break
        if face.getname()[0].endswith(family):
            return index
    return 0


@functools.lru_cache(maxsize=None)
def font(kind: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(FONTS[kind][0], size, index=_face_index(kind))


@functools.lru_cache(maxsize=None)
def _em_centre(kind: str, size: int) -> tuple[float, float]:
    """Centre of a full-size ideograph drawn at (0, 0) with anchor 'la'."""
    x0, y0, x1, y1 = font(kind, size).getbbox("国", anchor="la")
    return (x0 + x1) / 2, (y0 + y1) / 2


# --------------------------------------------------------------------------
# Colour, noise and masks


def flat(size, colour, mode="RGB") -> Image.Image:
    return Image.new(mode, size, colour)


def shift(colour, amount):
    return tuple(max(0, min(255, round(c + amount))) for c in colour)


def mix(a, b, t):
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))


def noise(rnd: random.Random, size, cell=1.0) -> Image.Image:
    """Uniform noise (mode L). ``cell`` > 1 makes it smooth, in blobs of about that
    many pixels; a pair (cx, cy) stretches the blobs into streaks."""
    w, h = size
    cx, cy = cell if isinstance(cell, tuple) else (cell, cell)
    sw, sh = max(2, round(w / cx)), max(2, round(h / cy))
    small = Image.frombytes("L", (sw, sh), rnd.randbytes(sw * sh))
    return small if (sw, sh) == (w, h) else small.resize((w, h), Resample.BICUBIC)


def clouds(rnd: random.Random, size, cell: float, octaves: int = 3) -> Image.Image:
    """Smooth fractal noise, stretched to the full 0..255 range."""
    out = noise(rnd, size, cell)
    for octave in range(1, octaves):
        out = Image.blend(out, noise(rnd, size, max(1.0, cell / 2**octave)), 1 / (octave + 2))
    out = out.filter(Blur(max(1.0, cell / 8)))
    return ImageOps.autocontrast(out, cutoff=1)


def levels(mask: Image.Image, low: float, high: float) -> Image.Image:
    """Map 0..255 onto low..high."""
    return mask.point([round(low + (high - low) * v / 255) for v in range(256)])


def smooth_threshold(mask: Image.Image, edge0: float, edge1: float) -> Image.Image:
    def step(v):
        t = min(1.0, max(0.0, (v - edge0) / (edge1 - edge0)))
        return round(255 * t * t * (3 - 2 * t))

    return mask.point([step(v) for v in range(256)])


def paint(img: Image.Image, mask: Image.Image, colour) -> Image.Image:
    """Lay ``colour`` over ``img`` where ``mask`` is set (255: fully covered)."""
    return Image.composite(flat(img.size, colour, img.mode), img, mask)


def add_grain(img: Image.Image, rnd: random.Random, amount: int, cell=1.0) -> Image.Image:
    """Add luminance grain of ±amount."""
    grain = levels(noise(rnd, img.size, cell), 0, 2 * amount)
    return ImageChops.add(img, Image.merge("RGB", (grain,) * 3), 1.0, -amount)


def vertical_gradient(size, stops) -> Image.Image:
    """An RGB image graded top to bottom through ``stops``: [(0.0, colour), …, (1.0, colour)]."""
    w, h = size
    column = Image.new("RGB", (1, h))
    for y in range(h):
        t = y / max(1, h - 1)
        for (t0, c0), (t1, c1) in zip(stops, stops[1:]):
            if t0 <= t <= t1:
                column.putpixel((0, y), mix(c0, c1, (t - t0) / max(1e-9, t1 - t0)))
                break
    return column.resize((w, h), Resample.NEAREST)


def radial_mask(size, centre, radius, inner=0.0) -> Image.Image:
    """255 at ``centre`` falling to 0 at ``radius`` (smoothly; flat up to inner*radius);
    a pair (rx, ry) makes it elliptical."""
    grad = Image.radial_gradient("L")  # 256×256, 0 in the middle, 255 at radius 128
    lut = []
    for v in range(256):
        t = min(1.0, max(0.0, (v / 128 - inner) / (1 - inner)))
        lut.append(round(255 * (1 - t * t * (3 - 2 * t))))
    grad = grad.point(lut)
    rx, ry = radius if isinstance(radius, tuple) else (radius, radius)
    grad = grad.resize((max(1, round(rx * 2)), max(1, round(ry * 2))), Resample.BICUBIC)
    out = Image.new("L", size, 0)
    out.paste(grad, (round(centre[0] - rx), round(centre[1] - ry)))
    return out


def vignette(img: Image.Image, strength: float) -> Image.Image:
    w, h = img.size
    grad = Image.radial_gradient("L").resize((w, h), Resample.BICUBIC)
    shade = grad.point([round(255 * (1 - strength * min(1.0, v / 255) ** 2)) for v in range(256)])
    return ImageChops.multiply(img, Image.merge("RGB", (shade,) * 3))


def bloom(img: Image.Image, threshold: int, radius: float, strength: float) -> Image.Image:
    """Let bright areas glow, as in a real lens."""
    bright = img.point(
        [0 if v < threshold else round((v - threshold) * strength) for v in range(256)] * 3
    )
    return ImageChops.screen(img, bright.filter(Blur(radius)))


def glow(img: Image.Image, centre, radius, colour, strength=1.0, inner=0.0) -> Image.Image:
    """Screen a soft round light onto img."""
    mask = radial_mask(img.size, centre, radius, inner)
    light = Image.composite(
        flat(img.size, colour), flat(img.size, (0, 0, 0)), levels(mask, 0, 255 * strength)
    )
    return ImageChops.screen(img, light)


# --------------------------------------------------------------------------
# Paper, silk and walls


def rice_paper(rnd: random.Random, size, base=(238, 231, 214), fibres=1.0) -> Image.Image:
    """Warm off-white xuan paper: faint blotches, fibres and grain."""
    w, h = size
    blot = clouds(rnd, size, max(w, h) / 9)
    img = Image.composite(flat(size, shift(base, 5)), flat(size, shift(base, -8)), blot)
    for lighten, count, strength in ((12, 1.0, (50, 130)), (-14, 0.3, (30, 90))):
        layer = Image.new("L", size, 0)
        draw = ImageDraw.Draw(layer)
        for _ in range(int(w * h / 4500 * count * fibres)):
            x, y = rnd.uniform(0, w), rnd.uniform(0, h)
            angle = rnd.uniform(0, 2 * PI)
            points = [(x, y)]
            for _ in range(rnd.randint(3, 9)):
                angle += rnd.uniform(-0.6, 0.6)
                step = rnd.uniform(5, 20)
                x, y = x + math.cos(angle) * step, y + math.sin(angle) * step
                points.append((x, y))
            draw.line(points, fill=rnd.randint(*strength), width=1)
        layer = layer.filter(Blur(0.6))
        img = paint(img, layer, shift(base, lighten))
    return add_grain(img, rnd, 3)


def gold_flecks(img: Image.Image, rnd: random.Random, count: int) -> Image.Image:
    """Scatter flakes of gold leaf, as on 洒金宣 paper."""
    w, h = img.size
    layer = Image.new("L", img.size, 0)
    draw = ImageDraw.Draw(layer)
    for _ in range(count):
        x, y, r = rnd.uniform(0, w), rnd.uniform(0, h), rnd.uniform(2, 9)
        points = [
            (
                x + math.cos(a) * r * rnd.uniform(0.4, 1.3),
                y + math.sin(a) * r * rnd.uniform(0.4, 1.3),
            )
            for a in sorted(rnd.uniform(0, 2 * PI) for _ in range(5))
        ]
        draw.polygon(points, fill=rnd.randint(150, 230))
    return paint(img, layer.filter(Blur(0.5)), (206, 168, 84))


def silk(rnd: random.Random, size, colour) -> Image.Image:
    """Mounting silk: a flat colour with a faint sheen."""
    sheen = clouds(rnd, size, max(size) / 5, octaves=2)
    img = Image.composite(flat(size, shift(colour, 7)), flat(size, shift(colour, -7)), sheen)
    return add_grain(img, rnd, 2)


def wall(rnd: random.Random, size, colour, light=(0.5, 0.3)) -> Image.Image:
    """A plain plastered wall, lit from above."""
    w, h = size
    img = Image.composite(
        flat(size, shift(colour, 4)),
        flat(size, shift(colour, -4)),
        clouds(rnd, size, max(size) / 6, octaves=2),
    )
    img = glow(img, (w * light[0], h * light[1]), max(w, h) * 0.8, (40, 36, 30), 0.8)
    img = vignette(img, 0.25)
    return add_grain(img, rnd, 2)


def drop_shadow(img: Image.Image, box, radius=18, offset=(10, 14), strength=110) -> Image.Image:
    x0, y0, x1, y1 = box
    mask = Image.new("L", img.size, 0)
    ImageDraw.Draw(mask).rectangle(
        (x0 + offset[0], y0 + offset[1], x1 + offset[0], y1 + offset[1]), fill=strength
    )
    return paint(img, mask.filter(Blur(radius)), (30, 26, 22))


def border(img: Image.Image, width: int, colour, line=None) -> Image.Image:
    """Frame img with a mount of ``width`` px (and a thin inner line)."""
    w, h = img.size
    out = Image.new("RGB", (w + 2 * width, h + 2 * width), colour)
    out.paste(img, (width, width))
    if line:
        ImageDraw.Draw(out).rectangle(
            (width - 3, width - 3, width + w + 2, width + h + 2), outline=line, width=2
        )
    return out


# --------------------------------------------------------------------------
# Brush writing and seals


def ink_edges(mask: Image.Image, rnd: random.Random, size: float, bleed=1.0) -> Image.Image:
    """Soften a hard mask and let it bleed raggedly into the paper fibres."""
    soft = mask.filter(Blur(max(0.7, size * 0.006 * bleed)))
    grit = levels(noise(rnd, mask.size, max(1.0, size / 150)), 0, 80)
    return smooth_threshold(ImageChops.add(soft, grit, 1.0, -40), 100, 165)


def brush_char(
    canvas: Image.Image,
    ch: str,
    size: int,
    centre,
    rnd: random.Random,
    *,
    ink=INK,
    tilt=2.5,
    turn=0.0,
    weight=0.022,
    dryness=0.35,
    bleed=1.0,
):
    """Write one character in Kai with a brush look: slightly turned, with ragged
    bleeding edges, uneven ink and dry streaks. ``turn`` rotates it (degrees, CCW)."""
    box = int(size * 1.6)
    glyph = Image.new("L", (box, box), 0)
    cx, cy = _em_centre("kai", size)
    ImageDraw.Draw(glyph).text(
        (box / 2 - cx, box / 2 - cy),
        ch,
        font=font("kai", size),
        fill=255,
        anchor="la",
        stroke_width=round(size * weight),
        stroke_fill=255,
    )
    glyph = glyph.rotate(turn + rnd.uniform(-tilt, tilt), resample=Resample.BICUBIC)
    glyph = ink_edges(glyph, rnd, size, bleed)
    # Uneven ink: the brush holds less as it goes
    glyph = ImageChops.multiply(glyph, levels(clouds(rnd, glyph.size, size / 3, 2), 205, 255))
    if dryness:
        # Flying white (飞白): hair-thin gaps where the brush ran dry, only in patches
        streaks = noise(rnd, (box, box), (size / 2, 3.0)).rotate(
            rnd.uniform(-60, 60), resample=Resample.BICUBIC
        )
        gaps = streaks.point([0 if v < 170 else 255 for v in range(256)]).filter(Blur(1.0))
        patches = smooth_threshold(clouds(rnd, (box, box), size / 2.5, 2), 255 - 110 * dryness, 250)
        dry = ImageChops.multiply(gaps, patches).point(lambda v: 255 - v * 150 // 255)
        glyph = ImageChops.multiply(glyph, dry)
    x, y = round(centre[0] - box / 2), round(centre[1] - box / 2)
    canvas.paste(ink, (x, y, x + box, y + box), glyph)


def write_column(canvas, text, x, top, size, rnd, *, gap=0.1, wobble=0.03, **style) -> float:
    """Brush-write ``text`` top to bottom, centred on x; returns the y below the last character.
    A space leaves half a character of room."""
    y = top
    for ch in text:
        if ch == " ":
            y += size * 0.5
            continue
        s = round(size * rnd.uniform(0.94, 1.06))
        brush_char(canvas, ch, s, (x + rnd.uniform(-1, 1) * size * wobble, y + s / 2), rnd, **style)
        y += s * (1 + gap)
    return y


def write_row(canvas, text, left, y, size, rnd, *, gap=0.1, wobble=0.03, **style) -> float:
    """Brush-write ``text`` left to right, centred on y; returns the x after the last character."""
    x = left
    for ch in text:
        s = round(size * rnd.uniform(0.94, 1.06))
        brush_char(canvas, ch, s, (x + s / 2, y + rnd.uniform(-1, 1) * size * wobble), rnd, **style)
        x += s * (1 + gap)
    return x


def glyph_mask(ch: str, kind: str, size) -> Image.Image:
    """One character stretched to fill ``size`` (w, h), as in a seal."""
    big = 240
    canvas = Image.new("L", (big * 2, big * 2), 0)
    ImageDraw.Draw(canvas).text((big, big), ch, font=font(kind, big), fill=255, anchor="mm")
    return canvas.crop(canvas.getbbox()).resize(
        (max(1, round(size[0])), max(1, round(size[1]))), Resample.LANCZOS
    )


def _seal_cells(text, box):
    """Cells of a seal's characters, read column by column from the right."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    gap = min(w, h) * 0.06
    mx, my = x0 + w / 2, y0 + h / 2
    n = len(text)
    if n == 1:
        return [box]
    if n == 2 and h > 1.3 * w:  # tall seal: one above the other
        return [(x0, y0, x1, my - gap / 2), (x0, my + gap / 2, x1, y1)]
    if n == 2:
        return [(mx + gap / 2, y0, x1, y1), (x0, y0, mx - gap / 2, y1)]
    if n == 3:
        return [
            (mx + gap / 2, y0, x1, y1),
            (x0, y0, mx - gap / 2, my - gap / 2),
            (x0, my + gap / 2, mx - gap / 2, y1),
        ]
    return [
        (mx + gap / 2, y0, x1, my - gap / 2),
        (mx + gap / 2, my + gap / 2, x1, y1),
        (x0, y0, mx - gap / 2, my - gap / 2),
        (x0, my + gap / 2, mx - gap / 2, y1),
    ]


def seal(rnd: random.Random, text: str, size, style="white", shape="square") -> Image.Image:
    """An RGBA seal impression: white characters cut into red (白文, style 'white')
    or red characters inside a red frame (朱文, style 'red'); shape square or oval."""
    w, h = size if isinstance(size, tuple) else (size, size)
    scale = 4  # draw large, then shrink: crisper and rounder
    W, H = w * scale, h * scale
    mask = Image.new("L", (W, H), 0)
    draw = ImageDraw.Draw(mask)
    radius = min(W, H) // 2 if shape == "oval" else min(W, H) // 30
    if style == "white":
        draw.rounded_rectangle((0, 0, W - 1, H - 1), radius=radius, fill=255)
        pad, value = min(W, H) * 0.13, 0
    else:
        line = round(min(W, H) * 0.075)
        draw.rounded_rectangle((0, 0, W - 1, H - 1), radius=radius, outline=255, width=line)
        pad, value = min(W, H) * (0.2 if shape == "oval" else 0.16), 255
    inset = (
        pad,
        pad * (1.6 if shape == "oval" else 1),
        W - pad,
        H - pad * (1.6 if shape == "oval" else 1),
    )
    for ch, (x0, y0, x1, y1) in zip(text, _seal_cells(text, inset)):
        glyph = glyph_mask(ch, "serif-bold", (x1 - x0, y1 - y0))
        mask.paste(
            value, (round(x0), round(y0), round(x0) + glyph.width, round(y0) + glyph.height), glyph
        )
    mask = mask.resize((w, h), Resample.LANCZOS)
    # A real impression: worn edges, specks where the paste did not take
    worn = ImageChops.add(mask.filter(Blur(0.8)), levels(noise(rnd, (w, h), 1.5), 0, 90), 1.0, -45)
    worn = smooth_threshold(worn, 90, 170)
    specks = noise(rnd, (w, h), max(2.0, w / 40)).point(
        [255 if v < 215 else 150 for v in range(256)]
    )
    alpha = levels(ImageChops.multiply(worn, specks.filter(Blur(1))), 0, 238)
    out = Image.new("RGBA", (w, h), VERMILION + (0,))
    out.putalpha(alpha)
    return out.rotate(rnd.uniform(-1.5, 1.5), resample=Resample.BICUBIC, expand=True)


def stamp(canvas: Image.Image, mark: Image.Image, centre) -> None:
    """Press a seal onto the paper: its red multiplies with what is underneath."""
    x, y = round(centre[0] - mark.width / 2), round(centre[1] - mark.height / 2)
    box = (x, y, x + mark.width, y + mark.height)
    region = canvas.crop(box)
    tinted = ImageChops.multiply(region, mark.convert("RGB"))
    canvas.paste(Image.composite(tinted, region, mark.getchannel("A")), box)


def sign_off(
    canvas, rnd, lines, x, top, size, seal_text, seal_size, column_gap=1.35, seal_style="white"
) -> None:
    """The inscription (落款): small columns from right to left starting at x, then the
    name seal under the last one."""
    bottom = top
    for i, line in enumerate(lines):
        bottom = write_column(
            canvas,
            line,
            x - i * size * column_gap,
            top,
            size,
            rnd,
            tilt=1.5,
            dryness=0.15,
            gap=0.06,
        )
    last_x = x - (len(lines) - 1) * size * column_gap
    stamp(canvas, seal(rnd, seal_text, seal_size, seal_style), (last_x, bottom + seal_size * 0.75))


# --------------------------------------------------------------------------
# Ink painting: strokes built into an ink-density layer (mode L), laid on paper last


def stroke_outline(points, widths):
    """The polygon of a brush stroke along ``points`` with the given widths."""
    left, right = [], []
    n = len(points)
    for i, (x, y) in enumerate(points):
        xa, ya = points[max(i - 1, 0)]
        xb, yb = points[min(i + 1, n - 1)]
        dx, dy = xb - xa, yb - ya
        length = math.hypot(dx, dy) or 1.0
        nx, ny = -dy / length, dx / length
        half = widths[i] / 2
        left.append((x + nx * half, y + ny * half))
        right.append((x - nx * half, y - ny * half))
    return left + right[::-1]


def bezier(p0, p1, p2, p3, n=32):
    points = []
    for i in range(n + 1):
        t = i / n
        a, b, c, d = (1 - t) ** 3, 3 * t * (1 - t) ** 2, 3 * t * t * (1 - t), t**3
        points.append(
            (
                a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0],
                a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1],
            )
        )
    return points


def add_ink(layer: Image.Image, polygon, value: int, blur=1.0, grain=None) -> None:
    """Add ink of density ``value`` inside ``polygon`` to ``layer`` (overlaps darken).
    ``grain`` = (rnd, cell, low) gives a dry-brush texture."""
    xs, ys = [p[0] for p in polygon], [p[1] for p in polygon]
    pad = int(blur * 3) + 3
    x0, y0 = int(min(xs)) - pad, int(min(ys)) - pad
    x1, y1 = int(max(xs)) + pad + 1, int(max(ys)) + pad + 1
    if x1 <= 0 or y1 <= 0 or x0 >= layer.width or y0 >= layer.height:
        return
    local = Image.new("L", (x1 - x0, y1 - y0), 0)
    ImageDraw.Draw(local).polygon([(x - x0, y - y0) for x, y in polygon], fill=value)
    if blur:
        local = local.filter(Blur(blur))
    if grain:
        rnd, cell, low = grain
        texture = noise(rnd, local.size, cell).filter(Blur(0.8))
        local = ImageChops.multiply(local, levels(ImageOps.autocontrast(texture), low, 255))
    region = layer.crop((x0, y0, x1, y1))
    layer.paste(ImageChops.add(region, local), (x0, y0))


def brush_line(layer, points, widths, value, blur=1.0, grain=None) -> None:
    add_ink(layer, stroke_outline(points, widths), value, blur, grain)


def dot(layer, centre, radius, value, blur=1.0) -> None:
    x, y = centre
    add_ink(
        layer,
        [
            (x + math.cos(a) * radius, y + math.sin(a) * radius)
            for a in [i * 2 * PI / 16 for i in range(16)]
        ],
        value,
        blur,
    )


def blade_widths(n, width, base=0.15, peak=0.3):
    """Widths of a leaf-like stroke: a narrow start, widest near ``peak``, a sharp tip."""
    out = []
    power = math.log(0.5) / math.log(peak)
    for i in range(n + 1):
        t = i / n
        out.append(width * max(base * (1 - t), max(0.0, math.sin(PI * t**power)) ** 0.85))
    return out


def lay_ink(canvas: Image.Image, layer: Image.Image, colour=INK) -> Image.Image:
    return paint(canvas, layer, colour)


def painting_title(canvas, rnd, title, x, top, size, inscription, seal_text, seal_size=None):
    """Title column in Kai, the painter's inscription to its left and a seal."""
    bottom = write_column(canvas, title, x, top, size, rnd, tilt=2, dryness=0.25)
    small = round(size * 0.42)
    sign_off(
        canvas,
        rnd,
        inscription,
        x - size * 0.95,
        top + size * 0.3,
        small,
        seal_text,
        seal_size or round(size * 0.78),
    )
    return bottom


# --------------------------------------------------------------------------
# Perspective (photographs)


def _solve(rows, rhs):
    """Solve a small linear system by Gaussian elimination."""
    n = len(rhs)
    m = [row[:] + [value] for row, value in zip(rows, rhs)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(n):
            if r != col and m[r][col]:
                f = m[r][col] / m[col][col]
                m[r] = [a - f * b for a, b in zip(m[r], m[col])]
    return [m[i][n] / m[i][i] for i in range(n)]


def place(canvas: Image.Image, flat_img: Image.Image, quad) -> Image.Image:
    """Paste ``flat_img`` (RGB or RGBA) into ``quad`` (its corners top-left, top-right,
    bottom-right, bottom-left on the canvas), in perspective."""
    w, h = flat_img.size
    src = [(0, 0), (w, 0), (w, h), (0, h)]
    rows, rhs = [], []
    for (xs, ys), (xd, yd) in zip(src, quad):
        rows.append([xd, yd, 1, 0, 0, 0, -xs * xd, -xs * yd])
        rhs.append(xs)
        rows.append([0, 0, 0, xd, yd, 1, -ys * xd, -ys * yd])
        rhs.append(ys)
    coeffs = _solve(rows, rhs)
    rgba = flat_img.convert("RGBA")
    warped = rgba.transform(canvas.size, Image.Transform.PERSPECTIVE, coeffs, Resample.BICUBIC)
    out = canvas.copy()
    out.paste(warped, (0, 0), warped)
    return out


class Camera:
    """A pinhole camera at the origin looking down +z (x right, y down), in metres."""

    def __init__(self, focal, centre):
        self.focal, self.cx, self.cy = focal, centre[0], centre[1]

    def __call__(self, x, y, z):
        return self.cx + self.focal * x / z, self.cy + self.focal * y / z

    def quad(self, corners):
        return [self(*corner) for corner in corners]


def photo_finish(
    img, rnd, *, soften=0.6, vignette_strength=0.35, grain=5, bloom_at=215, bloom_radius=25
) -> Image.Image:
    """What a camera adds: bloom, lens softness, vignetting and sensor grain."""
    img = bloom(img, bloom_at, bloom_radius, 0.8)
    if soften:
        img = img.filter(Blur(soften))
    img = vignette(img, vignette_strength)
    return add_grain(img, rnd, grain, cell=1.3)


# ==========================================================================
# 书法 Calligraphy


@picture("shufa-qingfeng-zhengqi")
def calligraphy_banner(rnd):
    """横幅: 清风正气, left to right, with a leading seal and the inscription at the end."""
    w, h = 2400, 980
    paper = rice_paper(rnd, (w - 120, h - 120))
    size = 390
    write_row(paper, "清风正气", 150, (h - 120) / 2 + 10, size, rnd, gap=0.13, dryness=0.45)
    stamp(paper, seal(rnd, "清风", (74, 120), "red", "oval"), (95, 150))
    sign_off(paper, rnd, ["乙巳年春月", "文涛书"], 2110, 200, 54, "李文涛印", 104)
    img = border(paper, 60, (206, 196, 170), line=(150, 136, 110))
    return add_grain(img, rnd, 1)


@picture("shufa-lianjie-xingyi")
def calligraphy_hanging_scroll(rnd):
    """条幅: 廉洁行医, one column, mounted as a hanging scroll on a wall."""
    w, h = 1040, 2480
    img = wall(rnd, (w, h), (214, 210, 200), light=(0.5, 0.15))
    paper_size = (560, 1600)
    paper = rice_paper(rnd, paper_size)
    write_column(paper, "廉洁行医", 300, 80, 320, rnd, gap=0.12, dryness=0.4)
    sign_off(paper, rnd, ["甲辰年秋", "明远书"], 92, 840, 48, "周明远", 92)
    scroll_w, top, bottom = 700, 380, 250
    mount = silk(rnd, (scroll_w, top + paper_size[1] + bottom), (198, 204, 190))
    draw = ImageDraw.Draw(mount)
    px = (scroll_w - paper_size[0]) // 2
    draw.rectangle(
        (px - 10, top - 10, px + paper_size[0] + 9, top + paper_size[1] + 9), fill=(232, 226, 206)
    )
    mount.paste(paper, (px, top))
    # Two narrow ribbons (惊燕) hanging in the top field
    for x in (scroll_w * 0.36, scroll_w * 0.64):
        draw.rectangle((x - 9, 0, x + 9, top * 0.78), fill=(182, 190, 176))
    sx, sy = (w - scroll_w) // 2, 150
    img = drop_shadow(img, (sx, sy, sx + scroll_w, sy + mount.height), 20, (12, 16), 120)
    img.paste(mount, (sx, sy))
    draw = ImageDraw.Draw(img)
    # Hanging cord, top rod and the round bottom rod with its knobs
    draw.line(
        [(sx + 90, sy + 4), (w / 2, 52), (sx + scroll_w - 90, sy + 4)], fill=(96, 76, 52), width=5
    )
    draw.ellipse((w / 2 - 9, 42, w / 2 + 9, 60), fill=(120, 110, 96))
    draw.rectangle((sx - 6, sy - 8, sx + scroll_w + 6, sy + 14), fill=(92, 62, 40))
    rod_y = sy + mount.height
    draw.rectangle((sx - 4, rod_y - 6, sx + scroll_w + 4, rod_y + 30), fill=(78, 52, 34))
    for kx in (sx - 44, sx + scroll_w + 4):
        draw.rounded_rectangle((kx, rod_y - 12, kx + 40, rod_y + 36), radius=10, fill=(58, 38, 24))
        draw.rounded_rectangle(
            (kx + 6, rod_y - 8, kx + 20, rod_y + 30), radius=6, fill=(96, 66, 44)
        )
    return img


@picture("shufa-gongshengming")
def calligraphy_square(rnd):
    """斗方: 公生明 廉生威 in two columns read from the right."""
    side = 1900
    paper = rice_paper(rnd, (side, side), base=(240, 232, 212))
    size = 400
    write_column(paper, "公生明", 1330, 190, size, rnd, gap=0.13)
    write_column(paper, "廉生威", 790, 300, size, rnd, gap=0.13)
    stamp(paper, seal(rnd, "守正", (70, 118), "red", "oval"), (1620, 220))
    sign_off(
        paper, rnd, ["录明代官箴句", "癸卯冬月 雅琴"], 420, 640, 60, "雅琴", 96, seal_style="red"
    )
    img = border(paper, 70, (228, 222, 204), line=(176, 160, 130))
    return add_grain(img, rnd, 1)


@picture("shufa-danbo-ningjing")
def calligraphy_couplet(rnd):
    """对联: 淡泊以明志 / 宁静以致远 on gold-flecked paper, a pair of scrolls on a wall."""
    w, h = 1900, 2560
    img = wall(rnd, (w, h), (205, 200, 190), light=(0.5, 0.1))
    paper_size = (500, 1900)
    scroll_w = 620
    xs = [w / 2 + 90, w / 2 - 90 - scroll_w]  # right scroll (first line) and left scroll
    top = 200
    for index, (x, text) in enumerate(zip(xs, ("淡泊以明志", "宁静以致远"))):
        x = round(x)
        paper = gold_flecks(rice_paper(rnd, paper_size, base=(236, 224, 196)), rnd, 260)
        write_column(
            paper,
            text,
            paper_size[0] / 2 + (-10 if index == 0 else 14),
            150,
            290,
            rnd,
            gap=0.09,
            dryness=0.45,
        )
        if index == 0:  # 上款 at the top right of the first scroll
            write_column(
                paper, "录诸葛亮诫子书句", 446, 160, 40, rnd, tilt=1.5, dryness=0.1, gap=0.06
            )
        else:  # 下款 and seal low on the left of the second
            sign_off(paper, rnd, ["壬寅年秋 志平书"], 56, 1180, 42, "孙志平印", 78)
        mount = silk(rnd, (scroll_w, paper_size[1] + 260), (214, 200, 170))
        mount.paste(paper, ((scroll_w - paper_size[0]) // 2, 150))
        img = drop_shadow(img, (x, top, x + scroll_w, top + mount.height), 18, (10, 14), 120)
        img.paste(mount, (x, top))
        draw = ImageDraw.Draw(img)
        draw.rectangle((x - 4, top - 8, x + scroll_w + 4, top + 12), fill=(92, 62, 40))
        rod_y = top + mount.height
        draw.rectangle((x - 2, rod_y - 6, x + scroll_w + 2, rod_y + 26), fill=(78, 52, 34))
        for kx in (x - 36, x + scroll_w + 2):
            draw.rounded_rectangle(
                (kx, rod_y - 10, kx + 34, rod_y + 32), radius=9, fill=(58, 38, 24)
            )
        draw.line(
            [(x + 80, top), (x + scroll_w / 2, top - 120), (x + scroll_w - 80, top)],
            fill=(96, 76, 52),
            width=4,
        )
        draw.ellipse(
            (x + scroll_w / 2 - 8, top - 128, x + scroll_w / 2 + 8, top - 112), fill=(120, 110, 96)
        )
    return img


@picture("shufa-shihuiyin")
def calligraphy_fan(rnd):
    """扇面: 于谦《石灰吟》 in radial columns on a folding-fan leaf, mounted on card."""
    w, h = 2600, 1500
    img = silk(rnd, (w, h), (224, 216, 196))
    cx, cy, outer, inner = w / 2, 1480, 1330, 560
    spread = math.radians(62)
    # The fan leaf: folds alternately lit and shaded
    leaf = rice_paper(rnd, (w, h), base=(238, 226, 198), fibres=0.6)
    folds = 28
    shade = Image.new("L", (w, h), 0)
    draw = ImageDraw.Draw(shade)
    for i in range(folds):
        a0 = -spread + 2 * spread * i / folds
        a1 = -spread + 2 * spread * (i + 1) / folds
        pts = [
            (cx + math.sin(a) * r, cy - math.cos(a) * r)
            for a, r in ((a0, inner), (a0, outer), (a1, outer), (a1, inner))
        ]
        draw.polygon(pts, fill=22 if i % 2 else 0)
    leaf = paint(leaf, shade.filter(Blur(5)), (150, 130, 100))
    mask = Image.new("L", (w, h), 0)
    draw = ImageDraw.Draw(mask)
    arc = [
        (
            cx + math.sin(-spread + 2 * spread * i / 200) * outer,
            cy - math.cos(-spread + 2 * spread * i / 200) * outer,
        )
        for i in range(201)
    ]
    arc_in = [
        (
            cx + math.sin(spread - 2 * spread * i / 200) * inner,
            cy - math.cos(spread - 2 * spread * i / 200) * inner,
        )
        for i in range(201)
    ]
    draw.polygon(arc + arc_in, fill=255)
    shadow = mask.filter(Blur(14)).point(lambda v: v * 110 // 255)
    img = paint(img, ImageChops.offset(shadow, 10, 14), (40, 32, 24))
    img.paste(leaf, (0, 0), mask)

    def at(angle, radius):
        return cx + math.sin(angle) * radius, cy - math.cos(angle) * radius

    poem = "千锤万凿出深山烈火焚烧若等闲粉骨碎身浑不怕要留清白在人间"
    lengths = [4, 2, 4, 2, 4, 2, 4, 2, 4]
    size, step = 112, 128
    angle = math.radians(50)
    column_step = math.radians(9.0)
    i = 0
    for count in lengths:
        for j in range(count):
            brush_char(
                img,
                poem[i],
                size,
                at(angle, outer - 110 - j * step),
                rnd,
                turn=-math.degrees(angle),
                tilt=2,
                dryness=0.3,
            )
            i += 1
        angle -= column_step
    # Inscription: two short columns and the seal
    angle -= math.radians(1.5)
    for j, ch in enumerate("于谦石灰吟"):
        brush_char(
            img,
            ch,
            52,
            at(angle, outer - 110 - j * 60),
            rnd,
            turn=-math.degrees(angle),
            tilt=1.5,
            dryness=0.1,
        )
    angle -= math.radians(3.6)
    for j, ch in enumerate("辛丑冬思雨书"):
        brush_char(
            img,
            ch,
            52,
            at(angle, outer - 110 - j * 60),
            rnd,
            turn=-math.degrees(angle),
            tilt=1.5,
            dryness=0.1,
        )
    mark = seal(rnd, "思雨", 78, "white").rotate(
        -math.degrees(angle), expand=True, resample=Resample.BICUBIC
    )
    stamp(img, mark, at(angle, outer - 110 - 6 * 60 - 40))
    return img


# ==========================================================================
# 绘画 Ink paintings


def _bamboo_leaf(layer, rnd, base, angle, length, width, value):
    bend = rnd.uniform(-0.12, 0.12)
    points = []
    for i in range(25):
        t = i / 24
        along = length * t
        side = length * bend * math.sin(PI * t)
        points.append(
            (
                base[0] + math.cos(angle) * along - math.sin(angle) * side,
                base[1] + math.sin(angle) * along + math.cos(angle) * side,
            )
        )
    brush_line(layer, points, blade_widths(24, width, 0.12, 0.28), value, 1.2, (rnd, 2.5, 215))


def _bamboo_cluster(layer, rnd, tip, droop, value, count=None):
    """A cluster of leaves shaped like 个 or 介, hanging from a twig tip."""
    count = count or rnd.randint(3, 5)
    spread = [-0.75, -0.2, 0.35, 0.9, -1.2][:count]
    for offset in spread:
        angle = droop + offset + rnd.uniform(-0.12, 0.12)
        _bamboo_leaf(layer, rnd, tip, angle, rnd.uniform(190, 300), rnd.uniform(30, 42), value)


def _bamboo_stalk(layer, rnd, x, lean, width, value, h, leaves):
    """One culm from below the frame to above it; returns its node positions."""
    y = h + 40
    nodes = []
    seg = 170
    while y > -60:
        top_y = y - seg
        x_top = x + lean * seg
        gap = 7
        quad = [
            (x - width / 2, y - gap),
            (x + width / 2, y - gap),
            (x_top + width / 2, top_y + gap),
            (x_top - width / 2, top_y + gap),
        ]
        add_ink(layer, quad, value, 1.4, (rnd, (3, 50), 90))
        for side in (-1, 1):  # ink gathers along the edges
            edge = [(x + side * width * 0.46, y - gap), (x_top + side * width * 0.46, top_y + gap)]
            brush_line(layer, edge, [width * 0.12] * 2, round(value * 0.45), 1.2)
        # The node: a short dark stroke across the joint
        node = [
            (x_top - width * 0.62 + width * 1.24 * t / 8, top_y + 4 * math.sin(PI * t / 8) - 2)
            for t in range(9)
        ]
        brush_line(layer, node, [5, 9, 11, 11, 10, 9, 8, 6, 3], min(255, value + 40), 1.0)
        nodes.append((x_top, top_y))
        x, y = x_top, top_y
        seg = min(310, seg + rnd.uniform(15, 45))
    return nodes


@picture("huihua-zhu")
def bamboo(rnd):
    """墨竹: three culms, twigs and clusters of leaves; title 虚心有节."""
    w, h = 1400, 2400
    canvas = rice_paper(rnd, (w, h))
    back, front = Image.new("L", (w, h), 0), Image.new("L", (w, h), 0)
    stalks = [(880, 0.05, 34, 105, back), (560, -0.03, 58, 215, front), (700, 0.02, 44, 190, front)]
    for x, lean, width, value, layer in stalks:
        nodes = _bamboo_stalk(layer, rnd, x, lean, width, value, h, None)
        for k, (nx, ny) in enumerate(nodes):
            if ny < 250 or ny > 1900 or rnd.random() < 0.2:
                continue
            side = 1 if (k + int(x)) % 2 else -1
            angle = -PI / 2 + side * rnd.uniform(0.55, 0.9)
            points, px, py = [(nx, ny)], nx, ny
            for _ in range(4):
                angle += rnd.uniform(-0.15, 0.15)
                px, py = px + math.cos(angle) * 70, py + math.sin(angle) * 70
                points.append((px, py))
            if px < 470 and py < 1050:  # keep the corner for the title clear
                continue
            brush_line(layer, points, [9, 8, 7, 5, 4], value, 1.0)
            droop = PI / 2 - side * rnd.uniform(0.5, 0.9)
            _bamboo_cluster(layer, rnd, (px, py), droop, value)
            mx, my = points[2]
            _bamboo_cluster(layer, rnd, (mx, my), PI / 2 - side * 1.1, round(value * 0.8), 3)
    # A few clusters at the top that reach in from above the frame
    for x, y, droop in ((1100, 120, 1.2), (760, 40, 1.6)):
        _bamboo_cluster(front, rnd, (x, y), droop, 200)
    canvas = lay_ink(canvas, back.filter(Blur(1.5)), (60, 58, 56))
    canvas = lay_ink(canvas, front)
    painting_title(canvas, rnd, "虚心有节", 320, 150, 120, ["甲辰年夏", "国栋写"], "吴国栋印")
    return border(canvas, 50, (226, 220, 204), line=(170, 156, 128))


def _lotus_leaf(layer, rnd, centre, rx, ry, tilt, value):
    """A lotus leaf seen from the side: broad wedges of uneven ink around the stem's
    hub, with paper left between some of them as veins; returns the hub."""
    cx, cy = centre
    harmonics = [
        (rnd.uniform(0.03, 0.08), rnd.randint(3, 7), rnd.uniform(0, 2 * PI)) for _ in range(3)
    ]

    def rim(a):
        r = 1 + sum(amp * math.sin(k * a + phase) for amp, k, phase in harmonics)
        x, y = math.cos(a) * rx * r, math.sin(a) * ry * r
        return cx + x * math.cos(tilt) - y * math.sin(tilt), cy + x * math.sin(tilt) + y * math.cos(
            tilt
        )

    hub = (cx + rx * 0.06, cy - ry * 0.08)
    cuts = sorted(rnd.uniform(0, 2 * PI) for _ in range(rnd.randint(6, 8)))
    for k, a0 in enumerate(cuts):
        a1 = cuts[(k + 1) % len(cuts)] + (2 * PI if k == len(cuts) - 1 else 0)
        a0, a1 = a0 + 0.022, a1 - 0.022
        arc = [rim(a0 + (a1 - a0) * i / 24) for i in range(25)]
        add_ink(
            layer, [hub] + arc, round(value * rnd.uniform(0.6, 1.0)), 9, (rnd, max(rx, ry) / 4, 150)
        )
        x, y = arc[rnd.randrange(6, 19)]  # a wetter, darker stroke out from the hub
        t = rnd.uniform(0.55, 0.8)
        sweep = [
            (hub[0] + (x - hub[0]) * t * i / 10, hub[1] + (y - hub[1]) * t * i / 10)
            for i in range(11)
        ]
        brush_line(
            layer, sweep, [ry * 0.25 * (1 - i / 14) for i in range(11)], round(value * 0.35), 10
        )
        if rnd.random() < 0.6:  # a dark vein along some of the gaps
            x, y = rim(a1 + 0.025)
            vein = [
                (hub[0] + (x - hub[0]) * t / 10, hub[1] + (y - hub[1]) * t / 10)
                for t in range(1, 10)
            ]
            brush_line(layer, vein, [6, 6, 5, 5, 4, 4, 3, 3, 2], round(value * 0.55), 1.2)
    outline = [rim(2 * PI * i / 140) for i in range(141)]
    brush_line(layer, outline, [rnd.uniform(2, 8) for _ in outline], round(value * 0.25), 3)
    return hub


def _petal(layer, deep, base, angle, length, width, value):
    points = [
        (base[0] + math.cos(angle) * length * i / 20, base[1] + math.sin(angle) * length * i / 20)
        for i in range(21)
    ]
    widths = [
        width * max(0.0, math.sin(PI * (0.08 + 0.92 * i / 20) ** 0.75)) ** 0.7 for i in range(21)
    ]
    add_ink(layer, stroke_outline(points, widths), value, 3)
    tip = points[12:]
    add_ink(deep, stroke_outline(tip, widths[12:]), 90, 6)
    for offset in (-0.25, 0.0, 0.25):  # veins
        vein = [
            (
                base[0] + math.cos(angle + offset * (1 - i / 14)) * length * i / 16,
                base[1] + math.sin(angle + offset * (1 - i / 14)) * length * i / 16,
            )
            for i in range(3, 14)
        ]
        brush_line(deep, vein, [2] * len(vein), 70, 0.8)


@picture("huihua-he")
def lotus(rnd):
    """荷花: broad ink leaves, a pink flower and a bud; title 出淤泥而不染."""
    w, h = 2400, 1560
    canvas = rice_paper(rnd, (w, h))
    ink = Image.new("L", (w, h), 0)
    pink, deep = Image.new("L", (w, h), 0), Image.new("L", (w, h), 0)
    hubs = [
        _lotus_leaf(ink, rnd, (640, 760), 560, 250, -0.12, 200),
        _lotus_leaf(ink, rnd, (1560, 330), 430, 170, 0.18, 150),
        _lotus_leaf(ink, rnd, (1660, 1180), 250, 110, -0.3, 120),
    ]
    flower, bud = (1170, 720), (1930, 760)
    for top, value, bend in (
        (hubs[0], 200, -120),
        (hubs[1], 150, 160),
        (hubs[2], 120, 60),
        ((flower[0], flower[1] + 10), 190, -80),
        (bud, 170, 90),
    ):
        start = (top[0] + bend * 0.6, h + 30)
        stem = bezier(
            start, (start[0] + bend, h * 0.75), (top[0] - bend * 0.4, top[1] + 200), top, 30
        )
        brush_line(ink, stem, [12] * 31, value, 1.2, (rnd, (2, 12), 150))
        for i in range(3, 29, 3):  # the little thorns
            x, y = stem[i]
            dot(ink, (x + rnd.choice((-8, 8)), y + rnd.uniform(-6, 6)), 3.2, value, 0.8)
    # The flower: back petals first
    for angle, length, width, value in (
        (-1.95, 250, 150, 150),
        (-1.2, 250, 150, 150),
        (-1.57, 280, 150, 160),
        (-2.55, 230, 140, 190),
        (-0.6, 230, 140, 190),
        (-2.1, 210, 150, 215),
        (-1.05, 210, 150, 215),
    ):
        _petal(pink, deep, flower, angle + rnd.uniform(-0.05, 0.05), length, width, value)
    for angle, length, width in ((-1.75, 230, 110), (-1.4, 230, 110)):
        _petal(pink, deep, bud, angle, length, width, 200)
    canvas = lay_ink(canvas, ink)
    canvas = lay_ink(canvas, pink, (232, 122, 146))
    canvas = lay_ink(canvas, deep, (190, 48, 92))
    pod, gold = Image.new("L", (w, h), 0), Image.new("L", (w, h), 0)  # the seed pod and stamens
    fx, fy = flower[0], flower[1] - 70
    add_ink(
        pod,
        [(fx - 46, fy - 26), (fx + 46, fy - 26), (fx + 30, fy + 24), (fx - 30, fy + 24)],
        230,
        2,
    )
    for i in range(11):
        a = -PI / 2 + (i - 5) * 0.24 + rnd.uniform(-0.08, 0.08)
        r = rnd.uniform(60, 85)
        x, y = fx + math.cos(a) * r, fy + 10 + math.sin(a) * r * 0.55
        brush_line(gold, [(fx + (x - fx) * 0.3, fy + 12), (x, y)], [2.5, 2], 170, 0.8)
        dot(gold, (x, y), 4.5, 220, 0.8)
    canvas = lay_ink(canvas, pod, (176, 178, 88))
    canvas = lay_ink(canvas, gold, (226, 164, 44))
    water = Image.new("L", (w, h), 0)
    for _ in range(9):
        x, y, length = rnd.uniform(150, 2100), rnd.uniform(1380, 1520), rnd.uniform(120, 320)
        brush_line(water, [(x, y), (x + length / 2, y - 4), (x + length, y)], [2, 7, 2], 70, 1.5)
    canvas = lay_ink(canvas, water)
    painting_title(canvas, rnd, "出淤泥而不染", 2260, 150, 110, ["癸卯年夏", "晓梅写"], "林晓梅")
    return border(canvas, 50, (226, 220, 204), line=(170, 156, 128))


def _plum_branch(layer, rnd, start, angle, length, width, depth, tips, value=225):
    """A jagged plum branch with its offshoots; collects blossom spots in ``tips``."""
    points, widths = [start], [width]
    x, y = start
    steps = max(2, int(length / 60))
    for i in range(steps):
        angle += rnd.uniform(-0.32, 0.32)
        x, y = x + math.cos(angle) * length / steps, y + math.sin(angle) * length / steps
        points.append((x, y))
        widths.append(max(3.0, width * (1 - 0.7 * (i + 1) / steps)))
    if width > 20:  # old wood: a mottled wash with dry, dark bark along both edges
        brush_line(layer, points, widths, round(value * 0.85), 1.6, (rnd, 9.0, 120))
        outline = stroke_outline(points, [wd * 0.84 for wd in widths])
        half = len(outline) // 2
        for edge in (outline[:half], outline[half:]):
            brush_line(
                layer, edge, [wd * 0.22 for wd in widths], value, 1.2, (rnd, (3.0, 3.0), 120)
            )
    else:
        brush_line(layer, points, widths, value, 1.3, (rnd, 2.5, 170))
    if width > 24:  # dark moss dots (苔点) on old wood
        for _ in range(int(length / 90)):
            px, py = points[rnd.randrange(1, len(points))]
            dot(layer, (px + rnd.uniform(-width / 2, width / 2), py), rnd.uniform(4, 8), 255, 1)
    tips.append((x, y))
    tips.extend(points[len(points) // 2 + 1 :: 2])
    if depth == 0:
        return
    for _ in range(rnd.randint(2, 3)):
        j = rnd.randrange(1, len(points) - 1)
        child_angle = angle + rnd.choice((-1, 1)) * rnd.uniform(0.45, 0.95)
        _plum_branch(
            layer,
            rnd,
            points[j],
            child_angle,
            length * rnd.uniform(0.45, 0.65),
            widths[j] * 0.65,
            depth - 1,
            tips,
            value,
        )
    if depth == 1 and rnd.random() < 0.6:  # a long straight young shoot
        for _ in range(1):
            j = rnd.randrange(1, len(points))
            a = -PI / 2 + rnd.uniform(-0.5, 0.6)
            sx, sy = points[j]
            length2 = rnd.uniform(180, 330)
            shoot = [
                (sx + math.cos(a) * length2 * t / 6, sy + math.sin(a) * length2 * t / 6)
                for t in range(7)
            ]
            brush_line(layer, shoot, [5, 4, 4, 3, 3, 2, 2], 200, 0.9)
            tips.append(shoot[-1])
            tips.append(shoot[3])


def _blossom(petals, ink, rnd, centre, radius):
    cx, cy = centre
    turn = rnd.uniform(0, 2 * PI)
    for k in range(5):
        a = turn + 2 * PI * k / 5
        dot(
            petals,
            (cx + math.cos(a) * radius * 0.55, cy + math.sin(a) * radius * 0.55),
            radius * rnd.uniform(0.48, 0.56),
            rnd.randint(150, 200),
            1.6,
        )
    for k in range(7):  # stamens
        a = turn + 2 * PI * k / 7 + rnd.uniform(-0.15, 0.15)
        r = radius * rnd.uniform(0.4, 0.6)
        end = (cx + math.cos(a) * r, cy + math.sin(a) * r)
        brush_line(ink, [(cx, cy), end], [1.6, 1.2], 130, 0.6)
        dot(ink, end, 2.2, 210, 0.6)


@picture("huihua-mei")
def plum(rnd):
    """红梅: an old branch with young shoots and red blossoms; title 只留清气满乾坤."""
    w, h = 1440, 2400
    canvas = rice_paper(rnd, (w, h))
    ink, petals = Image.new("L", (w, h), 0), Image.new("L", (w, h), 0)
    tips = []
    _plum_branch(ink, rnd, (140, h + 40), -1.2, 1500, 74, 3, tips)
    _plum_branch(ink, rnd, (w + 60, 420), 2.75, 760, 30, 2, tips, 205)
    rnd.shuffle(tips)
    for x, y in tips[:70]:
        if 0 < x < w - 40 and 40 < y < h:
            _blossom(
                petals,
                ink,
                rnd,
                (x + rnd.uniform(-14, 14), y + rnd.uniform(-14, 14)),
                rnd.uniform(24, 34),
            )
    for x, y in tips[70:110]:  # buds
        if 0 < x < w and 0 < y < h:
            dot(petals, (x, y), rnd.uniform(9, 13), 255, 1)
            dot(ink, (x + 3, y + 7), 4, 220, 0.8)
    canvas = lay_ink(canvas, petals, (204, 42, 58))
    canvas = lay_ink(canvas, ink)
    painting_title(
        canvas, rnd, "只留清气满乾坤", 190, 140, 104, ["乙巳年立春", "秋雁写"], "郑秋雁印"
    )
    return border(canvas, 50, (226, 220, 204), line=(170, 156, 128))


def _orchid_leaf(layer, rnd, base, c1, c2, tip, width, value):
    points = bezier(base, c1, c2, tip, 48)
    widths = []
    for i in range(49):
        t = i / 48
        swell = max(0.0, math.sin(PI * t**0.8)) ** 0.8 * (
            0.7 + 0.3 * math.cos(2 * PI * (t * 2.2 - 0.3))
        )
        widths.append(max(1.5, width * swell))
    brush_line(layer, points, widths, value, 1.1, (rnd, (1.5, 1.5), 190))


@picture("huihua-lan")
def orchid(rnd):
    """幽兰: long arching leaves, light-ink flowers with dark hearts, tufts of grass; title 幽兰."""
    side = 2000
    canvas = rice_paper(rnd, (side, side))
    ink, light = Image.new("L", (side, side), 0), Image.new("L", (side, side), 0)
    bx, by = 1080, 1620
    # Soft ground at the roots, small tufts of grass and moss dots
    add_ink(
        light,
        [
            (bx + 420 * math.cos(a), by + 60 + 70 * math.sin(a))
            for a in [i * 2 * PI / 32 for i in range(32)]
        ],
        55,
        30,
        (rnd, 60, 120),
    )
    for tx, count in ((bx - 330, 5), (bx + 300, 4), (bx - 120, 3)):
        for k in range(count):
            a = -PI / 2 + (k - count / 2) * 0.32 + rnd.uniform(-0.1, 0.1)
            length = rnd.uniform(60, 120)
            pts = [
                (tx + math.cos(a) * length * i / 8, by + 70 + math.sin(a) * length * i / 8)
                for i in range(9)
            ]
            brush_line(ink, pts, blade_widths(8, 9, 0.6, 0.3), 200, 1)
    for _ in range(9):
        dot(
            ink,
            (bx + rnd.uniform(-380, 380), by + 70 + rnd.uniform(-20, 30)),
            rnd.uniform(4, 8),
            240,
            1,
        )
    leaves = [
        ((-60, -500), (-420, -980), (-980, -820), 36),
        ((20, -600), (-140, -1200), (-520, -1280), 30),
        ((40, -500), (260, -1100), (470, -1150), 34),
        ((80, -300), (600, -700), (900, -560), 30),
        ((-20, -380), (-300, -700), (-700, -640), 26),
        ((10, -700), (60, -1100), (200, -1340), 24),
        ((60, -240), (420, -420), (640, -300), 22),
        ((-40, -260), (-260, -420), (-420, -330), 20),
    ]
    for c1, c2, tip, width in leaves:
        jitter = rnd.uniform(-30, 30)
        _orchid_leaf(
            ink,
            rnd,
            (bx + jitter, by + 40),
            (bx + c1[0], by + c1[1]),
            (bx + c2[0], by + c2[1]),
            (bx + tip[0] + jitter, by + tip[1]),
            width,
            235,
        )
    for sx, top, lean in (
        (bx + 40, by - 820, 80),
        (bx + 120, by - 620, 220),
        (bx - 80, by - 700, -160),
    ):
        stem = bezier(
            (sx, by + 20),
            (sx + lean * 0.2, by - 200),
            (sx + lean * 0.7, top + 200),
            (sx + lean, top),
            24,
        )
        brush_line(light, stem, [5] * 25, 100, 1)
        for k, (fx, fy) in enumerate((stem[-1], stem[-8], stem[-15])):
            turn = rnd.uniform(-0.3, 0.3) + (0.5 if k % 2 else -0.5)
            for p, a in enumerate((-2.9, -2.2, -1.55, -0.9, -0.25)):
                length = rnd.uniform(95, 135) * (0.75 if p == 2 else 1)
                a += turn + rnd.uniform(-0.1, 0.1)
                bend = rnd.uniform(-0.25, 0.25)
                pts = [
                    (
                        fx + math.cos(a + bend * i / 10) * length * i / 10,
                        fy + math.sin(a + bend * i / 10) * length * i / 10,
                    )
                    for i in range(11)
                ]
                brush_line(light, pts, blade_widths(10, 26, 0.25, 0.5), 85, 1.4)
            for dx, dy, r in ((-9, -4, 5), (7, -9, 4), (3, 7, 5)):  # the heart: three dots like 心
                dot(ink, (fx + dx, fy + dy), r, 235, 0.8)
    canvas = lay_ink(canvas, light)
    canvas = lay_ink(canvas, ink)
    bottom = write_column(canvas, "幽兰", 1780, 160, 190, rnd, gap=0.08, dryness=0.3)
    write_column(
        canvas, "芝兰生于深林 不以无人而不芳", 1610, 180, 58, rnd, tilt=1.5, dryness=0.1, gap=0.06
    )
    sign_off(canvas, rnd, ["壬寅年秋 嘉宁写"], 1510, 180, 58, "何嘉宁", 92)
    del bottom
    return border(canvas, 50, (226, 220, 204), line=(170, 156, 128))


def _ridge(rnd, w, base, height, roughness, points=129):
    """A mountain ridge line by midpoint displacement."""
    ys = [0.0] * points
    ys[0], ys[-1] = rnd.uniform(0.2, 0.6), rnd.uniform(0.2, 0.6)
    step, scale = points - 1, 1.0
    while step > 1:
        half = step // 2
        for i in range(half, points, step):
            ys[i] = (ys[i - half] + ys[i + half]) / 2 + rnd.uniform(-scale, scale)
        step, scale = half, scale * roughness
    low, high = min(ys), max(ys)
    return [
        (w * i / (points - 1), base - height * (y - low) / (high - low or 1))
        for i, y in enumerate(ys)
    ]


def _range_layer(rnd, size, ridge, base, value):
    """Ink of one mountain range, dark along its ridge and fading into mist at its foot,
    and the range's shape."""
    w, h = size
    shape = Image.new("L", size, 0)
    ImageDraw.Draw(shape).polygon(ridge + [(w, h), (0, h)], fill=255)
    top = min(y for _, y in ridge)
    fade = vertical_gradient(
        size,
        [
            (0, (255,) * 3),
            (top / h, (255,) * 3),
            (min(1.0, (base + 30) / h), (0,) * 3),
            (1.0, (0,) * 3),
        ],
    ).convert("L")
    layer = ImageChops.multiply(shape, levels(fade, 0, value))
    return ImageChops.multiply(layer, levels(clouds(rnd, size, 90), 120, 255)), shape


@picture("huihua-shanshui")
def landscape(rnd):
    """水墨山水: far ranges fading into mist, a near hill with trees, a river and a boat;
    title 一片冰心."""
    w, h = 2500, 1300
    canvas = rice_paper(rnd, (w, h))
    for base, height, value, blur, rough in ((700, 420, 60, 8, 0.55), (900, 520, 105, 4, 0.52)):
        layer, _ = _range_layer(rnd, (w, h), _ridge(rnd, w, base, height, rough), base, value)
        canvas = lay_ink(canvas, layer.filter(Blur(blur)))
    # The near hill on the left, stepping down to the water
    raw = _ridge(rnd, w, 1180, 620, 0.5)
    ridge = [(x, 1180 - (1180 - y) * max(0.0, 1 - (x / 1500) ** 2)) for x, y in raw]
    layer, shape = _range_layer(rnd, (w, h), ridge, 1180, 175)
    strokes = Image.new("L", (w, h), 0)
    for i in range(2, 70, 3):  # hemp-fibre texture strokes (披麻皴), running downhill
        ya, yb = ridge[i - 1][1], ridge[i + 1][1]
        downhill = 1 if yb > ya else -1
        x, y = ridge[i][0] + rnd.uniform(-20, 20), ridge[i][1] + rnd.uniform(20, 60)
        length = rnd.uniform(90, 180)
        drift = downhill * length * rnd.uniform(0.25, 0.5)
        pts = bezier(
            (x, y),
            (x + drift * 0.2, y + length * 0.4),
            (x + drift * 0.7, y + length * 0.8),
            (x + drift, y + length),
            12,
        )
        brush_line(
            strokes,
            pts,
            [7 - 5 * k / 12 for k in range(13)],
            rnd.randint(60, 100),
            2.0,
            (rnd, 3, 150),
        )
    for i in range(4, 66, 9):  # moss dots along the ridge
        x, y = ridge[i]
        for _ in range(3):
            dot(
                strokes,
                (x + rnd.uniform(-22, 22), y + rnd.uniform(-4, 14)),
                rnd.uniform(4, 8),
                255,
                1,
            )
    canvas = lay_ink(
        canvas, ImageChops.add(layer.filter(Blur(2)), ImageChops.multiply(strokes, shape))
    )
    ink = Image.new("L", (w, h), 0)
    for i in (14, 22, 27, 40, 46):  # trees of dotted leaves (点叶) on the ridge
        x, y = ridge[i]
        tall = rnd.uniform(110, 170)
        brush_line(
            ink,
            [
                (x, y + 10),
                (x + rnd.uniform(-12, 12), y - tall * 0.6),
                (x + rnd.uniform(-8, 8), y - tall),
            ],
            [11, 8, 4],
            230,
            1,
        )
        brush_line(ink, [(x, y - tall * 0.55), (x + 50, y - tall * 0.75)], [6, 2], 200, 1)
        for _ in range(70):
            dx, dy = rnd.gauss(0, 38), rnd.gauss(0, 22)
            dot(
                ink,
                (x + dx + 10, y - tall * 0.9 + dy),
                rnd.uniform(4, 9),
                rnd.randint(90, 200),
                1.6,
            )
    bx, by = 1640, 1190  # a small boat and a figure
    add_ink(ink, [(bx - 70, by), (bx + 80, by), (bx + 50, by + 16), (bx - 50, by + 16)], 240, 1)
    add_ink(ink, [(bx + 5, by), (bx + 25, by), (bx + 20, by - 34), (bx + 10, by - 34)], 240, 1)
    dot(ink, (bx + 15, by - 40), 8, 255, 1)
    brush_line(ink, [(bx + 30, by - 20), (bx + 150, by + 30)], [3, 2], 200, 0.8)
    for _ in range(9):
        x, y, length = rnd.uniform(1300, 2400), rnd.uniform(1120, 1300), rnd.uniform(80, 260)
        brush_line(ink, [(x, y), (x + length / 2, y - 3), (x + length, y)], [1.5, 4, 1.5], 80, 1.2)
    canvas = lay_ink(canvas, ink)
    painting_title(canvas, rnd, "一片冰心", 2360, 150, 120, ["庚子年秋", "建军写"], "马建军")
    return border(canvas, 50, (226, 220, 204), line=(170, 156, 128))


# ==========================================================================
# 摄影 Photographs

NINE_STANDARDS = [
    "一、合法按劳取酬，不接受商业提成",
    "二、严守诚信原则，不参与欺诈骗保",
    "三、依据规范行医，不实施过度诊疗",
    "四、遵守工作规程，不违规接受捐赠",
    "五、恪守保密准则，不泄露患者隐私",
    "六、服从诊疗需要，不牟利转介患者",
    "七、维护诊疗秩序，不破坏就医公平",
    "八、共建和谐关系，不收受患方“红包”",
    "九、恪守交往底线，不收受企业回扣",
]


def centred_text(draw, xy, text, kind, size, fill, anchor="mm"):
    draw.text(xy, text, font=font(kind, size), fill=fill, anchor=anchor)


def notice_board() -> Image.Image:
    """The flat face of the corridor's notice board: the nine standards."""
    w, h = 1800, 1060
    board = Image.new("RGB", (w, h), (250, 250, 247))
    draw = ImageDraw.Draw(board)
    draw.rectangle((0, 0, w, 190), fill=(16, 84, 152))
    centred_text(
        draw, (70, 100), "医疗机构工作人员廉洁从业九项准则", "sans-bold", 84, "white", "lm"
    )
    draw.rectangle((0, 190, w, 204), fill=(196, 34, 40))
    for i, line in enumerate(NINE_STANDARDS):
        column, row = divmod(i, 5)
        x, y = 80 + column * 880, 270 + row * 140
        draw.ellipse((x, y + 8, x + 24, y + 32), fill=(196, 34, 40))
        draw.text((x + 44, y + 20), line, font=font("sans", 46), fill=(40, 44, 52), anchor="lm")
    draw.rounded_rectangle((960, 860, 1720, 1000), radius=16, fill=(196, 34, 40))
    centred_text(draw, (1340, 930), "廉政监督电话 0000-00000000", "sans-bold", 48, "white")
    draw.text(
        (80, 990),
        "示例人民医院纪检监察室",
        font=font("sans", 40),
        fill=(110, 116, 126),
        anchor="ls",
    )
    framed = Image.new("RGB", (w + 56, h + 56), (186, 190, 194))
    ImageDraw.Draw(framed).rectangle((0, 0, w + 55, h + 55), outline=(120, 124, 130), width=6)
    framed.paste(board, (28, 28))
    return framed


@picture("sheying-zoulang")
def corridor(rnd):
    """A ward corridor at dusk: windows on the left, doors and the nine-standards
    board on the right, ceiling lights reflected in the floor."""
    w, h = 2400, 1600
    cam = Camera(1150, (1300, 770))
    left, right, floor, ceiling = -1.0, 1.6, 1.55, -1.35
    near, far = 0.8, 36.0
    img = Image.new("RGB", (w, h), (80, 74, 66))
    draw = ImageDraw.Draw(img)
    zs = [near * (far / near) ** (i / 80) for i in range(81)]

    def slices(corners, colour_near, colour_far, y_from=None):
        for i in range(80):
            t = (i / 80) ** 0.7
            draw.polygon(cam.quad(corners(zs[i], zs[i + 1])), fill=mix(colour_near, colour_far, t))

    slices(
        lambda a, b: [(left, floor, a), (right, floor, a), (right, floor, b), (left, floor, b)],
        (190, 180, 164),
        (104, 96, 86),
    )
    slices(
        lambda a, b: [
            (left, ceiling, a),
            (right, ceiling, a),
            (right, ceiling, b),
            (left, ceiling, b),
        ],
        (224, 222, 214),
        (120, 118, 112),
    )
    for x, shade in ((left, 0), (right, -14)):
        slices(
            lambda a, b, x=x: [
                (x, ceiling, a),
                (x, ceiling, b),
                (x, floor - 0.9, b),
                (x, floor - 0.9, a),
            ],
            shift((226, 220, 206), shade),
            shift((128, 122, 112), shade),
        )
        slices(
            lambda a, b, x=x: [
                (x, floor - 0.9, a),
                (x, floor - 0.9, b),
                (x, floor, b),
                (x, floor, a),
            ],
            shift((176, 200, 186), shade),
            shift((92, 104, 96), shade),
        )
        slices(
            lambda a, b, x=x: [
                (x, floor - 0.12, a),
                (x, floor - 0.12, b),
                (x, floor, b),
                (x, floor, a),
            ],
            (96, 98, 96),
            (52, 52, 50),
        )
        draw.polygon(
            cam.quad(
                [
                    (x, floor - 0.93, near),
                    (x, floor - 0.93, far),
                    (x, floor - 0.86, far),
                    (x, floor - 0.86, near),
                ]
            ),
            fill=(236, 234, 228),
        )
    # The far end: a wall with a window glowing with the sunset
    draw.polygon(
        cam.quad(
            [(left, ceiling, far), (right, ceiling, far), (right, floor, far), (left, floor, far)]
        ),
        fill=(120, 112, 100),
    )
    sky = vertical_gradient(
        (w, h),
        [(0, (92, 86, 140)), (0.42, (238, 138, 92)), (0.55, (255, 196, 128)), (1, (255, 214, 160))],
    )
    windows = Image.new("L", (w, h), 0)
    wdraw = ImageDraw.Draw(windows)
    wdraw.polygon(
        cam.quad([(-0.5, -0.7, far), (1.1, -0.7, far), (1.1, 0.6, far), (-0.5, 0.6, far)]), fill=255
    )
    spans = [(z, z + 1.5) for z in (1.6, 5.2, 8.8, 12.4, 16.0, 19.6, 23.2, 26.8, 30.4)]
    for z0, z1 in spans:
        wdraw.polygon(
            cam.quad([(left, -0.85, z0), (left, -0.85, z1), (left, 0.45, z1), (left, 0.45, z0)]),
            fill=255,
        )
    img = Image.composite(sky, img, windows)
    draw = ImageDraw.Draw(img)
    for z0, z1 in spans:  # frames, mullion and sill
        quad = cam.quad([(left, -0.85, z0), (left, -0.85, z1), (left, 0.45, z1), (left, 0.45, z0)])
        draw.line(quad + [quad[0]], fill=(236, 232, 224), width=max(2, round(60 / z0)))
        zm = (z0 + z1) / 2
        draw.line(
            [cam(left, -0.85, zm), cam(left, 0.45, zm)],
            fill=(236, 232, 224),
            width=max(2, round(40 / zm)),
        )
        draw.polygon(
            cam.quad(
                [
                    (left, 0.45, z0),
                    (left, 0.45, z1),
                    (left + 0.12, 0.47, z1),
                    (left + 0.12, 0.47, z0),
                ]
            ),
            fill=(214, 208, 196),
        )
    # Doors and room signs on the right
    for zc in (6.2, 11.0, 15.8, 20.6, 25.4, 30.2):
        z0, z1 = zc - 0.6, zc + 0.6
        t = min(1.0, zc / 30) ** 0.7
        draw.polygon(
            cam.quad(
                [
                    (right, -0.62, z0 - 0.08),
                    (right, -0.62, z1 + 0.08),
                    (right, floor, z1 + 0.08),
                    (right, floor, z0 - 0.08),
                ]
            ),
            fill=mix((214, 214, 208), (110, 108, 102), t),
        )
        draw.polygon(
            cam.quad(
                [(right, -0.55, z0), (right, -0.55, z1), (right, floor, z1), (right, floor, z0)]
            ),
            fill=mix((178, 142, 104), (88, 70, 54), t),
        )
        draw.polygon(
            cam.quad(
                [
                    (right, -0.3, zc - 0.18),
                    (right, -0.3, zc + 0.18),
                    (right, 0.1, zc + 0.18),
                    (right, 0.1, zc - 0.18),
                ]
            ),
            fill=mix((206, 214, 214), (100, 104, 104), t),
        )
        draw.polygon(
            cam.quad(
                [
                    (right, -0.48, z0 - 0.5),
                    (right, -0.48, z0 - 0.2),
                    (right, -0.32, z0 - 0.2),
                    (right, -0.32, z0 - 0.5),
                ]
            ),
            fill=mix((30, 96, 160), (24, 52, 80), t),
        )
    img = place(
        img,
        notice_board(),
        cam.quad([(right, -0.62, 4.3), (right, -0.62, 2.2), (right, 0.5, 2.2), (right, 0.5, 4.3)]),
    )
    # Ceiling lights, their glow and their reflections in the floor
    lights = Image.new("L", (w, h), 0)
    reflections = Image.new("L", (w, h), 0)
    ldraw, rdraw = ImageDraw.Draw(lights), ImageDraw.Draw(reflections)
    mirror = 2 * floor - ceiling
    for z in [2.2 + 3.2 * k for k in range(11)]:
        ldraw.polygon(
            cam.quad(
                [
                    (0.0, ceiling, z),
                    (0.6, ceiling, z),
                    (0.6, ceiling, z + 1.2),
                    (0.0, ceiling, z + 1.2),
                ]
            ),
            fill=255,
        )
        rdraw.polygon(
            cam.quad(
                [(0.0, mirror, z), (0.6, mirror, z), (0.6, mirror, z + 1.2), (0.0, mirror, z + 1.2)]
            ),
            fill=150,
        )
    warm = flat((w, h), (255, 236, 200))
    for z in [2.2 + 3.2 * k for k in range(11)]:  # pools of light on the floor and walls
        x, y = cam(0.3, floor, z + 0.6)
        rx = cam.focal * 1.5 / (z + 0.6)
        img = glow(img, (x, y), (rx, rx * 0.45), (90, 80, 64), 0.9)
        for wall_x in (left, right):
            x, y = cam(wall_x, ceiling + 0.5, z + 0.6)
            img = glow(img, (x, y), (rx * 0.35, rx * 0.6), (60, 54, 44), 0.8)
    img = ImageChops.screen(img, Image.composite(warm, flat((w, h), 0), lights.filter(Blur(40))))
    img = paint(img, lights, (255, 250, 236))
    img = ImageChops.screen(
        img,
        Image.composite(
            warm, flat((w, h), 0), reflections.filter(Blur(14)).point(lambda v: v * 0.6)
        ),
    )
    # Sunset light falling through the windows across the floor
    patches = Image.new("L", (w, h), 0)
    pdraw = ImageDraw.Draw(patches)
    for z0, z1 in spans[:5]:
        pdraw.polygon(
            cam.quad(
                [
                    (left, floor, z0 + 0.3),
                    (left + 1.9, floor, z0 + 0.9),
                    (left + 1.9, floor, z1 + 0.9),
                    (left, floor, z1 + 0.3),
                ]
            ),
            fill=110,
        )
    img = ImageChops.screen(
        img,
        Image.composite(flat((w, h), (255, 150, 70)), flat((w, h), 0), patches.filter(Blur(22))),
    )
    img = ImageChops.multiply(img, flat((w, h), (255, 244, 226)))
    return photo_finish(img, rnd, soften=0.8, vignette_strength=0.42, grain=5)


def _mini_work(stem: str, box) -> Image.Image:
    """Another exhibit, drawn and shrunk to hang in a frame on the culture wall."""
    function, _ = PICTURES[stem]
    work = function(seeded(stem)).convert("RGB")
    return ImageOps.contain(work, box, Resample.LANCZOS)


def culture_wall_panel() -> Image.Image:
    """The flat culture wall: a red title band and six framed works with labels."""
    w, h = 1500, 2100
    panel = Image.new("RGB", (w, h), (246, 240, 228))
    draw = ImageDraw.Draw(panel)
    draw.rectangle((0, 0, w, 250), fill=(178, 30, 36))
    centred_text(draw, (w / 2, 125), "廉洁文化墙", "serif-bold", 150, (255, 240, 214))
    centred_text(draw, (w / 2, 330), "清风润杏林 廉洁守初心", "serif-bold", 64, (150, 30, 36))
    works = [
        ("huihua-zhu", "墨竹《虚心有节》"),
        ("shufa-qingfeng-zhengqi", "书法《清风正气》"),
        ("huihua-mei", "红梅《只留清气满乾坤》"),
        ("huihua-he", "荷花《出淤泥而不染》"),
        ("shufa-gongshengming", "书法《公生明 廉生威》"),
        ("huihua-shanshui", "山水《一片冰心》"),
    ]
    cell_w, cell_h = 660, 500
    for i, (stem, label) in enumerate(works):
        column, row = i % 2, i // 2
        cx, top = 75 + column * (cell_w + 30) + cell_w / 2, 420 + row * (cell_h + 24)
        art = _mini_work(stem, (cell_w - 170, cell_h - 170))
        fw, fh = art.width + 90, art.height + 90
        x0, y0 = round(cx - fw / 2), round(top + (cell_h - 70 - fh) / 2)
        draw.rectangle((x0 + 8, y0 + 10, x0 + fw + 8, y0 + fh + 10), fill=(214, 206, 192))
        draw.rectangle((x0, y0, x0 + fw, y0 + fh), fill=(70, 46, 30))
        draw.rectangle((x0 + 18, y0 + 18, x0 + fw - 18, y0 + fh - 18), fill=(250, 248, 242))
        panel.paste(art, (x0 + 45, y0 + 45))
        centred_text(draw, (cx, top + cell_h - 40), label, "sans", 30, (80, 70, 62))
    draw.rectangle((0, h - 90, w, h), fill=(178, 30, 36))
    centred_text(
        draw, (w / 2, h - 45), "示例人民医院  纪检监察室  党委办公室", "sans", 34, (255, 240, 214)
    )
    return panel


@picture("sheying-wenhuaqiang", save="phone")
def culture_wall_photo(rnd):
    """A phone photo of the 廉洁文化墙, taken from a little to the left (portrait)."""
    w, h = 1800, 2400
    img = wall(rnd, (w, h), (228, 224, 214), light=(0.5, 0.05))
    draw = ImageDraw.Draw(img)
    draw.polygon([(0, 0), (w, 0), (w, 110), (0, 150)], fill=(238, 238, 234))  # ceiling
    floor = vertical_gradient((w, 400), [(0, (170, 164, 156)), (1, (120, 114, 106))])
    mask = Image.new("L", (w, h), 0)
    ImageDraw.Draw(mask).polygon([(0, 2150), (w, 2060), (w, h), (0, h)], fill=255)
    img.paste(floor.resize((w, h)), (0, 0), mask)
    draw = ImageDraw.Draw(img)
    draw.line([(0, 2150), (w, 2060)], fill=(90, 86, 80), width=14)
    img = place(img, culture_wall_panel(), [(190, 330), (1620, 430), (1620, 1930), (190, 2060)])
    for x, y in ((420, 300), (900, 330), (1380, 360)):  # spotlights and their pools of light
        img = glow(img, (x, y + 220), 520, (70, 56, 36), 0.9)
        draw = ImageDraw.Draw(img)
        draw.rounded_rectangle(
            (x - 40, y - 190 - (x - 420) / 20, x + 40, y - 150 - (x - 420) / 20),
            radius=12,
            fill=(60, 60, 64),
        )
    img = glow(img, (900, 0), 300, (255, 250, 236), 0.6)
    # An out-of-focus plant in the foreground
    leaves = Image.new("L", (w, h), 0)
    for _ in range(18):
        angle = rnd.uniform(-1.9, -0.7)
        base = (rnd.uniform(-120, 120), h + 60)
        length = rnd.uniform(300, 560)
        tip = (base[0] + math.cos(angle) * length, base[1] + math.sin(angle) * length)
        brush_line(
            leaves,
            bezier(base, (base[0], base[1] - length * 0.5), tip, tip, 16),
            blade_widths(16, rnd.uniform(60, 110), 0.3, 0.4),
            255,
            0,
        )
    img = paint(img, leaves.filter(Blur(16)), (46, 86, 50))
    img = img.filter(ImageFilter.UnsharpMask(radius=2, percent=70, threshold=2))
    return photo_finish(img, rnd, soften=0, vignette_strength=0.22, grain=3, bloom_at=235)


@picture("sheying-hushizhan")
def nurses_station(rnd):
    """A ward nurses' station at night: the counter, a monitor, a desk lamp and a
    small sign about red envelopes, with the dim corridor behind."""
    w, h = 2400, 1600
    back = Image.new("RGB", (w, h), (40, 48, 54))
    draw = ImageDraw.Draw(back)
    draw.rectangle((0, 0, 1880, 1000), fill=(58, 68, 74))
    for x in range(120, 1700, 400):  # wall cabinets
        draw.rectangle((x, 190, x + 360, 560), fill=(196, 198, 190))
        draw.rectangle((x + 8, 198, x + 352, 552), outline=(150, 152, 146), width=4)
        draw.line([(x + 180, 200), (x + 180, 550)], fill=(150, 152, 146), width=4)
        draw.rectangle((x + 160, 360, x + 168, 420), fill=(120, 120, 116))
        draw.rectangle((x + 192, 360, x + 200, 420), fill=(120, 120, 116))
    draw.rounded_rectangle((650, 40, 1150, 150), radius=14, fill=(22, 98, 160))
    centred_text(draw, (900, 95), "护士站", "sans-bold", 70, (240, 248, 255))
    draw.ellipse((1500, 620, 1660, 780), fill=(236, 236, 230), outline=(80, 84, 86), width=10)
    cx, cy = 1580, 700  # the clock says 2:40
    draw.line(
        [(cx, cy), (cx + 52 * math.sin(math.radians(80)), cy - 52 * math.cos(math.radians(80)))],
        fill=(30, 30, 30),
        width=8,
    )
    draw.line(
        [(cx, cy), (cx + 64 * math.sin(math.radians(240)), cy - 64 * math.cos(math.radians(240)))],
        fill=(30, 30, 30),
        width=5,
    )
    # The corridor on the right, lights dimmed for the night
    draw.polygon([(1880, 0), (w, 0), (w, 1000), (1880, 1000)], fill=(26, 30, 36))
    draw.polygon([(1880, 1000), (w, 1000), (w, 1100), (1880, 1000)], fill=(50, 52, 56))
    back = back.filter(Blur(5))
    for x, y, r, colour in (
        (2000, 120, 30, (255, 236, 200)),
        (2110, 240, 22, (255, 236, 200)),
        (2180, 300, 16, (255, 236, 200)),
        (2230, 340, 12, (255, 236, 200)),
        (2060, 520, 18, (60, 220, 120)),
        (1960, 760, 40, (255, 210, 160)),
    ):
        back = glow(back, (x, y), r * 2.2, colour, 0.9, inner=0.45)
    img = glow(back, (1400, 820), 900, (110, 70, 30), 0.8)  # the lamp lights the wall
    # The counter: its top seen from a little above, and its front
    top = Image.new("L", (w, h), 0)
    ImageDraw.Draw(top).polygon([(0, 920), (w, 890), (w, 1320), (0, 1350)], fill=255)
    img.paste(
        vertical_gradient(
            (w, h),
            [
                (0, (150, 144, 134)),
                (0.56, (150, 144, 134)),
                (0.85, (214, 206, 192)),
                (1, (214, 206, 192)),
            ],
        ),
        (0, 0),
        top,
    )
    draw = ImageDraw.Draw(img)
    draw.polygon([(0, 1350), (w, 1320), (w, h), (0, h)], fill=(104, 116, 122))
    draw.line([(0, 1350), (w, 1320)], fill=(232, 228, 220), width=8)
    for x in range(0, w, 600):
        draw.line([(x, 1350 - x / 80), (x, h)], fill=(90, 100, 106), width=5)
    shadows = Image.new("L", (w, h), 0)  # soft contact shadows of the things on the counter
    sdraw = ImageDraw.Draw(shadows)
    for box in (
        (440, 945, 730, 985),
        (1300, 985, 1530, 1025),
        (830, 1050, 1260, 1100),
        (2040, 1140, 2230, 1185),
        (1570, 1230, 2010, 1270),
    ):
        sdraw.ellipse(box, fill=150)
    img = paint(img, shadows.filter(Blur(14)), (30, 28, 26))
    draw = ImageDraw.Draw(img)
    # Monitor, its screen and the glow it throws on the counter
    draw.rectangle((560, 860, 600, 945), fill=(40, 40, 44))
    draw.polygon([(470, 940), (690, 940), (705, 968), (455, 968)], fill=(34, 34, 38))
    draw.rectangle((250, 470, 900, 865), fill=(26, 26, 30))
    screen = vertical_gradient((620, 365), [(0, (210, 230, 250)), (1, (168, 196, 230))])
    sdraw = ImageDraw.Draw(screen)
    sdraw.rectangle((0, 0, 620, 40), fill=(30, 110, 190))
    for k in range(8):
        sdraw.rectangle(
            (24, 64 + k * 36, 24 + rnd.randint(200, 560), 84 + k * 36), fill=(120, 150, 190)
        )
    img.paste(screen, (265, 485))
    img = glow(img, (575, 680), 520, (60, 90, 130), 0.7)
    img = glow(img, (575, 1000), (460, 130), (40, 60, 90), 0.8)
    draw = ImageDraw.Draw(img)
    # Desk lamp and the pool of warm light under it
    draw.ellipse((1320, 965, 1500, 1010), fill=(44, 44, 48))
    draw.line([(1410, 985), (1470, 730), (1330, 590)], fill=(60, 60, 66), width=16)
    draw.polygon([(1270, 545), (1400, 545), (1440, 665), (1230, 665)], fill=(70, 70, 78))
    img = glow(img, (1340, 1080), (640, 240), (255, 186, 100), 0.85)
    img = glow(img, (1335, 668), (110, 26), (255, 244, 214), 1.0, inner=0.3)
    # The sign on the counter, the focus of the picture
    sign = Image.new("RGB", (400, 300), (252, 250, 246))
    sdraw = ImageDraw.Draw(sign)
    sdraw.rectangle((0, 0, 400, 84), fill=(196, 30, 38))
    centred_text(sdraw, (200, 44), "廉洁从业", "sans-bold", 52, "white")
    centred_text(sdraw, (200, 135), "医患之间", "sans-bold", 40, (60, 50, 48))
    centred_text(sdraw, (200, 185), "不收“红包”", "sans-bold", 40, (196, 30, 38))
    centred_text(sdraw, (200, 240), "九项准则 第八条", "sans", 26, (90, 90, 90))
    centred_text(sdraw, (200, 274), "监督电话 0000-00000000", "sans", 22, (90, 90, 90))
    quad = [(880, 790), (1200, 800), (1196, 1046), (884, 1052)]
    img = place(img, sign, quad)
    draw = ImageDraw.Draw(img)
    draw.line(quad + [quad[0]], fill=(236, 240, 244), width=5)
    draw.polygon([(862, 1052), (1218, 1044), (1240, 1074), (842, 1084)], fill=(206, 212, 218))
    # Papers, a pen and a mug
    draw.polygon([(1560, 1120), (1930, 1104), (2000, 1236), (1590, 1258)], fill=(236, 234, 228))
    for k in range(7):
        draw.line(
            [(1610 + k * 6, 1150 + k * 14), (1900 + k * 8, 1138 + k * 14)],
            fill=(170, 170, 176),
            width=3,
        )
    draw.line([(1660, 1280), (1850, 1236)], fill=(30, 60, 140), width=9)
    draw.rectangle((2060, 1000, 2180, 1150), fill=(230, 236, 242))
    draw.ellipse((2060, 980, 2180, 1022), fill=(196, 202, 210))
    draw.ellipse((2060, 1128, 2180, 1172), fill=(230, 236, 242))
    draw.arc((2150, 1025, 2225, 1110), -90, 90, fill=(230, 236, 242), width=13)
    img = ImageChops.multiply(img, flat((w, h), (236, 244, 255)))
    return photo_finish(
        img, rnd, soften=0.7, vignette_strength=0.5, grain=7, bloom_at=200, bloom_radius=30
    )


@picture("sheying-richu")
def sunrise(rnd):
    """Sunrise behind the hospital: a backlit tower with its rooftop sign, trees and street."""
    w, h = 2400, 1600
    img = vertical_gradient(
        (w, h),
        [
            (0, (36, 56, 108)),
            (0.3, (112, 104, 148)),
            (0.55, (230, 146, 112)),
            (0.72, (252, 192, 136)),
            (1, (255, 212, 160)),
        ],
    )
    streaks = noise(rnd, (w, h), (260, 16)).filter(Blur(6))
    band = vertical_gradient(
        (w, h),
        [
            (0, (0,) * 3),
            (0.15, (0,) * 3),
            (0.35, (255,) * 3),
            (0.6, (200,) * 3),
            (0.7, (0,) * 3),
            (1, (0,) * 3),
        ],
    ).convert("L")
    cloud = ImageChops.multiply(smooth_threshold(streaks, 150, 215), band)
    img = paint(img, cloud, (248, 168, 150))
    img = paint(img, ImageChops.offset(cloud, 0, -10).point(lambda v: v // 2), (104, 88, 120))
    sun = (1930, 1010)
    img = glow(img, sun, 900, (120, 70, 20), 0.9)
    img = glow(img, sun, 220, (255, 220, 160), 0.9)
    img = glow(img, sun, 62, (255, 250, 235), 1.0, inner=0.8)
    silhouette = (34, 38, 54)
    draw = ImageDraw.Draw(img)
    draw.rectangle((80, 990, 600, 1330), fill=silhouette)
    draw.rectangle((520, 430, 1180, 1330), fill=silhouette)
    draw.rectangle((1130, 840, 1720, 1330), fill=silhouette)
    draw.rectangle((700, 380, 820, 430), fill=silhouette)
    draw.line([(1000, 430), (1000, 300)], fill=silhouette, width=8)
    windows = Image.new("L", (w, h), 0)
    lit = Image.new("L", (w, h), 0)
    for x0, y0, x1, y1, columns, rows in (
        (560, 470, 1140, 1290, 9, 14),
        (1170, 880, 1690, 1290, 8, 7),
        (110, 1030, 570, 1290, 6, 4),
    ):
        cw, ch = (x1 - x0) / columns, (y1 - y0) / rows
        for i in range(columns):
            for j in range(rows):
                box = (
                    x0 + i * cw + cw * 0.2,
                    y0 + j * ch + ch * 0.25,
                    x0 + (i + 1) * cw - cw * 0.2,
                    y0 + (j + 1) * ch - ch * 0.2,
                )
                target = lit if rnd.random() < 0.13 else windows
                ImageDraw.Draw(target).rectangle(box, fill=255)
    img = paint(img, windows, (50, 58, 80))
    img = paint(img, lit, (255, 206, 130))
    img = ImageChops.screen(
        img, Image.composite(flat((w, h), (150, 100, 40)), flat((w, h), 0), lit.filter(Blur(10)))
    )
    sign = Image.new("L", (w, h), 0)
    ImageDraw.Draw(sign).text(
        (850, 395), "示例人民医院", font=font("sans-bold", 88), fill=255, anchor="mb"
    )
    img = paint(img, sign, (255, 84, 64))
    img = ImageChops.screen(
        img, Image.composite(flat((w, h), (200, 40, 30)), flat((w, h), 0), sign.filter(Blur(14)))
    )
    trees = Image.new("L", (w, h), 0)
    tdraw = ImageDraw.Draw(trees)
    for _ in range(40):  # crowns made of many small clumps of leaves
        x = rnd.uniform(-80, w + 80)
        y = (
            rnd.uniform(1230, 1330)
            - 120 * math.exp(-(((x - 300) / 400) ** 2))
            - 80 * math.exp(-(((x - 2250) / 300) ** 2))
        )
        crown = rnd.uniform(90, 170)
        tdraw.line([(x, y), (x + rnd.uniform(-20, 20), 1420)], fill=255, width=18)
        for _ in range(40):
            cx, cy = x + rnd.gauss(0, crown * 0.5), y + rnd.gauss(0, crown * 0.35)
            r = rnd.uniform(14, 40)
            tdraw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=255)
    tdraw.rectangle((0, 1335, w, h), fill=255)
    img = paint(img, trees.filter(Blur(2.5)), (22, 24, 32))
    road = vertical_gradient((w, 160), [(0, (70, 62, 74)), (1, (30, 30, 40))])
    img.paste(road, (0, 1440))
    draw = ImageDraw.Draw(img)
    for x in (260, 900, 1540, 2180):  # street lamps, still on
        draw.line([(x, 1450), (x, 1080)], fill=(20, 20, 26), width=10)
        draw.line([(x, 1080), (x + 60, 1070)], fill=(20, 20, 26), width=8)
        img = glow(img, (x + 60, 1080), 40, (255, 200, 120), 0.9, inner=0.3)
        draw = ImageDraw.Draw(img)
    for _ in range(6):  # a few birds
        x, y, s = rnd.uniform(1300, 2200), rnd.uniform(260, 600), rnd.uniform(10, 18)
        draw.line([(x - s, y - s * 0.4), (x, y), (x + s, y - s * 0.5)], fill=(40, 36, 50), width=3)
    for t, r, colour in (
        (0.35, 50, (60, 40, 20)),
        (0.6, 90, (30, 40, 50)),
        (1.3, 140, (40, 30, 20)),
    ):
        centre = (sun[0] + (w / 2 - sun[0]) * t * 2, sun[1] + (h / 2 - sun[1]) * t * 2)
        img = glow(img, centre, r, colour, 0.7, inner=0.6)
    return photo_finish(img, rnd, soften=0.5, vignette_strength=0.3, grain=4, bloom_at=225)


# ==========================================================================
# 海报 Posters

POSTER = (1800, 2546)  # the proportions of A-series paper


def bullet_lines(draw, lines, x, y, step, size, colour, dot_colour):
    for i, line in enumerate(lines):
        yy = y + i * step
        draw.ellipse((x, yy - 12, x + 24, yy + 12), fill=dot_colour)
        draw.text((x + 50, yy), line, font=font("sans", size), fill=colour, anchor="lm")


@picture("haibao-hongbao", save="cmyk")
def poster_red_envelope(rnd):
    """Flat poster for standard 8: a red envelope struck through; saved as CMYK."""
    w, h = POSTER
    red, gold, cream = (198, 30, 40), (246, 196, 82), (250, 243, 230)
    img = Image.new("RGB", (w, h), cream)
    draw = ImageDraw.Draw(img)
    edge = [(x, 1240 + 40 * math.sin(x / w * 2 * PI)) for x in range(0, w + 1, 20)]
    draw.polygon([(0, 0), (w, 0)] + edge[::-1], fill=red)
    cx, cy = w / 2, 580
    draw.ellipse((cx - 380, cy - 380, cx + 380, cy + 380), fill=cream)
    draw.rounded_rectangle((cx - 170, cy - 230, cx + 170, cy + 230), radius=28, fill=red)
    draw.polygon([(cx - 170, cy - 200), (cx + 170, cy - 200), (cx, cy - 40)], fill=(160, 20, 30))
    draw.ellipse((cx - 58, cy - 90, cx + 58, cy + 26), fill=gold)
    draw.ellipse((cx - 380, cy - 380, cx + 380, cy + 380), outline=gold, width=50)
    k = 380 * math.cos(PI / 4) - 10
    draw.line([(cx - k, cy - k), (cx + k, cy + k)], fill=gold, width=50)
    centred_text(draw, (cx, 1080), "不收“红包”", "sans-bold", 200, (255, 248, 236))
    centred_text(draw, (cx, 1390), "守护医患之间的信任", "sans-bold", 96, red)
    bullet_lines(
        draw,
        [
            "患者的信任，比任何“红包”都贵重。",
            "礼金、购物卡、宴请、旅游，都算“红包”。",
            "婉言谢绝，当面说明医院的规定。",
            "推不掉的，及时交纪检监察室登记。",
        ],
        230,
        1560,
        112,
        58,
        (64, 52, 48),
        red,
    )
    draw.rounded_rectangle((460, 2030, 1340, 2150), radius=60, outline=red, width=8)
    centred_text(draw, (cx, 2090), "九项准则 第八条", "sans-bold", 68, red)
    centred_text(draw, (cx, 2225), "共建和谐关系，不收受患方“红包”", "sans", 50, (110, 96, 90))
    draw.rectangle((0, 2390, w, h), fill=(150, 20, 30))
    centred_text(
        draw, (cx, 2440), "示例人民医院纪检监察室  护理部青年团队", "sans", 42, (255, 236, 220)
    )
    centred_text(draw, (cx, 2500), "廉政监督电话 0000-00000000", "sans", 38, (255, 236, 220))
    return img


@picture("haibao-huikou")
def poster_kickbacks(rnd):
    """Flat poster for standard 9: a shield with a tick and a capsule, on navy."""
    w, h = POSTER
    navy, teal, white = (20, 46, 84), (0, 176, 156), (246, 250, 252)
    img = Image.new("RGB", (w, h), navy)
    draw = ImageDraw.Draw(img)
    for x, y, r in ((1500, 300, 420), (220, 900, 300), (1650, 1900, 360)):
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(28, 60, 104))
    cx, cy = w / 2, 640
    shield = [(cx, cy - 380), (cx + 300, cy - 280), (cx + 300, cy + 20)]
    shield += [
        (cx + 300 * math.cos(a), cy + 20 + 400 * math.sin(a))
        for a in [i * PI / 40 for i in range(1, 40)]
    ]
    shield += [(cx - 300, cy + 20), (cx - 300, cy - 280)]
    draw.polygon(shield, fill=white)
    draw.line(
        [(cx - 150, cy + 30), (cx - 30, cy + 150), (cx + 170, cy - 100)],
        fill=teal,
        width=64,
        joint="curve",
    )
    capsule = Image.new("RGBA", (420, 160), (0, 0, 0, 0))
    cdraw = ImageDraw.Draw(capsule)
    cdraw.rounded_rectangle((0, 0, 419, 159), radius=80, fill=(236, 90, 80))
    cdraw.rounded_rectangle((210, 0, 419, 159), radius=80, fill=white)
    cdraw.rectangle((210, 0, 300, 159), fill=white)
    cdraw.rounded_rectangle((0, 0, 419, 159), radius=80, outline=navy, width=12)
    capsule = capsule.rotate(35, expand=True, resample=Resample.BICUBIC)
    img.paste(capsule, (round(cx - 470), round(cy + 180)), capsule)
    draw = ImageDraw.Draw(img)
    centred_text(draw, (cx, 1300), "拒绝回扣", "sans-bold", 230, white)
    centred_text(draw, (cx, 1520), "阳光采购  干净用药", "sans-bold", 96, teal)
    bullet_lines(
        draw,
        [
            "药品、耗材、设备的每一笔采购，都要经得起查。",
            "企业给的“好处费”“推广费”，一分不收。",
            "供应商来访，在规定的时间和地点接待。",
            "遇到拉拢或暗示，向纪检监察室反映。",
        ],
        170,
        1700,
        110,
        54,
        (220, 232, 244),
        teal,
    )
    draw.rounded_rectangle((440, 2150, 1360, 2270), radius=60, fill=teal)
    centred_text(draw, (cx, 2210), "九项准则 第九条", "sans-bold", 68, navy)
    centred_text(draw, (cx, 2345), "恪守交往底线，不收受企业回扣", "sans", 50, (190, 206, 224))
    centred_text(draw, (cx, 2480), "示例人民医院  采购中心  药剂科", "sans", 40, (150, 170, 196))
    return img


@picture("haibao-yinsi")
def poster_privacy(rnd):
    """Flat poster for standard 5: a medical record and a padlock."""
    w, h = POSTER
    blue, dark, pale = (22, 110, 190), (14, 58, 116), (236, 244, 250)
    img = Image.new("RGB", (w, h), pale)
    draw = ImageDraw.Draw(img)
    draw.polygon([(0, 0), (w, 0), (w, 700), (0, 1180)], fill=blue)
    draw.polygon([(0, 1180), (w, 700), (w, 760), (0, 1240)], fill=(110, 180, 230))
    cx, cy = w / 2, 640
    doc = (cx - 330, cy - 400, cx + 250, cy + 360)
    draw.rounded_rectangle(doc, radius=26, fill="white")
    draw.polygon(
        [(doc[2] - 130, doc[1]), (doc[2], doc[1] + 130), (doc[2] - 130, doc[1] + 130)],
        fill=(200, 222, 240),
    )
    draw.rectangle((doc[0] + 60, doc[1] + 70, doc[0] + 300, doc[1] + 110), fill=blue)
    for k in range(7):
        draw.rounded_rectangle(
            (doc[0] + 60, doc[1] + 190 + k * 62, doc[2] - 60 - (k % 3) * 70, doc[1] + 214 + k * 62),
            radius=12,
            fill=(196, 212, 228),
        )
    lx, ly = cx + 230, cy + 250
    draw.arc((lx - 120, ly - 280, lx + 120, ly - 40), 180, 360, fill=dark, width=48)
    draw.line([(lx - 96, ly - 160), (lx - 96, ly - 60)], fill=dark, width=48)
    draw.line([(lx + 96, ly - 160), (lx + 96, ly - 60)], fill=dark, width=48)
    draw.rounded_rectangle((lx - 190, ly - 90, lx + 190, ly + 210), radius=36, fill=(246, 180, 40))
    draw.ellipse((lx - 34, ly + 10, lx + 34, ly + 78), fill=dark)
    draw.rectangle((lx - 14, ly + 60, lx + 14, ly + 140), fill=dark)
    centred_text(draw, (cx, 1390), "守护患者隐私", "sans-bold", 200, dark)
    bullet_lines(
        draw,
        [
            "不拍、不传、不议论患者的病情和资料。",
            "查阅病历只为诊疗，账号密码不外借。",
            "导出数据要经审批，用完按规定删除。",
            "发现信息泄露，立即报告信息科。",
        ],
        230,
        1620,
        112,
        58,
        (40, 56, 76),
        blue,
    )
    draw.rounded_rectangle((460, 2120, 1340, 2240), radius=60, fill=blue)
    centred_text(draw, (cx, 2180), "九项准则 第五条", "sans-bold", 68, "white")
    centred_text(draw, (cx, 2320), "恪守保密准则，不泄露患者隐私", "sans", 50, (80, 100, 124))
    centred_text(draw, (cx, 2470), "示例人民医院  信息科", "sans", 40, (110, 130, 150))
    return img


# ==========================================================================
# 其他 Paper-cuts (剪纸): red paper on white, few colours, saved as palette PNGs


def _polar(centre, radius, angle):
    return centre[0] + math.cos(angle) * radius, centre[1] + math.sin(angle) * radius


def paper_cut(ch: str, folds: int, motif: str) -> Image.Image:
    """A round window paper-cut with ``folds``-fold symmetry and ``ch`` cut in the middle."""
    side = 2000
    c = (side / 2, side / 2)
    red = Image.new("L", (side, side), 0)
    draw = ImageDraw.Draw(red)
    R = 880
    scallops = folds * 4
    draw.polygon(
        [
            _polar(c, R - 34 * (1 - abs(math.cos(scallops * a / 2))), a)
            for a in [i * 2 * PI / 720 for i in range(720)]
        ],
        fill=255,
    )
    for k in range(scallops):  # crescents along the rim
        a = 2 * PI * (k + 0.5) / scallops
        x, y = _polar(c, R - 100, a)
        draw.ellipse((x - 26, y - 26, x + 26, y + 26), fill=0)
        x, y = _polar(c, R - 88, a)
        draw.ellipse((x - 24, y - 24, x + 24, y + 24), fill=255)
    # A sawtooth ring (锯齿纹)
    r1, r2 = R - 190, R - 150
    draw.ellipse((c[0] - r2, c[1] - r2, c[0] + r2, c[1] + r2), fill=0)
    draw.ellipse((c[0] - r1, c[1] - r1, c[0] + r1, c[1] + r1), fill=255)
    teeth = folds * 12
    for k in range(teeth):
        a0, a1 = 2 * PI * k / teeth, 2 * PI * (k + 0.5) / teeth
        draw.polygon(
            [_polar(c, r1 - 2, a0), _polar(c, r1 - 2, a1), _polar(c, r2 + 3, (a0 + a1) / 2)],
            fill=255,
        )
    # The main ring of motifs
    for k in range(folds):
        a = 2 * PI * k / folds - PI / 2
        if motif == "petals":
            points = []
            for i in range(41):
                t = i / 40
                rr = 330 + 330 * t
                half = 0.36 * math.sin(PI * t**0.8) * (1.15 - t * 0.5) * 6 / folds
                points.append(_polar(c, rr, a + half))
            for i in range(40, -1, -1):
                t = i / 40
                rr = 330 + 330 * t
                half = 0.36 * math.sin(PI * t**0.8) * (1.15 - t * 0.5) * 6 / folds
                points.append(_polar(c, rr, a - half))
            draw.polygon(points, fill=0)
            draw.line([_polar(c, 360, a), _polar(c, 640, a)], fill=255, width=16)
            for s in (-1, 1):
                for t in (0.35, 0.55, 0.72):
                    rr = 330 + 330 * t
                    draw.line(
                        [_polar(c, rr, a), _polar(c, rr + 70, a + s * 0.12 * 6 / folds)],
                        fill=255,
                        width=12,
                    )
        else:  # plum blossoms: five round petals cut around a red heart
            fx, fy = _polar(c, 520, a)
            for p in range(5):
                px, py = _polar((fx, fy), 78, a + 2 * PI * p / 5)
                draw.ellipse((px - 62, py - 62, px + 62, py + 62), fill=0)
            draw.ellipse((fx - 40, fy - 40, fx + 40, fy + 40), fill=255)
            for p in range(5):
                px, py = _polar((fx, fy), 58, a + 2 * PI * p / 5 + PI / 5)
                draw.line([(fx, fy), (px, py)], fill=255, width=10)
        # small round holes and a crescent between the motifs
        b = a + PI / folds
        for rr, size in ((450, 30), (560, 40), (660, 26)):
            x, y = _polar(c, rr, b)
            draw.ellipse((x - size, y - size, x + size, y + size), fill=0)
        x, y = _polar(c, 380, b)
        draw.ellipse((x - 40, y - 40, x + 40, y + 40), fill=0)
        x, y = _polar(c, 400, b)
        draw.ellipse((x - 36, y - 36, x + 36, y + 36), fill=255)
    # An inner ring cut with bridges, and the character cut out of the centre disc
    draw.ellipse((c[0] - 310, c[1] - 310, c[0] + 310, c[1] + 310), fill=0)
    draw.ellipse((c[0] - 284, c[1] - 284, c[0] + 284, c[1] + 284), fill=255)
    for k in range(folds):
        a = 2 * PI * k / folds + PI / folds
        draw.line([_polar(c, 270, a), _polar(c, 330, a)], fill=255, width=22)
    glyph = Image.new("L", (side, side), 0)
    cx, cy = _em_centre("kai", 430)
    ImageDraw.Draw(glyph).text(
        (c[0] - cx, c[1] - cy),
        ch,
        font=font("kai", 430),
        fill=255,
        anchor="la",
        stroke_width=10,
        stroke_fill=255,
    )
    red = ImageChops.subtract(red, glyph)
    red = red.point([255 if v > 127 else 0 for v in range(256)])
    shadow = ImageChops.subtract(ImageChops.offset(red, 10, 14), red)
    index = Image.new("L", (side, side), 0)
    index.paste(1, (0, 0), shadow)
    index.paste(2, (0, 0), red)
    out = Image.frombytes("P", index.size, index.tobytes())
    out.putpalette([250, 247, 241, 222, 214, 206, 196, 28, 36])
    return out


@picture("jianzhi-qing", save="palette")
def paper_cut_qing(rnd):
    """窗花: 清 among six lotus-petal cut-outs."""
    return paper_cut("清", 6, "petals")


@picture("jianzhi-lian", save="palette")
def paper_cut_lian(rnd):
    """窗花: 廉 among eight plum blossoms."""
    return paper_cut("廉", 8, "plum")


# ==========================================================================
# Saving and the command line


def _phone_exif() -> Image.Exif:
    """What a phone writes: orientation, camera, time and a GPS position (all made up)."""
    from PIL.TiffImagePlugin import IFDRational

    exif = Image.Exif()
    exif[0x010F] = "Examplephone"  # Make
    exif[0x0110] = "EP-20 Pro"  # Model
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    exif[0x0131] = "EP-20 Pro camera 1.0"  # Software
    details = exif.get_ifd(0x8769)
    details[0x9003] = "2025:06:18 17:42:05"  # DateTimeOriginal
    gps = exif.get_ifd(0x8825)
    gps[0x0000] = b"\x02\x02\x00\x00"  # GPSVersionID
    gps[0x0001] = "N"
    gps[0x0002] = (IFDRational(31), IFDRational(12), IFDRational(3456, 100))
    gps[0x0003] = "E"
    gps[0x0004] = (IFDRational(117), IFDRational(8), IFDRational(1230, 100))
    gps[0x0005] = b"\x00"  # above sea level
    gps[0x0006] = IFDRational(4120, 100)
    return exif


def save(img: Image.Image, path: Path, how: str) -> None:
    if how == "jpeg":
        img.convert("RGB").save(path, "JPEG", quality=82, optimize=True)
    elif how == "cmyk":
        img.convert("RGB").convert("CMYK").save(
            path, "JPEG", quality=85, optimize=True, subsampling="4:2:0"
        )
    elif how == "phone":
        # The sensor's pixels lie sideways; Orientation 6 tells viewers to turn them upright
        sideways = img.convert("RGB").transpose(Image.Transpose.ROTATE_90)
        sideways.save(path, "JPEG", quality=82, optimize=True, exif=_phone_exif().tobytes())
    elif how == "palette":
        img.save(path, "PNG", optimize=True)
    else:
        raise ValueError(f"unknown way to save: {how}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help=f"folder to write into (default: {DEFAULT_OUT.relative_to(ROOT)})",
    )
    parser.add_argument(
        "--only", metavar="NAME", help="draw just this picture (a file stem, see --list)"
    )
    parser.add_argument("--list", action="store_true", help="print the pictures' names and exit")
    args = parser.parse_args(argv)
    if args.list:
        for stem, (function, how) in PICTURES.items():
            summary = " ".join(function.__doc__.split("\n\n")[0].split())
            print(f"{stem}{'.png' if how == 'palette' else '.jpg'}  {summary}")
        return 0
    if args.only:
        args.only = (
            Path(args.only).stem if Path(args.only).suffix in (".jpg", ".png") else args.only
        )
    if args.only and args.only not in PICTURES:
        print(
            f"make_exhibit_images: no picture named '{args.only}'; --list shows the names",
            file=sys.stderr,
        )
        return 2
    missing = missing_fonts()
    if missing:
        for path, package in missing:
            print(
                f"make_exhibit_images: the font file {path} is missing; "
                f"install it with: apt-get install {package}",
                file=sys.stderr,
            )
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    total = 0
    for stem, (function, how) in PICTURES.items():
        if args.only and stem != args.only:
            continue
        started = time.perf_counter()
        img = function(seeded(stem))
        path = args.out / f"{stem}{'.png' if how == 'palette' else '.jpg'}"
        save(img, path, how)
        size = path.stat().st_size
        total += size
        print(
            f"{path.name:32} {img.width}×{img.height}  {size / 1024:6.0f} KB  "
            f"{time.perf_counter() - started:4.1f} s"
        )
    print(f"{'total':32} {total / 1024:.0f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
