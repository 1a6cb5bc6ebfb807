"""The gallery's image pipeline: whatever a trainer adds → clean, small sRGB renditions.

Each source image becomes a display size and a thumbnail, each as WebP and
JPEG, upright (EXIF orientation applied), in 8-bit sRGB and without any
metadata (phone photos carry GPS positions). Results are cached by the
source's content hash and the settings, so a warm rebuild does no image work
and deleting the cache folder only costs time.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import shutil
import tempfile
import warnings
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

from ..common.cachefiles import keep

# Pillow is imported where an image is made (12 ms of every build otherwise,
# also when every rendition comes from the cache)
if TYPE_CHECKING:
    from PIL import Image

# Bump when the output of the same source and settings changes
PIPELINE_VERSION = 3

# Formats we take; Pillow reads more (PSD, ICO, …) but those are not for exhibits.
# HEIF: the HEIC photos iPhones (and many Android phones) take, read by pillow-heif
FORMATS = {"JPEG", "PNG", "WEBP", "TIFF", "BMP", "GIF", "MPO", "HEIF"}

SIZES = ("display", "thumb")
TYPES = ("webp", "jpg")
_FILES = [f"{size}.{kind}" for size in SIZES for kind in TYPES]  # an entry's, beside meta.json


@dataclass(frozen=True)
class Settings:
    display: int = 1600  # longest side of the display size, in px
    thumb: int = 400  # longest side of the thumbnail
    webp_quality: int = 80
    jpeg_quality: int = 85

    def fingerprint(self) -> str:
        return json.dumps({**asdict(self), "version": PIPELINE_VERSION}, sort_keys=True)


@dataclass(frozen=True)
class Rendition:
    """The cached renditions of one source image."""

    key: str  # hash of the source's bytes and the settings
    sizes: dict[str, tuple[int, int]]  # "display"/"thumb" → (width, height)
    notes: tuple[str, ...]  # conversions made, for the build log
    folder: Path  # where its files are: the cache's entry, or a temporary one

    def name(self, size: str, kind: str) -> str:
        """Return the file name of one rendition, e.g. ``3fa1…-thumb.webp``."""
        return f"{self.key[:20]}-{size}.{kind}"

    def file(self, size: str, kind: str) -> Path:
        """Return where one rendition's file is."""
        return self.folder / f"{size}.{kind}"


@dataclass(frozen=True)
class ImageProblem:
    path: Path
    message: str
    fix: str


class _Refused(Exception):
    def __init__(self, message: str, fix: str):
        super().__init__(message)
        self.message, self.fix = message, fix


def process_images(sources: list[Path], settings: Settings, cache_dir: Path, *,
                   jobs: int = 0, progress=None) -> dict[Path, Rendition | ImageProblem]:
    """Return the renditions (or the problem) of every source, making those not cached.

    Images not in the cache are made on ``jobs`` threads (0: one per core;
    Pillow releases the GIL while it decodes, resizes and encodes).
    ``progress(done, total)`` is called after each image made.
    """
    results: dict[Path, Rendition | ImageProblem] = {}
    todo: dict[str, list[Path]] = {}  # key → its sources: one picture under two names is made once
    digests = _SourceDigests(cache_dir)
    for path in dict.fromkeys(sources):
        try:
            digest = digests.digest(path)
        except FileNotFoundError:
            results[path] = ImageProblem(path, "the image file does not exist",
                                         "check the file name and its folder")
            continue
        except OSError as error:
            results[path] = ImageProblem(path, f"the image file cannot be read ({error.strerror})",
                                         "check the file's permissions")
            continue
        key = hashlib.sha256((digest + settings.fingerprint()).encode()).hexdigest()
        cached = _cached(cache_dir / key, key)
        if cached:
            results[path] = cached
        else:
            todo.setdefault(key, []).append(path)
    digests.save()

    workers = min(jobs or os.cpu_count() or 1, len(todo)) or 1
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(_make, paths[0], key, settings, cache_dir): paths
                   for key, paths in todo.items()}
        for done, future in enumerate(as_completed(futures), 1):
            results.update(dict.fromkeys(futures[future], future.result()))
            if progress:
                progress(done, len(todo))
    return {path: results[path] for path in dict.fromkeys(sources)}


def prune_cache(cache_dir: Path, kept: list[Rendition]) -> None:
    """Delete the cache entries of every rendition but ``kept``: pictures replaced
    or removed since would otherwise stay in the cache for good (half a megabyte
    each). A site's links to them stay valid: they are hard links."""
    keys = {rendition.key for rendition in kept}
    for entry in cache_dir.glob("?" * 64):  # an entry's folder is named by its key
        if entry.name not in keys and entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)


