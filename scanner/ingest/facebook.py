"""Facebook "Download your information" in JSON: personal profiles and Pages, 2019 to now.

Facebook moves its files between export versions but keeps the keys of its records, so a
file is found by its signature path (any top folder above it is allowed, e.g.
`facebook-oakfield-2024-11-18-abc/`) and then read by the keys it holds:

- 2019-22: `posts/your_posts_N.json`, `photos_and_videos/album/N.json` (later
  `posts/album/N.json`), `photos_and_videos/your_videos.json` (`videos_v2`),
  `your_uncategorized_photos.json` (`other_photos_v2`), `profile_update_history.json`.
- 2024+: `your_facebook_activity/posts/your_posts__check_ins__photos_and_videos_N.json`,
  `your_facebook_activity/posts/album/N.json`, `.../your_uncategorized_photos.json`,
  `.../your_videos.json`, `personal_information/profile_information/profile_update_history.json`
  (profile and cover photos, which are public).
- Pages: `this_profile's_activity_across_facebook/posts/profile_posts_N.json`,
  `.../posts/album/N.json`, `.../posts/videos.json`. A Page is public, so its posts are; a
  personal export does not say who could see a post, so their audience is unknown.

One Post per post entry, and one per album photo, uncategorised photo or video that no post
already showed: a single photo with its album's name is what a visitor looks at, and a
finding on it points at that one photo. Post locators are `<path in the input>#<n>`, n
counting the file's entries from 1. Media `uri`s are relative to the export root and are
looked up in every input given (big exports come split over several zips). A zip holding
only an export's media is recognised as a Facebook part, so its photos are never reported a
second time as loose files.

Strings are repaired of Meta's mojibake one by one. The export's own `exif_data` becomes
`PlatformFacts`; keys are copied from an allow-list, so `upload_ip` is never stored.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from scanner.ingest.archive import Archive
from scanner.ingest.folder import is_image_name
from scanner.ingest.interface import IngestContext, IngestError
from scanner.ingest.text import fix_tree
from scanner.model import Audience, Media, MediaRef, PlatformFacts, Post, Skipped

PAGE_ROOT = "this_profile's_activity_across_facebook"
PROFILE_ROOT = "your_facebook_activity"

# Signature files, relative to the export root, most specific first (a 2024 path also ends
# with a 2019 one). The flag says whether the file belongs to a Page export.
_CONTENT: tuple[tuple[str, bool], ...] = (
    (rf"{PAGE_ROOT}/posts/profile_posts_\d+", True),
    (rf"{PAGE_ROOT}/posts/album/\d+", True),
    (rf"{PAGE_ROOT}/posts/(?:your_)?videos", True),
    (rf"{PAGE_ROOT}/posts/your_uncategorized_photos", True),
    (rf"{PROFILE_ROOT}/posts/your_posts__check_ins__photos_and_videos_\d+", False),
    (rf"{PROFILE_ROOT}/posts/album/\d+", False),
    (rf"{PROFILE_ROOT}/posts/your_uncategorized_photos", False),
    (rf"{PROFILE_ROOT}/posts/your_videos", False),
    (r"personal_information/profile_information/profile_update_history", False),
    (r"posts/your_posts(?:_\d+)?", False),
    (r"(?:posts|photos_and_videos)/album/\d+", False),
    (r"(?:posts|photos_and_videos)/your_uncategorized_photos", False),
    (r"(?:posts|photos_and_videos)/your_videos", False),
    (r"profile_information/profile_update_history", False),
)
_CONTENT_RES = tuple(
    (re.compile(rf"(?:^|/)(?P<rel>{pat})\.(?P<ext>json|html?)$"), page) for pat, page in _CONTENT
)

_ROOT_RE = re.compile(rf"(?:^|/)(?:{PROFILE_ROOT}|{re.escape(PAGE_ROOT)})/")
"""A folder only Facebook's 2024+ exports have: the input is (part of) one."""
_OLD_MEDIA_RE = re.compile(
    r"(?:^|/)(?:posts/media|photos_and_videos)/(?:[^/]*_[A-Za-z0-9-]{10}|your_posts|videos)/[^/]+$"
)
"""Media folders of the 2019-22 layout (album folders end with a 10-character id). Not
messages/inbox/: Instagram exports have that folder too."""
_POSTLIKE_RE = re.compile(
    rf"(?:^|/)(?:{PROFILE_ROOT}|{re.escape(PAGE_ROOT)})/posts/"
    r"(?:album/[^/]+|(?:your_posts|profile_posts|your_photos|your_videos|videos|"
    r"your_uncategorized_photos)[^/]*)\.json$"
)
"""Files that look like posts or photos in a 2024+ export but are not a layout we know."""
_FB_FOLDERS = (
    PROFILE_ROOT,
    PAGE_ROOT,
    "photos_and_videos",
    "about_you",
    "profile_information",
    "apps_and_websites_off_of_facebook",
)
"""Folders only Facebook exports have (Instagram shares the others); with index.html they
mark an export requested in HTML format."""
_INDEX_MARKERS = ("download your information", "your facebook information")

