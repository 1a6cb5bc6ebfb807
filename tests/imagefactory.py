"""Images as trainers get them: phone photos with GPS, CMYK posters, 16-bit scans,
Display-P3 profiles, and broken files. Each function writes one file and returns its path."""

from __future__ import annotations

import struct
import zlib
from io import BytesIO
from pathlib import Path

from PIL import Image

# Display P3 primaries adapted to D50, as ICC matrix profiles store them
P3_COLORANTS = ((0.5151, 0.2412, -0.0011), (0.2920, 0.6922, 0.0419), (0.1571, 0.0666, 0.7841))
D50 = (0.9642, 1.0, 0.8249)


def phone_photo(path: Path, size=(300, 200), format: str = "JPEG") -> Path:
    """A JPEG (or an iPhone's HEIF, with ``format``) stored sideways with EXIF orientation
    6 (turn 90° clockwise to view), a camera make and a GPS position. Stored top half
    red, bottom half blue: upright, red is on the right."""
    if format == "HEIF":
        from pillow_heif import register_heif_opener

        register_heif_opener()
    image = Image.new("RGB", size, (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, size[0], size[1] // 2))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation
    exif[0x010F] = "PhoneMaker"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (39.0, 54.0, 27.0)  # GPSLatitudeRef, GPSLatitude
    gps[3], gps[4] = "E", (116.0, 23.0, 50.0)  # GPSLongitudeRef, GPSLongitude
    # As bytes: pillow-heif then stores the turn as the HEIF rotation iPhones write
    image.save(path, format, exif=exif.tobytes(), quality=95)
    return path


def plain(path: Path, size=(240, 160), colour=(30, 120, 60), format: str | None = None) -> Path:
    Image.new("RGB", size, colour).save(path, format)
    return path


def cmyk_poster(path: Path, size=(200, 300)) -> Path:
    """A CMYK JPEG without an ICC profile, pure red ink (0 % cyan, 100 % magenta and yellow)."""
    Image.new("CMYK", size, (0, 255, 255, 0)).save(path, "JPEG", quality=95)
    return path


def grey16(path: Path, value: int = 32768, size=(64, 64)) -> Path:
    """A 16-bit greyscale PNG; 32768 is mid grey (128 in 8 bits, not white)."""
    Image.new("I;16", size, value).save(path, "PNG")
    return path


def rgb48(path: Path, colour16=(65535, 32768, 0), size=(32, 16)) -> Path:
    """A PNG with 16 bits per channel (colour type 2, bit depth 16), written by hand:
    Pillow reads these but does not write them."""
    row = b"\x00" + struct.pack(">3H", *colour16) * size[0]
    data = zlib.compress(row * size[1])
    header = struct.pack(">IIBBBBB", size[0], size[1], 16, 2, 0, 0, 0)
    _write_png(path, [(b"IHDR", header), (b"IDAT", data)])
    return path


def palette_with_transparency(path: Path) -> Path:
    """A palette PNG: the left half transparent, the right half red."""
    image = Image.new("P", (40, 20), 0)
    image.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    image.paste(1, (20, 0, 40, 20))
    image.save(path, "PNG", transparency=0)
    return path


def display_p3(path: Path, colour=(200, 100, 50), size=(40, 40)) -> Path:
    """An RGB JPEG tagged with a Display P3 ICC profile, as phones save photos."""
    Image.new("RGB", size, colour).save(path, "JPEG", quality=100, subsampling=0,
                                        icc_profile=matrix_profile("Display P3", P3_COLORANTS))
    return path


def bomb(path: Path, width: int, height: int) -> Path:
    """A tiny PNG whose header claims ``width``×``height`` pixels."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    _write_png(path, [(b"IHDR", header), (b"IDAT", zlib.compress(b"\x00" * 64))])
    return path


def truncated(path: Path) -> Path:
    """The first half of a real JPEG."""
    buffer = BytesIO()
    Image.effect_noise((200, 200), 50).convert("RGB").save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
    return path


def matrix_profile(description: str, colorants, gamma: float = 2.2) -> bytes:
    """Return an ICC v2 RGB display profile (matrix and gamma curves)."""
    def xyz(values):
        return b"XYZ \0\0\0\0" + b"".join(struct.pack(">i", round(v * 65536)) for v in values)

    text = description.encode("ascii")
    desc = (b"desc\0\0\0\0" + struct.pack(">I", len(text) + 1) + text + b"\0"
            + b"\0" * 8 + b"\0" * 3 + b"\0" * 67)  # no Unicode, no ScriptCode text
    curve = b"curv\0\0\0\0" + struct.pack(">IH", 1, round(gamma * 256))
    tags = [(b"desc", desc), (b"wtpt", xyz(D50)), (b"rXYZ", xyz(colorants[0])),
            (b"gXYZ", xyz(colorants[1])), (b"bXYZ", xyz(colorants[2])),
            (b"rTRC", curve), (b"gTRC", curve), (b"bTRC", curve),
            (b"cprt", b"text\0\0\0\0" + b"none\0")]
    offset = 128 + 4 + 12 * len(tags)
    table, body = b"", b""
    for signature, data in tags:
        data += b"\0" * (-len(data) % 4)
        table += signature + struct.pack(">II", offset + len(body), len(data))
        body += data
    size = offset + len(body)
    header = (struct.pack(">I", size) + b"lcms" + b"\x02\x10\0\0" + b"mntr" + b"RGB " + b"XYZ "
              + b"\0" * 12 + b"acsp" + b"APPL" + b"\0" * 4 + b"\0" * 8 + b"\0" * 8
              + b"\0" * 4 + xyz(D50)[8:] + b"\0" * 4 + b"\0" * 16 + b"\0" * 28)
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + table + body


def _write_png(path: Path, chunks) -> None:
    out = b"\x89PNG\r\n\x1a\n"
    for kind, data in [*chunks, (b"IEND", b"")]:
        out += struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    path.write_bytes(out)
