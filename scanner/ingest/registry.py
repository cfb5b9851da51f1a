"""The ingest adapters, in the order detection tries them: one line per source format.

Platform adapters come first; the plain folder-of-images adapter is the fallback, last.
"""

from __future__ import annotations

from scanner.ingest import (
    facebook,
    folder,
    google_photos,
    html,
    instagram,
    linkedin,
    tiktok,
    warc,
    wordpress,
    x,
)
from scanner.ingest.interface import Adapter

ADAPTERS: tuple[Adapter, ...] = (
    warc.ADAPTER,
    wordpress.ADAPTER,
    facebook.ADAPTER,
    instagram.ADAPTER,
    x.ADAPTER,
    google_photos.ADAPTER,
    tiktok.ADAPTER,
    linkedin.ADAPTER,
    html.ADAPTER,
    folder.ADAPTER,
)
