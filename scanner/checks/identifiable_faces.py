"""identifiable-faces: a post's photos show faces big enough to identify someone."""

from __future__ import annotations

from collections.abc import Iterator

from scanner.checks.interface import CheckContext, Hit, check
from scanner.checks.people import identifiable_faces, image_media, min_face_px
from scanner.model import AnalysedMedia, FaceBox


@check(
    "identifiable-faces",
    guidance="G1, G3",
    options={"close_up_share": 0.02, "group_faces": 3},
    variants=("close-up", "group", "few"),
)
def identifiable_faces_check(ctx: CheckContext) -> Iterator[Hit]:
    """
    What it finds:
        Photos in which the face detector found faces at least the policy's
        `[people] min_face_px` on their shorter side: people who can be identified, whether
        or not the post names them. A close-up ranks above a group, and a group above one
        or two small faces; a hall seen from the back, with no face turned to the camera,
        is not reported.

    Why it matters for pupils:
        A clear face is what a scraper collects and what a deepfake is made from, and
        someone who knows the child can recognise them without any name. The guidance
        asks schools to replace identifiable images with generic visuals where possible.

    Example:
        A public post of sports day with a close-up of two pupils' faces.

    Options:
        `close_up_share` (default 0.02): a face covering at least this share of the photo
        (2%, a face about a seventh of the photo's width) makes it a close-up (variant
        `close-up`). `group_faces` (default 3): this many identifiable faces in one photo
        make it a group (variant `group`); fewer, smaller faces are variant `few`. The
        smallest face that counts is `[people] min_face_px` (default 24 px). Faces are only
        counted and measured, never recognised.

    Fix:
        Use a photo taken from behind or from a distance, or one of the activity rather
        than the faces; blur faces before publishing; or limit who can see the post.
    """
    min_px = min_face_px(ctx.options)
    found: list[tuple[AnalysedMedia, tuple[FaceBox, ...]]] = []
    for m in image_media(ctx.media):
        boxes = identifiable_faces(m.facts, min_px)
        if boxes:
            found.append((m, boxes))
    if not found:
        return
    close_up = float(ctx.options.get("close_up_share", 0.02))
    group = int(ctx.options.get("group_faces", 3))
    # The most identifying photo decides: the largest face, then the most faces.
    media, boxes = max(found, key=lambda mb: (max(b.share for b in mb[1]), len(mb[1])))
    largest = max(boxes, key=lambda b: b.share)
    if largest.share >= close_up:
        variant = "close-up"
    elif any(len(bs) >= group for _, bs in found):
        variant = "group"
    else:
        variant = "few"
    total = sum(len(bs) for _, bs in found)
    photos = len(found)
    evidence = (
        f"{total} identifiable face{'s' if total != 1 else ''} in {photos} "
        f"photo{'s' if photos != 1 else ''}; the largest is {min(largest.w, largest.h)} px "
        f"across ({_percent(largest.share)} of the photo)"
    )
    yield Hit(evidence=evidence, field=None, media=media.media.locator, variant=variant)


def _percent(share: float) -> str:
    pct = share * 100
    return f"{pct:.0f}%" if pct >= 1 else "under 1%"
