"""The gallery: exhibit validation, the image pipeline, the built pages and the QR posters."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from PIL import Image, ImageChops, ImageStat

import imagefactory as make
from conftest import PROJECT
from qinglian.gallery.config import GalleryConfig
from qinglian.gallery.exhibits import read_exhibit
from qinglian.gallery.images import ImageProblem, Rendition, Settings, process_images
from qinglian.gallery.plugin import LinkedRendition
from qinglian.posters import qrcodes
from qinglian.posters.qrcodes import WORKERS_FROM, QrCodes, qr_svg

DEPARTMENTS = ["内科", "护理部"]
EXHIBIT_IMAGES = PROJECT / "content" / "exhibits" / "images"
EXHIBIT = """---
title: 清风正气
creator: 李文涛
department: 内科
medium: 书法
year: 2025
description: 楷书四字。
images:
  - file: images/a.jpg
    alt: 宣纸上的四个楷书大字
---

# 清风正气
"""


# --- exhibit pages ---------------------------------------------------------

def test_good_exhibit_is_read(tmp_path):
    make.plain(_folder(tmp_path) / "a.jpg")
    exhibit, problems = read_exhibit(EXHIBIT, "exhibits/x.md", "content/exhibits/x.md",
                                     tmp_path, DEPARTMENTS)
    assert problems == []
    assert (exhibit.medium, exhibit.year, exhibit.images[0].src) == ("书法", 2025, "exhibits/images/a.jpg")


@pytest.mark.parametrize("change, line, message", [
    (("medium: 书法", "medium: 书画"), 5, "medium '书画' is not one of 书法、绘画、摄影、海报、其他"),
    (("year: 2025", "year: 二〇二五"), 6, "year '二〇二五' is not a year"),
    (("department: 内科", "department: 内 科"), 4, "department '内 科' is not in extra.hospital.departments"),
    (("creator: 李文涛\n", ""), 2, "'creator' is missing or empty"),
    (("images/a.jpg", "images/b.jpg"), 9, "image 'images/b.jpg' does not exist"),
    (("    alt: 宣纸上的四个楷书大字\n", ""), 9, "image 'images/a.jpg' has no alt text"),
    (("description:", "desciption:"), 7, "unknown key 'desciption' in the front matter (did you mean 'description'?)"),
    # A lesson's key is known to the site, yet no exhibit has one
    (("year: 2025", "year: 2025\nstandard: 1"), 7, "key 'standard' is not read on this kind of page"),
    (("images:\n  - file: images/a.jpg\n    alt: 宣纸上的四个楷书大字\n", "images: []\n"), 8,
     "'images' must list the work's image files"),
    (("year: 2025", "year: 2025\nyear: 2024"), 7, "duplicate key 'year'"),
])
def test_exhibit_mistakes(tmp_path, change, line, message):
    make.plain(_folder(tmp_path) / "a.jpg")
    exhibit, problems = read_exhibit(EXHIBIT.replace(*change), "exhibits/x.md",
                                     "content/exhibits/x.md", tmp_path, DEPARTMENTS)
    assert exhibit is None
    assert any(str(p).startswith(f"content/exhibits/x.md:{line}: ") and message in str(p)
               for p in problems), [str(p) for p in problems]


# --- the image pipeline ----------------------------------------------------

def _process(tmp_path, *sources, settings=Settings(), progress=None):
    return process_images(list(sources), settings, tmp_path / "cache", progress=progress)


def _output(tmp_path, rendition, size="display", kind="jpg") -> Image.Image:
    return Image.open(rendition.file(size, kind))


@pytest.mark.parametrize("name, format", [("phone.jpg", "JPEG"), ("IMG_0001.HEIC", "HEIF")])
def test_phone_photo_is_turned_upright_and_loses_exif_and_gps(tmp_path, name, format):
    """A JPEG or an iPhone's HEIC photo, each with an orientation, a make and GPS."""
    source = make.phone_photo(tmp_path / name, format=format)
    assert Image.open(source).getexif().get_ifd(0x8825)  # the source has a GPS position
    rendition = _process(tmp_path, source)[source]
    assert rendition.sizes == {"display": (200, 300), "thumb": (200, 300)}
    for size in ("display", "thumb"):
        for kind in ("jpg", "webp"):
            image = _output(tmp_path, rendition, size, kind)
            assert image.size == rendition.sizes[size]
            assert not image.getexif() and not image.getexif().get_ifd(0x8825)
            assert not {"exif", "icc_profile", "xmp", "XML:com.adobe.xmp"} & set(image.info)
            data = rendition.file(size, kind).read_bytes()
            assert b"Exif" not in data and b"PhoneMaker" not in data
    upright = _output(tmp_path, rendition).convert("RGB")
    # Stored with red on top and orientation 6: upright, red is on the right
    assert _near(upright.getpixel((180, 150)), (255, 0, 0))
    assert _near(upright.getpixel((20, 150)), (0, 0, 255))


def test_large_images_are_scaled_down_small_ones_kept(tmp_path):
    large = make.plain(tmp_path / "large.png", size=(2400, 1200))
    small = make.plain(tmp_path / "small.png", size=(300, 200))
    results = _process(tmp_path, large, small)
    assert results[large].sizes == {"display": (1600, 800), "thumb": (400, 200)}
    assert results[small].sizes == {"display": (300, 200), "thumb": (300, 200)}


