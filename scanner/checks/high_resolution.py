"""high-resolution: an image is served larger than the policy allows."""

from __future__ import annotations

from collections.abc import Iterator

from scanner.checks.interface import CheckContext, Hit, check
from scanner.checks.people import image_media, may_show_people


@check("high-resolution", guidance="G5", options={"max_long_side": 1600})
def high_resolution(ctx: CheckContext) -> Iterator[Hit]:
    """
    What it finds:
        A photo that may show people whose long side is above the policy maximum.

    Why it matters for pupils:
        Large images give abusers clean faces to crop, enlarge and repurpose. A web page
        rarely needs more than 1600 pixels on the long side.

    Example:
        A 4032x3024 photo of a class trip.

    Options:
        max_long_side: the largest long side in pixels that is acceptable (default 1600).

    Fix:
        Replace the file with a downscaled copy (at most max_long_side pixels on the long
        side); `exposure-scan sanitize` writes one.
    """
    limit = int(ctx.options["max_long_side"])
    for m in image_media(ctx.media):
        if not may_show_people(m.facts):
            continue
        if m.facts is not None:
            w, h = m.facts.width, m.facts.height
        elif m.media.platform_facts and m.media.platform_facts.width:
            w, h = m.media.platform_facts.width, m.media.platform_facts.height or 0
        else:
            continue
        if max(w, h) > limit:
            yield Hit(
                evidence=f"{w}x{h} pixels, long side over {limit}",
                field="image",
                media=m.media.locator,
            )
