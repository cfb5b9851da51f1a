"""Helpers shared by the JSON-export adapters (Instagram, X, Google Photos, TikTok).

Reading one member as JSON (a damaged file becomes a `Skipped` naming it), timestamps as
aware UTC datetimes, coordinates where (0, 0) means "no location", and @mentions.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from scanner.ingest.archive import Archive
from scanner.ingest.interface import IngestError
from scanner.model import Media, Post, Skipped

_MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9._]{2,30})")


def load_json(archive: Archive, member: str) -> tuple[Any, Skipped | None]:
    """Parse one JSON member; a damaged file becomes a Skipped naming it, never a crash."""
    try:
        raw = archive.read(member)
    except IngestError as exc:
        return None, Skipped(source=archive.locator(member), reason=str(exc).split(": ", 1)[-1])
    try:
        return json.loads(raw.decode("utf-8-sig")), None
    except UnicodeDecodeError:
        return None, Skipped(source=archive.locator(member), reason="is not UTF-8 text")
    except json.JSONDecodeError as exc:
        return None, Skipped(
            source=archive.locator(member),
            reason=f"is damaged or incomplete JSON (line {exc.lineno}, column {exc.colno})",
        )


def utc(ts: Any) -> datetime | None:
    """A Unix timestamp (number or digits) as an aware UTC datetime; None when absent or 0."""
    try:
        value = float(ts)
    except (TypeError, ValueError):
        return None
    if value <= 0:
        return None
    try:
        return datetime.fromtimestamp(value, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def exif_time(text: Any) -> datetime | None:
    """EXIF `2019:06:27 14:55:13` (the camera clock; its zone is unknown, read as UTC)."""
    if not isinstance(text, str):
        return None
    for fmt in ("%Y:%m:%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"):
        try:
            return datetime.strptime(text.strip()[:19], fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


def mentions(text: str) -> tuple[str, ...]:
    """@handles in a caption: a mention is a tag of a person."""
    return tuple(dict.fromkeys("@" + h.rstrip(".") for h in _MENTION.findall(text or "")))


def gps(lat: Any, lon: Any) -> tuple[float, float] | None:
    """A coordinate pair; (0, 0) and non-numbers mean no location."""
    try:
        la, lo = float(lat), float(lon)
    except (TypeError, ValueError):
        return None
    if la == 0 and lo == 0:
        return None
    if not (-90 <= la <= 90 and -180 <= lo <= 180):
        return None
    return la, lo


def loose_media_posts(
    archive: Archive, platform: str, members: list[str], note: str
) -> Iterator[Post]:
    """One post per media file of an export part that came without its JSON part.

    Big exports arrive split: when the part holding the JSON was not given, the photos are
    still scanned, as the platform's, each on its own.
    """
    from scanner.ingest.folder import is_image_name

    for member in members:
        kind = "image" if is_image_name(member) else "video"
        media = Media(
            locator=archive.locator(member),
            ref=archive.ref(member),
            kind=kind,
            texts={"file_name": posixpath.basename(member)},
        )
        yield Post(
            platform=platform,
            source=archive.path,
            locator=member,
            media=(media,),
            notes=(note,),
        )