@pytest.mark.parametrize("source, colour, note", [
    (make.cmyk_poster, (255, 0, 0), "CMYK without an ICC profile"),
    (make.grey16, (128, 128, 128), "16-bit greyscale reduced to 8-bit"),
    # A dark 16-bit scan, every value below 256, stays dark (not 200 of 255)
    (lambda path: make.grey16(path, value=200), (1, 1, 1), "16-bit greyscale reduced to 8-bit"),
    (make.rgb48, (255, 128, 0), None),
])
def test_awkward_images_become_8_bit_srgb(tmp_path, source, colour, note):
    path = source(tmp_path / f"{source.__name__}.png")
    rendition = _process(tmp_path, path)[path]
    assert isinstance(rendition, Rendition)
    for kind in ("jpg", "webp"):
        image = _output(tmp_path, rendition, kind=kind)
        assert image.mode == "RGB"  # 3 × 8 bits
        assert _near(image.getpixel((5, 5)), colour), image.getpixel((5, 5))
    assert any(note in line for line in rendition.notes) if note else True


def test_palette_image_with_transparency_is_flattened_on_white(tmp_path):
    path = make.palette_with_transparency(tmp_path / "cut.png")
    rendition = _process(tmp_path, path)[path]
    image = _output(tmp_path, rendition, kind="webp")
    assert image.mode == "RGB"
    assert _near(image.getpixel((5, 10)), (255, 255, 255))
    assert _near(image.getpixel((35, 10)), (255, 0, 0))
    assert rendition.notes == ("a palette image converted to RGB",)


def test_display_p3_photo_is_converted_to_srgb_through_its_profile(tmp_path):
    path = make.display_p3(tmp_path / "p3.jpg", colour=(200, 100, 50))
    rendition = _process(tmp_path, path)[path]
    red, green, blue = _output(tmp_path, rendition).getpixel((20, 20))
    # P3's wider gamut: the same numbers mean a more saturated orange in sRGB
    assert red > 210 and blue < 45, (red, green, blue)
    assert rendition.notes == ("RGB 'Display P3' converted to sRGB through its ICC profile",)
    assert "icc_profile" not in _output(tmp_path, rendition).info


def test_srgb_profile_is_taken_as_it_is(tmp_path):
    from PIL import ImageCms
    path = tmp_path / "srgb.jpg"
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    Image.new("RGB", (20, 20), (200, 100, 50)).save(path, quality=100, subsampling=0,
                                                     icc_profile=srgb)
    rendition = _process(tmp_path, path)[path]
    assert rendition.notes == ()
    assert _near(_output(tmp_path, rendition).getpixel((10, 10)), (200, 100, 50))


def _bad_images(folder: Path) -> dict[Path, str]:
    (folder / "empty.jpg").write_bytes(b"")
    (folder / "corrupt.jpg").write_bytes(b"\xff\xd8\xff\xe0 this is no picture" * 10)
    (folder / "photo.heic").write_bytes(b"\0\0\0\x18ftypheic" + b"\0" * 100)
    return {
        folder / "missing.jpg": "the image file does not exist",
        folder / "empty.jpg": "the image file is empty (0 bytes)",
        folder / "corrupt.jpg": "this is not an image Pillow can read",
        folder / "photo.heic": "this HEIC/HEIF photo cannot be read",
        make.plain(folder / "icon.ico", (32, 32), format="ICO"): "ICO images are not supported",
        make.truncated(folder / "half.jpg"): "the image cannot be decoded: it is truncated",
        make.bomb(folder / "bomb.png", 20000, 20000): "the image is too large to open safely",
        make.bomb(folder / "big.png", 10000, 10000): "the image has 10000×10000 pixels",
    }


def test_bad_images_are_problems_not_crashes(tmp_path):
    expected = _bad_images(tmp_path)
    results = _process(tmp_path, *expected)
    for path, message in expected.items():
        assert isinstance(results[path], ImageProblem), path
        assert message in results[path].message and results[path].fix, results[path]


def test_high_resolution_phone_photo_is_decoded_small_not_refused(tmp_path, monkeypatch):
    """Phones' 108-megapixel mode (12000×9000) is above Pillow's pixel limit, yet a
    JPEG decodes at an eighth of its size when the display size is small: only
    what is decoded counts. Scaled down here: a limit of 1 million pixels."""
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1_000_000)
    photo = make.plain(tmp_path / "108mp.jpg", size=(1800, 1000), colour=(200, 30, 30))
    scan = make.plain(tmp_path / "scan.png", size=(1800, 1000))  # PNG decodes whole
    results = _process(tmp_path, photo, scan, settings=Settings(display=400, thumb=200))
    assert results[photo].sizes == {"display": (400, 222), "thumb": (200, 111)}
    assert _near(_output(tmp_path, results[photo]).getpixel((10, 10)), (200, 30, 30))
    assert "the image has 1800×1000 pixels, more than Pillow's limit" in results[scan].message


