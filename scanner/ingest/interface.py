"""What every ingest adapter provides, and the error type of the ingest stage.

An adapter knows one source format. `detect` looks at signature files and keys (never at
the input's own file name); `read` turns the source into `Post`s, and anything it cannot
read into `Skipped` entries, so one bad file never stops a scan.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from scanner.model import MediaRef, Post, Skipped

if TYPE_CHECKING:
    from scanner.ingest.archive import Archive


class IngestError(Exception):
    """An input (or one file inside it) cannot be read; the message names it and says why."""


@dataclass(kw_only=True)
class IngestContext:
    """What an adapter may know beyond its own archive.

    `resolve` finds a member path (e.g. a Facebook media `uri`) in any of the inputs given
    together, because big exports arrive split over several zips.
    """

    resolve: Callable[[str], tuple[MediaRef, str] | None]
    """member path -> (reference, locator) in whichever input holds it, or None."""
    claimed: set[str] = field(default_factory=set)
    """Locators of media already read as part of a post, so no adapter reports them twice."""


class Adapter(Protocol):
    """One source format."""

    platform: str
    """The platform name shown in reports (`facebook`, `files`, ...)."""

    def detect(self, archive: Archive) -> bool:
        """True when this archive is this adapter's format, judged by content."""
        ...

    def read(self, archive: Archive, ctx: IngestContext) -> Iterator[Post | Skipped]:
        """Yield the posts in the archive, and a Skipped for each part that cannot be read."""
        ...
