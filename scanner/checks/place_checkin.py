"""place-checkin: a post tags a place and shows people."""

from __future__ import annotations

from collections.abc import Iterator

from scanner.checks.interface import CheckContext, Hit, check
from scanner.checks.people import image_media, may_show_people


@check("place-checkin", guidance="G4")
def place_checkin(ctx: CheckContext) -> Iterator[Hit]:
    """
    What it finds:
        A post that tags a place (a check-in or a location) and shows a photo that may show
        people.

    Why it matters for pupils:
        It says where the children in the photo were, and often where they will be again
        (the school, the club, the swimming pool).

    Example:
        "At Oakfield Leisure Centre" check-in with photos of the swimming gala.

    Options:
        None.

    Fix:
        Remove the place tag, and post after the event rather than during it.
    """
    if not ctx.post.place:
        return
    people = [m for m in image_media(ctx.media) if may_show_people(m.facts)]
    if people:
        yield Hit(
            evidence=f'tags the place "{ctx.post.place}" on a photo that may show people',
            field="place",
            media=people[0].media.locator,
        )
