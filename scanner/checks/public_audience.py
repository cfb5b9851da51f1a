"""public-audience: a photo that may show people is visible to anyone."""

from __future__ import annotations

from collections.abc import Iterator

from scanner.checks.interface import CheckContext, Hit, check
from scanner.checks.people import image_media, may_show_people
from scanner.model import Audience

PUBLIC_PLATFORMS = ("web",)


@check("public-audience", guidance="G3")
def public_audience(ctx: CheckContext) -> Iterator[Hit]:
    """
    What it finds:
        A post or page showing a photo that may show people, visible to anyone: posts the
        export marks as public, and every public web page.

    Why it matters for pupils:
        Public images are what scrapers collect. A parents' portal or a private group keeps
        photos away from them.

    Example:
        A public Facebook Page post with photos of sports day.

    Options:
        None.

    Fix:
        Limit the audience (a private group or parents' portal), or use photos in which no
        pupil can be identified.
    """
    post = ctx.post
    if post.audience is not Audience.PUBLIC and post.platform not in PUBLIC_PLATFORMS:
        return
    people = [m for m in image_media(ctx.media) if may_show_people(m.facts)]
    if people:
        n = len(people)
        yield Hit(
            evidence=f"a public {'web page' if post.platform == 'web' else 'post'} with {n} "
            f"photo{'s' if n != 1 else ''} that may show people",
            field="audience",
            media=people[0].media.locator,
        )
