"""original-exposed: a small picture is shown, but a larger original is served too."""

from __future__ import annotations

from collections.abc import Iterator

from scanner.checks.interface import CheckContext, Hit, check
from scanner.checks.people import image_media, may_show_people
from scanner.model import AnalysedMedia


def _size(w: int | None, h: int | None) -> str:
    if w and h:
        return f"{w}x{h}"
    return f"{w} pixels wide" if w else ""


def _shown(m: AnalysedMedia) -> tuple[int | None, int | None]:
    if m.facts is not None:
        return m.facts.width, m.facts.height
    pf = m.media.platform_facts
    return (pf.width, pf.height) if pf else (None, None)


@check("original-exposed", guidance="G5", variants=("confirmed", "likely"))
def original_exposed(ctx: CheckContext) -> Iterator[Hit]:
    """
    What it finds:
        A photo that may show people, shown at a modest size, whose larger original is also
        published: a WordPress upload kept beside its resized copies (`photo-300x200.jpg`
        next to `photo.jpg`, or `original_image` behind a `-scaled` copy), a page that links
        to or lists in `srcset` a bigger file than it shows, or Jetpack's `data-orig-file`.
        It is "confirmed" when the original is in the export, archive or crawl, and "likely"
        when only the page or export says it is on the server.

    Why it matters for pupils:
        Downscaling a photo protects nobody if the full-size original sits one click or one
        guessed address away: scrapers request the largest file a page names, and an
        original upload also keeps the camera's data.

    Example:
        A gallery shows `sports-day-300x200.jpg` and links each thumbnail to
        `sports-day.jpg`, a 4032x3024 camera original.

    Options:
        Severity and points by variant: `confirmed` (the original was found) and `likely`.

    Fix:
        Replace the original on the server with a downscaled copy (or delete it and keep
        only the resized copies), and stop linking thumbnails to the full-size file.
    """
    for m in image_media(ctx.media):
        pf = m.media.platform_facts
        if pf is None or not pf.original_url or not may_show_people(m.facts):
            continue
        shown_w, shown_h = _shown(m)
        ow, oh = pf.original_width, pf.original_height
        larger = bool(ow and shown_w and ow > shown_w)
        if ow and shown_w and ow < shown_w:
            continue
        how = f" ({pf.original_how})" if pf.original_how else ""
        shown = _size(shown_w, shown_h)
        evidence = f"shown at {shown}" if shown else "shown"
        original = _size(ow, oh)
        evidence += f"; the original{' of ' + original if original else ''} is at"
        evidence += f" {pf.original_url}{how}"
        if ow and shown_w and not larger:
            evidence += "; same size, but an original upload can keep the camera's data"
        if pf.original_locator:
            variant = "confirmed"
            if pf.original_locator != pf.original_url:
                evidence += f"; found in {pf.original_locator}"
        else:
            variant = "likely"
            evidence += "; likely, not confirmed"
        yield Hit(evidence=evidence, field="image", media=m.media.locator, variant=variant)
