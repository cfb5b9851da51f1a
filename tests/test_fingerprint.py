"""Fingerprints: every view comes from the one decode and survives what it is meant to."""

from __future__ import annotations

import functools
import io

import numpy as np
from PIL import Image, ImageEnhance, ImageOps
from skimage import data

from scanner.analyse.fingerprint import (
    QUERY_VIEWS,
    STORED_VIEWS,
    fingerprint_version,
    recoloured,
    views,
)
from scanner.analyse.image import analyse_bytes, analyser_version
from scanner.link import MATCH_SCORE, VIEW_CODES, score


def jpeg(img: Image.Image, quality: int = 90) -> bytes:
    buf = io.BytesIO()
    img.convert("RGB").save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def photo(size: int = 512) -> Image.Image:
    return Image.fromarray(data.astronaut()).resize((size, size), Image.LANCZOS)


@functools.cache
def original():
    """The published photo's facts, analysed once for the whole module."""
    return analyse_bytes(jpeg(photo()))


def bits(a: int, b: int) -> int:
    return (a ^ b).bit_count()


def pdq_bits(a: bytes, b: bytes) -> int:
    return sum((x ^ y).bit_count() for x, y in zip(a, b, strict=True))


def best(query, stored) -> float:
    """The smallest combined score over the query's and the stored image's views."""
    q = list(views(query.phash, query.fingerprints, QUERY_VIEWS))
    s = list(views(stored.phash, stored.fingerprints, STORED_VIEWS))
    return min(
        float(
            score(
                np.array(bits(a.phash, b.phash)),
                np.array(pdq_bits(a.pdq, b.pdq)),
                np.array(VIEW_CODES[b.name]),
            )
        )
        for a in q
        for b in s
    )


def test_all_fingerprints_come_from_the_single_working_decode(monkeypatch) -> None:
    encoded = jpeg(photo())
    decoders = []
    real = Image._getdecoder
    monkeypatch.setattr(Image, "_getdecoder", lambda *a: decoders.append(a[1]) or real(*a))
    facts = analyse_bytes(encoded)
    # one JPEG decode; reading the metadata opens the file but never decodes pixels again
    assert [d for d in decoders if d != "raw"] == ["jpeg"]  # raw: arrays made into images
    keys = set(facts.fingerprints)
    assert {"pdq", "phash_mirror", "pdq_mirror", "colour"} <= keys
    assert {f"phash_crop90_{p}" for p in ("tl", "c", "br")} <= keys
    assert all(
        len(facts.fingerprints[k]) == 64
        for k in keys
        if k.startswith("pdq_") and k != "pdq_quality"
    )


def test_analyser_version_changes_with_the_fingerprint_version() -> None:
    assert fingerprint_version() in analyser_version()


def test_mirror_view_matches_a_mirrored_copy_where_plain_phash_does_not() -> None:
    mirrored = analyse_bytes(jpeg(ImageOps.mirror(photo())))
    assert bits(int(original().phash, 16), int(mirrored.phash, 16)) > 20
    assert bits(int(original().fingerprints["phash_mirror"], 16), int(mirrored.phash, 16)) <= 4
    assert best(mirrored, original()) <= 0.3


def test_border_is_trimmed_before_hashing() -> None:
    framed = ImageOps.expand(photo(), border=(60, 90), fill=(255, 255, 255))
    facts = analyse_bytes(jpeg(framed))
    box = [float(v) for v in facts.fingerprints["trim"].split(",")]
    assert abs(box[0] - 60 / 632) < 0.02 and abs(box[1] - 90 / 692) < 0.02
    assert best(facts, original()) <= 0.5


def test_crops_screenshot_and_edits_still_match_but_other_photos_do_not() -> None:
    p = photo()
    edits = {
        "crop 10%": p.crop((0, 51, 461, 512)),
        "resize+q30": ImageOps.contain(p, (320, 320)),
        "brighter": ImageEnhance.Brightness(p).enhance(1.25),
    }
    for name, img in edits.items():
        q = 30 if "q30" in name else 88
        assert best(analyse_bytes(jpeg(img, q)), original()) <= MATCH_SCORE, name
    wide = analyse_bytes(jpeg(p.crop((0, 64, 512, 448))))
    square = p.crop((64, 64, 448, 448)).resize((320, 320))  # the thumbnail a platform shows
    assert best(analyse_bytes(jpeg(square)), wide) <= MATCH_SCORE
    others = [data.camera(), data.coffee(), data.chelsea(), data.rocket()]
    for arr in others:
        assert best(analyse_bytes(jpeg(Image.fromarray(arr))), original()) > MATCH_SCORE


def test_colour_signature_tells_a_recoloured_copy_from_a_recompressed_one() -> None:
    recompressed = analyse_bytes(jpeg(ImageOps.contain(photo(), (320, 320)), 40))
    warm = np.asarray(photo(), np.float32) * np.array([1.2, 1.0, 0.75])
    tinted = analyse_bytes(jpeg(Image.fromarray(np.clip(warm, 0, 255).astype(np.uint8))))
    c = original().fingerprints["colour"]
    assert not recoloured(c, recompressed.fingerprints["colour"])
    assert recoloured(c, tinted.fingerprints["colour"])
