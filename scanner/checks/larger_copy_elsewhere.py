"""larger-copy-elsewhere: the same photo is published somewhere at a higher resolution."""

from __future__ import annotations

from collections.abc import Iterator

from scanner.checks.interface import CheckContext, Hit, check
from scanner.checks.linked_name import where
from scanner.checks.people import image_media, may_show_people
from scanner.model import LinkedCopy


@check(
    "larger-copy-elsewhere",
    guidance="G5",
    options={"min_ratio": 1.5, "min_long_side": 1600},
)
def larger_copy_elsewhere(ctx: CheckContext) -> Iterator[Hit]:
    """
    What it finds:
        A photo of which a larger copy is published in another post or on another
        platform: downscaling this copy protects nothing while the larger one stays up.

    Why it matters for pupils:
        Whoever wants a clean, large face finds the largest copy, wherever it is. Fixing
        the small copy and leaving the big one online is the most common false sense of
        safety.

    Example:
        Instagram serves a photo at 1080 pixels; the school website serves the same photo,
        uncropped, at 4032x3024.

    Options:
        min_ratio: how many times longer the other copy's long side must be (default 1.5).
        min_long_side: the other copy's long side must also exceed this (default 1600, the
        high-resolution limit), so two small copies are never flagged.

    Fix:
        Replace the larger copy (the post this finding points to) with a downscaled one,
        with its metadata removed.
    """
    ratio = float(ctx.options["min_ratio"])
    floor = int(ctx.options["min_long_side"])
    own = {m.media.locator: m for m in image_media(ctx.media)}
    largest: dict[str, tuple[LinkedCopy, int]] = {}
    for copy in ctx.copies:
        mine = own.get(copy.media)
        if mine is None or mine.facts is None or not may_show_people(mine.facts):
            continue
        if copy.other_long_side <= floor or copy.other_long_side < ratio * mine.facts.long_side:
            continue
        best = largest.get(copy.media)
        if best is None or copy.other_long_side > best[0].other_long_side:
            largest[copy.media] = (copy, mine.facts.long_side)
    for locator, (copy, mine_side) in largest.items():
        yield Hit(
            evidence=(
                f"a larger copy ({copy.other_long_side} px on the long side, this one "
                f"{mine_side} px) is published on {where(copy)}; that copy is the one to fix"
            ),
            field="linked copy",
            media=locator,
            related=(copy.other_post,),
        )
