"""LinkedIn data exports (CSV): `Shares.csv` (posts) and `Rich_Media.csv` (uploaded media).

Newer exports add a number to the names (`Shares_1234.csv`); files are recognised by their
header row, not by the zip's name. The media themselves are not in the export, only links
to LinkedIn's servers, so every media item is `ref=None` and the report says it could not be
checked; a name in the post text is still judged as a name beside an image.

`Shares.csv` writes each line break of a post as `"\\n"` (the quote characters are
LinkedIn's, not the author's), so they are removed. `Visibility` is `PUBLIC`,
`CONNECTIONS`, `LOGGED_IN` (any LinkedIn member) or `MEMBER_NETWORK`, which LinkedIn uses
for public and connections-only posts alike: that one stays "unknown".
"""

from __future__ import annotations

import csv
import io
import posixpath
import re
from collections.abc import Iterator
from datetime import UTC, datetime

from scanner.ingest.archive import Archive
from scanner.ingest.interface import IngestContext, IngestError
from scanner.model import Audience, Media, Post, Skipped

PLATFORM = "linkedin"
_FILE = re.compile(r"^(?P<kind>Shares|Rich_Media)(?:_\d+)?\.csv$", re.IGNORECASE)
VISIBILITY = {
    "PUBLIC": Audience.PUBLIC,
    "ANYONE": Audience.PUBLIC,
    "LOGGED_IN": Audience.PUBLIC,
    "CONNECTIONS": Audience.FRIENDS,
    "CONNECTIONS_ONLY": Audience.FRIENDS,
    "CONTAINER": Audience.FRIENDS,
}
VIDEO_SUFFIXES = (".mp4", ".mov", ".m4v", ".webm", ".avi")
_UPLOADED = re.compile(
    r"uploaded an? (?P<what>[a-z ]+?) on (?P<date>\w+ \d{1,2}, \d{4}) at "
    r"(?P<time>\d{1,2}:\d\d ?[AP]M)",
    re.IGNORECASE,
)
NOT_IN_EXPORT = (
    "LinkedIn exports link to the {what} but do not include it, so it could not be checked"
)


def share_time(text: str) -> datetime | None:
    """`2025-07-01 14:33:22` (UTC) as an aware datetime."""
    try:
        return datetime.strptime(text.strip()[:19], "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def clean_commentary(text: str) -> str:
    """Undo LinkedIn's quoting of every line break in `ShareCommentary`."""
    text = text.replace("\r\n", "\n")
    if '"\n"' in text:
        text = text.replace('"\n"', "\n")
    return text.strip()


def _kind(url: str) -> str:
    return "video" if url.lower().split("?", 1)[0].endswith(VIDEO_SUFFIXES) else "image"


class LinkedInAdapter:
    platform = PLATFORM

    def detect(self, archive: Archive) -> bool:
        return any(self._header(archive, n) for n in self._files(archive))

    @staticmethod
    def _files(archive: Archive) -> list[str]:
        return [n for n in archive.names() if _FILE.match(posixpath.basename(n))]

    @staticmethod
    def _header(archive: Archive, name: str) -> list[str]:
        try:
            first = archive.read_text(name).split("\n", 1)[0]
        except IngestError:
            return []
        return next(csv.reader([first]), [])

    @staticmethod
    def _unrecognised(archive: Archive, name: str) -> Skipped:
        return Skipped(source=archive.locator(name), reason=f"unrecognised linkedin layout: {name}")

    def read(self, archive: Archive, ctx: IngestContext) -> Iterator[Post | Skipped]:
        for name in self._files(archive):
            kind = _FILE.match(posixpath.basename(name)).group("kind").lower()
            try:
                rows = list(csv.DictReader(io.StringIO(archive.read_text(name), newline="")))
            except (IngestError, csv.Error) as exc:
                yield Skipped(source=archive.locator(name), reason=f"cannot be read as CSV ({exc})")
                continue
            if kind == "shares":
                yield from self._shares(archive, name, rows)
            else:
                yield from self._rich_media(archive, name, rows)

    def _shares(
        self, archive: Archive, name: str, rows: list[dict[str, str | None]]
    ) -> Iterator[Post | Skipped]:
        if rows and not {"Date", "ShareCommentary"} <= set(rows[0]):
            yield Skipped(
                source=archive.locator(name), reason=f"unrecognised linkedin layout: {name}"
            )
            return
        for i, row in enumerate(rows, 1):
            body = clean_commentary(row.get("ShareCommentary") or "")
            media_url = (row.get("MediaUrl") or "").strip()
            texts = {"body": body} if body else {}
            media: tuple[Media, ...] = ()
            notes: tuple[str, ...] = ()
            if media_url:
                kind = _kind(media_url)
                media = (Media(locator=media_url, ref=None, kind=kind),)
                notes = (NOT_IN_EXPORT.format(what="video" if kind == "video" else "image"),)
            link = (row.get("ShareLink") or "").strip()
            visibility = (row.get("Visibility") or "").strip().upper()
            yield Post(
                platform=PLATFORM,
                source=archive.path,
                locator=f"{name}#row-{i}",
                url=link or None,
                created=share_time(row.get("Date") or ""),
                audience=VISIBILITY.get(visibility, Audience.UNKNOWN),
                texts=texts,
                media=media,
                notes=notes,
            )

    def _rich_media(
        self, archive: Archive, name: str, rows: list[dict[str, str | None]]
    ) -> Iterator[Post | Skipped]:
        if rows and not {"Date/Time", "Media Link"} <= set(rows[0]):
            yield Skipped(
                source=archive.locator(name), reason=f"unrecognised linkedin layout: {name}"
            )
            return
        for i, row in enumerate(rows, 1):
            stamp = row.get("Date/Time") or ""
            link = (row.get("Media Link") or "").strip()
            found = _UPLOADED.search(stamp)
            what = found.group("what").lower() if found else "media"
            created = None
            if found:
                try:
                    created = datetime.strptime(
                        f"{found.group('date')} {found.group('time').replace(' ', '')}",
                        "%B %d, %Y %I:%M%p",
                    ).replace(tzinfo=UTC)
                except ValueError:
                    created = None
            kind = "video" if "video" in what else _kind(link)
            description = (row.get("Media Description") or "").strip()
            texts = {"description": description} if description not in ("", "-", "—") else {}
            yield Post(
                platform=PLATFORM,
                source=archive.path,
                locator=f"{name}#row-{i}",
                url=link if link.startswith("http") else None,
                created=created,
                texts=texts,
                media=(Media(locator=link or f"{name}#row-{i}", ref=None, kind=kind),),
                notes=(f"LinkedIn upload: {what}", NOT_IN_EXPORT.format(what=kind)),
            )


ADAPTER = LinkedInAdapter()
