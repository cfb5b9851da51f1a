"""location-in-metadata: GPS coordinates travel with the photo or its upload record."""

from __future__ import annotations

from collections.abc import Iterator

from scanner.checks.interface import CheckContext, Hit, check
from scanner.checks.people import image_media


@check("location-in-metadata", guidance="G4", variants=("in-file", "upload-record"))
def location_in_metadata(ctx: CheckContext) -> Iterator[Hit]:
    """
    What it finds:
        GPS coordinates in a published image file, or in the platform's own record of the
        upload (Meta keeps the camera's GPS in the export even after stripping the served
        file).

    Why it matters for pupils:
        Coordinates in a photo taken at home, on a trip or at the school gate say where a
        child can be found. In the served file anyone can read them; in the upload record
        they show that the school's phones and upload habits leak location.

    Example:
        IMG_2041.jpg with GPS 51.50722, -0.12750 in its EXIF.

    Options:
        Severity and points in the variants `in-file` (critical by default) and
        `upload-record` (medium).

    Fix:
        Turn off location tagging in the camera app of school devices, strip metadata before
        uploading, and replace files that still carry GPS.
    """
    for m in image_media(ctx.media):
        gps = m.facts.metadata.gps if m.facts else None
        if gps:
            yield Hit(
                evidence=f"GPS {gps[0]:.5f}, {gps[1]:.5f} embedded in the image file",
                field="metadata:gps",
                media=m.media.locator,
                variant="in-file",
            )
            continue
        pf = m.media.platform_facts
        if pf and pf.gps:
            yield Hit(
                evidence=f"GPS {pf.gps[0]:.5f}, {pf.gps[1]:.5f} in the platform's upload record",
                field="upload:gps",
                media=m.media.locator,
                variant="upload-record",
            )
