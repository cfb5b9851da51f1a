"""Shared judgement used by several checks: does an image (possibly) show people?"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner.model import AnalysedMedia, FaceBox, MediaFacts, NameHit, NameKind

PUPIL_KINDS = (NameKind.FULL, NameKind.FIRST_CONTEXT, NameKind.FIRST)
MIN_FACE_PX = 24
"""Fallback for the policy's [people] min_face_px (the smallest face the detector finds)."""


def may_show_people(facts: MediaFacts | None) -> bool:
    """Until a face detector has run every photo may show pupils; after, faces decide."""
    if facts is None or facts.faces is None:
        return True
    return facts.faces.count > 0


def min_face_px(options: Mapping[str, Any]) -> int:
    """The policy's smallest identifiable face side in original pixels ([people] min_face_px)."""
    return int(options.get("min_face_px", MIN_FACE_PX))


def identifiable_faces(facts: MediaFacts | None, min_px: int) -> tuple[FaceBox, ...]:
    """Faces found at least `min_px` on their shorter side (original pixels).

    The detector only finds faces turned towards the camera, so every face it finds is
    frontal enough; size decides whether it is identifiable.
    """
    if facts is None or facts.faces is None:
        return ()
    return tuple(b for b in facts.faces.boxes if min(b.w, b.h) >= min_px)


def identifiable(facts: MediaFacts | None, min_px: int) -> bool:
    """Whether a photo shows an identifiable person, as far as we can tell.

    Until a face detector has run every photo may (True); after, only a face of at least
    the policy's size counts.
    """
    if facts is None or facts.faces is None:
        return True
    return bool(identifiable_faces(facts, min_px))


def face_note(facts: MediaFacts | None, min_px: int | None = None) -> str:
    """Plain words on what the face detector saw, for evidence texts."""
    if facts is None or facts.faces is None:
        return "faces not checked"
    n = facts.faces.count
    if n == 0:
        return "no faces found"
    note = f"{n} face{'s' if n != 1 else ''} found"
    if min_px is not None and not identifiable_faces(facts, min_px):
        note += f", all smaller than {min_px} px"
    return note


def image_media(media: tuple[AnalysedMedia, ...]) -> tuple[AnalysedMedia, ...]:
    return tuple(m for m in media if m.media.kind == "image")


def video_media(media: tuple[AnalysedMedia, ...]) -> tuple[AnalysedMedia, ...]:
    """Videos are never analysed (often not even in the export: TikTok, LinkedIn), so each
    one may show pupils: a name beside a video is judged like a name beside a photo."""
    return tuple(m for m in media if m.media.kind == "video")


def pupil_names(names: tuple[NameHit, ...]) -> list[NameHit]:
    """Names that may be a pupil's (not staff, not public figures)."""
    return [h for h in names if h.kind in PUPIL_KINDS]


def strongest(hits: list[NameHit]) -> NameHit:
    """The most identifying name: full beats first+context beats first."""
    return min(hits, key=lambda h: (PUPIL_KINDS.index(h.kind), -h.confidence))