class _SourceDigests:
    """SHA-256 of each source file, remembered with its size and modification time.

    Reading and hashing the sources was most of a warm rebuild's image work
    (20 photos, 25 MB: 29 of 47 ms); a file whose size and time are unchanged
    is not read again. Any change of either reads and hashes it afresh.
    """

    NAME = "sources.json"

    def __init__(self, cache_dir: Path):
        self.path = cache_dir / self.NAME
        try:
            known = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            known = {}
        self.known = known if isinstance(known, dict) else {}
        self.seen: dict[str, list] = {}

    def digest(self, path: Path) -> str:
        stat = path.stat()
        signature = [stat.st_size, stat.st_mtime_ns]
        entry = self.known.get(str(path))
        if isinstance(entry, list) and entry[:2] == signature and isinstance(entry[-1], str):
            digest = entry[-1]
        else:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        self.seen[str(path)] = [*signature, digest]
        return digest

    def save(self) -> None:
        if self.seen != self.known:
            keep(self.path, json.dumps(self.seen).encode("utf-8"))


def _cached(folder: Path, key: str) -> Rendition | None:
    # A file missing or cut short (a USB stick pulled out before it was written
    # through) is made again, not published
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        rendition = Rendition(key, {size: tuple(meta["sizes"][size]) for size in SIZES},
                              tuple(meta["notes"]), folder)
        whole = all((folder / name).stat().st_size == meta["bytes"][name] for name in _FILES)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return rendition if whole else None


def _make(path: Path, key: str, settings: Settings, cache_dir: Path) -> Rendition | ImageProblem:
    """Make one source's renditions and store them in the cache."""
    try:
        image, notes = _open(path, settings)
    except _Refused as refused:
        return ImageProblem(path, refused.message, refused.fix)
    try:
        return _store(image, notes, key, settings, cache_dir)
    except OSError:
        pass  # a cache that cannot be written (a read-only USB stick): made apart below
    try:
        return _store(image, notes, key, settings, _spare_folder())
    except OSError as error:
        return ImageProblem(path, f"its renditions cannot be written ({error.strerror})",
                            "free some disk space, then build again")


@cache
def _spare_folder() -> Path:
    """Return a temporary folder for the renditions the cache cannot take, removed
    when the build's process ends (MkDocs copies them into the site before)."""
    folder = Path(tempfile.mkdtemp(prefix="qinglian-images-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def _store(image: Image.Image, notes: list[str], key: str, settings: Settings,
           cache_dir: Path) -> Rendition:
    """Write the renditions of ``image`` as the entry ``key`` of ``cache_dir``."""
    sizes = {}
    cache_dir.mkdir(parents=True, exist_ok=True)
    # Build the entry in a temporary folder and rename it into place, so an
    # interrupted build never leaves a half-written entry behind
    staging = Path(tempfile.mkdtemp(prefix=f".{key[:12]}-", dir=cache_dir))
    try:
        for size in SIZES:
            image = _fit(image, getattr(settings, size))
            sizes[size] = image.size
            image.save(staging / f"{size}.webp", "WEBP", quality=settings.webp_quality, method=4)
            image.save(staging / f"{size}.jpg", "JPEG", quality=settings.jpeg_quality,
                       optimize=True, progressive=True)
        written = {name: (staging / name).stat().st_size for name in _FILES}
        (staging / "meta.json").write_text(
            json.dumps({"sizes": sizes, "notes": notes, "bytes": written}, ensure_ascii=False),
            encoding="utf-8")
        # An entry missing a file is made again, in place of the old one
        shutil.rmtree(cache_dir / key, ignore_errors=True)
        try:
            staging.rename(cache_dir / key)
        except OSError:  # another build made the same entry meanwhile
            pass
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return Rendition(key, sizes, tuple(notes), cache_dir / key)


def _open(path: Path, settings: Settings) -> tuple[Image.Image, list[str]]:
    """Return the source decoded, upright, 8-bit sRGB and without metadata, with notes
    on what was converted; raise _Refused for what cannot be shown."""
    from PIL import Image, ImageOps

    _read_heif()
    # Pillow warns about images above its pixel limit; we refuse them with a
    # problem of our own instead
    warnings.simplefilter("ignore", Image.DecompressionBombWarning)
    if path.stat().st_size == 0:
        raise _Refused("the image file is empty (0 bytes)",
                       "copy the image again from its original")
    try:
        image = Image.open(path)
    except Image.DecompressionBombError as error:
        raise _Refused(_bomb(error), _BOMB_FIX) from None
    except Exception:  # UnidentifiedImageError, or a decoder's error on a corrupt header
        raise _unreadable(path) from None
    with image:
        if image.format not in FORMATS:
            raise _Refused(f"{image.format} images are not supported",
                           "save it as JPEG, PNG or WebP")
        width, height = image.size
        notes = []
        # An MPO's further frames are a phone's depth map or preview, not pages
        if getattr(image, "n_frames", 1) > 1 and image.format != "MPO":
            notes.append("a multi-page TIFF: only its first page is shown"
                         if image.format == "TIFF" else
                         f"an animated {image.format}: only its first frame is shown")
        # JPEG decodes at a smaller scale when the display size allows it
        scale = settings.display / max(width, height)
        if scale < 1:
            image.draft(image.mode, (round(width * scale), round(height * scale)))
        # What is decoded counts: a 108-megapixel phone photo (12000×9000) decodes
        # at a quarter of its width and height, well within the limit
        if image.width * image.height > Image.MAX_IMAGE_PIXELS:
            raise _Refused(f"the image has {width}×{height} pixels, more than Pillow's limit of "
                           f"{Image.MAX_IMAGE_PIXELS:,} (a decompression bomb?)", _BOMB_FIX)
        try:
            image.load()
            upright = ImageOps.exif_transpose(image)
            converted = _to_srgb(upright, notes)
        except Exception as error:  # Pillow's decoders raise many kinds on bad data
            raise _Refused(f"the image cannot be decoded: it is truncated or corrupt ({error})",
                           "export or copy it again from the original") from None
    converted.info.clear()  # no EXIF, GPS, XMP, ICC or comments in what we publish
    return converted, notes


@cache
def _read_heif() -> None:
    """Let Pillow open HEIC/HEIF photos (pillow-heif turns them upright as it reads)."""
    from pillow_heif import register_heif_opener

    register_heif_opener()


# ISO base media brands of HEIC/HEIF stills and bursts (iPhones, many Android phones)
HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}


