"""Identifying metadata inside an image file: EXIF, GPS, XMP and IPTC.

Read from the already-opened Pillow image (headers only, no pixel decode). XMP is parsed
with defusedxml, because an image is untrusted input and XMP is XML.
"""

from __future__ import annotations

import re
from typing import Any

from defusedxml import ElementTree as SafeET
from PIL import ExifTags, Image, IptcImagePlugin

from scanner.model import MetadataFacts

# EXIF tag ids (Pillow's ExifTags names, kept local so the mapping is explicit).
_MAKE, _MODEL, _SOFTWARE, _ARTIST, _COPYRIGHT = 0x010F, 0x0110, 0x0131, 0x013B, 0x8298
_IMAGE_DESCRIPTION = 0x010E
_EXIF_IFD, _GPS_IFD = 0x8769, 0x8825
_DATETIME_ORIGINAL, _BODY_SERIAL, _OWNER_NAME, _CAMERA_OWNER = 0x9003, 0xA431, 0xA430, 0xA430
_USER_COMMENT = 0x9286
_XP_TITLE, _XP_COMMENT, _XP_AUTHOR, _XP_KEYWORDS, _XP_SUBJECT = (
    0x9C9B,
    0x9C9C,
    0x9C9D,
    0x9C9E,
    0x9C9F,
)

_NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "mwg-rs": "http://www.metadataworkinggroup.com/schemas/regions/",
    "MP": "http://ns.microsoft.com/photo/1.2/",
    "MPRI": "http://ns.microsoft.com/photo/1.2/t/RegionInfo#",
    "MPReg": "http://ns.microsoft.com/photo/1.2/t/Region#",
    "Iptc4xmpExt": "http://iptc.org/std/Iptc4xmpExt/2008-02-29/",
    "photoshop": "http://ns.adobe.com/photoshop/1.0/",
}
_MAX_XMP = 2 * 1024 * 1024


def read_metadata(img: Image.Image) -> MetadataFacts:
    """Collect the identifying metadata of an opened image; never raises on odd metadata."""
    exif = _safe(lambda: img.getexif()) or {}
    exif_ifd = _safe(lambda: exif.get_ifd(_EXIF_IFD)) or {} if exif else {}
    gps_ifd = _safe(lambda: exif.get_ifd(_GPS_IFD)) or {} if exif else {}
    xmp = _xmp_facts(_xmp_bytes(img))
    iptc = _iptc_facts(img)

    owner = _first_text(
        exif_ifd.get(_OWNER_NAME),
        exif.get(_ARTIST),
        exif.get(_COPYRIGHT),
        _xp(exif.get(_XP_AUTHOR)),
        iptc.get("byline"),
        xmp.get("creator"),
    )
    description = _first_text(
        exif.get(_IMAGE_DESCRIPTION),
        _xp(exif.get(_XP_COMMENT)),
        _user_comment(exif_ifd),
        iptc.get("caption"),
        xmp.get("description"),
    )
    title = _first_text(_xp(exif.get(_XP_TITLE)), iptc.get("headline"), xmp.get("title"))
    keywords = tuple(
        dict.fromkeys(
            [*iptc.get("keywords", ()), *xmp.get("subject", ()), *_split_kw(exif.get(_XP_KEYWORDS))]
        )
    )
    return MetadataFacts(
        gps=_gps(gps_ifd),
        taken_at=_first_text(exif_ifd.get(_DATETIME_ORIGINAL)),
        make=_first_text(exif.get(_MAKE)),
        model=_first_text(exif.get(_MODEL)),
        serial=_first_text(exif_ifd.get(_BODY_SERIAL)),
        owner=owner,
        has_thumbnail=_has_thumbnail(exif),
        person_names=tuple(dict.fromkeys(xmp.get("people", ()))),
        title=title,
        description=description,
        keywords=keywords,
        software=_first_text(exif.get(_SOFTWARE)),
    )


def _safe(fn: Any) -> Any:
    try:
        return fn()
    except Exception:  # malformed metadata must never stop the scan of the pixels
        return None


def _first_text(*values: Any) -> str | None:
    for v in values:
        if isinstance(v, bytes):
            v = v.decode("utf-8", errors="replace")
        if isinstance(v, str):
            v = v.replace("\x00", "").strip()
            if v:
                return v
    return None


def _xp(value: Any) -> str | None:
    """Windows XP* tags are UTF-16LE byte strings (sometimes tuples of ints)."""
    if isinstance(value, tuple):
        value = bytes(value)
    if isinstance(value, bytes):
        return value.decode("utf-16-le", errors="replace").rstrip("\x00").strip() or None
    return _first_text(value)


def _split_kw(value: Any) -> list[str]:
    text = _xp(value)
    return [k.strip() for k in re.split(r"[;,]", text) if k.strip()] if text else []


def _user_comment(exif_ifd: Any) -> str | None:
    raw = exif_ifd.get(_USER_COMMENT) if exif_ifd else None
    if isinstance(raw, bytes) and len(raw) > 8:
        code, body = raw[:8], raw[8:]
        enc = "utf-16" if code.startswith(b"UNICODE") else "latin-1"
        return body.decode(enc, errors="replace").strip("\x00 ") or None
    return _first_text(raw)


