"""linked-name: the same photo is published elsewhere with a name."""

from __future__ import annotations

from collections.abc import Iterator

from scanner.checks.interface import CheckContext, Hit, check
from scanner.checks.people import image_media, may_show_people, pupil_names, strongest
from scanner.model import LinkedCopy, NameHit


def where(copy: LinkedCopy) -> str:
    """The other post in a few words: its platform and its place in its source."""
    locator = copy.other_post.split("::", 1)[-1]
    return f"{copy.other_platform} ({locator})"


@check("linked-name", guidance="G2", variants=("full", "first+context", "first"))
def linked_name(ctx: CheckContext) -> Iterator[Hit]:
    """
    What it finds:
        A photo that is published in two places, where one of the places names someone
        who may be a pupil. Both posts are flagged, and each points at the other: the
        copy with the name and the copy without it.

    Why it matters for pupils:
        Each post can look safe alone: the Instagram copy names nobody. But a scraper
        that collects both pairs the face with the name, and a cropped or mirrored copy
        is still the same photo. The guidance is "names-no-images, images-no-names"
        across everything the school publishes, not post by post.

    Example:
        The website shows "Well done Amelia Hughes" with a photo; Instagram shows the same
        photo, cropped and mirrored, with no caption.

    Options:
        Points and severity by the kind of name in the variants `full`, `first+context`
        and `first`.

    Fix:
        Remove the name from the post that carries it (or take that photo down there);
        check every other copy listed with this finding.
    """
    own = {m.media.locator: m for m in image_media(ctx.media)}
    own_names = pupil_names(ctx.names)
    seen: set[tuple[str, str]] = set()
    for copy in ctx.copies:
        mine = own.get(copy.media)
        if mine is None or not may_show_people(mine.facts):
            continue
        if (copy.media, copy.other_post) in seen:
            continue
        theirs = pupil_names(copy.other_names)
        here = [h for h in own_names if h.media in (None, copy.media)]
        if theirs:
            best = strongest(theirs)
            text = (
                f"the same photo is published on {where(copy)} with the name {_names(ctx, theirs)}"
            )
        elif here:
            best = strongest(here)
            text = (
                f"this photo, named here ({_names(ctx, here)}), is also published on "
                f"{where(copy)}: whoever sees that copy can find the name here"
            )
        else:
            continue
        seen.add((copy.media, copy.other_post))
        yield Hit(
            evidence=f"{text} (distance {copy.distance} of 64 bits)",
            field="linked copy",
            media=copy.media,
            variant=best.kind.value,
            related=(copy.other_post,),
        )


def _names(ctx: CheckContext, hits: list[NameHit]) -> str:
    shown = list(dict.fromkeys(ctx.shown(h.name) for h in hits))
    return ", ".join(shown[:3]) + (" …" if len(shown) > 3 else "")
