"""Loose image files: a folder or zip of photos from the shared drive, or one image.

The fallback adapter: it claims any input with images that no platform adapter recognised.
Each image is its own item (platform `files`); its texts are its file name, plus whatever
caption the analysis stage finds embedded in it.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from scanner.ingest.archive import Archive
from scanner.ingest.interface import IngestContext
from scanner.model import Media, Post, Skipped

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".jfif", ".png", ".webp", ".gif", ".heic", ".heif")


def is_image_name(name: str) -> bool:
    return name.lower().endswith(IMAGE_SUFFIXES) and not posixpath.basename(name).startswith(".")


class FolderAdapter:
    platform = "files"

    def detect(self, archive: Archive) -> bool:
        return any(is_image_name(n) for n in archive.names())

    def read(self, archive: Archive, ctx: IngestContext) -> Iterator[Post | Skipped]:
        for member in archive.names():
            if not is_image_name(member):
                continue
            locator = archive.locator(member)
            if locator in ctx.claimed:
                continue
            base = posixpath.basename(member)
            media = Media(locator=locator, ref=archive.ref(member), texts={"file_name": base})
            yield Post(platform=self.platform, source=archive.path, locator=member, media=(media,))


ADAPTER = FolderAdapter()