@pytest.mark.parametrize("name, note", [
    ("a.gif", "an animated GIF: only its first frame is shown"),
    ("a.webp", "an animated WEBP: only its first frame is shown"),
    ("a.png", "an animated PNG: only its first frame is shown"),
    ("a.tif", "a multi-page TIFF: only its first page is shown"),
])
def test_animation_shows_its_first_frame_and_says_so(tmp_path, name, note):
    path = tmp_path / name
    red, blue = Image.new("RGB", (40, 30), (255, 0, 0)), Image.new("RGB", (40, 30), (0, 0, 255))
    red.save(path, save_all=True, append_images=[blue], duration=100, loop=0)
    rendition = _process(tmp_path, path)[path]
    assert _near(_output(tmp_path, rendition).getpixel((20, 15)), (255, 0, 0))
    assert note in rendition.notes, rendition.notes


@pytest.mark.parametrize("name, start, message, fix", [
    ("IMG_0001.HEIC", b"\0\0\0\x18ftypheic\0\0\0\0mif1heic", "this HEIC/HEIF photo cannot be read",
     "Most Compatible"),
    ("burst.heif", b"\0\0\0\x1cftypmif1\0\0\0\0mif1heic", "this HEIC/HEIF photo cannot be read",
     "copy it again from the phone"),
    ("logo.svg", b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>',
     "it is an SVG drawing", "export it as PNG"),
])
def test_heic_and_svg_are_named_with_what_to_do(tmp_path, name, start, message, fix):
    """A damaged iPhone photo or a drawing: the trainer is told which it is."""
    path = tmp_path / name
    path.write_bytes(start + b"\0" * 200)
    problem = _process(tmp_path, path)[path]
    assert message in problem.message and fix in problem.fix, problem


def test_warm_run_does_no_image_work(tmp_path, monkeypatch):
    sources = [make.plain(tmp_path / f"{n}.png", colour=(n, 0, 0)) for n in range(4)]
    calls = []
    first = _process(tmp_path, *sources, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]

    import qinglian.gallery.images as images
    monkeypatch.setattr(images, "_make", lambda *args: pytest.fail("image work on a warm run"))
    assert _process(tmp_path, *sources) == first

    # Other settings are other renditions; a deleted cache is made again
    monkeypatch.undo()
    calls.clear()
    _process(tmp_path, *sources, settings=Settings(display=200),
             progress=lambda done, total: calls.append(done))
    assert calls == [1, 2, 3, 4]


def test_one_picture_under_two_names_is_made_once(tmp_path):
    """Copies of one file (the same bytes) share one rendition, made once."""
    source = make.plain(tmp_path / "he.png")
    copy = tmp_path / "荷花 图.png"
    copy.write_bytes(source.read_bytes())
    calls = []
    results = _process(tmp_path, source, copy, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 1)] and results[source] == results[copy]


def test_cache_entry_missing_a_file_is_made_again(tmp_path):
    source = make.plain(tmp_path / "a.png")
    rendition = _process(tmp_path, source)[source]
    rendition.file("thumb", "webp").unlink()
    calls = []
    _process(tmp_path, source, progress=lambda done, total: calls.append(done))
    assert calls == [1] and rendition.file("thumb", "webp").is_file()


def test_cache_entry_with_a_file_cut_short_is_made_again(tmp_path):
    """A rendition cut short (a USB stick pulled out before it was written through)
    is made again, not published cut short."""
    source = make.plain(tmp_path / "a.png")
    rendition = _process(tmp_path, source)[source]
    whole = rendition.file("display", "jpg").read_bytes()
    rendition.file("display", "jpg").write_bytes(whole[:len(whole) // 2])
    calls = []
    _process(tmp_path, source, progress=lambda done, total: calls.append(done))
    assert calls == [1] and rendition.file("display", "jpg").read_bytes() == whole


def test_unchanged_sources_are_not_read_again(tmp_path, monkeypatch):
    source = make.plain(tmp_path / "a.bmp", colour=(200, 0, 0))  # one size whatever it shows
    first = _process(tmp_path, source)[source]
    read_bytes = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda path: pytest.fail(f"read {path}")
                        if path == source else read_bytes(path))
    assert _process(tmp_path, source)[source] == first

    # Another picture under the same name, even of the same size, is read and made
    monkeypatch.undo()
    stat = source.stat()
    make.plain(source, colour=(0, 0, 200))
    assert source.stat().st_size == stat.st_size
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))
    calls = []
    second = _process(tmp_path, source, progress=lambda done, total: calls.append(done))[source]
    assert calls == [1] and second.key != first.key

    # A damaged list of digests only costs reading the sources again
    (tmp_path / "cache" / "sources.json").write_text("{not json", encoding="utf-8")
    assert _process(tmp_path, source)[source] == second


def _near(pixel, colour, tolerance=12) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour))


def _folder(root: Path) -> Path:
    folder = root / "exhibits" / "images"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# --- options in mkdocs.yml ----------------------------------------------------


