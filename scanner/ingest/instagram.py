"""Instagram "Download your information" exports (JSON), zipped or unpacked.

Three layouts are known, each with or without an extra top folder
`instagram-<user>-<date>-<id>/`:

- 2021-22: `content/posts_1.json`, `content/stories.json`, ...
- 2024:    `your_instagram_activity/content/posts_1.json`, ...
- 2025:    `your_instagram_activity/media/posts_1.json`, ...

Posts are found by those paths, never by the zip's name. Only structural keys are read
(`media`, `uri`, `title`, `creation_timestamp`, `media_metadata`), so a localised export
parses the same; the wrapper key of stories/reels files is not relied on either. Strings get
the same mojibake repair as Facebook. The upload EXIF that Instagram keeps (GPS, camera,
device id, capture time) becomes `PlatformFacts`, because the served file no longer has it.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from typing import Any

from scanner.ingest.archive import Archive
from scanner.ingest.export_json import (
    exif_time,
    gps,
    load_json,
    loose_media_posts,
    mentions,
    utc,
)
from scanner.ingest.interface import IngestContext
from scanner.ingest.text import fix_tree
from scanner.model import Audience, Media, PlatformFacts, Post, Skipped

PLATFORM = "instagram"

CONTENT_DIRS = ("your_instagram_activity/content", "your_instagram_activity/media", "content")
"""Where the post files live, newest layout first."""

FILES = {
    "posts": "post",
    "stories": "story",
    "reels": "reel",
    "igtv_videos": "IGTV video",
    "archived_posts": "archived post",
    "profile_photos": "profile photo",
}
"""Content files (stem without `_N`) -> what one item is called in the report."""

SKIP_FILES = ("recently_deleted_content",)
"""Known content files that hold nothing published."""

VIDEO_SUFFIXES = (".mp4", ".mov", ".m4v", ".webm")
_MEDIA_PATH = re.compile(
    r"^(?:[^/]+/)?media/(?:posts|stories|reels|igtv|other|archived_posts)/.+\.(?:jpe?g|png|"
    r"webp|heic|mp4|mov)$",
    re.IGNORECASE,
)
MEDIA_ONLY_NOTE = (
    "Instagram media without the export's JSON part: captions and dates could not be read"
)
_POSTS_N = re.compile(r"^(?P<stem>[a-z_]+?)(?:_\d+)?$")


def _content_file(name: str) -> tuple[str, str, str] | None:
    """(root prefix, content dir, stem) when `name` is a known content file, else None."""
    if not name.endswith(".json"):
        return None
    head, base = posixpath.split(name)
    m = _POSTS_N.match(base[: -len(".json")])
    if not m:
        return None
    for d in CONTENT_DIRS:
        if head == d or head.endswith("/" + d):
            root = head[: len(head) - len(d)]
            if root.count("/") > 1 or root.startswith("your_instagram_activity"):
                return None
            return root, d, m.group("stem")
    return None


def _media_part(names: list[str]) -> list[str]:
    """The media files when the input is only the media part of a split export, else []."""
    media = [n for n in names if _MEDIA_PATH.match(n)]
    if not media or any(n.endswith((".json", ".html")) for n in names):
        return []
    return media


def _looks_instagram(name: str) -> bool:
    """Files only an Instagram export has, used to spot a layout we do not know yet."""
    low = name.lower()
    return "your_instagram_activity/" in low or (
        "instagram" in posixpath.basename(low) and low.endswith(".json")
    )


def _facts(item: dict[str, Any]) -> PlatformFacts | None:
    """The upload EXIF Instagram kept for one media item."""
    meta = item.get("media_metadata")
    if not isinstance(meta, dict):
        return None
    exif: dict[str, Any] = {}
    for kind in ("photo_metadata", "video_metadata"):
        block = meta.get(kind)
        if isinstance(block, dict) and isinstance(block.get("exif_data"), list):
            for entry in block["exif_data"]:
                if isinstance(entry, dict):
                    exif.update({k: v for k, v in entry.items() if v not in (None, "")})
    if not exif:
        return None
    make, model = (
        exif.get("lens_make") or exif.get("make"),
        exif.get("lens_model") or exif.get("model"),
    )
    camera = " ".join(str(p) for p in (make, model) if p) or None
    if camera and make and model and str(model).startswith(str(make)):
        camera = str(model)
    facts = PlatformFacts(
        gps=gps(exif.get("latitude"), exif.get("longitude")),
        taken_at=exif_time(exif.get("date_time_original")),
        camera=camera,
        device=str(exif["device_id"]) if exif.get("device_id") else None,
    )
    return facts if facts != PlatformFacts() else None


class InstagramAdapter:
    platform = PLATFORM

    def detect(self, archive: Archive) -> bool:
        names = archive.names()
        if any(_content_file(n) and _content_file(n)[2] in FILES for n in names):
            return True
        return any(_looks_instagram(n) for n in names) or bool(_media_part(names))

    def read(self, archive: Archive, ctx: IngestContext) -> Iterator[Post | Skipped]:
        files = []
        for name in archive.names():
            found = _content_file(name)
            if found and (found[2] in FILES or found[2] in SKIP_FILES):
                files.append((name, *found))
        if not files and _media_part(archive.names()):
            if not any(ctx.resolve(d + "/posts_1.json") for d in CONTENT_DIRS):
                yield from loose_media_posts(
                    archive, PLATFORM, _media_part(archive.names()), MEDIA_ONLY_NOTE
                )
            return  # otherwise the part holding the JSON reports these files
        html = next((n for n in archive.names() if _content_file(n[:-5] + ".json")), None)
        if not files and html and html.endswith(".html"):
            yield Skipped(
                source=archive.locator(html),
                reason="this Instagram export is in HTML format; download it again choosing "
                "the JSON format so its posts can be read",
            )
            return
        if not files:
            marker = next(
                (n for n in archive.names() if _looks_instagram(n) and "posts" in n),
                next(n for n in archive.names() if _looks_instagram(n)),
            )
            yield Skipped(
                source=archive.locator(marker),
                reason=f"unrecognised instagram layout: {marker}",
            )
            return
        roots = {root for _, root, _, _ in files}
        audience: dict[str, Audience] = {}
        account: dict[str, str | None] = {}
        for root in roots:
            audience[root], account[root] = self._account(archive, root)
        for name, root, _d, stem in files:
            if stem in SKIP_FILES:
                continue
            data, bad = load_json(archive, name)
            if bad:
                yield bad
                continue
            entries = self._entries(data, stem)
            if entries is None:
                yield Skipped(
                    source=archive.locator(name), reason=f"unrecognised instagram layout: {name}"
                )
                continue
            aud = Audience.PRIVATE if stem == "archived_posts" else audience[root]
            for i, entry in enumerate(entries, 1):
                yield self._post(archive, ctx, name, i, fix_tree(entry), root, stem, aud, account)

    @staticmethod
    def _entries(data: Any, stem: str) -> list[dict[str, Any]] | None:
        """The list of post-like entries in a content file, or None for an unknown shape."""
        if isinstance(data, list):
            return [e for e in data if isinstance(e, dict)]
        if isinstance(data, dict):
            if "media" in data or "uri" in data:
                return [data]  # one post written without its list
            lists = [v for v in data.values() if isinstance(v, list)]
            if len(lists) == 1:
                return [e for e in lists[0] if isinstance(e, dict)]
            if not data:
                return []
        return None

    def _post(
        self,
        archive: Archive,
        ctx: IngestContext,
        name: str,
        index: int,
        entry: dict[str, Any],
        root: str,
        stem: str,
        audience: Audience,
        account: dict[str, str | None],
    ) -> Post | Skipped:
        locator = f"{name}#{index}"
        items = entry.get("media") if isinstance(entry.get("media"), list) else [entry]
        items = [it for it in items if isinstance(it, dict) and it.get("uri")]
        if not items:
            return Skipped(
                source=f"{archive.locator(name)}#{index}",
                reason=f"unrecognised instagram layout: {name} (a {FILES[stem]} without media)",
            )
        texts: dict[str, str] = {}
        caption = entry.get("title") if "media" in entry else None
        if isinstance(caption, str) and caption.strip():
            texts["caption"] = caption
        media: list[Media] = []
        missing = 0
        tagged: list[str] = list(mentions(texts.get("caption", "")))
        for it in items:
            m = self._media(archive, ctx, root, it, stem)
            if m.ref is None:
                missing += 1
            media.append(m)
            tagged.extend(mentions(m.texts.get("caption", "")))
        created = utc(entry.get("creation_timestamp")) or min(
            (d for d in (utc(it.get("creation_timestamp")) for it in items) if d), default=None
        )
        notes = [f"Instagram {FILES[stem]}"]
        if missing:
            notes.append(
                f"{missing} of {len(media)} media file{'s are' if missing != 1 else ' is'} "
                "listed but not in the export, so only the texts could be checked"
            )
        return Post(
            platform=PLATFORM,
            source=archive.path,
            locator=locator,
            created=created,
            account=account.get(root),
            audience=audience,
            texts=texts,
            media=tuple(media),
            tagged=tuple(dict.fromkeys(tagged)),
            notes=tuple(notes),
        )

    @staticmethod
    def _media(
        archive: Archive, ctx: IngestContext, root: str, item: dict[str, Any], stem: str
    ) -> Media:
        uri = str(item["uri"])
        low = uri.lower().split("?", 1)[0]
        meta = item.get("media_metadata") if isinstance(item.get("media_metadata"), dict) else {}
        video = (
            low.endswith(VIDEO_SUFFIXES)
            or "video_metadata" in meta
            or stem in ("reels", "igtv_videos")
        )
        kind = "video" if video else "image"
        texts: dict[str, str] = {}
        if isinstance(item.get("title"), str) and item["title"].strip():
            texts["caption"] = item["title"]
        facts = _facts(item)
        if low.startswith(("http://", "https://")):
            return Media(locator=uri, ref=None, kind=kind, texts=texts, platform_facts=facts)
        member = root + uri.lstrip("/")
        if archive.has(member):
            ref, loc = archive.ref(member), archive.locator(member)
        else:
            found = ctx.resolve(member) or ctx.resolve(uri)
            ref, loc = found if found else (None, archive.locator(member))
        # No file_name text: Instagram renames every upload to numeric ids, so the file name
        # can carry no name.
        return Media(locator=loc, ref=ref, kind=kind, texts=texts, platform_facts=facts)

    @staticmethod
    def _account(archive: Archive, root: str) -> tuple[Audience, str | None]:
        """Whether the account is private, and its user name, from personal_information.json."""
        candidates = [
            n
            for n in archive.names()
            if n.startswith(root) and n.endswith("/personal_information.json")
        ]
        username: str | None = None
        for name in candidates:
            data, bad = load_json(archive, name)
            if bad or not isinstance(data, dict):
                continue
            for user in data.get("profile_user") or []:
                smd = user.get("string_map_data") if isinstance(user, dict) else None
                if not isinstance(smd, dict):
                    continue
                name_value = smd.get("Username")
                if isinstance(name_value, dict) and name_value.get("value"):
                    username = str(name_value["value"])
                private = smd.get("Private Account")
                if isinstance(private, dict) and isinstance(private.get("value"), str):
                    flag = private["value"].strip().lower()
                    if flag in ("true", "false"):
                        aud = Audience.FRIENDS if flag == "true" else Audience.PUBLIC
                        return aud, username
        return Audience.UNKNOWN, username


ADAPTER = InstagramAdapter()
