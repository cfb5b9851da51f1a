"""no-consent-name: a post names a pupil whose parents declined image consent."""

from __future__ import annotations

from collections.abc import Iterator

from scanner.checks.interface import CheckContext, Hit, check
from scanner.checks.name_with_image import field_words
from scanner.checks.people import image_media, video_media
from scanner.model import NameKind

CERTAIN = 0.9
"""A first name alone below this confidence could be another pupil of the same name."""


@check(
    "no-consent-name",
    guidance="G6",
    variants=("beside-image", "elsewhere", "first-name-only"),
)
def no_consent_name(ctx: CheckContext) -> Iterator[Hit]:
    """
    What it finds:
        A post that names a pupil on the school's no-consent list (`--no-consent
        list.csv`): the pupils whose parents declined consent to images. Beside a photo or
        video, in the file name or embedded in the image, it is the worst case; anywhere
        else the name still says that the child is at the school.

    Why it matters for pupils:
        A consent refusal is often a safeguarding decision: the child may be in care, or
        hiding from an estranged parent. A named photo of that child tells exactly the
        wrong person where to find them.

    Example:
        With `--no-consent declined.csv` listing Zainab Hussain, a Facebook post "Well done
        Zainab Hussain!" with a photo (critical), or a newsletter line naming her with no
        photo (high).

    Options:
        Severity and points in the variants `beside-image`, `elsewhere`, and
        `first-name-only` (a first name alone that the roster cannot pin to the pupil on
        the list, because another pupil shares it or no roster was given).

    Fix:
        Take the post down now and tell the designated safeguarding lead; then check where
        else the same photo was published.
    """
    hits = [h for h in ctx.names if h.no_consent]
    if not hits:
        return
    visual = image_media(ctx.media) + video_media(ctx.media)
    order = {NameKind.FULL: 0, NameKind.FIRST_CONTEXT: 1, NameKind.FIRST: 2}
    best = min(hits, key=lambda h: (order.get(h.kind, 3), -h.confidence))
    names = list(dict.fromkeys(ctx.shown(h.name) for h in hits))
    where = field_words(best.field)
    shown = ", ".join(names[:3]) + (" …" if len(names) > 3 else "")
    if best.kind is NameKind.FIRST and best.confidence < CERTAIN:
        variant = "first-name-only"
        evidence = f"{where} names {shown}, the first name of a pupil on the no-consent list"
    else:
        variant = "beside-image" if visual else "elsewhere"
        evidence = f"{where} names {shown}, a pupil on the no-consent list"
    if visual:
        videos = len(video_media(visual))
        counts = ((len(visual) - videos, "photo"), (videos, "video"))
        evidence += ", beside " + " and ".join(
            f"{n} {word}{'s' if n != 1 else ''}" for n, word in counts if n
        )
    target = best.media or (visual[0].media.locator if visual else None)
    yield Hit(evidence=evidence, field=best.field, media=target, variant=variant)
