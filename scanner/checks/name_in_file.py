"""name-in-file: an image's file name or embedded metadata names a person."""

from __future__ import annotations

from collections.abc import Iterator

from scanner.checks.interface import CheckContext, Hit, check
from scanner.checks.name_with_image import field_words
from scanner.checks.people import face_note, identifiable, image_media, min_face_px, pupil_names


@check(
    "name-in-file",
    guidance="G2, G4",
    variants=("full", "first+context", "first", "unconfirmed", "staff", "public"),
)
def name_in_file(ctx: CheckContext) -> Iterator[Hit]:
    """
    What it finds:
        An image whose file name (amelia_hughes_sports_day.jpg) or embedded metadata (XMP
        face-region names, IPTC caption or keywords, EXIF description) names someone who
        may be a pupil.

    Why it matters for pupils:
        Anyone who saves the image keeps the name with it, even when the post itself
        names nobody. Photo software writes face-tag names into the file without asking.

    Example:
        sports-day/amelia_hughes_relay.jpg, or a photo whose XMP lists PersonInImage
        "Amelia Hughes".

    Options:
        Points and severity by name kind in the variants `full`, `first+context`, `first`,
        and `unconfirmed` (no face of at least the policy's `[people] min_face_px` was
        found in the image); `staff` (the file names only a staff member: low) and
        `public` (only a public figure or character: none).

    Fix:
        Rename the file to something neutral (sports-day-01.jpg) and strip its metadata
        before uploading (`exposure-scan sanitize` writes cleaned copies).
    """
    by_media: dict[str, list] = {}
    adults: dict[str, list] = {}
    pupils = pupil_names(ctx.names)
    for h in ctx.names:
        if h.media and (h.field == "file_name" or h.field.startswith("metadata:")):
            (by_media if h in pupils else adults).setdefault(h.media, []).append(h)
    for m in image_media(ctx.media):
        hits = by_media.get(m.media.locator)
        if not hits:
            others = adults.get(m.media.locator)
            if others and others[0].kind.value in ("staff", "public"):
                yield Hit(
                    evidence=f"{field_words(others[0].field)} names "
                    f"{', '.join(dict.fromkeys(ctx.shown(h.name) for h in others[:4]))} "
                    f"({others[0].kind.value})",
                    field=others[0].field,
                    media=m.media.locator,
                    variant=others[0].kind.value,
                )
            continue
        order = ("full", "first+context", "first")
        best = min(hits, key=lambda h: order.index(h.kind.value))
        names = list(dict.fromkeys(ctx.shown(h.name) for h in hits))
        min_px = min_face_px(ctx.options)
        variant = best.kind.value if identifiable(m.facts, min_px) else "unconfirmed"
        yield Hit(
            evidence=f"{field_words(best.field)} names {', '.join(names[:4])} "
            f"({face_note(m.facts, min_px)})",
            field=best.field,
            media=m.media.locator,
            variant=variant,
        )
