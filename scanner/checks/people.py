"""Shared judgement used by several checks: does an image (possibly) show people?"""

from __future__ import annotations

from scanner.model import AnalysedMedia, MediaFacts, NameHit, NameKind

PUPIL_KINDS = (NameKind.FULL, NameKind.FIRST_CONTEXT, NameKind.FIRST)


def may_show_people(facts: MediaFacts | None) -> bool:
    """Until a face detector has run every photo may show pupils; after, faces decide."""
    if facts is None or facts.faces is None:
        return True
    return facts.faces.count > 0


def face_note(facts: MediaFacts | None) -> str:
    """Plain words on what the face detector saw, for evidence texts."""
    if facts is None or facts.faces is None:
        return "faces not checked"
    n = facts.faces.count
    return "no faces found" if n == 0 else f"{n} face{'s' if n != 1 else ''} found"


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
