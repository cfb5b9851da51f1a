"""Decode an image once and derive every pixel fact from that one decode.

JPEGs are decoded with Pillow's draft mode at the largest DCT scale whose long side is at
most 2048 px: that costs a fraction of a full decode, is big enough for face detection,
and fingerprints come from a downsample of the same pixels. EXIF orientation is applied
before fingerprinting so that a rotated upload hashes like its upright copy.
"""

from __future__ import annotations

import hashlib
import io
import warnings

import imagehash
from PIL import Image, ImageOps, UnidentifiedImageError

from scanner.analyse.faces import detect_faces, detector_version
from scanner.analyse.fingerprint import fingerprint_version, fingerprints
from scanner.analyse.metadata import read_metadata
from scanner.model import MediaFacts, MetadataFacts

try:  # HEIC/HEIF from phones; optional at import so a broken wheel never stops a scan
    from pillow_heif import register_heif_opener

    register_heif_opener()
except Exception:  # pragma: no cover - depends on the platform's wheel
    pass

IMAGE_VERSION = "3"
"""Bump when what this module computes changes, so cached facts are recomputed."""

WORKING_LONG_SIDE = 2048
"""Long side of the working decode: enough for faces, cheap enough for thousands of photos."""
MAX_PIXELS = 120_000_000
"""A file declaring more pixels than this is refused before decoding (decompression bomb)."""
CAMERA_MIN_PIXELS = 6_000_000
"""Camera originals are sensor-sized; platforms serve 1-2 MP."""
PHASH_PRE_SIDE = 256
"""pHash input is area-averaged to this square first (imagehash then takes it to 32x32)."""

# Pillow's own bomb guard raises at open with a message no governor can read; ours runs
# right after open (before any decode), is stricter, and names the declared size.
Image.MAX_IMAGE_PIXELS = None


class ImageError(Exception):
    """An image cannot be analysed; the message says why in plain words."""


def analyser_version() -> str:
    """Key for the facts cache: changes whenever any analyser's output would change."""
    return f"image{IMAGE_VERSION}-{fingerprint_version()}-{detector_version()}"


def open_working_image(data: bytes) -> tuple[Image.Image, int, int, str]:
    """Open and decode once at working size. Returns (upright RGB image, width, height, format).

    Width and height are the file's full pixel size after EXIF orientation.
    """
    try:
        img = Image.open(io.BytesIO(data))
    except UnidentifiedImageError as exc:
        raise ImageError("not an image Pillow can read (unknown or damaged format)") from exc
    except Image.DecompressionBombError as exc:
        raise ImageError(f"declares too many pixels to be a photo ({exc})") from exc
    w, h = img.size
    if w <= 0 or h <= 0:
        raise ImageError("declares no pixels")
    if w * h > MAX_PIXELS:
        raise ImageError(
            f"declares {w}x{h} pixels, too large to be a published photo; "
            "not decoded (possible decompression bomb)"
        )
    fmt = img.format or "unknown"
    if fmt == "JPEG":
        scale = 1
        while max(w, h) / scale > WORKING_LONG_SIDE and scale < 8:
            scale *= 2
        img.draft("RGB", (-(-w // scale), -(-h // scale)))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            img.seek(0)  # GIF/WebP animations: first frame
            img.load()
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ImageError(f"image data is damaged or truncated ({exc})") from exc
    orientation = _orientation(img)
    upright = ImageOps.exif_transpose(img) if orientation not in (None, 1) else img
    if orientation in (5, 6, 7, 8):
        w, h = h, w
    if upright.mode != "RGB":
        upright = _to_rgb(upright)
    if max(upright.size) > WORKING_LONG_SIDE:
        upright.thumbnail((WORKING_LONG_SIDE, WORKING_LONG_SIDE), Image.Resampling.BILINEAR)
    return upright, w, h, fmt


def _orientation(img: Image.Image) -> int | None:
    try:
        return img.getexif().get(0x0112)
    except Exception:
        return None


def _to_rgb(img: Image.Image) -> Image.Image:
    """Flatten transparency onto white, as a browser shows it."""
    if img.mode in ("RGBA", "LA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        bg = Image.new("RGB", rgba.size, (255, 255, 255))
        bg.paste(rgba, mask=rgba.getchannel("A"))
        return bg
    return img.convert("RGB")


def phash_hex(img: Image.Image) -> str:
    """imagehash pHash (64 bits, 16 hex digits) from a cheap downsample of the working image.

    imagehash squashes the image to 32x32 with Lanczos. An exact area average (BOX) to
    256x256 first, the same squash at 8x the size, keeps the hash within 2 bits of the
    full-decode hash (mean 0.2 bits) at a fraction of the cost; reducing by an integer
    factor to ~130 px, as before, drifted up to 6 bits on 4% of 12 MP photos
    (bench/scan_bench.py).
    """
    gray = img.convert("L")
    if min(gray.size) > PHASH_PRE_SIDE:
        gray = gray.resize((PHASH_PRE_SIDE, PHASH_PRE_SIDE), Image.Resampling.BOX)
    return str(imagehash.phash(gray))


def is_camera_original(meta: MetadataFacts, width: int, height: int) -> bool:
    """Camera EXIF (make or model and a capture time) plus a sensor-sized resolution."""
    has_camera = bool(meta.make or meta.model) and bool(meta.taken_at or meta.serial)
    return has_camera and width * height >= CAMERA_MIN_PIXELS


def analyse_bytes(data: bytes) -> MediaFacts:
    """All facts of one image from its bytes, decoding it exactly once."""
    if not data:
        raise ImageError("file is empty (0 bytes)")
    digest = hashlib.sha256(data).hexdigest()
    img, width, height, fmt = open_working_image(data)
    meta = read_metadata(Image.open(io.BytesIO(data)))
    return MediaFacts(
        digest=digest,
        width=width,
        height=height,
        format=fmt,
        bytes=len(data),
        phash=(ph := phash_hex(img)),
        fingerprints=fingerprints(img, ph),
        metadata=meta,
        is_camera_original=is_camera_original(meta, width, height),
        faces=detect_faces(img, (width, height)),
    )
