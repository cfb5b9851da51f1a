"""camera-original: a file straight from the camera was published."""

from __future__ import annotations

from collections.abc import Iterator

from scanner.checks.interface import CheckContext, Hit, check
from scanner.checks.people import image_media


@check("camera-original", guidance="G4, G5")
def camera_original(ctx: CheckContext) -> Iterator[Hit]:
    """
    What it finds:
        An image that is a camera original: camera EXIF (make or model with a capture time
        or serial) and a sensor-sized resolution.

    Why it matters for pupils:
        A camera original carries every detail the camera recorded and the full
        resolution: the most useful file an abuser could get.

    Example:
        A 12-megapixel JPEG with Make "Apple", Model "iPhone 13" and DateTimeOriginal.

    Options:
        None.

    Fix:
        Publish an exported, downscaled copy with metadata removed, never the original.
    """
    for m in image_media(ctx.media):
        if m.facts is not None and m.facts.is_camera_original:
            md = m.facts.metadata
            camera = " ".join(x for x in (md.make, md.model) if x) or "a camera"
            yield Hit(
                evidence=f"{m.facts.width}x{m.facts.height} original from {camera}",
                field="metadata",
                media=m.media.locator,
            )
