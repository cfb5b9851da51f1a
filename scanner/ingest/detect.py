"""Which adapter fits an input, judged by its content (signature files and keys)."""

from __future__ import annotations

from scanner.ingest.archive import Archive
from scanner.ingest.interface import Adapter
from scanner.ingest.registry import ADAPTERS


def detect(archive: Archive) -> Adapter | None:
    """The first registered adapter that recognises the archive, or None."""
    for adapter in ADAPTERS:
        if adapter.detect(archive):
            return adapter
    return None