@pytest.mark.parametrize("options, option, message", [
    # options given, the option named, its message
    ({"display_size": -5}, "display_size", "Expected a whole number from 16 to 10000 but received: -5"),
    ({"thumb_size": 0}, "thumb_size", "Expected a whole number from 16 to 10000 but received: 0"),
    ({"display_size": 10001}, "display_size",
     "Expected a whole number from 16 to 10000 but received: 10001"),
    ({"webp_quality": 500}, "webp_quality", "Expected a whole number from 1 to 100 but received: 500"),
    ({"jpeg_quality": -1}, "jpeg_quality", "Expected a whole number from 1 to 100 but received: -1"),
    ({"jpeg_quality": 0}, "jpeg_quality", "Expected a whole number from 1 to 100 but received: 0"),
    ({"jobs": -3}, "jobs", "Expected a whole number from 0 to 64 but received: -3"),
    ({"jobs": 65}, "jobs", "Expected a whole number from 0 to 64 but received: 65"),
    ({"display_size": True}, "display_size",
     "Expected a whole number from 16 to 10000 but received: true"),
    ({"jobs": False}, "jobs", "Expected a whole number from 0 to 64 but received: false"),
    ({"webp_quality": "80%"}, "webp_quality",
     'Expected a whole number from 1 to 100 but received: "80%"'),
    ({"thumb_size": 400.5}, "thumb_size",
     "Expected a whole number from 16 to 10000 but received: 400.5"),
    ({"thumb_size": None}, "thumb_size", "Expected a whole number from 16 to 10000 but received: null"),
    ({"thumb_size": 2000}, "thumb_size",
     "2000 is larger than 'display_size' (1600); make it at most 1600"),
    ({"display_size": 300}, "thumb_size", "400 is larger than 'display_size' (300); make it at most 300"),
])
def test_options_out_of_range_are_refused(options, option, message):
    """Sizes, qualities and jobs are whole numbers within bounds, never true/false."""
    config = GalleryConfig()
    config.load_dict(options)
    errors, _ = config.validate()
    assert [(key, str(error)) for key, error in errors] == [(option, message)]


@pytest.mark.parametrize("options", [
    {}, {"display_size": 16, "thumb_size": 16, "webp_quality": 1, "jpeg_quality": 100, "jobs": 0},
    {"display_size": 10000, "thumb_size": 10000, "jobs": 64}])
def test_options_within_range_are_kept(options):
    """Control: the defaults and the bounds themselves are accepted as given."""
    config = GalleryConfig()
    config.load_dict(options)
    assert config.validate() == ([], [])
    assert {key: config[key] for key in options} == options


def test_build_refuses_an_option_out_of_range(make_site):
    """mkdocs build stops on a nonsense option before any image work, naming it."""
    site = make_site(config={"plugins": {"qinglian/gallery": {"display_size": -5}}})
    assert ("Config value 'plugins': Plugin 'qinglian/gallery' option 'display_size': Expected "
            "a whole number from 16 to 10000 but received: -5") in site.failed_build_log()
    assert not (site.root / ".cache/qinglian/images").exists()


# --- the built site --------------------------------------------------------

GALLERY_CONFIG = {
    "site_url": "http://intranet.test/",
    "extra": {"hospital": {"departments": DEPARTMENTS}},
    "plugins": {
        "qinglian/portal": {"sections": {"lessons": "九项准则", "exhibits": "清廉文化",
                                         "glossary": "术语表"}},
        "qinglian/gallery": {},
        "qinglian/posters": {},
    },
}


def _exhibit(title: str, medium: str, year: int, *images: str) -> str:
    listed = "".join(f"  - file: images/{name}\n    alt: {title}的画面\n" for name in images)
    return (f"---\ntitle: {title}\ncreator: 护理部\ndepartment: 护理部\nmedium: {medium}\n"
            f"year: {year}\ndescription: {title}的说明。\nimages:\n{listed}---\n\n# {title}\n\n正文。\n")


@pytest.fixture
def gallery_site(make_site):
    site = make_site({
        "content/exhibits/index.md": "# 清廉文化长廊\n",
        "content/exhibits/calligraphy.md": _exhibit("清风正气", "书法", 2025, "shufa.png"),
        "content/exhibits/photo.md": _exhibit("走廊一角", "摄影", 2024, "phone.jpg", "poster.jpg"),
    }, GALLERY_CONFIG)
    folder = site.root / "content" / "exhibits" / "images"
    folder.mkdir()
    make.plain(folder / "shufa.png", size=(1800, 2400))
    make.phone_photo(folder / "phone.jpg")
    make.cmyk_poster(folder / "poster.jpg")
    return site


def test_gallery_index_shows_every_exhibit_as_a_card(gallery_site):
    result = gallery_site.build()
    assert result.returncode == 0, result.stderr
    html = gallery_site.read("exhibits/index.html")
    cards = re.findall(r'<li class="ql-gallery-card" data-medium="([^"]+)" data-year="(\d+)"', html)
    assert cards == [("书法", "2025"), ("摄影", "2024")]  # newest first
    assert re.findall(r'<option value="([^"]*)">', html) == ["", "书法", "摄影", "", "2025", "2024"]
    # The count's live region, turned live by the script once the person comes to the menus
    assert 'role="status" aria-live="off"' in html
    # A thumbnail: WebP with a JPEG fallback, sized and lazy, linked to the large JPEG
    thumb = re.search(r'<a class="ql-gallery-image" href="([^"]+-display\.jpg)"[^>]*>'
                      r'<picture><source srcset="([^"]+-thumb\.webp)" type="image/webp">'
                      r'<img src="([^"]+-thumb\.jpg)" alt="清风正气的画面" width="300" height="400" '
                      r'loading="lazy" decoding="async"></picture></a>', html)
    assert thumb, html
    for url in thumb.groups():
        assert (gallery_site.root / "site" / "exhibits" / url).is_file(), url
    # The second picture of an exhibit waits for the lightbox
    assert html.count("data-ql-lightbox") == 3 and "共 2 幅" in html