def _unreadable(path: Path) -> _Refused:
    """Return the refusal of a file Pillow cannot open, naming the formats trainers meet."""
    try:
        with path.open("rb") as file:
            start = file.read(256)
    except OSError:
        start = b""
    if start[4:8] == b"ftyp" and start[8:12] in HEIF_BRANDS:
        return _Refused("this HEIC/HEIF photo cannot be read: it is damaged, or holds what "
                        "no photo does (a sequence, an image in a format libheif lacks)",
                        "copy it again from the phone, or export it as JPEG (on an iPhone, "
                        "Settings → Camera → Formats → Most Compatible takes JPEG photos)")
    if b"<svg" in start.lower():
        return _Refused("this is not an image Pillow can read: it is an SVG drawing",
                        "export it as PNG, e.g. 2000 px wide")
    return _Refused("this is not an image Pillow can read (corrupt, or an unsupported "
                    "format)", "save it as JPEG or PNG")


def _to_srgb(image: Image.Image, notes: list[str]) -> Image.Image:
    """Return ``image`` as 8-bit RGB in sRGB, noting each conversion that is not plain."""
    from PIL import Image

    profile = image.info.get("icc_profile")
    if image.mode in ("I;16", "I;16L", "I;16B", "I;16N", "I"):
        # A plain convert to 8 bits clips everything above 255 to white; a 16-bit
        # image is scaled even when all its values are below 256 (a dark scan)
        sixteen = image.mode.startswith("I;16")
        image = image.convert("I")
        if sixteen or image.getextrema()[1] > 255:
            image = image.point(lambda value: value / 257)
            notes.append("16-bit greyscale reduced to 8-bit")
        image = image.convert("L")
    if image.mode == "P":
        notes.append("a palette image converted to RGB")
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        # JPEG has no transparency: show transparent areas as white paper
        background = Image.new("RGB", image.size, "white")
        background.paste(image.convert("RGBA"), mask=image.convert("RGBA").getchannel("A"))
        image = background
    if image.mode == "CMYK":
        if profile:
            image = _through_profile(image, profile, "RGB", notes, "CMYK")
        else:
            notes.append("CMYK without an ICC profile converted to sRGB with Pillow's standard "
                         "formula: check its colours")
            image = image.convert("RGB")
    elif profile and image.mode in ("RGB", "L"):
        image = _through_profile(image, profile, "RGB", notes, image.mode)
    return image.convert("RGB")


def _through_profile(image, profile: bytes, mode: str, notes: list[str], source: str):
    from PIL import ImageCms

    try:
        source_profile = ImageCms.ImageCmsProfile(BytesIO(profile))
        name = ImageCms.getProfileDescription(source_profile).strip()
        if "srgb" in name.lower():
            return image
        converted = ImageCms.profileToProfile(image, source_profile, _srgb(), outputMode=mode)
    except (ImageCms.PyCMSError, OSError, ValueError) as error:
        notes.append(f"its ICC profile cannot be used ({error}): colours kept as they are")
        return image
    notes.append(f"{source} '{name}' converted to sRGB through its ICC profile")
    return converted


def _fit(image: Image.Image, longest: int) -> Image.Image:
    from PIL import Image

    if max(image.size) <= longest:
        return image
    scale = longest / max(image.size)
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _bomb(error: Exception) -> str:
    return f"the image is too large to open safely ({error})"


_BOMB_FIX = "scale it down (e.g. to 4000 px on the longest side) and save it again"


@cache
def _srgb():
    from PIL import ImageCms

    return ImageCms.createProfile("sRGB")
