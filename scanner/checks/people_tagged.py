"""people-tagged: platform tags or mentions of people on a photo post."""

from __future__ import annotations

from collections.abc import Iterator

from scanner.checks.interface import CheckContext, Hit, check
from scanner.checks.people import image_media
from scanner.model import NameKind


@check("people-tagged", guidance="G2, G6")
def people_tagged(ctx: CheckContext) -> Iterator[Hit]:
    """
    What it finds:
        A photo post on which the platform records tagged people or @mentions.

    Why it matters for pupils:
        A tag links the photo to a person's profile, and often to their family's: a name
        and a way to find them.

    Example:
        An Instagram post tagging @amelia.hughes.mum, or a Facebook photo with a tag.

    Options:
        None.

    Fix:
        Remove the tags; set the account so that others cannot tag people in its photos.
    """
    images = image_media(ctx.media)
    if not images:
        return
    # Tags the name finder reads as people: an organisation's handle (@OakfieldPTA) is not.
    people = [h for h in ctx.names if h.field == "tags" and h.kind is not NameKind.PUBLIC]
    if people:
        shown = list(dict.fromkeys(ctx.shown(h.name) for h in people))
        n = len(shown)
        yield Hit(
            evidence=f"{n} {'person' if n == 1 else 'people'} tagged: {', '.join(shown[:4])}"
            f"{' …' if n > 4 else ''}",
            field="tags",
            media=images[0].media.locator,
        )