def _ratio(v: Any) -> float:
    return float(v)


def _gps(gps: Any) -> tuple[float, float] | None:
    """Decimal degrees from the GPS IFD, or None when absent or zero/invalid."""
    if not gps:
        return None
    try:
        lat = gps.get(2)
        lon = gps.get(4)
        if not lat or not lon:
            return None
        to_deg = lambda t: _ratio(t[0]) + _ratio(t[1]) / 60 + _ratio(t[2]) / 3600  # noqa: E731
        la, lo = to_deg(lat), to_deg(lon)
        if str(gps.get(1, "N")).upper().startswith("S"):
            la = -la
        if str(gps.get(3, "E")).upper().startswith("W"):
            lo = -lo
        if (la == 0 and lo == 0) or abs(la) > 90 or abs(lo) > 180:
            return None
        return (round(la, 6), round(lo, 6))
    except (TypeError, ValueError, ZeroDivisionError, IndexError):
        return None


def _has_thumbnail(exif: Any) -> bool:
    """An embedded EXIF thumbnail can keep the uncropped original after an edit."""
    try:
        ifd1 = exif.get_ifd(ExifTags.IFD.IFD1) if hasattr(exif, "get_ifd") else None
        return bool(ifd1) and (0x0201 in ifd1 or 0x0111 in ifd1)
    except Exception:
        return False


def _xmp_bytes(img: Image.Image) -> bytes | None:
    raw = img.info.get("xmp") or img.info.get("XML:com.adobe.xmp")
    if raw is None:
        for key, value in img.info.items():
            if isinstance(key, str) and "xmp" in key.lower() and isinstance(value, bytes | str):
                raw = value
                break
    if isinstance(raw, str):
        raw = raw.encode("utf-8", errors="replace")
    if not raw or len(raw) > _MAX_XMP:
        return None
    return raw


def _xmp_facts(raw: bytes | None) -> dict[str, Any]:
    """People (face regions, PersonInImage), title, description, subject, creator."""
    if not raw:
        return {}
    start = raw.find(b"<x:xmpmeta")
    if start < 0:
        start = raw.find(b"<rdf:RDF")
    end = raw.rfind(b">")
    if start < 0 or end < 0:
        return {}
    try:
        root = SafeET.fromstring(raw[start : end + 1])
    except Exception:  # includes defusedxml's refusal of entity tricks
        return {}
    out: dict[str, Any] = {}
    people: list[str] = []
    for el in root.iter():
        tag = el.tag if isinstance(el.tag, str) else ""
        attrs = el.attrib
        if tag == f"{{{_NS['mwg-rs']}}}Name" or tag == f"{{{_NS['MPReg']}}}PersonDisplayName":
            people.extend(_texts(el))
        for key in (f"{{{_NS['mwg-rs']}}}Name", f"{{{_NS['MPReg']}}}PersonDisplayName"):
            if key in attrs and attrs[key].strip():
                people.append(attrs[key].strip())
        if tag == f"{{{_NS['Iptc4xmpExt']}}}PersonInImage":
            people.extend(_texts(el))
        if tag == f"{{{_NS['dc']}}}title":
            out.setdefault("title", next(iter(_texts(el)), None))
        if tag == f"{{{_NS['dc']}}}description":
            out.setdefault("description", next(iter(_texts(el)), None))
        if tag == f"{{{_NS['dc']}}}subject":
            out["subject"] = _texts(el)
        if tag == f"{{{_NS['dc']}}}creator":
            out.setdefault("creator", next(iter(_texts(el)), None))
        for key, name in (
            (f"{{{_NS['dc']}}}title", "title"),
            (f"{{{_NS['dc']}}}description", "description"),
        ):
            if key in attrs:
                out.setdefault(name, attrs[key])
    out["people"] = [p for p in people if p]
    return out


def _texts(el: Any) -> list[str]:
    """Text values of an XMP property, whether simple or an rdf:Bag/Seq/Alt of rdf:li."""
    values = [
        li.text.strip() for li in el.iter(f"{{{_NS['rdf']}}}li") if li.text and li.text.strip()
    ]
    if not values and el.text and el.text.strip():
        values = [el.text.strip()]
    return values


def _iptc_facts(img: Image.Image) -> dict[str, Any]:
    """IPTC-IIM: 2:120 Caption-Abstract, 2:80 By-line, 2:25 Keywords, 2:105 Headline."""
    info = _safe(lambda: IptcImagePlugin.getiptcinfo(img)) or {}
    out: dict[str, Any] = {}

    def texts(key: tuple[int, int]) -> list[str]:
        v = info.get(key)
        if v is None:
            return []
        items = v if isinstance(v, list) else [v]
        return [i.decode("utf-8", errors="replace").strip() for i in items if isinstance(i, bytes)]

    if t := texts((2, 120)):
        out["caption"] = t[0]
    if t := texts((2, 80)):
        out["byline"] = t[0]
    if t := texts((2, 105)):
        out["headline"] = t[0]
    out["keywords"] = texts((2, 25))
    return out
