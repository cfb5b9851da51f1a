"""Fingerprints that survive what platforms and abusers do to a photo, from the one decode.

Two hashes per view of the image: imagehash's 64-bit pHash (the index key: short enough to
search by multi-index hashing) and Meta's 256-bit PDQ (the confirmation: much harder to
match by chance). One view is not enough, because a global hash cannot survive a mirror, a
crop or a frame, so the same two hashes are taken of several views:

- `mirror`: the image flipped left-right (pHash and PDQ change completely under a mirror);
- `trim`: plain borders removed (padding, letterboxing); `frame`: a looser trim that also
  cuts a screenshot's status and button bars;
- `square` and `crop<NN>_<pos>`: the centre square (what Instagram and Facebook thumbnails
  show) and NN% crops on a 3x3 grid of anchors (corners, edges, centre). A published copy
  cropped by a platform or an abuser is close to one of these.

Everything is derived from a small copy (short side 256 px, as PDQ needs) of the working
image that `image.py` already decoded: no second decode, and no pixels are kept. A coarse
colour signature (mean and spread per channel) lets `trace` say that a copy was recoloured.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import imagehash
import numpy as np
import pdqhash
from PIL import Image

FINGERPRINT_VERSION = "1"
"""Bump when any fingerprint changes, so cached facts and index entries are recomputed."""

BASE_SHORT_SIDE = 256
"""PDQ drifts on inputs under ~256 px on the short side (see BASELINES.md)."""

CROPS: tuple[tuple[int, str, float, float], ...] = tuple(
    (pct, pos, fx, fy)
    for pct in (90, 80)
    for pos, fx, fy in (
        ("tl", 0.0, 0.0),
        ("t", 0.5, 0.0),
        ("tr", 1.0, 0.0),
        ("l", 0.0, 0.5),
        ("c", 0.5, 0.5),
        ("r", 1.0, 0.5),
        ("bl", 0.0, 1.0),
        ("b", 0.5, 1.0),
        ("br", 1.0, 1.0),
    )
)
"""Stored crops: (percent of each side kept, position name, x anchor, y anchor)."""

QUERY_VIEWS = ("full", "mirror", "trim", "trim_mirror", "frame", "frame_mirror")
"""Views of a suspect image compared against what is stored."""
STORED_VIEWS = ("full", "trim", "square", *(f"crop{p}_{pos}" for p, pos, _, _ in CROPS))
"""Views of a published image kept in the index."""

MIN_TRIM = 0.03
"""A trim must remove at least this share of a side to count as a border."""


@dataclass(frozen=True, kw_only=True)
class View:
    """One view's two hashes, ready to compare."""

    name: str
    phash: int
    """64-bit pHash as an unsigned integer."""
    pdq: bytes
    """256-bit PDQ, 32 bytes."""


def fingerprint_version() -> str:
    return f"fp{FINGERPRINT_VERSION}"


def fingerprints(img: Image.Image, phash: str) -> dict[str, str]:
    """All fingerprints of an upright RGB working image, as hex strings by name.

    `phash` is the full image's pHash that analysis already computed; every other view is
    hashed here from one small copy of the same pixels.
    """
    base = _base(img)
    rgb = np.asarray(base)
    luma = np.asarray(base.convert("L"))
    arr = np.dstack([rgb, luma])  # RGB for PDQ, the fourth channel for pHash: views slice both
    out: dict[str, str] = {}
    pdq, quality = _pdq(rgb)
    out["pdq"] = pdq
    out["pdq_quality"] = str(quality)
    _add_view(out, "mirror", arr[:, ::-1])
    out["colour"] = colour_signature(rgb)
    gray = luma.astype(np.float32)
    content = arr
    strict = _trim_box(gray, loose=False)
    if strict is not None:
        out["trim"] = _box_text(strict, gray.shape)
        content = _crop(arr, strict)
        _add_view(out, "trim", content)
        _add_view(out, "trim_mirror", content[:, ::-1])
    loose = _trim_box(gray, loose=True)
    if loose is not None and loose != strict:
        framed = _crop(arr, loose)
        _add_view(out, "frame", framed)
        _add_view(out, "frame_mirror", framed[:, ::-1])
    h, w = content.shape[:2]
    if abs(w - h) > 0.1 * max(w, h):
        side = min(w, h)
        y0, x0 = (h - side) // 2, (w - side) // 2
        _add_view(out, "square", content[y0 : y0 + side, x0 : x0 + side])
    for pct, pos, fx, fy in CROPS:
        cw, ch = round(w * pct / 100), round(h * pct / 100)
        x0, y0 = round((w - cw) * fx), round((h - ch) * fy)
        _add_view(out, f"crop{pct}_{pos}", content[y0 : y0 + ch, x0 : x0 + cw])
    return out


def views(phash: str, prints: dict[str, str], names: tuple[str, ...]) -> Iterator[View]:
    """The named views present in a fingerprint dict (the full view uses `phash`)."""
    for name in names:
        if name == "full":
            ph, pq = phash, prints.get("pdq")
        else:
            ph, pq = prints.get(f"phash_{name}"), prints.get(f"pdq_{name}")
        if ph and pq:
            yield View(name=name, phash=int(ph, 16), pdq=bytes.fromhex(pq))


def colour_signature(arr: np.ndarray) -> str:
    """Mean and spread of each RGB channel, one byte each (12 hex digits): no pixels."""
    flat = arr.reshape(-1, 3).astype(np.float32)
    vals = [*flat.mean(axis=0), *flat.std(axis=0)]
    return bytes(int(min(255, max(0, round(v)))) for v in vals).hex()