_PART_PROBES = (
    "your_posts_1.json",
    "your_posts__check_ins__photos_and_videos_1.json",
    "profile_posts_1.json",
    "your_uncategorized_photos.json",
    "your_videos.json",
)
"""Files whose presence in some input shows that a media-only part has its listing given."""

VIDEO_SUFFIXES = (".mp4", ".mov", ".m4v", ".avi", ".webm", ".3gp", ".mkv", ".wmv")
_EXIF_KEYS = frozenset(
    {
        "latitude",
        "longitude",
        "taken_timestamp",
        "camera_make",
        "camera_model",
        "device",
        "original_width",
        "original_height",
    }
)
"""The only exif_data keys ever read. `upload_ip` is deliberately absent: never stored."""

HTML_REASON = (
    "this Facebook download is in HTML format, which cannot be checked; request the download "
    "again from Facebook (Settings, Download your information) and choose the JSON format"
)


@dataclass(frozen=True, kw_only=True)
class _File:
    """A signature file found in the input."""

    member: str
    root: str
    """The path above the export's own folders ('' or e.g. 'facebook-oakfield-2024/')."""
    page: bool
    ext: str


def _match(name: str) -> _File | None:
    for rx, page in _CONTENT_RES:
        m = rx.search(name)
        if m:
            ext = "json" if m["ext"] == "json" else "html"
            return _File(member=name, root=name[: m.start("rel")], page=page, ext=ext)
    return None


def _is_media_name(name: str) -> bool:
    return is_image_name(name) or name.lower().endswith(VIDEO_SUFFIXES)


def _natural(name: str) -> list[Any]:
    """Sort key putting your_posts_2 before your_posts_10."""
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name)]


# ---------------------------------------------------------------- small readers of JSON values


