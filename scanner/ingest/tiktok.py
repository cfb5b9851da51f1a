"""TikTok "Download your data" in JSON: `user_data_tiktok.json` (alone, in a folder or zip).

The export lists the account's videos (`Video` -> `Videos` -> `VideoList`, or `Post` -> `Posts`
in newer files) with their caption (`Title`), date, place (`Location`) and who can view them
(`WhoCanView`), but not the videos themselves: the links in it expire. So each video is a
`Media(kind="video", ref=None)`, the report says the video itself could not be checked, and a
name in its caption is still judged as a name beside an image of (possibly) a pupil.
Recently deleted videos are not published any more and are left out. Dates are written
without a zone; TikTok writes them in UTC.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from scanner.ingest.archive import Archive
from scanner.ingest.export_json import load_json, mentions
from scanner.ingest.interface import IngestContext
from scanner.model import Audience, Media, Post, Skipped

PLATFORM = "tiktok"
SIGNATURE_FILES = ("user_data_tiktok.json", "user_data.json")
SIGNATURE_KEYS = ("Profile", "Activity", "Video", "Post", "App Settings", "Comment")
SECTIONS = (("Video", "Videos"), ("Post", "Posts"), ("Your Activity", "Videos"))
WHO_CAN_VIEW = {
    "everyone": Audience.PUBLIC,
    "public": Audience.PUBLIC,
    "friends": Audience.FRIENDS,
    "followers": Audience.FRIENDS,
    "mutual friends": Audience.FRIENDS,
    "only me": Audience.PRIVATE,
    "onlyme": Audience.PRIVATE,
    "myself": Audience.PRIVATE,
    "private": Audience.PRIVATE,
}
NOTE = "TikTok exports do not include the video itself, so it could not be checked for faces"
EMPTY = ("", "N/A", "None", "null")


def _text(value: Any) -> str:
    text = str(value).strip() if value is not None else ""
    return "" if text in EMPTY else text


def tiktok_time(value: Any) -> datetime | None:
    """`2024-11-24 08:53:18` (UTC) as an aware datetime."""
    text = _text(value)
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"):
        try:
            return datetime.strptime(text[:19], fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


def _candidates(archive: Archive) -> list[str]:
    """JSON files that may be the export: named like it, or the one file the user gave."""
    names = [n for n in archive.names() if n.lower().endswith(".json")]
    if len(archive.names()) == 1:
        return names
    return [n for n in names if "user_data" in posixpath.basename(n).lower()]


class TikTokAdapter:
    platform = PLATFORM

    def detect(self, archive: Archive) -> bool:
        if len(archive.names()) > 1 and any(
            posixpath.basename(n).lower() in SIGNATURE_FILES for n in archive.names()
        ):
            return True  # the export's own file name inside a folder or zip
        for name in _candidates(archive):
            data, bad = load_json(archive, name)
            if not bad and isinstance(data, dict) and sum(k in data for k in SIGNATURE_KEYS) >= 2:
                return True
        return False

    def read(self, archive: Archive, ctx: IngestContext) -> Iterator[Post | Skipped]:
        for name in _candidates(archive):
            data, bad = load_json(archive, name)
            if bad:
                yield bad
                continue
            if not isinstance(data, dict):
                yield Skipped(
                    source=archive.locator(name), reason=f"unrecognised tiktok layout: {name}"
                )
                continue
            yield from self._videos(archive, name, data)

    def _videos(
        self, archive: Archive, name: str, data: dict[str, Any]
    ) -> Iterator[Post | Skipped]:
        videos: list[dict[str, Any]] | None = None
        for outer, inner in SECTIONS:
            section = data.get(outer)
            if not isinstance(section, dict):
                continue
            block = section.get(inner)
            if isinstance(block, dict):
                found = block.get("VideoList")
                videos = [v for v in found if isinstance(v, dict)] if found else []
                break
            if block is None and set(section) <= {"RecentlyDeletedPosts"}:
                videos = []
                break
        if videos is None:
            if any(k in data for k in ("Video", "Post")):
                yield Skipped(
                    source=archive.locator(name), reason=f"unrecognised tiktok layout: {name}"
                )
            return
        account, default = self._profile(data)
        for i, v in enumerate(videos, 1):
            caption = _text(v.get("Title") or v.get("VideoDescription") or v.get("Description"))
            texts: dict[str, str] = {}
            if caption:
                texts["caption"] = caption
            place = _text(v.get("Location"))
            if place:
                texts["place"] = place
            add_yours = _text(v.get("AddYoursText"))
            if add_yours:
                texts["add_yours"] = add_yours
            who = _text(v.get("WhoCanView")).lower()
            link = _text(v.get("Link") or v.get("VideoLink"))
            media = Media(
                locator=f"{archive.locator(name)}#video-{i}",
                ref=None,
                kind="video",
            )
            yield Post(
                platform=PLATFORM,
                source=archive.path,
                locator=f"{name}#video-{i}",
                url=link if link.startswith("http") and "/video/" in link else None,
                created=tiktok_time(v.get("Date")),
                account=account,
                audience=WHO_CAN_VIEW.get(who, default),
                texts=texts,
                media=(media,),
                place=place or None,
                tagged=mentions(caption),
                notes=(NOTE,),
            )

    @staticmethod
    def _profile(data: dict[str, Any]) -> tuple[str | None, Audience]:
        """The user name, and the audience a private account gives every video."""
        profile = data.get("Profile")
        info = profile.get("Profile Information") if isinstance(profile, dict) else None
        pmap = info.get("ProfileMap") if isinstance(info, dict) else None
        account = _text(pmap.get("userName")) if isinstance(pmap, dict) else ""
        settings = data.get("App Settings")
        smap = settings.get("Settings") if isinstance(settings, dict) else None
        smap = smap.get("SettingsMap") if isinstance(smap, dict) else None
        private = _text(smap.get("Private Account")).lower() if isinstance(smap, dict) else ""
        default = {"enabled": Audience.FRIENDS, "disabled": Audience.PUBLIC}.get(
            private, Audience.UNKNOWN
        )
        return account or None, default


ADAPTER = TikTokAdapter()
