"""Trace a suspicious image to the published photos it was made from.

The suspect is analysed exactly like a published image (one decode, every fingerprint
view), then its views are looked up in the persistent index: mirrored, trimmed and framed
views of the suspect against the full, trimmed, square and cropped views of each published
image. Each match says how close it is and which changes explain it, and lists the posts
that show the published image with their findings (names already shortened in the index).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from scanner.analyse.fingerprint import QUERY_VIEWS, fingerprints, recoloured
from scanner.analyse.image import ImageError, open_working_image, phash_hex
from scanner.index import FingerprintIndex, IndexedImage
from scanner.link import MAX_PHASH, VIEW_NAMES, match, table_from_facts
from scanner.model import MediaFacts

TRACE_BAND_RADIUS: int | None = None
"""Exact search: every stored view within the rule's pHash distance is confirmed on PDQ."""
MAX_RESULTS = 20


@dataclass(frozen=True, kw_only=True)
class TraceMatch:
    image: IndexedImage
    phash_distance: int
    pdq_distance: int
    score: float
    transforms: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class TraceResult:
    """What the index knows about one suspect image."""

    suspect: str
    matches: tuple[TraceMatch, ...] = ()
    closest: int | None = None
    """Without a match: the smallest pHash distance to anything indexed (bits of 64)."""
    error: str | None = None


def suspect_facts(data: bytes) -> MediaFacts:
    """A suspect's size and fingerprints from the same single decode a scan uses.

    Faces and metadata are not needed to trace, so they are not computed.
    """
    if not data:
        raise ImageError("file is empty (0 bytes)")
    img, width, height, fmt = open_working_image(data)
    ph = phash_hex(img)
    return MediaFacts(
        digest=hashlib.sha256(data).hexdigest(),
        width=width,
        height=height,
        format=fmt,
        bytes=len(data),
        phash=ph,
        fingerprints=fingerprints(img, ph),
    )


def trace(paths: list[str], index: FingerprintIndex) -> list[TraceResult]:
    """Trace each suspect file; a file that cannot be read gets a plain error, not a crash."""
    results = []
    for path in paths:
        try:
            facts = suspect_facts(Path(path).read_bytes())
        except FileNotFoundError:
            results.append(TraceResult(suspect=path, error="no such file"))
            continue
        except (ImageError, OSError) as exc:
            results.append(TraceResult(suspect=path, error=str(exc)))
            continue
        results.append(trace_facts(path, facts, index))
    return results


def trace_facts(name: str, facts: MediaFacts, index: FingerprintIndex) -> TraceResult:
    stored = index.table()
    queries = table_from_facts([facts], QUERY_VIEWS)
    if len(stored) == 0 or len(queries) == 0:
        return TraceResult(suspect=name)
    m = match(queries, stored, index.hamming(), band_radius=TRACE_BAND_RADIUS)
    if len(m.stored) == 0:
        closest = int(np.bitwise_count(queries.phash[:, None] ^ stored.phash[None, :]).min())
        return TraceResult(suspect=name, closest=closest)
    order = np.argsort(m.score, kind="stable")[:MAX_RESULTS]
    images = index.images(m.stored[order].tolist())
    found = []
    for k in order.tolist():
        img = images.get(int(m.stored[k]))
        if img is None:
            continue
        found.append(
            TraceMatch(
                image=img,
                phash_distance=int(m.phash_dist[k]),
                pdq_distance=int(m.pdq_dist[k]),
                score=float(m.score[k]),
                transforms=explain(
                    facts, img, VIEW_NAMES[int(m.query_view[k])], VIEW_NAMES[int(m.stored_view[k])]
                ),
            )
        )
    return TraceResult(suspect=name, matches=tuple(found))


def explain(facts: MediaFacts, img: IndexedImage, qview: str, sview: str) -> tuple[str, ...]:
    """The changes that explain the match, in plain words."""
    if img.digest and img.digest == facts.digest:
        return ("identical file",)
    out = []
    if "mirror" in qview:
        out.append("mirrored")
    aspect_changed = False
    if img.width and img.height:
        a, b = facts.width / facts.height, img.width / img.height
        aspect_changed = abs(a - b) / b > 0.04
    if sview.startswith(("crop", "square")) or (aspect_changed and qview in ("full", "mirror")):
        out.append("cropped")
    if qview.startswith("frame"):
        out.append("framed (a screenshot or a frame around it)")
    elif qview.startswith("trim"):
        out.append("border added")
    if sview.startswith("trim"):
        out.append("border removed")
    if recoloured(facts.fingerprints.get("colour"), img.colour):
        out.append("recoloured")
    if img.width and img.height and max(img.width, img.height):
        ratio = max(facts.width, facts.height) / max(img.width, img.height)
        if ratio < 0.9 or ratio > 1.1:
            out.append("resized")
    return tuple(out) or ("re-saved (no visible change)",)


# ---------------------------------------------------------------- output


def as_dict(r: TraceResult) -> dict[str, Any]:
    return {
        "suspect": r.suspect,
        "error": r.error,
        "match": bool(r.matches),
        "closest_distance": r.closest,
        "matches": [
            {
                "distance": m.phash_distance,
                "pdq_distance": m.pdq_distance,
                "score": round(m.score, 3),
                "transforms": list(m.transforms),
                "image": m.image.locator,
                "source": m.image.source,
                "width": m.image.width,
                "height": m.image.height,
                "posts": [
                    {
                        "platform": p.platform,
                        "locator": p.locator,
                        "url": p.url,
                        "created": p.created,
                        "band": p.band,
                        "text_excerpt": p.excerpt,
                        "findings": list(p.findings),
                    }
                    for p in m.image.posts
                ],
            }
            for m in r.matches
        ],
    }


def as_text(results: list[TraceResult], empty_index: bool) -> str:
    lines: list[str] = []
    if empty_index:
        lines.append(
            "The index holds no published photos yet: scan your exports and folders first "
            "(exposure-scan scan ...), then trace again."
        )
    for r in results:
        if r.error:
            lines.append(f"{r.suspect}: cannot be traced: {r.error}.")
            continue
        if not r.matches:
            if r.closest is None:
                lines.append(f"{r.suspect}: no match (nothing indexed to compare with).")
            else:
                lines.append(
                    f"{r.suspect}: no match. The closest published image differs by "
                    f"{r.closest} of 64 bits; a match needs {MAX_PHASH} or fewer and a "
                    "confirming second fingerprint."
                )
            continue
        n = len(r.matches)
        lines.append(
            f"{r.suspect}: {n} matching published image{'s' if n != 1 else ''}, best first"
        )
        for i, m in enumerate(r.matches, start=1):
            size = f"{m.image.width}x{m.image.height}" if m.image.width else "size unknown"
            lines.append(
                f"  {i}. {m.image.locator} ({size}) - distance {m.phash_distance} of 64 bits "
                f"(PDQ {m.pdq_distance} of 256); {', '.join(m.transforms)}"
            )
            for p in m.image.posts:
                where = p.url or f"{p.source} > {p.locator}"
                date = f", {p.created[:10]}" if p.created else ""
                lines.append(f"     in a {p.platform} post{date}: {where}")
                if p.excerpt:
                    lines.append(f'       text: "{p.excerpt}"')
                if not p.findings:
                    lines.append("       findings: none")
                for f in p.findings:
                    lines.append(f"       {f['severity'].upper()} {f['title']}: {f['evidence']}")
    lines.append(
        "Distance counts the fingerprint bits that differ (0 = the same picture). "
        "Names are shortened."
    )
    return "\n".join(lines) + "\n"