def _s(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _l(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _d(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _num(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _when(value: Any) -> datetime | None:
    """A Unix timestamp (seconds, or milliseconds) as an aware UTC datetime."""
    ts = _num(value)
    if ts is None or ts <= 0:
        return None
    if ts > 1e11:
        ts /= 1000
    try:
        return datetime.fromtimestamp(ts, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _names(value: Any) -> list[str]:
    """Tagged people: a list of names or of {"name": ...} records."""
    out: list[str] = []
    for item in _l(value):
        name = _s(item) if isinstance(item, str) else _s(_d(item).get("name"))
        if name:
            out.append(name)
    return out


def _comments(value: Any) -> str:
    texts = []
    for c in _l(value):
        c = _d(c)
        inner = c.get("comment")
        text = _s(_d(inner).get("comment")) if isinstance(inner, dict) else _s(inner)
        if text:
            texts.append(text)
    return "\n".join(texts)


def platform_facts(record: dict[str, Any]) -> PlatformFacts | None:
    """The camera facts Meta kept for an upload, from its exif_data (allow-listed keys only)."""
    meta = _d(record.get("media_metadata"))
    exif: dict[str, Any] = {}
    for sub in ("photo_metadata", "video_metadata"):
        for rec in _l(_d(meta.get(sub)).get("exif_data")):
            for key, value in _d(rec).items():
                if key in _EXIF_KEYS and value not in (None, ""):
                    exif.setdefault(key, value)
    if not exif:
        return None  # most uploads: only the (never kept) upload_ip
    lat, lon = _num(exif.get("latitude")), _num(exif.get("longitude"))
    gps = None
    if lat is not None and lon is not None and abs(lat) <= 90 and abs(lon) <= 180:
        gps = (lat, lon) if (lat, lon) != (0.0, 0.0) else None
    make, model = _s(exif.get("camera_make")), _s(exif.get("camera_model"))
    if make and model.lower().startswith(make.lower()):
        make = ""
    camera = " ".join(p for p in (make, model) if p) or None
    width, height = _num(exif.get("original_width")), _num(exif.get("original_height"))
    facts = PlatformFacts(
        gps=gps,
        taken_at=_when(exif.get("taken_timestamp")),
        camera=camera,
        device=_s(exif.get("device")) or None,
        original_width=int(width) if width and width > 0 else None,
        original_height=int(height) if height and height > 0 else None,
    )
    return facts if facts != PlatformFacts() else None


# ---------------------------------------------------------------- shapes


def _is_entry(item: Any) -> bool:
    return isinstance(item, dict) and any(k in item for k in ("timestamp", "attachments", "data"))


def _shape(data: Any) -> tuple[str, list[Any]] | None:
    """Which kind of records a parsed file holds, judged by its keys: (kind, records)."""
    if isinstance(data, list):
        if not data or any(_is_entry(x) for x in data):
            return "posts", data
        return None
    if not isinstance(data, dict):
        return None
    if isinstance(data.get("status_updates"), list):
        return "posts", data["status_updates"]
    if isinstance(data.get("profile_updates_v2"), list):
        return "profile", data["profile_updates_v2"]
    if isinstance(data.get("photos"), list) and "name" in data:
        return "album", [data]
    for key in ("other_photos_v2", "other_photos"):
        if isinstance(data.get(key), list):
            return "photos", data[key]
    for key in ("videos_v2", "videos"):
        if isinstance(data.get(key), list):
            return "videos", data[key]
    return None


_ORDER = {"posts": 0, "profile": 1, "album": 2, "photos": 3, "videos": 4}
"""Posts first, so that album photos they already showed are not reported twice."""


@dataclass(kw_only=True)
class _Parsed:
    file: _File
    kind: str
    records: list[Any]


# ---------------------------------------------------------------- the adapter


@dataclass(kw_only=True)
class _Reader:
    """Reading state for one input: which album each photo is in, which photos were shown."""

    archive: Archive
    ctx: IngestContext
    albums: dict[str, str] = field(default_factory=dict)
    seen: set[str] = field(default_factory=set)

    def find(self, root: str, uri: str) -> tuple[MediaRef, str] | None:
        """The media file in this input (under its export root) or in any other input."""
        tries = [uri.lstrip("/")]
        if not uri.isascii():  # the zip may hold the name as Meta wrote it, unrepaired
            tries.append(uri.encode("utf-8").decode("latin-1").lstrip("/"))
        for path in tries:
            if self.archive.has(root + path):
                return self.archive.ref(root + path), self.archive.locator(root + path)
        for path in tries:
            found = self.ctx.resolve(path)
            if found is not None:
                return found
        return None

    def media(
        self, record: dict[str, Any], root: str, notes: list[str], body: str = ""
    ) -> Media | None:
        uri = _s(record.get("uri"))
        if not uri:
            return None
        path = uri.split("?", 1)[0].lower()
        meta = _d(record.get("media_metadata"))
        if path.endswith(VIDEO_SUFFIXES) or "video_metadata" in meta:
            kind = "video"
        elif is_image_name(path):
            kind = "image"
        else:
            return None  # a PDF or other file attachment: not a picture
        texts: dict[str, str] = {}
        album = self.albums.get(uri, "")
        if album:
            texts["album"] = album
        title, desc = _s(record.get("title")), _s(record.get("description"))
        if title and title != album:
            texts["title"] = title
        if desc and desc != body:
            texts["description"] = desc
        comments = _comments(record.get("comments"))
        if comments:
            texts["comments"] = comments
        what = "video" if kind == "video" else "photo"
        found = None if "://" in uri else self.find(root, uri)
        if found is None:
            ref, locator = None, uri
            where = (
                "is only a link to Facebook's servers"
                if "://" in uri
                else "is listed in the export but missing from the inputs given (give every "
                "part of a split download together)"
            )
            notes.append(f"{what} {uri} {where}, so the file itself was not checked")
        else:
            ref, locator = found
            if kind == "video":
                notes.append(
                    f"video {uri}: only its texts and upload record were checked, not its frames"
                )
        self.seen.add(uri)
        return Media(
            locator=locator,
            ref=ref,
            kind=kind,
            texts=texts,
            tagged=tuple(_names(record.get("tags"))),
            platform_facts=platform_facts(record),
        )

    def thumbnail(self, record: dict[str, Any], root: str) -> Media | None:
        """A video's local thumbnail image, when the export includes one."""
        uri = _s(_d(record.get("thumbnail")).get("uri"))
        if not uri or "://" in uri or not is_image_name(uri):
            return None
        found = self.find(root, uri)
        if found is None:
            return None
        return Media(locator=found[1], ref=found[0], texts={"title": "thumbnail of a video"})

    def entry(
        self, e: dict[str, Any], locator: str, f: _File, need_media: bool = False
    ) -> Post | None:
        """One post entry (a status, photo post, check-in, shared link, profile update)."""
        body = "\n\n".join(p for d in _l(e.get("data")) if (p := _s(_d(d).get("post"))))
        texts: dict[str, str] = {}
        if body:
            texts["body"] = body
        if title := _s(e.get("title")):
            texts["title"] = title
        tagged = _names(e.get("tags"))
        records: list[dict[str, Any]] = []
        places: list[str] = []
        place: str | None = None
        extra: dict[str, list[str]] = {}
        items = [_d(i) for a in _l(e.get("attachments")) for i in _l(_d(a).get("data"))]
        if isinstance(e.get("place"), dict):
            items.append({"place": e["place"]})
        for item in items:
            if m := _d(item.get("media")):
                records.append(m)
            if p := _d(item.get("place")):
                name, address = _s(p.get("name")), _s(p.get("address"))
                place = place or name or address or None
                if name or address:
                    places.append(", ".join(x for x in (name, address) if x))
            x = _d(item.get("external_context"))
            if link := _s(x.get("name")) or _s(x.get("url")):
                extra.setdefault("link", []).append(link)
            if ev := _s(_d(item.get("event")).get("name")):
                extra.setdefault("event", []).append(ev)
            if le := _s(_d(item.get("life_event")).get("title")):
                extra.setdefault("life_event", []).append(le)
            if note := _d(item.get("note")):
                text = "\n".join(t for t in (_s(note.get("title")), _s(note.get("text"))) if t)
                if text:
                    extra.setdefault("note", []).append(text)
                records.extend(_d(m) for m in _l(note.get("media")))
                tagged.extend(_names(note.get("tags")))
            if t := _s(item.get("text")):
                extra.setdefault("text", []).append(t)
        if places:
            texts["place"] = "\n".join(dict.fromkeys(places))
        if comments := _comments(e.get("comments")):
            extra.setdefault("comments", []).append(comments)
        for key, values in extra.items():
            texts[key] = "\n".join(dict.fromkeys(values))
        notes: list[str] = []
        media = [m for r in records if (m := self.media(r, f.root, notes, body)) is not None]
        if (need_media and not media) or (not texts and not media):
            return None
        created = _when(e.get("timestamp"))
        if created is None:
            created = next((c for r in records if (c := _when(r.get("creation_timestamp")))), None)
        return Post(
            platform="facebook",
            source=self.archive.path,
            locator=locator,
            created=created,
            audience=Audience.PUBLIC if f.page else Audience.UNKNOWN,
            texts=texts,
            media=tuple(media),
            place=place,
            tagged=tuple(dict.fromkeys(tagged)),
            notes=tuple(notes),
        )

    def single(
        self,
        record: dict[str, Any],
        locator: str,
        f: _File,
        texts: dict[str, str],
        fallback_time: Any = None,
    ) -> Post | None:
        """One album photo, uncategorised photo or video that no post has shown yet."""
        uri = _s(record.get("uri"))
        if not uri or uri in self.seen:
            return None
        notes: list[str] = []
        m = self.media(record, f.root, notes)
        if m is None or m.locator in self.ctx.claimed:
            return None
        media = [m]
        if m.kind == "video" and (thumb := self.thumbnail(record, f.root)):
            media.append(thumb)
        return Post(
            platform="facebook",
            source=self.archive.path,
            locator=locator,
            created=_when(record.get("creation_timestamp")) or _when(fallback_time),
            audience=Audience.PUBLIC if f.page else Audience.UNKNOWN,
            texts={k: v for k, v in texts.items() if v},
            media=tuple(media),
            notes=tuple(notes),
        )

    def posts(self, p: _Parsed) -> Iterator[Post]:
        f = p.file
        if p.kind in ("posts", "profile"):
            for n, e in enumerate(p.records, 1):
                if _is_entry(e):
                    post = self.entry(e, f"{f.member}#{n}", f, need_media=p.kind == "profile")
                    if post is not None:
                        yield post
        elif p.kind == "album":
            album = _d(p.records[0])
            photos = [_d(x) for x in _l(album.get("photos"))]
            cover = _d(album.get("cover_photo"))
            if cover and _s(cover.get("uri")) not in {_s(x.get("uri")) for x in photos}:
                photos.append(cover)
            desc = _s(album.get("description"))
            for n, photo in enumerate(photos, 1):
                post = self.single(
                    photo,
                    f"{f.member}#{n}",
                    f,
                    {"album_description": desc},
                    album.get("last_modified_timestamp"),
                )
                if post is not None:
                    yield post
        else:
            for n, record in enumerate(p.records, 1):
                post = self.single(_d(record), f"{f.member}#{n}", f, {})
                if post is not None:
                    yield post


class FacebookAdapter:
    platform = "facebook"

    def detect(self, archive: Archive) -> bool:
        names = archive.names()
        if any(_match(n) or _ROOT_RE.search(n) or _OLD_MEDIA_RE.search(n) for n in names):
            return True
        return _html_index(archive, names) is not None

    def read(self, archive: Archive, ctx: IngestContext) -> Iterator[Post | Skipped]:
        files: list[_File] = []
        html = False
        for name in archive.names():
            f = _match(name)
            if f is None and _POSTLIKE_RE.search(name):
                f = _File(member=name, root=_root_of(name), page=PAGE_ROOT in name, ext="json")
            if f is not None and f.ext == "json":
                files.append(f)
            elif f is not None:
                html = True
        parsed: list[_Parsed] = []
        for f in sorted(files, key=lambda f: _natural(f.member)):
            data = _load(archive, f.member)
            if isinstance(data, Skipped):
                yield data
                continue
            shape = _shape(fix_tree(data))
            if shape is None:
                yield Skipped(
                    source=archive.locator(f.member),
                    reason=f"unrecognised facebook layout: {f.member} (Facebook may have "
                    "changed its export format; this file was not checked)",
                )
                continue
            parsed.append(_Parsed(file=f, kind=shape[0], records=shape[1]))
        if not files:
            yield from _without_listing(archive, ctx, html)
            return
        reader = _Reader(archive=archive, ctx=ctx)
        for p in parsed:
            if p.kind == "album":
                album = _d(p.records[0])
                name = _s(album.get("name"))
                for photo in [*_l(album.get("photos")), album.get("cover_photo")]:
                    uri = _s(_d(photo).get("uri"))
                    if name and uri:
                        reader.albums.setdefault(uri, name)
        for p in sorted(parsed, key=lambda p: _ORDER[p.kind]):
            yield from reader.posts(p)


def _root_of(name: str) -> str:
    m = _ROOT_RE.search(name)
    return name[: m.start() + (1 if name[m.start()] == "/" else 0)] if m else ""


def _load(archive: Archive, member: str) -> Any:
    """Parse one JSON file, or say in plain words why it cannot be read."""
    source = archive.locator(member)
    try:
        raw = archive.read(member)
    except (IngestError, OSError) as exc:
        return Skipped(source=source, reason=str(exc).removeprefix(f"{source}: "))
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        return Skipped(
            source=source,
            reason=f"{member} is not valid JSON ({exc.msg} at line {exc.lineno}, column "
            f"{exc.colno}); the file may be damaged or cut short, so its posts were not checked",
        )
    except UnicodeDecodeError:
        return Skipped(
            source=source,
            reason=f"{member} is not readable text (not UTF-8), so its posts were not checked",
        )


def _html_index(archive: Archive, names: list[str]) -> str | None:
    """The index.html of an export requested in HTML format, if this input is one.

    It must sit at the top (or under one top folder) beside a folder only Facebook exports
    have, and name itself as Facebook's download: a saved web page never matches all three.
    """
    for name in names:
        if posixpath.basename(name).lower() not in ("index.html", "start_here.html"):
            continue
        if name.count("/") > 1:
            continue
        prefix = name[: name.rfind("/") + 1]
        beside = {
            rest.split("/", 1)[0]
            for n in names
            if n.startswith(prefix) and "/" in (rest := n[len(prefix) :])
        }
        if not beside & set(_FB_FOLDERS):
            continue
        try:
            head = archive.read(name, limit=4 * 1024 * 1024)[:65536].decode("utf-8", "replace")
        except (IngestError, OSError):
            continue
        low = head.lower()
        if "facebook" in low and any(m in low for m in _INDEX_MARKERS):
            return name
    return None


def _without_listing(archive: Archive, ctx: IngestContext, html: bool) -> Iterator[Skipped]:
    """An input with no posts listing: an HTML export, a media-only part, or nothing to check."""
    names = archive.names()
    if html or _html_index(archive, names) is not None:
        yield Skipped(source=archive.path, reason=HTML_REASON)
        return
    if any(_is_media_name(n) for n in names):
        # A part of a split export: its photos are read through the part that lists them.
        if not any(ctx.resolve(p) for p in _PART_PROBES):
            yield Skipped(
                source=archive.path,
                reason="holds only photos and videos of a Facebook download, without the "
                "files that list its posts; give it together with the other parts of the "
                "download so that its photos can be checked",
            )
        return
    yield Skipped(
        source=archive.path,
        reason="a Facebook download with no posts, photos or videos in it; request it again "
        "with Posts selected, in JSON format",
    )


ADAPTER = FacebookAdapter()