def test_exhibit_page_shows_its_pictures_and_facts(gallery_site):
    assert gallery_site.build().returncode == 0
    html = gallery_site.read("exhibits/photo/index.html")
    title_end = html.index("</h1>")
    assert html.index('<section class="ql-gallery ql-exhibit"') > title_end
    assert html.count('<figure class="ql-exhibit-figure">') == 2
    assert re.search(r'alt="走廊一角的画面" width="200" height="300" loading="lazy"', html)
    assert "<dt>作者</dt><dd>护理部</dd>" in html and "<dt>年份</dt><dd>2024</dd>" in html
    assert re.search(r'<script src="../../assets/qinglian/gallery\.[0-9a-f]+\.js">', html)


def test_exhibits_rank_below_lessons_in_search_unless_the_trainer_says(gallery_site):
    """A poster's few words made it the first result for 红包: exhibit pages go into
    the search index at half weight, the gallery itself and a trainer's own
    ``search: boost`` as they are."""
    page = gallery_site.root / "content" / "exhibits" / "calligraphy.md"
    page.write_text(page.read_text("utf-8").replace("year: 2025\n", "year: 2025\nsearch:\n  boost: 3\n"),
                    "utf-8")
    assert gallery_site.build().returncode == 0
    index = json.loads(gallery_site.read("search/search_index.json"))
    boosts = {doc["location"].split("#")[0]: doc.get("boost") for doc in index["docs"]}
    assert boosts["exhibits/photo/"] == 0.5 and boosts["exhibits/calligraphy/"] == 3
    assert boosts["exhibits/"] is None and boosts["lessons/standard-1/"] is None


def test_originals_are_not_published_and_no_output_has_gps(gallery_site):
    result = gallery_site.build()
    assert result.returncode == 0
    site = gallery_site.root / "site"
    assert not (site / "exhibits" / "images").exists()
    outputs = sorted((site / "assets" / "qinglian" / "gallery").iterdir())
    assert len(outputs) == 3 * 4  # three images: display and thumb, WebP and JPEG
    for path in outputs:
        assert not Image.open(path).getexif()
        assert b"PhoneMaker" not in path.read_bytes()
    # The CMYK poster's conversion is said, as information (not a failure)
    assert "content/exhibits/images/poster.jpg: CMYK without an ICC profile" in result.stderr


def test_originals_under_other_names_are_not_published(make_site):
    """A JPEG saved by Windows or a browser as .jfif, or kept outside the exhibits
    folder, is shown through its renditions only: its GPS position stays unpublished."""
    site = make_site({
        "content/exhibits/index.md": "# 清廉文化长廊\n",
        "content/exhibits/photo.md": _exhibit("走廊一角", "摄影", 2024, "phone.jfif",
                                              "../../photos/ward.jpg"),
    }, GALLERY_CONFIG)
    folder = site.root / "content" / "exhibits" / "images"
    folder.mkdir()
    make.phone_photo(folder / "phone.jfif")
    make.phone_photo(folder / "spare.jpe")  # not shown by any exhibit yet
    (site.root / "content" / "photos").mkdir()
    make.phone_photo(site.root / "content" / "photos" / "ward.jpg")
    assert site.build().returncode == 0
    published = [path for path in (site.root / "site").rglob("*") if path.is_file()
                 and b"PhoneMaker" in path.read_bytes()]
    assert published == []
    assert len(list((site.root / "site/assets/qinglian/gallery").iterdir())) == 4


def _site_files(site_dir: Path) -> dict[str, bytes]:
    return {path.relative_to(site_dir).as_posix(): path.read_bytes()
            for path in site_dir.rglob("*") if path.is_file()}


def test_project_whose_cache_cannot_be_written_builds_the_same_site(gallery_site):
    """A .cache that cannot be written (a read-only USB stick; here a file where the
    folder should be) costs only time: the site is the same, with no traceback."""
    assert gallery_site.build().returncode == 0
    built = _site_files(gallery_site.root / "site")
    shutil.rmtree(gallery_site.root / ".cache")
    (gallery_site.root / ".cache").write_text("not a folder", encoding="utf-8")
    shutil.rmtree(gallery_site.root / "site")
    result = gallery_site.build()
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert "Gallery images: .cache/qinglian/images cannot be written" in result.stderr
    assert _site_files(gallery_site.root / "site") == built


def test_warm_rebuild_takes_every_image_from_the_cache(gallery_site):
    assert "Gallery images: 3 new, 0 from the cache" in gallery_site.build().stderr
    assert "Gallery images: 0 new, 3 from the cache" in gallery_site.build().stderr


def test_cache_keeps_only_the_pictures_in_use(gallery_site):
    """A picture replaced (or its exhibit deleted) leaves no renditions in the cache."""
    cache = gallery_site.root / ".cache/qinglian/images"
    assert gallery_site.build().returncode == 0
    first = {entry.name for entry in cache.iterdir() if entry.is_dir()}
    assert len(first) == 3
    make.plain(gallery_site.root / "content/exhibits/images/shufa.png", size=(1800, 2400),
               colour=(20, 120, 20))  # the trainer swaps in a better scan
    (gallery_site.root / "content/exhibits/photo.md").unlink()
    result = gallery_site.build()
    assert result.returncode == 0 and "Gallery images: 1 new, 0 from the cache" in result.stderr
    now = {entry.name for entry in cache.iterdir() if entry.is_dir()}
    assert len(now) == 1 and not now & first
    assert len(list((gallery_site.root / "site/assets/qinglian/gallery").iterdir())) == 4