def recoloured(a: str | None, b: str | None) -> bool:
    """Whether two colour signatures differ more than recompression and cropping explain."""
    if not a or not b:
        return False
    x, y = np.frombuffer(bytes.fromhex(a), np.uint8), np.frombuffer(bytes.fromhex(b), np.uint8)
    shift = x[:3].astype(float) - y[:3].astype(float)
    cast = np.abs(shift - shift.mean()).max()
    spread = np.abs(np.log((x[3:] + 4.0) / (y[3:] + 4.0))).max()
    return bool(np.abs(shift).max() > 18 or cast > 10 or spread > 0.25)


# ---------------------------------------------------------------- internals


def _base(img: Image.Image) -> Image.Image:
    """A copy with its short side at BASE_SHORT_SIDE (never enlarged)."""
    short = min(img.size)
    if short <= BASE_SHORT_SIDE:
        return img if img.mode == "RGB" else img.convert("RGB")
    factor = short // BASE_SHORT_SIDE
    small = img.reduce(factor) if factor > 1 else img
    scale = BASE_SHORT_SIDE / min(small.size)
    if scale < 0.97:
        size = (max(1, round(small.width * scale)), max(1, round(small.height * scale)))
        small = small.resize(size, Image.Resampling.BILINEAR)
    return small.convert("RGB")


def _pdq(arr: np.ndarray) -> tuple[str, int]:
    bits, quality = pdqhash.compute(np.ascontiguousarray(arr))
    return np.packbits(bits.astype(np.uint8)).tobytes().hex(), int(quality)


def _phash(arr: np.ndarray) -> str:
    return str(imagehash.phash(Image.fromarray(np.ascontiguousarray(arr))))


def _add_view(out: dict[str, str], name: str, arr: np.ndarray) -> None:
    """Hash one view of the (height, width, RGB + luma) array."""
    if arr.shape[0] < 16 or arr.shape[1] < 16:
        return
    out[f"phash_{name}"] = _phash(arr[:, :, 3])
    out[f"pdq_{name}"] = _pdq(arr[:, :, :3])[0]


def _crop(arr: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    x0, y0, x1, y1 = box
    return arr[y0:y1, x0:x1]


def _box_text(box: tuple[int, int, int, int], shape: tuple[int, ...]) -> str:
    h, w = shape[:2]
    x0, y0, x1, y1 = box
    return f"{x0 / w:.3f},{y0 / h:.3f},{x1 / w:.3f},{y1 / h:.3f}"


def _trim_box(gray: np.ndarray, *, loose: bool) -> tuple[int, int, int, int] | None:
    """The content box inside plain borders (strict) or inside any low-detail bars (loose).

    Strict trimming removes rows and columns that are nearly one flat colour (padding,
    letterboxing). Loose trimming removes bars with much less detail than the middle of the
    image, which is what a screenshot's status bar and buttons look like. Returns None when
    nothing worth trimming was found.
    """
    h, w = gray.shape
    if loose:
        dx = np.abs(np.diff(gray, axis=1))
        dy = np.abs(np.diff(gray, axis=0))
        rows = dx.mean(axis=1)
        cols = dy.mean(axis=0)
        row_ok = rows >= 0.35 * np.median(rows[h // 4 : 3 * h // 4])
        col_ok = cols >= 0.35 * np.median(cols[w // 4 : 3 * w // 4])
    else:
        row_ok = gray.std(axis=1) >= 6.0
        col_ok = gray.std(axis=0) >= 6.0
        corner = np.median([gray[0, 0], gray[0, -1], gray[-1, 0], gray[-1, -1]])
        row_ok |= np.abs(gray.mean(axis=1) - corner) > 12
        col_ok |= np.abs(gray.mean(axis=0) - corner) > 12
    bounds = _longest_run if loose else _run_bounds
    y0, y1 = bounds(row_ok)
    x0, x1 = bounds(col_ok)
    if y1 - y0 < 0.4 * h or x1 - x0 < 0.4 * w:
        return None
    if y0 < MIN_TRIM * h and h - y1 < MIN_TRIM * h and x0 < MIN_TRIM * w and w - x1 < MIN_TRIM * w:
        return None
    return x0, y0, x1, y1


def _run_bounds(ok: np.ndarray, run: int = 4) -> tuple[int, int]:
    """First and last index of a run of `run` consecutive content rows (or columns)."""
    n = len(ok)
    if n < run:
        return 0, n
    window = np.convolve(ok.astype(np.int32), np.ones(run, np.int32), mode="valid") == run
    idx = np.flatnonzero(window)
    if len(idx) == 0:
        return 0, n
    return int(idx[0]), int(idx[-1] + run)


def _longest_run(ok: np.ndarray, gap: int = 3) -> tuple[int, int]:
    """The longest stretch of content rows, bridging gaps of a few plain rows.

    A screenshot stacks bars of text above and below the photo; the photo is the longest
    detailed stretch.
    """
    n = len(ok)
    filled = ok.copy()
    idx = np.flatnonzero(ok)
    if len(idx) == 0:
        return 0, n
    small = np.flatnonzero((np.diff(idx) > 1) & (np.diff(idx) <= gap + 1))
    for k in small:
        filled[idx[k] : idx[k + 1]] = True
    edges = np.diff(np.concatenate([[0], filled.astype(np.int8), [0]]))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    k = int(np.argmax(ends - starts))
    return int(starts[k]), int(ends[k])
