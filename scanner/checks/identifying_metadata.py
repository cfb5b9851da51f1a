"""identifying-metadata: serial numbers, owner names, thumbnails, capture times."""

from __future__ import annotations

from collections.abc import Iterator

from scanner.checks.interface import CheckContext, Hit, check
from scanner.checks.people import image_media


@check("identifying-metadata", guidance="G4")
def identifying_metadata(ctx: CheckContext) -> Iterator[Hit]:
    """
    What it finds:
        A published image that carries a camera serial number, an owner, artist or
        copyright name, an embedded thumbnail, or the exact capture time.

    Why it matters for pupils:
        These link photos to one device and one person, date the moment a child was in a
        place, and an embedded thumbnail can keep the uncropped original after an edit.

    Example:
        A JPEG whose EXIF says BodySerialNumber 0423101234 and Artist "J. Thompson".

    Options:
        None.

    Fix:
        Strip all metadata before uploading; replace files that still carry it.
    """
    for m in image_media(ctx.media):
        if m.facts is None:
            continue
        md = m.facts.metadata
        found: list[str] = []
        if md.serial:
            found.append("camera serial number")
        if md.owner:
            found.append(f"owner/artist name ({ctx.shown(md.owner)})")
        if md.has_thumbnail:
            found.append("embedded thumbnail")
        if md.taken_at:
            found.append(f"capture time {md.taken_at}")
        if found:
            yield Hit(
                evidence="file carries " + ", ".join(found), field="metadata", media=m.media.locator
            )