def test_renditions_are_linked_from_the_cache_into_the_site(gallery_site):
    """A warm build links the cached renditions into the site instead of copying them."""
    for _ in range(2):  # the second build cleans the site and links again
        assert gallery_site.build().returncode == 0
        published = list((gallery_site.root / "site" / "assets/qinglian/gallery").iterdir())
        assert len(published) == 3 * 4  # three pictures, two sizes, WebP and JPEG
        cached = {path.stat().st_ino for path in (gallery_site.root / ".cache/qinglian/images")
                  .glob("*/*.*")}
        assert {path.stat().st_ino for path in published} <= cached


def test_rendition_is_copied_where_links_are_refused(tmp_path, monkeypatch):
    cached = tmp_path / "cache" / "display.jpg"
    cached.parent.mkdir()
    cached.write_bytes(b"picture")
    rendition = LinkedRendition("assets/a.jpg", src_dir=None, dest_dir=str(tmp_path / "site"),
                                use_directory_urls=True)
    rendition.abs_src_path = str(cached)
    monkeypatch.setattr(os, "link", lambda *a: (_ for _ in ()).throw(OSError(18, "cross-device")))
    rendition.copy_file()
    output = tmp_path / "site" / "assets" / "a.jpg"
    assert output.read_bytes() == b"picture" and not output.samefile(cached)


def test_bad_exhibit_and_bad_images_fail_the_strict_build(gallery_site):
    folder = gallery_site.root / "content" / "exhibits"
    bad = _bad_images(folder / "images")
    names = [path.name for path in bad if path.name != "missing.jpg"]
    (folder / "broken.md").write_text(_exhibit("坏图", "其他", 2023, "shufa.png", *names),
                                      encoding="utf-8")
    (folder / "typo.md").write_text(_exhibit("笔误", "篆刻", 2023, "missing.jpg"), encoding="utf-8")
    # A department not in extra.hospital.departments (the portal made it a Config, no dict)
    (folder / "elsewhere.md").write_text(_exhibit("别处", "其他", 2023, "shufa.png").replace(
        "department: 护理部", "department: 药剂科"), encoding="utf-8")
    log = gallery_site.failed_build_log()
    assert "content/exhibits/typo.md:5: medium '篆刻' is not one of" in log
    assert "content/exhibits/elsewhere.md:4: department '药剂科' is not in extra.hospital.departments" in log
    assert "content/exhibits/typo.md:9: image 'images/missing.jpg' does not exist" in log
    for path, message in bad.items():
        if path.name != "missing.jpg":
            assert f"content/exhibits/images/{path.name}: {message}" in log
    assert "Traceback" not in log
    # The good picture of the exhibit with bad ones is still shown
    result = gallery_site.build(strict=False)
    assert result.returncode == 0
    assert gallery_site.read("exhibits/broken/index.html").count('"ql-exhibit-figure"') == 1


def test_lesson_and_exhibit_pages_link_their_poster_on_the_folders_sheet(gallery_site):
    assert gallery_site.build().returncode == 0
    for page, sheet, name in (("lessons/standard-1/", "lessons/", "standard-1"),
                              ("exhibits/calligraphy/", "exhibits/", "calligraphy")):
        assert ('<p class="ql-poster-link" data-search-exclude>'
                f'<a href="../index.posters.html#{name}">打印二维码海报</a></p>'
                in gallery_site.read(f"{page}index.html"))
        poster = _poster_on_sheet(gallery_site.read(f"{sheet}index.posters.html"), name)
        url = f"http://intranet.test/{page}"
        assert qr_svg(url) in poster and f'<span class="url">{url}</span>' in poster
    # One sheet per folder, in the order of the nav; index pages have no poster
    exhibits = gallery_site.read("exhibits/index.posters.html")
    assert re.findall(r'<article class="poster" id="([^"]+)">', exhibits) == ["calligraphy", "photo"]
    assert "清风正气的说明。" in _poster_on_sheet(exhibits, "calligraphy")
    assert "显示本栏目全部 2 张海报" in exhibits
    assert not list((gallery_site.root / "site").rglob("*.poster.html"))
    # The link is not content: searching 海报 must not find every lesson
    index = json.loads(gallery_site.read("search/search_index.json"))
    assert "统方" in json.dumps(index, ensure_ascii=False)
    assert not [doc["location"] for doc in index["docs"] if "二维码海报" in doc["text"]]


def test_posters_of_the_file_build_lead_to_the_intranet_address(make_site):
    """The file:// build links .html files, but a phone scanning a poster printed from
    it reaches the intranet build, which has directory URLs: the QR code holds those."""
    site = make_site(config={"site_url": "http://intranet.test/sub",
                             "plugins": {"qinglian/posters": {}, "material/offline": {}}})
    assert site.build().returncode == 0
    assert 'href="index.posters.html#standard-1"' in site.read("lessons/standard-1.html")
    poster = _poster_on_sheet(site.read("lessons/index.posters.html"), "standard-1")
    url = "http://intranet.test/sub/lessons/standard-1/"
    assert qr_svg(url) in poster and f'<span class="url">{url}</span>' in poster


