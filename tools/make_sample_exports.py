"""Build sample_exports/: the exports of a fictional school, Oakfield Primary.

The README's first command scans this folder, and tests/test_sample_exports.py asserts the
exact (post, rule) pairs listed in sample_exports/EXPECTED.tsv. Every picture is made here
from scikit-image's bundled sample photographs (the astronaut's face, LFW faces upscaled,
grass, brick, coffee): no real child appears anywhere. The output is deterministic: the same
library versions give byte-identical files, so the committed folder can be checked against
a fresh build.

One function per platform export (`facebook_export`, `photos_folder`, `wordpress_export`,
`instagram_export`, `x_export`): adding another is one more function and one line in
`BUILDERS`.

Usage:
    python tools/make_sample_exports.py              # rebuild sample_exports/
    python tools/make_sample_exports.py --expected   # rebuild, then rewrite EXPECTED.tsv
    python tools/make_sample_exports.py --out DIR    # build somewhere else (tests do this)
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
import struct
import sys
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import numpy as np
from PIL import Image, ImageDraw, ImageFilter
from skimage import data as skdata

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "sample_exports"
EXPECTED_NAME = "EXPECTED.tsv"
AS_OF = "2025-09-01"
"""The date tests judge `old-post` against, so the expected pairs never drift with time."""

SCHOOL = "Oakfield Primary School"
FACEBOOK_ZIP = "facebook-oakfieldprimary.zip"
FB_ROOT = "this_profile's_activity_across_facebook/posts"
UPLOAD_IP = "203.0.113.45"
"""A documentation-range address (RFC 5737) in every upload record; it must never be shown."""
SCHOOL_GPS = (51.4545, -2.5879)
"""Where the fictional school's field is: used in the photos' EXIF and the upload records."""
ZIP_TIME = (2025, 8, 1, 9, 0, 0)
"""Fixed member times, so the zip is byte-identical on every build."""

# ---------------------------------------------------------------- faces and scenes


@lru_cache(maxsize=1)
def _lfw() -> np.ndarray:
    """The first 100 entries of skimage's LFW subset are 25x25 grey faces."""
    return skdata.lfw_subset()[:100]


def astronaut_face(side: int) -> Image.Image:
    """The astronaut's face with some hair and collar, scaled to `side` pixels wide."""
    crop = Image.fromarray(skdata.astronaut()).crop((150, 38, 304, 200))
    return crop.resize((side, round(side * crop.height / crop.width)), Image.Resampling.LANCZOS)


def lfw_face(index: int, side: int) -> Image.Image:
    """An LFW face upscaled to `side` pixels, tinted from grey to a warm skin tone."""
    grey = Image.fromarray((_lfw()[index] * 255).astype(np.uint8))
    grey = grey.resize((side, side), Image.Resampling.BICUBIC)
    g = np.asarray(grey, dtype=np.float32) / 255.0
    tint = np.stack([g * 235 + 15, g * 200 + 12, g * 170 + 10], axis=-1)
    return Image.fromarray(np.clip(tint, 0, 255).astype(np.uint8))


@dataclass(frozen=True, kw_only=True)
class Person:
    """One child in a scene: which face, where its centre is (share of width/height), size."""

    face: int | None
    """An LFW index, or None for the astronaut."""
    x: float
    y: float
    side: float
    """Face width as a share of the image width."""
    jumper: tuple[int, int, int] = (30, 45, 110)


def _sky_and_grass(w: int, h: int, horizon: float = 0.42) -> Image.Image:
    """A playing field: a sky gradient over skimage's grass texture tinted green."""
    top = int(h * horizon)
    yy = np.linspace(0.0, 1.0, top, dtype=np.float32)[:, None]
    sky = np.stack([150 + 60 * yy, 190 + 40 * yy, 235 + 10 * yy], axis=-1) * np.ones(
        (1, w, 1), np.float32
    )
    grass = Image.fromarray(skdata.grass()).resize((w, h - top), Image.Resampling.BILINEAR)
    gg = np.asarray(grass, dtype=np.float32) / 255.0
    field_rgb = np.stack([40 + 60 * gg, 110 + 90 * gg, 30 + 40 * gg], axis=-1)
    img = np.concatenate([sky, field_rgb], axis=0)
    return Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))


def _texture(kind: str, w: int, h: int, lo: tuple, hi: tuple) -> Image.Image:
    """A skimage texture (grass, brick, gravel) scaled to w x h and tinted from lo to hi."""
    grey = Image.fromarray(getattr(skdata, kind)()).convert("L").resize((w, h))
    g = np.asarray(grey, dtype=np.float32)[..., None] / 255.0
    rgb = np.array(lo, np.float32) + g * (np.array(hi, np.float32) - np.array(lo, np.float32))
    return Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8))


