"""Build sample_exports/: the exports of a fictional school, Oakfield Primary.

The README's first command scans this folder, and tests/test_sample_exports.py asserts the
exact (post, rule) pairs listed in sample_exports/EXPECTED.tsv. Every picture is made here
from scikit-image's bundled sample photographs (the astronaut's face, LFW faces upscaled,
grass, brick, coffee): no real child appears anywhere. The output is deterministic: the same
library versions give byte-identical files, so the committed folder can be checked against
a fresh build.

One function per platform export (`facebook_export`, `photos_folder`, ...): adding the
school's Instagram, X or WordPress export is one more function and one line in `BUILDERS`.

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


def pupil_scene(w: int, h: int, people: Sequence[Person]) -> Image.Image:
    """Children in school jumpers on a field; each face is a real photograph, >= 80 px."""
    img = _sky_and_grass(w, h)
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
    return pupil_scene(1800, 1200, SCIENCE_WEEK)


def downscaled(img: Image.Image, long_side: int) -> Image.Image:
    """What a platform serves: the same picture resized to `long_side`."""
    copy = img.copy()
    copy.thumbnail((long_side, long_side), Image.Resampling.LANCZOS)
    return copy


# ---------------------------------------------------------------- the photo folder


PHOTO_EXPECT: dict[str, tuple[str, ...]] = {
    "amelia_hughes_sports_day.jpg": ("name-in-file", "identifying-metadata"),  # 1600 px: at limit
    "IMG_4127.JPG": (
        "camera-original",
        "high-resolution",
        "identifying-metadata",
        "location-in-metadata",  # GPS in the file itself: critical
    ),
    "DSC_0042.JPG": (
        "name-in-file",
        "high-resolution",
        "identifying-metadata",
    ),  # 2 MP: no original
    "nativity_2024.jpg": ("name-in-file",),
    "sports_day_03.jpg": (),  # pupils, but neutral name, small, no metadata, audience unknown
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
    img = pupil_scene(1200, 800, [Person(face=62, x=0.5, y=0.42, side=0.13, jumper=(200, 170, 40))])
    write(
        "nativity_2024.jpg",
        jpeg(img, quality=60, xmp=Xmp(people=("Zoë Clarke",), title="Nativity 2024")),
    )

    # A pupil photo done right: neutral name, small, no metadata.
    img = pupil_scene(
        1024,
        768,
        [Person(face=70, x=0.3, y=0.42, side=0.12), Person(face=84, x=0.7, y=0.42, side=0.12)],
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
                        1280, 960, [Person(face=38, x=0.5, y=0.42, side=0.12)]
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
                        960, 1280, [Person(face=None, x=0.5, y=0.35, side=0.3)]
                    ),
                    taken="2025-03-14T09:15:02",
                    camera=IPHONE,
                    gps=SCHOOL_GPS,
                ),
            ),
            expect=("name-with-image", "location-in-metadata", "public-audience"),
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
                    ),
                ),
            ),
            expect=("name-with-image", "public-audience"),  # first name, after mojibake repair
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
            expect=("name-with-image", "public-audience"),  # first names; Mrs Patel is staff
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
                    ),
                    taken="2019-07-12T10:01:40",
                ),
            ),
            expect=("old-post", "public-audience"),
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


# ---------------------------------------------------------------- building and expectations

BUILDERS: tuple[Callable[[Path], None], ...] = (facebook_export, photos_folder)
"""One function per platform export; each writes its part under the output folder."""


def build(out: Path) -> None:
    """Write every export under `out` (created if needed); existing files are replaced."""
    out.mkdir(parents=True, exist_ok=True)
    for builder in BUILDERS:
        builder(out)


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
            main(
                [
                    "scan",
                    out.name,
                    "--format",
                    "json",
                    "--as-of",
                    AS_OF,
                    "--no-cache",
                    "--fail-on",
                    "never",
                ]
            )
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
    post is `<posts file>#<1-based position>`.
    """
    pairs = {
        (top, f"photos/{name}", rule) for name, rules in PHOTO_EXPECT.items() for rule in rules
    }
    posts_file = f"{FB_ROOT}/profile_posts_1.json"
    for i, post in enumerate(_fb_posts(), start=1):
        pairs.update((f"{top}/{FACEBOOK_ZIP}", f"{posts_file}#{i}", rule) for rule in post.expect)
    return sorted(pairs)


def write_expected(path: Path, pairs: Sequence[tuple[str, str, str]]) -> None:
    """EXPECTED.tsv: the scan's exact pairs, split into reviewed and not-yet-right, plus misses.

    Every uncommented line is asserted by tests/test_sample_exports.py. The sections say
    which of them a person has confirmed (they are in `intended_pairs`), which are today's
    behaviour but not what the finished scanner should say, and which findings are missed.
    """
    produced, intended = set(pairs), set(intended_pairs())
    head = [
        f"# The exact (post, rule) pairs of `exposure-scan scan sample_exports --as-of {AS_OF}`.",
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
