"""name-with-image: a post shows a photo and names a pupil."""

from __future__ import annotations

from collections.abc import Iterator

from scanner.checks.interface import CheckContext, Hit, check
from scanner.checks.people import (
    face_note,
    identifiable,
    image_media,
    may_show_people,
    min_face_px,
    pupil_names,
    strongest,
    video_media,
)
from scanner.model import NameKind

FIELD_WORDS = {
    "body": "post text",
    "title": "post title",
    "caption": "caption",
    "alt": "alt text",
    "description": "description",
    "tags": "tags",
    "comments": "comments",
    "album": "album name",
    "place": "place",
    "file_name": "file name",
    "nearby": "text beside the photo",
    "gallery": "gallery text",
}


def field_words(field: str) -> str:
    """A field id in plain words for evidence texts."""
    return FIELD_WORDS.get(field, field.replace("metadata:", "embedded ").replace("_", " "))


@check(
    "name-with-image",
    guidance="G2",
    variants=("full", "first+context", "first", "unconfirmed", "staff", "public"),
)
def name_with_image(ctx: CheckContext) -> Iterator[Hit]:
    """
    What it finds:
        A post that shows a photo which may show pupils and, anywhere in its own text
        (caption, title, alt text, hashtags, tags, comments, the text right beside it on a
        web page, or names listed in the same gallery), names someone who may be a pupil.
        A full name is worse than a first name alone.

    Why it matters for pupils:
        A face with a name is what turns a school photo into a target: it lets a stranger
        find the child elsewhere, and it is what deepfake abusers search for. The guidance
        is "names-no-images, images-no-names".

    Example:
        A Facebook post "Well done Amelia Hughes, Star of the Week!" with a photo.

    Options:
        Points and severity by name kind in the variants `full`, `first+context`, `first`,
        and `unconfirmed` (a name beside photos in which no face of at least the policy's
        `[people] min_face_px` was found: a face turned away is still a pupil); `staff`
        (only a staff member is named, "Mrs Patel": low) and `public` (only a public figure
        or story character, "Harry Potter": none by default).

    Fix:
        Remove the name from the post, or replace the photo with one in which no pupil can
        be identified.
    """
    images = image_media(ctx.media) + video_media(ctx.media)
    if not images:
        return
    post_names = [
        h for h in pupil_names(ctx.names) if not h.field.startswith(("metadata:", "file_name"))
    ]
    if not post_names:
        yield from _adults_only(ctx, images)
        return
    min_px = min_face_px(ctx.options)
    people = [m for m in images if identifiable(m.facts, min_px)]
    best = strongest(post_names)
    names = list(dict.fromkeys(ctx.shown(h.name) for h in post_names))
    where = field_words(best.field)
    if people:
        variant = best.kind.value
        target = next((m for m in people if m.media.locator == best.media), people[0])
    else:
        variant = "unconfirmed"
        target = images[0]
    evidence = f"{where} names {', '.join(names[:4])}{' …' if len(names) > 4 else ''}"
    videos = len(video_media(images))
    counts = ((len(images) - videos, "photo"), (videos, "video"))
    evidence += " beside " + " and ".join(
        f"{n} {word}{'s' if n != 1 else ''}" for n, word in counts if n
    )
    evidence += f" ({face_note(target.facts, min_px)})"
    if best.kind is NameKind.FULL:
        evidence += "; full name"
    if any(h.field == "gallery" for h in post_names):
        evidence += "; same gallery"
    yield Hit(evidence=evidence, field=best.field, media=target.media.locator, variant=variant)


def _adults_only(ctx: CheckContext, images: tuple) -> Iterator[Hit]:
    """Only staff or public figures are named: staff is low, characters are none. A photo
    in which the face detector found nobody (a new roof) is not about them."""
    people = [m for m in images if may_show_people(m.facts)]
    if not people:
        return
    for kind in (NameKind.STAFF, NameKind.PUBLIC):
        hits = [
            h
            for h in ctx.names
            if h.kind is kind and not h.field.startswith(("metadata:", "file_name"))
        ]
        if hits:
            names = ", ".join(dict.fromkeys(ctx.shown(h.name) for h in hits[:4]))
            what = "staff member" if kind is NameKind.STAFF else "public figure or character"
            yield Hit(
                evidence=f"{field_words(hits[0].field)} names {what} {names} beside a photo",
                field=hits[0].field,
                media=people[0].media.locator,
                variant=kind.value,
            )
            return