def backdrop(kind: str, w: int, h: int) -> Image.Image:
    """Where a scene happens. Each place has its own large shapes, so that two different
    events never look alike to a perceptual hash: only real copies of one photo should."""
    if kind == "field":
        return _sky_and_grass(w, h)
    img = Image.new("RGB", (w, h))
    d = ImageDraw.Draw(img)
    if kind == "playground":  # brick wall above tarmac with painted lines
        img.paste(_texture("brick", w, h // 2, (90, 40, 30), (200, 120, 90)), (0, 0))
        img.paste(_texture("gravel", w, h - h // 2, (60, 60, 65), (130, 130, 135)), (0, h // 2))
        for i in range(4):
            x = w // 10 + i * w // 12
            d.rectangle((x, int(h * 0.78), x + w // 14, int(h * 0.92)), outline="white", width=8)
    elif kind == "hall":  # stage curtains either side, a lit backdrop, a wooden floor
        d.rectangle((0, 0, w, h), fill=(25, 20, 40))
        d.ellipse((w // 4, -h // 3, 3 * w // 4, int(h * 0.8)), fill=(230, 200, 140))
        d.rectangle((0, 0, w // 6, h), fill=(130, 15, 25))
        d.rectangle((5 * w // 6, 0, w, h), fill=(130, 15, 25))
        d.rectangle((0, int(h * 0.8), w, h), fill=(120, 80, 40))
    elif kind == "museum":  # pale wall, a dark display case on the right, a tiled floor
        d.rectangle((0, 0, w, h), fill=(205, 205, 195))
        d.rectangle((int(w * 0.72), int(h * 0.1), int(w * 0.97), int(h * 0.75)), fill=(30, 35, 45))
        img.paste(_texture("brick", w, h // 4, (150, 150, 150), (235, 235, 235)), (0, 3 * h // 4))
    elif kind == "classroom":  # yellow wall, a whiteboard top left, windows top right
        d.rectangle((0, 0, w, h), fill=(225, 205, 120))
        d.rectangle(
            (int(w * 0.05), int(h * 0.05), int(w * 0.5), int(h * 0.3)), fill=(250, 250, 250)
        )
        for i in range(2):
            x = int(w * (0.62 + i * 0.18))
            d.rectangle((x, int(h * 0.05), x + int(w * 0.14), int(h * 0.3)), fill=(120, 170, 220))
        d.rectangle((0, int(h * 0.85), w, h), fill=(90, 60, 50))
    elif kind == "pool":  # blue water with lane ropes, a tiled wall at the top
        d.rectangle((0, 0, w, h), fill=(40, 120, 200))
        d.rectangle((0, 0, w, int(h * 0.2)), fill=(235, 235, 240))
        for i in range(1, 5):
            y = int(h * (0.2 + i * 0.16))
            d.rectangle((0, y, w, y + h // 60), fill=(220, 30, 30))
    elif kind == "woods":  # dark canopy with a brown path running to the right
        d.rectangle((0, 0, w, h), fill=(150, 175, 120))
        for i in range(6):
            cx = int(w * (i / 5))
            d.ellipse(
                (cx - w // 6, -h // 4, cx + w // 6, int(h * (0.35 + 0.1 * (i % 2)))),
                fill=(20, 60, 25),
            )
        d.polygon(
            [(0, h), (int(w * 0.45), int(h * 0.55)), (int(w * 0.6), int(h * 0.55)), (w, h)],
            fill=(120, 90, 50),
        )
    elif kind == "track":  # a red running track with white lanes curving away
        d.rectangle((0, 0, w, h), fill=(175, 70, 55))
        d.rectangle((0, 0, w, int(h * 0.3)), fill=(160, 200, 235))
        for i in range(5):
            y0 = int(h * (0.35 + i * 0.14))
            d.line([(0, y0), (w, int(h * 0.3) + i * h // 40)], fill="white", width=h // 120)
    elif kind == "farm":  # a red barn on the left, a fence across green pasture
        img = _sky_and_grass(w, h, horizon=0.5)
        d = ImageDraw.Draw(img)
        d.rectangle((int(w * 0.02), int(h * 0.18), int(w * 0.3), int(h * 0.55)), fill=(150, 30, 25))
        d.polygon(
            [(0, int(h * 0.2)), (int(w * 0.16), int(h * 0.05)), (int(w * 0.32), int(h * 0.2))],
            fill=(90, 20, 20),
        )
        for i in range(8):
            x = int(w * (0.35 + i * 0.09))
            d.rectangle((x, int(h * 0.45), x + w // 120, int(h * 0.6)), fill=(110, 80, 50))
        d.rectangle((int(w * 0.35), int(h * 0.48), w, int(h * 0.495)), fill=(110, 80, 50))
    elif kind == "library":  # bookshelves across the back wall, a carpet
        d.rectangle((0, 0, w, h), fill=(110, 70, 40))
        colours = [(170, 40, 40), (40, 90, 160), (220, 180, 60), (40, 120, 60), (230, 230, 220)]
        for row in range(3):
            y = int(h * (0.04 + row * 0.2))
            for i in range(40):
                x = int(w * i / 40)
                d.rectangle(
                    (x + 2, y, x + w // 45, y + int(h * 0.16)), fill=colours[(i * 3 + row) % 5]
                )
        d.rectangle((0, int(h * 0.66), w, h), fill=(60, 90, 140))
    elif kind == "field-hedge":  # a far hedge under a high horizon, a white touchline
        img = _sky_and_grass(w, h, horizon=0.22)
        d = ImageDraw.Draw(img)
        d.rectangle((0, int(h * 0.2), w, int(h * 0.32)), fill=(25, 70, 30))
        d.rectangle((0, int(h * 0.88), w, int(h * 0.9)), fill=(245, 245, 245))
    elif kind == "artroom":  # white wall hung with six big paintings, a grey floor
        d.rectangle((0, 0, w, h), fill=(240, 238, 230))
        colours = [(200, 40, 60), (40, 110, 200), (250, 200, 30), (60, 170, 90), (150, 60, 170)]
        for i in range(6):
            x, y = int(w * (0.03 + (i % 3) * 0.33)), int(h * (0.04 + (i // 3) * 0.26))
            d.rectangle((x, y, x + int(w * 0.27), y + int(h * 0.2)), fill=colours[i % 5])
        d.rectangle((0, int(h * 0.82), w, h), fill=(110, 110, 115))
    elif kind == "gym":  # wall bars across a pale blue wall, an orange sprung floor
        d.rectangle((0, 0, w, h), fill=(170, 200, 225))
        for i in range(12):
            x = int(w * (0.02 + i * 0.08))
            d.rectangle((x, 0, x + w // 40, int(h * 0.7)), fill=(160, 110, 60))
        d.rectangle((0, int(h * 0.7), w, h), fill=(215, 120, 40))
    elif kind == "beach":  # sky, a dark sea band, sand from skimage's gravel
        d.rectangle((0, 0, w, int(h * 0.3)), fill=(175, 215, 245))
        d.rectangle((0, int(h * 0.3), w, int(h * 0.48)), fill=(20, 70, 130))
        img.paste(
            _texture("gravel", w, h - int(h * 0.48), (170, 150, 100), (245, 225, 170)),
            (0, int(h * 0.48)),
        )
    elif kind == "bakesale":  # bunting on a cream wall over a red and white checked table
        d.rectangle((0, 0, w, h), fill=(245, 235, 205))
        for i in range(10):
            x = int(w * i / 10)
            d.polygon([(x, 0), (x + w // 10, 0), (x + w // 20, int(h * 0.12))], fill="crimson")
        top, side = int(h * 0.6), w // 12
        for row in range((h - top) // side + 1):
            for col in range(13):
                if (row + col) % 2 == 0:
                    x, y = col * side, top + row * side
                    d.rectangle((x, y, x + side, y + side), fill=(200, 30, 40))
    elif kind == "sunflowers":  # dug brown soil below a row of big sunflower heads
        d.rectangle((0, 0, w, int(h * 0.25)), fill=(200, 225, 250))
        img.paste(
            _texture("gravel", w, h - int(h * 0.25), (60, 35, 20), (130, 90, 55)),
            (0, int(h * 0.25)),
        )
        for i in range(5):
            cx, r = int(w * (0.1 + i * 0.2)), w // 14
            d.ellipse((cx - r, int(h * 0.12), cx + r, int(h * 0.12) + 2 * r), fill=(250, 200, 0))
            d.ellipse(
                (cx - r // 2, int(h * 0.12) + r // 2, cx + r // 2, int(h * 0.12) + 3 * r // 2),
                fill=(90, 50, 20),
            )
    elif kind == "fair":  # a marquee in broad red and white diagonal stripes over grass
        img = _sky_and_grass(w, h, horizon=0.62)
        d = ImageDraw.Draw(img)
        stripe = w // 6
        for i in range(-6, 12, 2):
            x = i * stripe
            d.polygon(
                [
                    (x, 0),
                    (x + stripe, 0),
                    (x + stripe + h // 2, int(h * 0.6)),
                    (x + h // 2, int(h * 0.6)),
                ],
                fill=(210, 30, 40),
            )
    elif kind == "music":  # a purple wall, a black piano on the left, a wide window right
        d.rectangle((0, 0, w, h), fill=(80, 40, 110))
        d.rectangle((0, int(h * 0.45), int(w * 0.3), int(h * 0.9)), fill=(15, 15, 20))
        d.rectangle(
            (int(w * 0.6), int(h * 0.08), int(w * 0.97), int(h * 0.45)), fill=(210, 230, 250)
        )
        d.rectangle((0, int(h * 0.9), w, h), fill=(140, 100, 60))
    else:
        raise ValueError(f"unknown backdrop {kind!r}")
    return img.filter(ImageFilter.GaussianBlur(1.5))


def pupil_scene(w: int, h: int, people: Sequence[Person], place: str = "field") -> Image.Image:
    """Children in school jumpers somewhere at school; each face is a real photograph of at
    least 80 px, so that a face detector finds it."""
    img = backdrop(place, w, h)
    draw = ImageDraw.Draw(img)
    for p in people:
        side = round(p.side * w)
        face = astronaut_face(side) if p.face is None else lfw_face(p.face, side)
        cx, cy = round(p.x * w), round(p.y * h)
        left, top = cx - face.width // 2, cy - face.height // 2
        body = (left - side // 3, top + face.height - 4, left + face.width + side // 3, h + side)
        draw.rounded_rectangle(body, radius=side // 3, fill=p.jumper)
        img.paste(face, (left, top))
    return img


def library_roof(w: int, h: int) -> Image.Image:
    """A brick building under a slate roof and sky: scenery, no people."""
    yy = np.linspace(0.0, 1.0, h, dtype=np.float32)[:, None, None]
    img = np.ones((h, w, 3), np.float32) * (np.array([140, 180, 230]) + 40 * yy)
    brick = Image.fromarray(skdata.brick()).resize((w, h // 2), Image.Resampling.BILINEAR)
    b = np.asarray(brick, dtype=np.float32)[..., None] / 255.0
    img[h // 2 :] = np.array([90, 40, 30]) + b * np.array([120, 70, 50])
    pil = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(pil)
    draw.polygon([(0, h // 2), (w // 2, h // 5), (w, h // 2)], fill=(70, 75, 85))
    for i in range(1, 4):
        x = i * w // 4
        draw.rectangle((x - w // 20, int(h * 0.62), x + w // 20, int(h * 0.82)), fill=(40, 50, 60))
    return pil


def coffee_table(w: int, h: int) -> Image.Image:
    """skimage's coffee cup: the school café's new menu, no people."""
    return Image.fromarray(skdata.coffee()).resize((w, h), Image.Resampling.LANCZOS)


def garden(w: int, h: int) -> Image.Image:
    """The school garden: gravel paths and grass beds, no people."""
    img = _sky_and_grass(w, h, horizon=0.3)
    gravel = Image.fromarray(skdata.gravel()).resize((w // 3, h // 2)).convert("RGB")
    img.paste(gravel, (w // 3, h // 2))
    return img.filter(ImageFilter.SMOOTH)


# ---------------------------------------------------------------- metadata writers


def _dms(value: float) -> tuple[float, float, float]:
    value = abs(value)
    deg = int(value)
    minutes = int((value - deg) * 60)
    seconds = round((value - deg - minutes / 60) * 3600, 2)
    return (float(deg), float(minutes), seconds)


@dataclass(frozen=True, kw_only=True)
class Camera:
    """What a camera or phone writes into EXIF; None fields are left out."""

    make: str | None = None
    model: str | None = None
    taken: str | None = None
    """DateTimeOriginal, 'YYYY:MM:DD HH:MM:SS' local time as cameras write it."""
    serial: str | None = None
    artist: str | None = None
    copyright: str | None = None
    software: str | None = None
    gps: tuple[float, float] | None = None
    thumbnail: bool = False


def build_exif(cam: Camera, size: tuple[int, int]) -> Image.Exif:
    """EXIF with IFD0, the Exif IFD and the GPS IFD, written with Pillow."""
    exif = Image.Exif()
    for tag, value in (
        (0x010F, cam.make),
        (0x0110, cam.model),
        (0x0131, cam.software),
        (0x013B, cam.artist),
        (0x8298, cam.copyright),
    ):
        if value:
            exif[tag] = value
    sub = exif.get_ifd(0x8769)
    if cam.make:  # the tags every camera writes, so the files look like what they stand for
        exif[0x011A] = exif[0x011B] = 72.0
        exif[0x0128] = 2
        exif[0x0213] = 1
        sub[0x9000] = b"0232"
        sub[0xA000] = b"0100"
        sub[0xA001] = 1
        sub[0xA002], sub[0xA003] = size
    if cam.taken:
        sub[0x9003] = cam.taken
        sub[0x9004] = cam.taken
    if cam.serial:
        sub[0xA431] = cam.serial
    if cam.gps:
        lat, lon = cam.gps
        gps = exif.get_ifd(0x8825)
        gps[0x0000] = b"\x02\x03\x00\x00"
        gps[0x0001] = "N" if lat >= 0 else "S"
        gps[0x0002] = _dms(lat)
        gps[0x0003] = "E" if lon >= 0 else "W"
        gps[0x0004] = _dms(lon)
    return exif


def exif_bytes(cam: Camera, img: Image.Image) -> bytes:
    """The APP1 payload; with `thumbnail`, an IFD1 holding a 160 px JPEG of the picture.

    Pillow writes IFD0 and its sub-IFDs but not IFD1, so the thumbnail directory is appended
    here and linked from IFD0's next-IFD pointer, as cameras do.
    """
    payload = build_exif(cam, img.size).tobytes()
    if not cam.thumbnail:
        return payload
    assert payload.startswith(b"Exif\x00\x00")
    tiff = bytearray(payload[6:])
    e = "<" if tiff[:2] == b"II" else ">"
    ifd0 = struct.unpack(e + "I", tiff[4:8])[0]
    count = struct.unpack(e + "H", tiff[ifd0 : ifd0 + 2])[0]
    next_at = ifd0 + 2 + 12 * count
    if len(tiff) % 2:
        tiff += b"\x00"
    ifd1 = len(tiff)
    struct.pack_into(e + "I", tiff, next_at, ifd1)

    thumb = img.copy()
    thumb.thumbnail((160, 160), Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    thumb.save(buf, "JPEG", quality=70)
    jpeg = buf.getvalue()

    entries = 6
    rationals = ifd1 + 2 + 12 * entries + 4
    thumb_at = rationals + 16
    out = struct.pack(e + "H", entries)
    out += struct.pack(e + "HHII", 0x0103, 3, 1, 6 << (16 if e == ">" else 0))
    out += struct.pack(e + "HHII", 0x011A, 5, 1, rationals)
    out += struct.pack(e + "HHII", 0x011B, 5, 1, rationals + 8)
    out += struct.pack(e + "HHII", 0x0128, 3, 1, 2 << (16 if e == ">" else 0))
    out += struct.pack(e + "HHII", 0x0201, 4, 1, thumb_at)
    out += struct.pack(e + "HHII", 0x0202, 4, 1, len(jpeg))
    out += struct.pack(e + "I", 0)
    out += struct.pack(e + "IIII", 72, 1, 72, 1)
    tiff += out + jpeg
    return b"Exif\x00\x00" + bytes(tiff)


@dataclass(frozen=True, kw_only=True)
class Xmp:
    """XMP a photo manager writes: face regions with names, PersonInImage, title, creator."""

    regions: tuple[tuple[str, float, float, float, float], ...] = ()
    """(name, centre x, centre y, w, h) in shares of the image, as mwg-rs face regions."""
    people: tuple[str, ...] = ()
    """Iptc4xmpExt:PersonInImage."""
    title: str | None = None
    creator: str | None = None


def xmp_packet(x: Xmp, width: int, height: int) -> bytes:
    """An XMP packet built by hand (Pillow writes it as given, in the JPEG's APP1)."""
    body: list[str] = []
    if x.title:
        body.append(
            "<dc:title><rdf:Alt><rdf:li xml:lang='x-default'>"
            f"{escape(x.title)}</rdf:li></rdf:Alt></dc:title>"
        )
    if x.creator:
        body.append(
            f"<dc:creator><rdf:Seq><rdf:li>{escape(x.creator)}</rdf:li></rdf:Seq></dc:creator>"
        )
    if x.people:
        lis = "".join(f"<rdf:li>{escape(p)}</rdf:li>" for p in x.people)
        body.append(
            f"<Iptc4xmpExt:PersonInImage><rdf:Bag>{lis}</rdf:Bag></Iptc4xmpExt:PersonInImage>"
        )
    if x.regions:
        items = "".join(
            "<rdf:li rdf:parseType='Resource'>"
            f"<mwg-rs:Name>{escape(name)}</mwg-rs:Name><mwg-rs:Type>Face</mwg-rs:Type>"
            f"<mwg-rs:Area stArea:x='{cx:.4f}' stArea:y='{cy:.4f}' stArea:w='{w:.4f}' "
            f"stArea:h='{h:.4f}' stArea:unit='normalized'/></rdf:li>"
            for name, cx, cy, w, h in x.regions
        )
        body.append(
            "<mwg-rs:Regions rdf:parseType='Resource'>"
            f"<mwg-rs:AppliedToDimensions stDim:w={quoteattr(str(width))} "
            f"stDim:h={quoteattr(str(height))} stDim:unit='pixel'/>"
            f"<mwg-rs:RegionList><rdf:Bag>{items}</rdf:Bag></mwg-rs:RegionList></mwg-rs:Regions>"
        )
    packet = (
        "<?xpacket begin='\ufeff' id='W5M0MpCehiHzreSzNTczkc9d'?>\n"
        "<x:xmpmeta xmlns:x='adobe:ns:meta/'>"
        "<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>"
        "<rdf:Description rdf:about=''"
        " xmlns:dc='http://purl.org/dc/elements/1.1/'"
        " xmlns:Iptc4xmpExt='http://iptc.org/std/Iptc4xmpExt/2008-02-29/'"
        " xmlns:mwg-rs='http://www.metadataworkinggroup.com/schemas/regions/'"
        " xmlns:stArea='http://ns.adobe.com/xmp/sType/Area#'"
        " xmlns:stDim='http://ns.adobe.com/xap/1.0/sType/Dimensions#'>"
        + "".join(body)
        + "</rdf:Description></rdf:RDF></x:xmpmeta>\n<?xpacket end='w'?>"
    )
    return packet.encode("utf-8")


def jpeg(
    img: Image.Image,
    *,
    quality: int,
    camera: Camera | None = None,
    xmp: Xmp | None = None,
) -> bytes:
    """Encode a picture as a JPEG with the given metadata (and nothing else)."""
    kwargs: dict[str, object] = {"quality": quality, "optimize": True}
    if camera is not None:
        kwargs["exif"] = exif_bytes(camera, img)
    if xmp is not None:
        kwargs["xmp"] = xmp_packet(xmp, img.width, img.height)
    buf = io.BytesIO()
    img.save(buf, "JPEG", **kwargs)
    return buf.getvalue()


# ---------------------------------------------------------------- scenes used more than once

IPHONE = "Apple", "iPhone 13"
NIKON = "NIKON CORPORATION", "NIKON D3500"
SCIENCE_WEEK = (
    Person(face=31, x=0.33, y=0.4, side=0.1, jumper=(20, 90, 40)),
    Person(face=47, x=0.66, y=0.4, side=0.1, jumper=(20, 90, 40)),
)
SCIENCE_WEEK_NAMES = ("Oliver Bennett", "Isla Morgan")


@lru_cache(maxsize=1)
def sports_day_original() -> Image.Image:
    """The 12 MP phone photo of the relay team: in the photo folder as taken, and on the
    Facebook Page as Meta serves it (2048 px, no EXIF)."""
    return pupil_scene(
        4032,
        3024,
        [
            Person(face=11, x=0.22, y=0.4, side=0.07, jumper=(150, 20, 30)),
            Person(face=None, x=0.5, y=0.36, side=0.09),
            Person(face=23, x=0.78, y=0.41, side=0.07, jumper=(150, 20, 30)),
        ],
    )


@lru_cache(maxsize=1)
def science_week() -> Image.Image:
    """The DSLR photo whose XMP names both children; the Page posted a smaller copy."""
    return pupil_scene(1800, 1200, SCIENCE_WEEK, place="museum")


@lru_cache(maxsize=1)
def nativity() -> Image.Image:
    """Zoë at the nativity rehearsal: named in the folder copy's XMP, and posted to Instagram
    cropped and mirrored with no name."""
    return pupil_scene(
        1200, 800, [Person(face=62, x=0.5, y=0.42, side=0.13, jumper=(200, 170, 40))], place="hall"
    )


def downscaled(img: Image.Image, long_side: int) -> Image.Image:
    """What a platform serves: the same picture resized to `long_side`."""
    copy = img.copy()
    copy.thumbnail((long_side, long_side), Image.Resampling.LANCZOS)
    return copy


# ---------------------------------------------------------------- the photo folder


FACES = "identifiable-faces"
PHOTO_EXPECT: dict[str, tuple[str, ...]] = {
    "amelia_hughes_sports_day.jpg": ("name-in-file", "identifying-metadata", FACES),  # 1600 px
    "IMG_4127.JPG": (
        "camera-original",
        "high-resolution",
        "identifying-metadata",
        "location-in-metadata",  # GPS in the file itself: critical
        FACES,
        "linked-name",  # its Facebook copy names Sarah Bennett (tag)
    ),
    "DSC_0042.JPG": (  # 2 MP: not a camera original
        "name-in-file",
        "high-resolution",
        "identifying-metadata",
        FACES,
        "linked-name",  # its Facebook copy names Oliver and Isla
    ),
    "nativity_2024.jpg": (
        "name-in-file",
        FACES,
        "no-consent-name",
        "linked-name",  # Instagram posted it cropped and mirrored, without the name
    ),
    "sports_day_03.jpg": (FACES,),  # neutral name, small, no metadata, audience unknown
    "library_roof.jpg": (),
    "school_garden.jpg": (),  # camera make and model alone identify nobody
}
"""Rules a finished scanner should report per photo: reviewed by hand."""


def photos_folder(out: Path) -> None:
    """sample_exports/photos/: event photos from the school's shared drive."""
    folder = out / "photos"
    if folder.is_dir():  # generated output only: start clean so renamed photos leave no stale file
        shutil.rmtree(folder)
    folder.mkdir(parents=True)

    def write(name: str, data: bytes) -> None:
        (folder / name).write_bytes(data)

    # A phone photo renamed after the pupil: the file name carries her full name.
    img = pupil_scene(
        1600,
        1200,
        [Person(face=None, x=0.35, y=0.38, side=0.14), Person(face=5, x=0.68, y=0.42, side=0.1)],
        place="playground",
    )
    write(
        "amelia_hughes_sports_day.jpg",
        jpeg(
            img,
            quality=60,
            camera=Camera(make=IPHONE[0], model=IPHONE[1], taken="2025:06:20 10:42:07"),
        ),
    )

    # A camera original straight off the phone: 12 MP, GPS, capture time, thumbnail.
    write(
        "IMG_4127.JPG",
        jpeg(
            sports_day_original(),
            quality=30,
            camera=Camera(
                make=IPHONE[0],
                model=IPHONE[1],
                taken="2025:06:20 11:05:31",
                software="17.5.1",
                gps=SCHOOL_GPS,
                thumbnail=True,
            ),
        ),
    )

    # The staff photographer's DSLR, tagged in a photo manager: names in XMP face regions.
    regions = tuple(
        (name, p.x, p.y + 0.01, p.side, p.side * 1800 / 1200)
        for name, p in zip(SCIENCE_WEEK_NAMES, SCIENCE_WEEK, strict=True)
    )
    write(
        "DSC_0042.JPG",
        jpeg(
            science_week(),
            quality=55,
            camera=Camera(
                make=NIKON[0],
                model=NIKON[1],
                taken="2025:02:07 13:20:44",
                serial="0423101234",
                artist="J. Thompson",
                copyright=SCHOOL,
                thumbnail=True,
            ),
            xmp=Xmp(regions=regions, title="Science week", creator="J. Thompson"),
        ),
    )

    # A nativity photo whose XMP lists the child by name (PersonInImage), no EXIF.
    write(
        "nativity_2024.jpg",
        jpeg(nativity(), quality=60, xmp=Xmp(people=("Zoë Clarke",), title="Nativity 2024")),
    )

    # A pupil photo done right: neutral name, small, no metadata.
    img = pupil_scene(
        1024,
        768,
        [Person(face=70, x=0.3, y=0.42, side=0.12), Person(face=84, x=0.7, y=0.42, side=0.12)],
        place="field-hedge",
    )
    write("sports_day_03.jpg", jpeg(img, quality=60))

    # Scenery: the library roof with no metadata, and the garden with camera make only.
    write("library_roof.jpg", jpeg(library_roof(1280, 960), quality=60))
    write(
        "school_garden.jpg",
        jpeg(garden(1280, 960), quality=60, camera=Camera(make=NIKON[0], model=NIKON[1])),
    )


# ---------------------------------------------------------------- Facebook Page export


def mojibake(text: str) -> str:
    """What Meta writes: each UTF-8 byte of the text as a Latin-1 character."""
    return text.encode("utf-8").decode("latin-1")


def _ts(when: str) -> int:
    return int(datetime.fromisoformat(when).replace(tzinfo=UTC).timestamp())


@dataclass(frozen=True, kw_only=True)
class FbPhoto:
    """One photo of a Page post and what the export records about its upload."""

    name: str
    image: Callable[[], Image.Image]
    taken: str | None = None
    camera: tuple[str, str] | None = None
    gps: tuple[float, float] | None = None


@dataclass(frozen=True, kw_only=True)
class FbPost:
    when: str
    text: str
    album: str = "Timeline photos_1093847561"
    photos: tuple[FbPhoto, ...] = ()
    place: tuple[str, float, float, str] | None = None
    """(name, latitude, longitude, address) of a check-in."""
    tags: tuple[str, ...] = ()
    expect: tuple[str, ...] = ()
    """Rules a finished scanner (name lexicon, face detection) should report: reviewed by hand."""


def _fb_posts() -> list[FbPost]:
    """The Page's posts, newest first as Meta lists them."""
    return [
        FbPost(
            when="2025-06-20T15:30:00",
            text="Sports Day at Oakfield Recreation Ground! Year 5’s relay team were "
            "brilliant 🏃‍♀️ Thank you to every parent who came to cheer.",
            photos=(
                FbPhoto(
                    name="448812345678901_n.jpg",
                    image=lambda: downscaled(sports_day_original(), 2048),
                    taken="2025-06-20T11:05:31",
                    camera=IPHONE,
                    gps=SCHOOL_GPS,
                ),
                FbPhoto(
                    name="448812345678902_n.jpg",
                    image=lambda: pupil_scene(
                        1280, 960, [Person(face=38, x=0.5, y=0.42, side=0.12)], place="track"
                    ),
                    taken="2025-06-20T11:12:09",
                    camera=IPHONE,
                ),
            ),
            place=(
                "Oakfield Recreation Ground",
                51.4561,
                -2.5903,
                "Meadow Lane, Oakfield",
            ),
            tags=("Sarah Bennett",),
            expect=(
                "name-with-image",  # the tag names a parent (a full name) on pupils' photos
                "people-tagged",
                "high-resolution",  # Meta serves 2048 px
                "location-in-metadata",  # upload record only: medium
                "place-checkin",
                "public-audience",
                FACES,
                "linked-name",  # the 12 MP original is in photos/
                "larger-copy-elsewhere",  # ... at 4032 px
            ),
        ),
        FbPost(
            when="2025-04-01T12:00:00",
            text="Our new library roof is finished! Thanks to Mr Thompson and the builders "
            "for working through the Easter holidays.",
            photos=(FbPhoto(name="441234567890123_n.jpg", image=lambda: library_roof(1280, 960)),),
            expect=(),  # scenery, and Mr Thompson is staff
        ),
        FbPost(
            when="2025-03-14T16:05:00",
            text="Well done Amelia Hughes, Star of the Week! 🌟",
            photos=(
                FbPhoto(
                    name="437766554433221_n.jpg",
                    image=lambda: pupil_scene(
                        960, 1280, [Person(face=None, x=0.5, y=0.35, side=0.3)], place="classroom"
                    ),
                    taken="2025-03-14T09:15:02",
                    camera=IPHONE,
                    gps=SCHOOL_GPS,
                ),
            ),
            expect=("name-with-image", "location-in-metadata", "public-audience", FACES),
        ),
        FbPost(
            when="2025-03-03T08:30:00",
            text="Congratulations Zoë on your 25 metre swimming certificate! 🏊",
            photos=(
                FbPhoto(
                    name="436655443322110_n.jpg",
                    image=lambda: pupil_scene(
                        1080,
                        1080,
                        [Person(face=45, x=0.5, y=0.4, side=0.22, jumper=(200, 170, 40))],
                        place="pool",
                    ),
                ),
            ),
            expect=("name-with-image", "public-audience", FACES, "no-consent-name"),  # Zoë
        ),
        FbPost(
            when="2025-02-07T15:45:00",
            text="Year 2 had a brilliant time at the Science Museum with Mrs Patel. "
            "Great questions from Oliver and Isla!",
            photos=(
                FbPhoto(
                    name="434455667788990_n.jpg",
                    image=lambda: downscaled(science_week(), 1280),
                ),
            ),
            expect=("name-with-image", "public-audience", FACES, "linked-name"),  # Mrs Patel: staff
        ),
        FbPost(
            when="2025-01-03T10:00:00",
            text="Reminder: school reopens on Monday 6th January. The café is open for "
            "parents from 8:15.",
            expect=(),  # no photo
        ),
        FbPost(
            when="2019-07-12T14:20:00",
            text="Year 6 leavers’ day at Oakfield Woods. Good luck at secondary school, everyone!",
            album="Mobile uploads_208877665544",
            photos=(
                FbPhoto(
                    name="61234509876543_n.jpg",
                    image=lambda: pupil_scene(
                        960,
                        720,
                        [
                            Person(face=52, x=0.3, y=0.42, side=0.13),
                            Person(face=66, x=0.7, y=0.42, side=0.13),
                        ],
                        place="woods",
                    ),
                    taken="2019-07-12T10:01:40",
                ),
            ),
            expect=("old-post", "public-audience", FACES),
        ),
    ]


def _fb_media(post: FbPost, photo: FbPhoto) -> dict:
    exif: dict[str, object] = {"upload_ip": UPLOAD_IP}
    if photo.taken:
        exif["taken_timestamp"] = _ts(photo.taken)
    if photo.camera:
        exif["camera_make"], exif["camera_model"] = photo.camera
    if photo.gps:
        exif["latitude"], exif["longitude"] = photo.gps
    return {
        "uri": f"{FB_ROOT}/media/{post.album}/{photo.name}",
        "creation_timestamp": _ts(post.when),
        "media_metadata": {"photo_metadata": {"exif_data": [exif]}},
        "title": mojibake(post.album.rsplit("_", 1)[0].capitalize()),
        "description": mojibake(post.text),
    }


def _fb_record(post: FbPost) -> dict:
    """One entry of profile_posts_N.json, with text mojibake-encoded as Meta writes it."""
    rec: dict[str, object] = {"timestamp": _ts(post.when)}
    attachments: list[dict] = []
    if post.photos:
        attachments.append({"data": [{"media": _fb_media(post, p)} for p in post.photos]})
    if post.place:
        name, lat, lon, address = post.place
        attachments.append(
            {
                "data": [
                    {
                        "place": {
                            "name": mojibake(name),
                            "coordinate": {"latitude": lat, "longitude": lon},
                            "address": mojibake(address),
                            "url": "https://www.facebook.com/oakfieldrecground",
                        }
                    }
                ]
            }
        )
    if attachments:
        rec["attachments"] = attachments
    rec["data"] = [{"post": mojibake(post.text)}, {"update_timestamp": _ts(post.when)}]
    if post.place:
        rec["title"] = mojibake(f"{SCHOOL} was at {post.place[0]}.")
    elif post.photos:
        n = len(post.photos)
        rec["title"] = mojibake(f"{SCHOOL} added {n} new photo{'s' if n > 1 else ''}.")
    else:
        rec["title"] = mojibake(f"{SCHOOL} updated their status.")
    if post.tags:
        rec["tags"] = [{"name": mojibake(t)} for t in post.tags]
    return rec


def _zip_member(zf: zipfile.ZipFile, name: str, data: bytes, compress: bool) -> None:
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    zf.writestr(info, data)


def facebook_export(out: Path) -> None:
    """A Facebook Page's "Download your information" export, JSON format, 2024+ layout.

    Meta strips EXIF from the files it serves, so the media are plain JPEGs; the camera's
    time, model and GPS survive only in the export's `exif_data`, beside the upload IP.
    """
    posts = _fb_posts()
    records = [_fb_record(p) for p in posts]
    with zipfile.ZipFile(out / FACEBOOK_ZIP, "w") as zf:
        body = json.dumps(records, indent=2, ensure_ascii=True).encode("ascii")
        _zip_member(zf, f"{FB_ROOT}/profile_posts_1.json", body, compress=True)
        for post in posts:
            for photo in post.photos:
                data = jpeg(photo.image(), quality=60)
                _zip_member(zf, f"{FB_ROOT}/media/{post.album}/{photo.name}", data, compress=False)


# ---------------------------------------------------------------- WordPress site export

WP_ZIP = "wordpress-oakfieldprimary.zip"
WP_SITE = "https://www.oakfield-primary.example"
WP_XML = "oakfieldprimary.WordPress.2025-08-01.xml"


@lru_cache(maxsize=1)
def farm_trip() -> Image.Image:
    """The farm trip as uploaded from the school camera: 3000x2250."""
    return pupil_scene(
        3000,
        2250,
        [
            Person(face=8, x=0.3, y=0.4, side=0.08, jumper=(20, 45, 110)),
            Person(face=19, x=0.62, y=0.42, side=0.08, jumper=(20, 45, 110)),
        ],
        place="farm",
    )


def _php(value: object) -> str:
    """PHP's serialize(), as WordPress stores `_wp_attachment_metadata`."""
    import phpserialize

    return phpserialize.dumps(value).decode("utf-8")


def _wp_meta(key: str, value: str) -> str:
    return (
        f"<wp:postmeta><wp:meta_key><![CDATA[{key}]]></wp:meta_key>"
        f"<wp:meta_value><![CDATA[{value}]]></wp:meta_value></wp:postmeta>"
    )


def _wp_item(
    post_id: int,
    kind: str,
    title: str,
    when: str,
    *,
    content: str = "",
    status: str = "publish",
    parent: int = 0,
    url: str = "",
    meta: dict[str, str] | None = None,
    excerpt: str = "",
) -> str:
    stamp = datetime.fromisoformat(when).replace(tzinfo=UTC)
    metas = "".join(_wp_meta(k, v) for k, v in (meta or {}).items())
    att = f"<wp:attachment_url>{url}</wp:attachment_url>" if url else ""
    return (
        f"<item><title><![CDATA[{title}]]></title><link>{url or f'{WP_SITE}/?p={post_id}'}</link>"
        f"<pubDate>{stamp.strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate>"
        "<dc:creator><![CDATA[office]]></dc:creator>"
        f'<guid isPermaLink="false">{WP_SITE}/?p={post_id}</guid><description></description>'
        f"<content:encoded><![CDATA[{content}]]></content:encoded>"
        f"<excerpt:encoded><![CDATA[{excerpt}]]></excerpt:encoded>"
        f"<wp:post_id>{post_id}</wp:post_id>"
        f"<wp:post_date><![CDATA[{stamp.strftime('%Y-%m-%d %H:%M:%S')}]]></wp:post_date>"
        f"<wp:post_date_gmt><![CDATA[{stamp.strftime('%Y-%m-%d %H:%M:%S')}]]></wp:post_date_gmt>"
        f"<wp:status><![CDATA[{status}]]></wp:status><wp:post_parent>{parent}</wp:post_parent>"
        f"<wp:post_type><![CDATA[{kind}]]></wp:post_type>"
        f"<wp:post_password><![CDATA[]]></wp:post_password>{att}{metas}</item>"
    )


def _wp_attachment(
    post_id: int,
    parent: int,
    month: str,
    name: str,
    size: tuple[int, int],
    sizes: dict[str, tuple[int, int]],
    when: str,
    alt: str,
) -> str:
    stem = name.rsplit(".", 1)[0]
    meta = {
        "width": size[0],
        "height": size[1],
        "file": f"{month}/{name}",
        "sizes": {
            label: {
                "file": f"{stem}-{w}x{h}.jpg",
                "width": w,
                "height": h,
                "mime-type": "image/jpeg",
            }
            for label, (w, h) in sizes.items()
        },
        "image_meta": {"camera": "", "caption": "", "created_timestamp": "0", "title": ""},
    }
    return _wp_item(
        post_id,
        "attachment",
        stem,
        when,
        status="inherit",
        parent=parent,
        url=f"{WP_SITE}/wp-content/uploads/{month}/{name}",
        meta={
            "_wp_attached_file": f"{month}/{name}",
            "_wp_attachment_image_alt": alt,
            "_wp_attachment_metadata": _php(meta),
        },
    )


def wordpress_export(out: Path) -> None:
    """The school website: WordPress's export XML zipped with its uploads folder.

    The farm-trip post shows a 1024 px copy and links it to the 3000 px upload WordPress
    keeps beside it; the certificates post names two pupils in its alt text.
    """
    uploads = f"{WP_SITE}/wp-content/uploads"
    farm = farm_trip()
    farm_sizes = {"medium": (300, 225), "large": (1024, 768)}
    star = pupil_scene(
        1200,
        900,
        [Person(face=77, x=0.33, y=0.42, side=0.13), Person(face=90, x=0.67, y=0.42, side=0.13)],
        place="library",
    )
    items = [
        _wp_item(
            201,
            "post",
            "Year 4 visit Meadow Farm",
            "2025-05-16T14:00:00",
            content="<!-- wp:paragraph --><p>Year 4 met the lambs at Meadow Farm today.</p>"
            "<!-- /wp:paragraph -->\n"
            '[caption id="attachment_301" align="aligncenter" width="1024"]'
            f'<a href="{uploads}/2025/05/farm-trip.jpg"><img class="wp-image-301 size-large" '
            f'src="{uploads}/2025/05/farm-trip-1024x768.jpg" alt="Year 4 feeding the lambs" '
            'width="1024" height="768" /></a> Feeding time at Meadow Farm[/caption]',
        ),
        _wp_attachment(
            301,
            201,
            "2025/05",
            "farm-trip.jpg",
            farm.size,
            farm_sizes,
            "2025-05-16T14:00:00",
            "Year 4 feeding the lambs",
        ),
        _wp_item(
            202,
            "post",
            "Star writers",
            "2025-06-27T12:30:00",
            content='<p><img class="wp-image-302 size-full" '
            f'src="{uploads}/2025/06/star-writers.jpg" '
            'alt="Noah and Freya with their writing certificates" width="1200" height="900" />'
            "</p><p>Our star writers this half term!</p>",
        ),
        _wp_attachment(
            302,
            202,
            "2025/06",
            "star-writers.jpg",
            star.size,
            {},
            "2025-06-27T12:30:00",
            "Noah and Freya with their writing certificates",
        ),
    ]
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"'
        ' xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"'
        ' xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:wfw="http://wellformedweb.org/CommentAPI/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>'
        f"<title>{SCHOOL}</title><link>{WP_SITE}</link><description>Learning together</description>"
        f"<language>en-GB</language><wp:wxr_version>1.2</wp:wxr_version>"
        f"<wp:base_site_url>{WP_SITE}</wp:base_site_url>\n"
        + "\n".join(items)
        + "\n</channel>\n</rss>\n"
    )
    files = {
        "2025/05/farm-trip.jpg": farm,
        **{
            f"2025/05/farm-trip-{w}x{h}.jpg": downscaled(farm, max(w, h))
            for w, h in farm_sizes.values()
        },
        "2025/06/star-writers.jpg": star,
    }
    with zipfile.ZipFile(out / WP_ZIP, "w") as zf:
        _zip_member(zf, WP_XML, xml.encode("utf-8"), compress=True)
        for name, img in files.items():
            quality = 35 if max(img.size) > 2000 else 60
            _zip_member(
                zf, f"wp-content/uploads/{name}", jpeg(img, quality=quality), compress=False
            )


WP_EXPECT: dict[str, tuple[str, ...]] = {
    "post 201": ("original-exposed", "public-audience", FACES),  # 1024 shown, 3000 kept
    "post 202": ("name-with-image", "public-audience", FACES),  # names in the alt text
}
"""Rules a finished scanner should report per website post: reviewed by hand."""


# ---------------------------------------------------------------- Instagram export

IG_TOP = "instagram-oakfieldprimary-2024-11-20-AbCdEf"
IG_ZIP = f"{IG_TOP}.zip"
IG_CONTENT = f"{IG_TOP}/your_instagram_activity/content"


@dataclass(frozen=True, kw_only=True)
class IgPhoto:
    """One media item of an Instagram post (a single post's caption is its title)."""

    uri: str
    image: Callable[[], Image.Image]
    exif: dict[str, object] | None = None
    """What Instagram keeps of the upload's EXIF under media_metadata.photo_metadata."""


@dataclass(frozen=True, kw_only=True)
class IgPost:
    when: str
    caption: str
    photos: tuple[IgPhoto, ...]
    carousel: bool = False
    """Carousels carry the caption at top level; single posts on their one media item."""
    expect: tuple[str, ...] = ()
    """Rules a finished scanner should report: reviewed by hand."""


def _ig_posts() -> list[IgPost]:
    """posts_1.json, newest first as Instagram lists them."""
    return [
        IgPost(
            when="2024-11-19T16:10:00",
            caption="Nativity rehearsals have begun ⭐ Not long now!",
            photos=(
                IgPhoto(
                    uri="media/posts/202411/18034567123456789.jpg",
                    # The folder's nativity photo cropped to 90% and mirrored: no name here,
                    # but its copy in photos/ names the child in its XMP.
                    image=lambda: (
                        nativity()
                        .crop((60, 40, 1140, 760))
                        .transpose(Image.Transpose.FLIP_LEFT_RIGHT)
                    ),
                ),
            ),
            expect=("public-audience", FACES, "linked-name"),
        ),
        IgPost(
            when="2024-11-08T15:20:00",
            caption="Star of the Week 🌟 #WellDoneAmeliaHughes #OakfieldStars",
            photos=(
                IgPhoto(
                    uri="media/posts/202411/18029876543210987.jpg",
                    image=lambda: pupil_scene(
                        1080, 1350, [Person(face=None, x=0.5, y=0.36, side=0.26)], place="artroom"
                    ),
                ),
            ),
            expect=("name-with-image", "public-audience", FACES),  # the hashtag is a full name
        ),
        IgPost(
            when="2024-10-18T14:45:00",
            caption="Art week! Isla in Year 4 painted the sea for our class mural 🎨 and the "
            "whole class tried the climbing bars in PE.",
            carousel=True,
            photos=(
                IgPhoto(
                    uri="media/posts/202410/18021234567890123.jpg",
                    image=lambda: pupil_scene(
                        1080,
                        1080,
                        [Person(face=47, x=0.5, y=0.4, side=0.2, jumper=(20, 90, 40))],
                        place="beach",
                    ),
                    exif={
                        "latitude": SCHOOL_GPS[0],
                        "longitude": SCHOOL_GPS[1],
                        "lens_make": "Apple",
                        "lens_model": "iPhone 13 back camera 5.1mm f/1.6",
                        "date_time_original": "2024:10:18 10:32:15",
                        "scene_capture_type": "standard",
                    },
                ),
                IgPhoto(
                    uri="media/posts/202410/18021234567890124.jpg",
                    image=lambda: pupil_scene(
                        1080,
                        1080,
                        [
                            Person(face=14, x=0.3, y=0.42, side=0.14),
                            Person(face=29, x=0.7, y=0.42, side=0.14),
                        ],
                        place="gym",
                    ),
                ),
            ),
            expect=(
                "name-with-image",  # a first name with a year group
                "location-in-metadata",  # Instagram kept the upload's GPS
                "public-audience",
                FACES,
            ),
        ),
    ]


IG_STORY = IgPost(
    when="2024-09-27T08:05:00",
    caption="",
    photos=(
        IgPhoto(
            uri="media/stories/202409/18009988776655443.jpg",
            image=lambda: pupil_scene(
                1080,
                1920,
                [
                    Person(face=55, x=0.3, y=0.45, side=0.2, jumper=(200, 170, 40)),
                    Person(face=93, x=0.7, y=0.47, side=0.2, jumper=(200, 170, 40)),
                ],
                place="music",
            ),
        ),
    ),
    expect=("public-audience", FACES, "high-resolution"),  # 1920 px tall; names nobody
)
"""The one story still in the export: a choir rehearsal."""


def _ig_item(photo: IgPhoto, when: str, title: str) -> dict:
    rec: dict[str, object] = {
        "uri": photo.uri,
        "creation_timestamp": _ts(when),
        "title": mojibake(title),
    }
    if photo.exif is not None:
        rec["media_metadata"] = {"photo_metadata": {"exif_data": [photo.exif]}}
    rec["cross_post_source"] = {"source_app": "FB"}
    return rec


def _ig_record(post: IgPost) -> dict:
    if post.carousel:
        return {
            "media": [_ig_item(p, post.when, "") for p in post.photos],
            "title": mojibake(post.caption),
            "creation_timestamp": _ts(post.when),
        }
    return {"media": [_ig_item(p, post.when, post.caption) for p in post.photos]}


def instagram_export(out: Path) -> None:
    """The school's Instagram account, "Download your information" in JSON, 2024 layout,
    under the top folder Instagram names after the account and the export date.

    The account is public. Instagram strips EXIF from the files it serves but keeps some of
    it in `media_metadata`, as the carousel's first photo shows (GPS of the school field).
    """
    posts = _ig_posts()
    profile = {
        "profile_user": [
            {
                "title": "",
                "media_map_data": {},
                "string_map_data": {
                    "Username": {"href": "", "value": "oakfieldprimary", "timestamp": 0},
                    "Name": {"href": "", "value": mojibake(SCHOOL), "timestamp": 0},
                    "Private Account": {"href": "", "value": "False", "timestamp": 0},
                },
            }
        ]
    }
    stories = {"ig_stories": [_ig_item(p, IG_STORY.when, "") for p in IG_STORY.photos]}
    docs = {
        f"{IG_CONTENT}/posts_1.json": [_ig_record(p) for p in posts],
        f"{IG_CONTENT}/stories.json": stories,
        f"{IG_TOP}/personal_information/personal_information/personal_information.json": profile,
    }
    with zipfile.ZipFile(out / IG_ZIP, "w") as zf:
        for name, doc in docs.items():
            body = json.dumps(doc, indent=2, ensure_ascii=True).encode("ascii")
            _zip_member(zf, name, body, compress=True)
        for post in (*posts, IG_STORY):
            for photo in post.photos:
                data = jpeg(photo.image(), quality=60)
                _zip_member(zf, f"{IG_TOP}/{photo.uri}", data, compress=False)


# ---------------------------------------------------------------- X (Twitter) archive

X_ZIP = "twitter-2025-08-01-oakfieldpri.zip"
X_HANDLE = "OakfieldPri"


@dataclass(frozen=True, kw_only=True)
class Tweet:
    tid: str
    when: str
    text: str
    mentions: tuple[tuple[str, str], ...] = ()
    """(display name, screen name) of each @mention, as entities.user_mentions."""
    photo: tuple[str, Callable[[], Image.Image]] | None = None
    """(basename on pbs.twimg.com, picture); saved as data/tweets_media/<id>-<basename>."""
    alt: str = ""
    expect: tuple[str, ...] = ()
    """Rules a finished scanner should report: reviewed by hand."""


def _tweets() -> list[Tweet]:
    """tweets.js, newest first as X lists them."""
    return [
        Tweet(
            tid="1814297720345804800",
            when="2025-07-18T15:00:00",
            text="Reminder: school closes at 1:30pm on Friday for the summer holidays. "
            "Have a lovely break, everyone!",
            expect=(),  # no photo
        ),
        Tweet(
            tid="1806718265301405697",
            when="2025-06-28T11:30:00",
            text="RT @OakfieldPTA: What a summer fair! Thank you to every family who came "
            "and helped raise £1,240 for the new library books.",
            mentions=(("Oakfield PTA", "OakfieldPTA"),),
            photo=(
                "GRJ4nQbXkAAc7Yt.jpg",
                lambda: pupil_scene(
                    1600,
                    1200,
                    [
                        Person(face=21, x=0.3, y=0.72, side=0.09),
                        Person(face=36, x=0.7, y=0.73, side=0.09),
                    ],
                    place="fair",
                ),
            ),
            # Someone else's post: ranked below the school's own posts.
            expect=("public-audience", FACES),
        ),
        Tweet(
            tid="1793621547803049984",
            when="2025-05-23T14:10:00",
            text="Thank you @JennyWright_ for running the cake sale today! 🧁 Year 4 sold out "
            "by 3 o’clock.",
            mentions=(("Jenny Wright", "JennyWright_"),),
            photo=(
                "GOQx3aBWcAAk2Lm.jpg",
                lambda: pupil_scene(
                    1600,
                    1200,
                    [
                        Person(face=8, x=0.3, y=0.4, side=0.09),
                        Person(face=42, x=0.7, y=0.4, side=0.09),
                    ],
                    place="bakesale",
                ),
            ),
            alt="Children behind a table of cakes",
            expect=(
                "name-with-image",  # the mention's display name is a parent's full name
                "people-tagged",  # an @mention is a tag
                "public-audience",
                FACES,
            ),
        ),
        Tweet(
            tid="1787449031145533440",
            when="2025-05-06T13:25:00",
            text="Mrs Patel's class planted sunflowers this afternoon 🌻 We will measure "
            "them every week.",
            photo=(
                "GM9kTq2XcAA1wZf.jpg",
                lambda: pupil_scene(
                    1600,
                    1200,
                    [
                        Person(face=58, x=0.28, y=0.6, side=0.08, jumper=(20, 90, 40)),
                        Person(face=73, x=0.72, y=0.6, side=0.08, jumper=(20, 90, 40)),
                    ],
                    place="sunflowers",
                ),
            ),
            expect=("name-with-image", "public-audience", FACES),  # staff only: low
        ),
    ]


def _x_created(when: str) -> str:
    """`Fri May 23 14:10:00 +0000 2025`, as the archive writes created_at."""
    stamp = datetime.fromisoformat(when).replace(tzinfo=UTC)
    return stamp.strftime("%a %b %d %H:%M:%S +0000 %Y")


def _x_record(t: Tweet) -> dict:
    mentions = []
    for name, handle in t.mentions:
        at = t.text.find("@" + handle)
        mentions.append(
            {
                "name": name,
                "screen_name": handle,
                "indices": [str(at), str(at + len(handle) + 1)],
                "id_str": str(_account_id(handle)),
                "id": str(_account_id(handle)),
            }
        )
    tweet: dict[str, object] = {
        "edit_info": {
            "initial": {
                "editTweetIds": [t.tid],
                "editableUntil": "",
                "editsRemaining": "5",
                "isEditEligible": True,
            }
        },
        "retweeted": False,
        "source": '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>',
        "entities": {"hashtags": [], "symbols": [], "user_mentions": mentions, "urls": []},
        "display_text_range": ["0", str(len(t.text))],
        "favorite_count": "0",
        "id_str": t.tid,
        "truncated": False,
        "retweet_count": "0",
        "id": t.tid,
        "created_at": _x_created(t.when),
        "favorited": False,
        "full_text": t.text,
        "lang": "en",
    }
    if t.photo:
        base, img = t.photo
        w, h = img().size
        media = {
            "expanded_url": f"https://x.com/{X_HANDLE}/status/{t.tid}/photo/1",
            "source_status_id": t.tid,
            "indices": [str(len(t.text)), str(len(t.text) + 24)],
            "url": "https://t.co/AbCdEf1234",
            "media_url": f"http://pbs.twimg.com/media/{base}",
            "id_str": t.tid[:-2] + "01",
            "id": t.tid[:-2] + "01",
            "media_url_https": f"https://pbs.twimg.com/media/{base}",
            "sizes": {"large": {"w": str(w), "h": str(h), "resize": "fit"}},
            "type": "photo",
            "display_url": "pic.x.com/AbCdEf1234",
        }
        if t.alt:
            media["ext_alt_text"] = t.alt
        tweet["entities"]["media"] = [media]  # type: ignore[index]
        tweet["extended_entities"] = {"media": [media]}
    return {"tweet": tweet}


def _account_id(text: str) -> int:
    """A stable made-up account id for a handle (Python's hash() changes between runs)."""
    return int.from_bytes(text.encode("utf-8")[:7].ljust(7, b"\0"), "big")


def x_export(out: Path) -> None:
    """The school's X account archive ("Download an archive of your data"), 2022+ layout:
    `data/manifest.js` lists `data/tweets.js`, whose media are `data/tweets_media/<id>-<name>`.

    X strips EXIF from uploads, so the saved photos carry none; the account is public (the
    manifest says it was never protected).
    """
    tweets = _tweets()
    manifest = {
        "userInfo": {
            "accountId": "1180000000000000001",
            "userName": X_HANDLE,
            "displayName": SCHOOL,
        },
        "archiveInfo": {
            "sizeBytes": "0",
            "generationDate": "2025-08-01T09:00:00.000Z",
            "isPartialArchive": False,
        },
        "readmeInfo": {"fileName": "data/README.txt", "directory": "data/", "name": "README.txt"},
        "dataTypes": {
            "tweets": {
                "mediaDirectory": "data/tweets_media",
                "files": [
                    {
                        "fileName": "data/tweets.js",
                        "globalName": "YTD.tweets.part0",
                        "count": str(len(tweets)),
                    }
                ],
            },
            "protectedHistory": {
                "files": [
                    {
                        "fileName": "data/protected-history.js",
                        "globalName": "YTD.protected_history.part0",
                        "count": "0",
                    }
                ]
            },
        },
    }
    body = json.dumps([_x_record(t) for t in tweets], indent=2, ensure_ascii=False)
    with zipfile.ZipFile(out / X_ZIP, "w") as zf:
        _zip_member(
            zf,
            "data/manifest.js",
            ("window.__THAR_CONFIG = " + json.dumps(manifest, indent=2)).encode("utf-8"),
            compress=True,
        )
        _zip_member(
            zf, "data/tweets.js", ("window.YTD.tweets.part0 = " + body).encode("utf-8"), True
        )
        _zip_member(
            zf, "data/protected-history.js", b"window.YTD.protected_history.part0 = []", True
        )
        for t in tweets:
            if t.photo:
                base, img = t.photo
                _zip_member(zf, f"data/tweets_media/{t.tid}-{base}", jpeg(img(), quality=60), False)


# ---------------------------------------------------------------- the school's own lists

ROSTER = (
    ("Amelia", "Hughes", "5"),
    ("Oliver", "Bennett", "2"),
    ("Isla", "Morgan", "2"),
    ("Zoë", "Clarke", "3"),
    ("Noah", "Wright", "4"),
    ("Freya", "Collins", "4"),
)
NO_CONSENT = (("Zoë", "Clarke", "3"),)
"""Zoë's parents declined image consent: the nativity photo and the swimming post name her."""


def school_lists(out: Path) -> None:
    """school/roster.csv and school/no_consent.csv, for --roster and --no-consent."""
    folder = out / "school"
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in (("roster.csv", ROSTER), ("no_consent.csv", NO_CONSENT)):
        lines = ["first_name,last_name,year_group", *(",".join(r) for r in rows)]
        (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


# ---------------------------------------------------------------- building and expectations

BUILDERS: tuple[Callable[[Path], None], ...] = (
    facebook_export,
    photos_folder,
    wordpress_export,
    instagram_export,
    x_export,
    school_lists,
)
"""One function per platform export; each writes its part under the output folder."""


def build(out: Path) -> None:
    """Write every export under `out` (created if needed); existing files are replaced."""
    out.mkdir(parents=True, exist_ok=True)
    for builder in BUILDERS:
        builder(out)


def scan_args(folder: str = "sample_exports") -> list[str]:
    """The scan whose findings EXPECTED.tsv lists: the folder with the school's own lists."""
    return [
        "scan",
        folder,
        "--as-of",
        AS_OF,
        "--roster",
        f"{folder}/school/roster.csv",
        "--no-consent",
        f"{folder}/school/no_consent.csv",
    ]


def scan_pairs(out: Path) -> list[tuple[str, str, str]]:
    """(source, post locator, rule) for every finding of a scan of `out`, sorted.

    The scan runs from `out`'s parent with the folder's bare name, as the README's command
    and the test do, so sources read `sample_exports/...` wherever the folder is built.
    """
    import os

    from scanner.cli import main

    cwd = os.getcwd()
    os.chdir(out.parent)
    buf = io.StringIO()
    try:
        from contextlib import redirect_stdout

        with redirect_stdout(buf):
            main([*scan_args(out.name), "--format", "json", "--no-cache", "--no-index"])
    finally:
        os.chdir(cwd)
    report = json.loads(buf.getvalue())
    return pairs_of(report)


def pairs_of(report: dict) -> list[tuple[str, str, str]]:
    """The (source, locator, rule) set of a JSON report, sorted and without repeats."""
    found = {(p["source"], p["locator"], f["rule"]) for p in report["posts"] for f in p["findings"]}
    return sorted(found)


def read_expected(path: Path) -> list[tuple[str, str, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            source, locator, rule = line.split("\t")
            rows.append((source, locator, rule))
    return sorted(rows)


def intended_pairs(top: str = "sample_exports") -> list[tuple[str, str, str]]:
    """What a finished scanner (name lexicon and face detection in place) should report.

    Post locators follow the adapters: a loose photo is its path in the folder, a Facebook
    or Instagram post is `<posts file>#<1-based position>`, a tweet is `status/<id>`.
    """
    pairs = {
        (top, f"photos/{name}", rule) for name, rules in PHOTO_EXPECT.items() for rule in rules
    }
    posts_file = f"{FB_ROOT}/profile_posts_1.json"
    for i, post in enumerate(_fb_posts(), start=1):
        pairs.update((f"{top}/{FACEBOOK_ZIP}", f"{posts_file}#{i}", rule) for rule in post.expect)
    for locator, rules in WP_EXPECT.items():
        pairs.update((f"{top}/{WP_ZIP}", locator, rule) for rule in rules)
    for i, ig in enumerate(_ig_posts(), start=1):
        pairs.update((f"{top}/{IG_ZIP}", f"{IG_CONTENT}/posts_1.json#{i}", r) for r in ig.expect)
    pairs.update((f"{top}/{IG_ZIP}", f"{IG_CONTENT}/stories.json#1", r) for r in IG_STORY.expect)
    for t in _tweets():
        pairs.update((f"{top}/{X_ZIP}", f"status/{t.tid}", rule) for rule in t.expect)
    return sorted(pairs)


def write_expected(path: Path, pairs: Sequence[tuple[str, str, str]]) -> None:
    """EXPECTED.tsv: the scan's exact pairs, split into reviewed and not-yet-right, plus misses.

    Every uncommented line is asserted by tests/test_sample_exports.py. The sections say
    which of them a person has confirmed (they are in `intended_pairs`), which are today's
    behaviour but not what the finished scanner should say, and which findings are missed.
    """
    produced, intended = set(pairs), set(intended_pairs())
    head = [
        "# The exact (post, rule) pairs of `exposure-scan " + " ".join(scan_args()) + "`.",
        "# Written by `python tools/make_sample_exports.py --expected`; review the diff by hand.",
        "# Columns: source, post locator, rule (tab-separated). Lines starting with # are notes.",
        "",
        "# Reviewed: produced, and right for this post.",
    ]
    lines = head + ["\t".join(p) for p in sorted(produced & intended)]
    extra = sorted(produced - intended)
    if extra:
        lines += [
            "",
            "# Produced today but not intended (kept so the test pins today's behaviour):",
        ]
        lines += ["\t".join(p) for p in extra]
    missed = sorted(intended - produced)
    if missed:
        lines += ["", "# Missed: the finished scanner should also report these (not asserted):"]
        lines += ["#\t" + "\t".join(p) for p in missed]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    parser.add_argument(
        "--expected",
        action="store_true",
        help=f"after building, scan the folder and rewrite {EXPECTED_NAME} from the result",
    )
    args = parser.parse_args(argv)
    build(args.out)
    if args.expected:
        pairs = scan_pairs(args.out.resolve())
        write_expected(args.out / EXPECTED_NAME, pairs)
        print(f"wrote {len(pairs)} expected pairs to {args.out / EXPECTED_NAME}")
    total = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    print(f"built {args.out} ({total / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
