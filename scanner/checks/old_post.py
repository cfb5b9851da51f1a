"""old-post: a photo post older than the review age."""

from __future__ import annotations

from collections.abc import Iterator

from scanner.checks.interface import CheckContext, Hit, check
from scanner.checks.people import image_media, may_show_people


@check("old-post", guidance="G1", options={"review_after_years": 2.0})
def old_post(ctx: CheckContext) -> Iterator[Hit]:
    """
    What it finds:
        A post with a photo that may show people, older than the review age (two school
        years by default), judged against the scan's --as-of date.

    Why it matters for pupils:
        Old photos stay online long after they served their purpose, and the children in
        them may have left, changed their consent, or be more identifiable now.

    Example:
        A sports-day post from 2019 still on the school's Facebook Page.

    Options:
        review_after_years: age in years after which a photo post should be reviewed
        (default 2.0).

    Fix:
        Review whether it is still needed; archive or delete it if not.
    """
    created = ctx.post.created
    if created is None:
        return
    if not any(may_show_people(m.facts) for m in image_media(ctx.media)):
        return
    age_days = (ctx.as_of - created.date()).days
    years = float(ctx.options["review_after_years"])
    if age_days > years * 365.25:
        yield Hit(
            evidence=f"posted {created.date().isoformat()}, {age_days / 365.25:.1f} years "
            f"before {ctx.as_of.isoformat()}",
            field="created",
        )