def test_qr_codes_are_made_by_workers_then_read_from_the_cache(tmp_path, monkeypatch):
    urls = [f"http://intranet.test/lessons/{n}/" for n in range(WORKERS_FROM)]
    expected = [qr_svg(url) for url in urls]
    codes = QrCodes(tmp_path)
    codes.start(urls + urls[:3])
    assert codes.workers  # enough missing codes for a worker
    workers = list(codes.workers)
    assert [codes.svg(url) for url in urls] == expected
    assert [worker.returncode for worker in workers] == [0] * len(workers)
    assert len(list(tmp_path.glob("*.svg"))) == WORKERS_FROM and not list(tmp_path.glob("*.tmp"))

    # The next build asks segno for none of them, and starts no workers
    monkeypatch.setattr(qrcodes, "qr_svg", lambda url: pytest.fail(f"made {url} again"))
    again = QrCodes(tmp_path)
    again.start(urls)
    assert not again.workers and [again.svg(url) for url in urls] == expected

    # A file cut short is made again, in the build's own process (too few for workers)
    monkeypatch.undo()
    again._file(urls[0]).write_text(expected[0][:40], encoding="utf-8")
    again.start(urls)
    assert not again.workers and again.svg(urls[0]) == expected[0]
    assert again._file(urls[0]).read_text(encoding="utf-8") == expected[0]


def test_qr_codes_are_made_here_when_the_workers_fail(tmp_path, monkeypatch):
    """A worker that fails (or cannot write the cache) costs only time."""
    monkeypatch.setattr(qrcodes, "WORKER", [sys.executable, "-c", "raise SystemExit(3)"])
    urls = [f"http://intranet.test/lessons/{n}/" for n in range(WORKERS_FROM)]
    codes = QrCodes(tmp_path)
    codes.start(urls)
    workers = list(codes.workers)
    assert workers
    assert [codes.svg(url) for url in urls] == [qr_svg(url) for url in urls]
    assert [worker.returncode for worker in workers] == [3] * len(workers)
    assert len(list(tmp_path.glob("*.svg"))) == WORKERS_FROM


def test_build_from_a_script_without_a_main_guard_still_makes_posters(make_site):
    """The QR workers run only their own module: a multiprocessing pool would run the main
    script again in each worker, and this one builds the site as it is imported."""
    lessons = {f"content/lessons/l{n}.md": f"# 第{n}课\n" for n in range(WORKERS_FROM)}
    site = make_site(lessons, {"site_url": "http://intranet.test/",
                               "plugins": {"qinglian/posters": {}}})
    script = site.root / "build.py"
    script.write_text("import sys\nfrom mkdocs.__main__ import cli\n"
                      "sys.argv = ['mkdocs', 'build', '-q']\ncli()\n", encoding="utf-8")
    result = subprocess.run([sys.executable, str(script)], cwd=site.root, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    url = "http://intranet.test/lessons/l3/"
    assert qr_svg(url) in _poster_on_sheet(site.read("lessons/index.posters.html"), "l3")


def test_qr_codes_without_a_writable_cache_are_still_made(tmp_path):
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the cache folder should be", encoding="utf-8")
    codes = QrCodes(blocked)
    codes.start(["http://intranet.test/a/"])
    assert codes.svg("http://intranet.test/a/") == qr_svg("http://intranet.test/a/")


def test_poster_escapes_its_text(make_site):
    site = make_site({"content/lessons/standard-1.md":
                      '---\ntitle: "<script>alert(1)</script>"\nsummary: "a & <b>"\n---\n\n# 第一条\n'},
                     {"site_url": "http://intranet.test/", "plugins": {"qinglian/posters": {}}})
    assert site.build().returncode == 0
    poster = site.read("lessons/index.posters.html")
    assert "<script>alert" not in poster and "&lt;script&gt;alert(1)&lt;/script&gt;" in poster
    assert "a &amp; &lt;b&gt;" in poster


@pytest.mark.parametrize("name, config", [
    ("content/lessons/index.posters.md", {"use_directory_urls": False}),
    ("content/lessons/index.posters.html", {}),
])
def test_a_file_where_a_folders_posters_go_fails_the_strict_build(make_site, name, config):
    """A page or file published as lessons/index.posters.html is not overwritten by the
    folder's poster sheet: the strict build fails and names it."""
    site = make_site({name: "# 自制海报\n" if name.endswith(".md") else "<p>自制海报</p>"},
                     {"site_url": "http://intranet.test/", "plugins": {"qinglian/posters": {}},
                      **config})
    log = site.failed_build_log()
    assert (f"{name}: it would be published as lessons/index.posters.html, where this folder's "
            "QR posters go — rename the file: index.posters.html is kept for the posters") in log
    assert "Traceback" not in log
    assert site.build(strict=False).returncode == 0
    kept = site.read("lessons/index.posters.html")
    assert "自制海报" in kept and '<article class="poster"' not in kept


def test_posters_without_site_url_fail_the_strict_build(make_site):
    site = make_site(config={"plugins": {"qinglian/posters": {}}})
    assert "QR posters need the site's intranet address: set site_url" in site.failed_build_log()


def test_cli_check_reports_exhibit_and_poster_problems(make_site):
    site = make_site({"content/exhibits/index.md": "# 长廊\n",
                      "content/exhibits/x.md": _exhibit("作品", "书法", 2025, "nowhere.jpg")},
                     {key: value for key, value in GALLERY_CONFIG.items() if key != "site_url"})
    result = subprocess.run([sys.executable, "-m", "qinglian.cli", "check"],
                            capture_output=True, text=True, cwd=site.root)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "content/exhibits/x.md:9: image 'images/nowhere.jpg' does not exist — put the file at "
        "content/exhibits/images/nowhere.jpg or correct the path",
        "mkdocs.yml: QR posters need the site's intranet address: set site_url "
        "(or disable qinglian/posters)",
    ]


