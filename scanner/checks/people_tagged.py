"""people-tagged: platform tags or mentions of people on a photo post."""

from __future__ import annotations

from collections.abc import Iterator

from scanner.checks.interface import CheckContext, Hit, check
from scanner.checks.people import image_media, may_show_people
from scanner.model import NameKind


@check("people-tagged", guidance="G2, G6")
def people_tagged(ctx: CheckContext) -> Iterator[Hit]:
    """
    What it finds:
        A photo post on which the platform records tagged people or @mentions, when a photo
        may show people (faces found, or not checked).

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
    images = [m for m in image_media(ctx.media) if may_show_people(m.facts)]
    if not images:
        return  # a tag on a photo with no face is judged by name-with-image as unconfirmed
    # Tags the name finder reads as people: an organisation's handle (@OakfieldPTA) is not.
    people = [h for h in ctx.names if h.field == "tags" and h.kind is not NameKind.PUBLIC]
    if not people:
        return
    raw = list(dict.fromkeys([*ctx.post.tagged, *(t for m in images for t in m.media.tagged)]))
    firsts = {h.name.split()[0].lower() for h in people if h.name.split()}
    persons = [t for t in raw if any(f in t.lower() for f in firsts)] or raw
    shown = list(dict.fromkeys(_display(t, ctx) for t in persons))
    n = len(shown)
    yield Hit(
        evidence=f"{n} {'person' if n == 1 else 'people'} tagged: {', '.join(shown[:4])}"
        f"{' …' if n > 4 else ''}",
        field="tags",
        media=images[0].media.locator,
    )


def _display(tag: str, ctx: CheckContext) -> str:
    """A tag as the report may show it: handles cut short ('@amelia.hughes.mum' -> '@ameli…')."""
    if ctx.show_names:
        return tag
    if tag.startswith("@"):
        return tag[:6] + "…" if len(tag) > 6 else tag
    return ctx.shown(tag)