@pytest.mark.parametrize("name", ["shufa-qingfeng-zhengqi.jpg", "haibao-hongbao.jpg",
                                  "jianzhi-lian.png"])
def test_exhibit_images_come_from_our_script(tmp_path, name):
    """The site's example works are drawn by scripts/make_exhibit_images.py: drawing
    one again gives the committed picture (decoded pixels, so encoder updates do not
    matter), in the awkward file form the pipeline is shown with."""
    stem = Path(name).stem
    result = subprocess.run([sys.executable, str(PROJECT / "scripts" / "make_exhibit_images.py"),
                             "--only", stem, "--out", str(tmp_path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    drawn, committed = Image.open(tmp_path / name), Image.open(EXHIBIT_IMAGES / name)
    assert (drawn.mode, drawn.size) == (committed.mode, committed.size)
    difference = ImageChops.difference(drawn.convert("RGB"), committed.convert("RGB"))
    assert max(ImageStat.Stat(difference).mean) < 1.0


def test_example_gallery_shows_awkward_files_as_they_arrive():
    assert Image.open(EXHIBIT_IMAGES / "haibao-hongbao.jpg").mode == "CMYK"
    assert Image.open(EXHIBIT_IMAGES / "jianzhi-lian.png").mode == "P"
    phone = Image.open(EXHIBIT_IMAGES / "sheying-wenhuaqiang.jpg").getexif()
    assert phone[0x0112] == 6 and phone.get_ifd(0x8825)


def test_build_reports_progress_with_many_new_images(make_site):
    names = [f"p{n}.png" for n in range(12)]
    site = make_site({"content/exhibits/index.md": "# 长廊\n",
                      "content/exhibits/many.md": _exhibit("组照", "摄影", 2025, *names)},
                     GALLERY_CONFIG)
    folder = site.root / "content" / "exhibits" / "images"
    folder.mkdir()
    for n, name in enumerate(names):
        make.plain(folder / name, colour=(n * 20, 0, 0))
    log = site.build().stderr
    assert [int(done) for done in re.findall(r"Gallery images: (\d+)/12 made", log)] == list(range(1, 13))
    assert "Gallery images: 12 new, 0 from the cache" in log


def _poster_on_sheet(sheet: str, name: str) -> str:
    """Return the poster of the page ``name`` from a folder's sheet of posters."""
    found = re.search(rf'<article class="poster" id="{name}">.*?</article>', sheet, re.S)
    assert found, f"no poster {name!r} on the sheet"
    return found[0]


def test_one_picture_saved_under_two_names_is_published_once(make_site):
    """Two exhibits showing the same photo under two file names share its renditions:
    each file is added to the site once, without MkDocs' duplicate-file warning."""
    site = make_site({
        "content/exhibits/index.md": "# 清廉文化长廊\n",
        "content/exhibits/a.md": _exhibit("荷花", "摄影", 2025, "he.png"),
        "content/exhibits/b.md": _exhibit("荷花（副本）", "摄影", 2024, "荷花 图.png"),
    }, GALLERY_CONFIG)
    folder = site.root / "content" / "exhibits" / "images"
    folder.mkdir()
    make.plain(folder / "he.png")
    shutil.copyfile(folder / "he.png", folder / "荷花 图.png")
    # MkDocs warns of a file added twice with a DeprecationWarning, hidden unless asked for
    result = site.build(env={"PYTHONWARNINGS": "default::DeprecationWarning"})
    assert result.returncode == 0, result.stderr
    assert "To replace an existing file" not in result.stderr, result.stderr
    assert len(list((site.root / "site/assets/qinglian/gallery").iterdir())) == 4
    pages = [site.read(f"exhibits/{name}/index.html") for name in ("a", "b")]
    assert re.findall(r'src="([^"]+-display\.jpg)"', pages[0]) == re.findall(
        r'src="([^"]+-display\.jpg)"', pages[1])


def test_exhibit_left_out_of_the_site_is_not_shown(gallery_site):
    """An exhibit kept back by exclude_docs (or draft_docs) gets no card in the gallery,
    whose link would lead nowhere."""
    config = gallery_site.config_file
    config.write_text(yaml.safe_dump({**yaml.safe_load(config.read_text(encoding="utf-8")),
                                      "exclude_docs": "*.yml\n/exhibits/photo.md\n"},
                                     allow_unicode=True), encoding="utf-8")
    result = gallery_site.build()
    assert result.returncode == 0, result.stderr
    html = gallery_site.read("exhibits/index.html")
    assert 'href="calligraphy/"' in html and "photo/" not in html
