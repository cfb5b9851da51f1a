"""Google Photos in a Google Takeout export, in any locale, zipped (in parts) or unpacked.

Takeout writes each photo beside a JSON sidecar; the top folder's name is localised
(`Google Photos`, `Zdjęcia Google`, `Google Foto`, ...), and so is the album file
(`metadata.json`, `métadonnées.json`, ...). So nothing here trusts a folder or file name:
sidecars and album files are recognised by their keys, and matched to photos by the naming
rules Takeout follows:

- `X.jpg.json`, `X.jpg.supplemental-metadata.json`, and that suffix cut short anywhere
  (`X.jpg.supplemental-met.json`, `X.jpg.suppl.json`) when the name passed 51 characters;
- a long name cut short itself (`a-long-name-cut-her.json` for `a-long-name-cut-here.png`);
- duplicates: `IMG.JPG(1).json` (or `IMG.JPG.supplemental-metadata(1).json`) belongs to
  `IMG(1).JPG`;
- edited copies (`IMG-edited.jpg`, `IMG-bearbeitet.jpg`, ...) have no sidecar of their own:
  they join the original's item.

`people[].name` is a named person tagged in the photo: it goes to the media's `tagged` and
to a `people` text, so a name paired with an image is judged as one. Coordinates of 0, 0 mean
"no location". When a Takeout comes in several zip parts, each photo is reported once: by the
first part (in the order given) that holds its sidecar, or, without a sidecar, the photo.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from scanner.ingest.archive import Archive
from scanner.ingest.export_json import gps, load_json, utc
from scanner.ingest.interface import IngestContext
from scanner.model import Audience, Media, PlatformFacts, Post, Skipped

PLATFORM = "google_photos"
IMAGE_EXT = {
    ".jpg", ".jpeg", ".jfif", ".png", ".gif", ".webp", ".heic", ".heif", ".tif", ".tiff",
    ".bmp", ".dng", ".cr2", ".nef", ".arw", ".raw", ".avif",
}  # fmt: skip
VIDEO_EXT = {".mp4", ".mov", ".m4v", ".3gp", ".avi", ".mkv", ".webm", ".mts", ".mpg", ".wmv"}
SUPPLEMENTAL = ".supplemental-metadata"
SIDECAR_KEYS = ("photoTakenTime", "creationTime")
ALBUM_KEYS = ("access", "date")
ACCESS = {"public": Audience.PUBLIC, "protected": Audience.FRIENDS, "private": Audience.PRIVATE}
"""Album `access` -> audience; `protected` is an album shared with people or by link."""

_COUNTER = re.compile(r"^(?P<stem>.*?)(?P<n>\(\d+\))?\.json$", re.IGNORECASE)
_EDITED = re.compile(r"^(?P<base>.+)-[^-.()\s]+(?P<n>\(\d+\))?(?P<ext>\.[A-Za-z0-9]+)$")


def _ext(name: str) -> str:
    return posixpath.splitext(name)[1].lower()


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def is_media(name: str) -> bool:
    return _ext(name) in IMAGE_EXT or _ext(name) in VIDEO_EXT


def sidecar_target(json_name: str) -> tuple[str, str] | None:
    """Sidecar file name -> (media name it describes, possibly cut short; duplicate counter)."""
    m = _COUNTER.match(json_name)
    if not m:
        return None
    stem, counter = m.group("stem"), m.group("n") or ""
    dot = stem.rfind(".")
    tail = stem[dot:].lower() if dot >= 0 else ""
    if len(tail) >= 2 and SUPPLEMENTAL.startswith(tail):
        stem = stem[:dot]
    if not stem:
        return None
    if counter:
        root, ext = posixpath.splitext(stem)
        stem = f"{root}{counter}{ext}"
    return stem, counter


def sidecar_names(media_name: str) -> Iterator[str]:
    """Every name Takeout may have given this file's sidecar (full, cut short, duplicate)."""
    root, ext = posixpath.splitext(media_name)
    dup = re.match(r"^(?P<root>.*)(?P<n>\(\d+\))$", root)
    base, counter = (dup.group("root") + ext, dup.group("n")) if dup else (media_name, "")
    full = base + SUPPLEMENTAL
    for cut in range(len(full), min(len(base), 30) - 1, -1):
        yield full[:cut] + counter + ".json"


@dataclass
class _Album:
    title: str = ""
    description: str = ""
    place: str = ""
    audience: Audience = Audience.UNKNOWN


@dataclass
class _Item:
    """One photo or video of the library: its sidecar (if any) and its files."""

    folder: str
    name: str
    sidecar: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    member: str | None = None
    edits: list[str] = field(default_factory=list)
    edited_from: str | None = None


class GooglePhotosAdapter:
    platform = PLATFORM

    def detect(self, archive: Archive) -> bool:
        names = archive.names()
        if any(n.startswith("Takeout/") and is_media(n) for n in names):
            return True  # also a part of a split Takeout that holds only photos
        tried = 0
        for name in names:
            base = posixpath.basename(name)
            if not base.lower().endswith(".json"):
                continue
            target = sidecar_target(base)
            if not target or not (is_media(target[0]) or SUPPLEMENTAL[:6] in base.lower()):
                continue
            data, bad = load_json(archive, name)
            if not bad and isinstance(data, dict) and any(k in data for k in SIDECAR_KEYS):
                return True
            tried += 1
            if tried >= 3:
                return False
        return False

    def read(self, archive: Archive, ctx: IngestContext) -> Iterator[Post | Skipped]:
        folders: dict[str, list[str]] = {}
        for name in archive.names():
            folders.setdefault(posixpath.dirname(name), []).append(posixpath.basename(name))
        for folder, files in folders.items():
            yield from self._folder(archive, ctx, folder, files)

    def _folder(
        self, archive: Archive, ctx: IngestContext, folder: str, files: list[str]
    ) -> Iterator[Post | Skipped]:
        prefix = folder + "/" if folder else ""
        media = [f for f in files if is_media(f)]
        album = _Album()
        sidecars: list[tuple[str, dict[str, Any]]] = []
        for f in files:
            if not f.lower().endswith(".json"):
                continue
            data, bad = load_json(archive, prefix + f)
            if bad:
                yield bad
                continue
            if not isinstance(data, dict):
                continue
            if any(k in data for k in SIDECAR_KEYS):
                sidecars.append((f, data))
            elif "title" in data and any(k in data for k in ALBUM_KEYS):
                album = _Album(
                    title=str(data.get("title") or ""),
                    description=str(data.get("description") or ""),
                    place=str(data.get("location") or ""),
                    audience=ACCESS.get(str(data.get("access") or "").lower(), Audience.UNKNOWN),
                )
            elif (t := sidecar_target(f)) and is_media(t[0]):
                yield Skipped(
                    source=archive.locator(prefix + f),
                    reason=f"unrecognised google_photos layout: {prefix + f}",
                )
        items: dict[str, _Item] = {}
        claimed: set[str] = set()
        pending: list[tuple[str, dict[str, Any], str]] = []
        media_set = set(media)
        for f, data in sidecars:
            target = sidecar_target(f)
            want = target[0] if target else str(data.get("title") or f[:-5])
            if want in media_set and want not in claimed:
                claimed.add(want)
                items[f] = _Item(
                    folder=prefix, name=want, sidecar=f, meta=data, member=prefix + want
                )
            else:
                pending.append((f, data, want))
        for f, data, want in pending:  # names cut short: the longest unclaimed match
            title = str(data.get("title") or "")
            options = [
                m
                for m in media
                if m not in claimed and (m.startswith(want) or (title and m == title))
            ]
            if len(options) == 1:
                claimed.add(options[0])
                items[f] = _Item(
                    folder=prefix, name=options[0], sidecar=f, meta=data, member=prefix + options[0]
                )
            else:
                cut = title and title != want and title.startswith(want)
                items[f] = _Item(folder=prefix, name=title if cut else want, sidecar=f, meta=data)
        by_media = {it.name: it for it in items.values() if it.member}
        for m in media:
            if m in claimed:
                continue
            edit = _EDITED.match(m)
            original = (
                f"{edit.group('base')}{edit.group('n') or ''}{edit.group('ext')}" if edit else ""
            )
            if edit and original in by_media:
                by_media[original].edits.append(m)
                continue
            items[m] = _Item(folder=prefix, name=m, member=prefix + m)
            if edit and original in media_set:  # its original's sidecar is in another part
                items[m].edited_from = original
        for it in items.values():
            if not self._ours(archive, ctx, it):
                continue
            yield self._post(archive, ctx, it, album)

    @staticmethod
    def _ours(archive: Archive, ctx: IngestContext, it: _Item) -> bool:
        """True when this input is the first, of those given together, to hold the item."""
        member = it.folder + (it.sidecar or it.name)
        if it.sidecar is None and archive.locator(member) in ctx.claimed:
            return False  # a part read earlier showed this file with its sidecar
        if it.sidecar is None:
            for name in sidecar_names(it.name):
                elsewhere = ctx.resolve(it.folder + name)
                if elsewhere and elsewhere[1] != archive.locator(it.folder + name):
                    return False  # its sidecar is in another part, which reports it
        found = ctx.resolve(member)
        return found is None or found[1] == archive.locator(member)

    def _post(self, archive: Archive, ctx: IngestContext, it: _Item, album: _Album) -> Post:
        meta = it.meta
        member = it.member or it.folder + it.name
        if it.member and archive.has(it.member):
            ref, loc = archive.ref(it.member), archive.locator(it.member)
        else:
            found = ctx.resolve(member)
            ref, loc = found if found else (None, archive.locator(member))
        people = [
            str(p["name"]).strip()
            for p in meta.get("people") or []
            if isinstance(p, dict) and str(p.get("name") or "").strip()
        ]
        mtexts: dict[str, str] = {"file_name": it.name}
        if people:
            mtexts["people"] = ", ".join(people)
        origin = _dict(meta.get("googlePhotosOrigin"))
        upload = _dict(origin.get("mobileUpload")) or origin
        local = str(_dict(upload.get("deviceFolder")).get("localFolderName") or "").strip()
        if local:
            mtexts["device_folder"] = local
        device = upload.get("deviceType")
        facts = PlatformFacts(
            gps=self._gps(meta.get("geoDataExif")) or self._gps(meta.get("geoData")),
            taken_at=utc(_dict(meta.get("photoTakenTime")).get("timestamp")),
            device=str(device).replace("_", " ").lower() if device else None,
        )
        kind = "video" if _ext(it.name) in VIDEO_EXT else "image"
        media = [
            Media(
                locator=loc,
                ref=ref,
                kind=kind,
                texts=mtexts,
                tagged=tuple(dict.fromkeys(people)),
                platform_facts=facts if facts != PlatformFacts() else None,
            )
        ]
        for e in it.edits:
            media.append(
                Media(
                    locator=archive.locator(it.folder + e),
                    ref=archive.ref(it.folder + e),
                    kind="video" if _ext(e) in VIDEO_EXT else "image",
                    texts={**mtexts, "file_name": e},
                    tagged=tuple(dict.fromkeys(people)),
                    platform_facts=facts if facts != PlatformFacts() else None,
                )
            )
        texts: dict[str, str] = {}
        if str(meta.get("description") or "").strip():
            texts["description"] = str(meta["description"])
        if album.title.strip():
            texts["album"] = album.title
        if album.description.strip():
            texts["album_description"] = album.description
        if album.place.strip():
            texts["place"] = album.place
        notes: list[str] = []
        if ref is None:
            notes.append(
                "The file is listed in the export but is not in it: only its details were checked"
            )
        if kind == "video":
            notes.append("The video itself could not be checked for faces or metadata")
        if it.edits:
            notes.append(f"{len(it.edits)} edited cop{'ies' if len(it.edits) > 1 else 'y'}")
        if it.edited_from:
            notes.append(f"An edited copy of {it.edited_from}, reported here on its own")
        elif it.sidecar is None:
            notes.append("No Google Photos information file: only the image itself was checked")
        created = utc(_dict(meta.get("creationTime")).get("timestamp"))
        return Post(
            platform=PLATFORM,
            source=archive.path,
            locator=member,
            url=str(meta["url"]) if str(meta.get("url") or "").startswith("http") else None,
            created=created or facts.taken_at,
            audience=album.audience,
            texts=texts,
            media=tuple(media),
            place=album.place or None,
            notes=tuple(notes),
        )

    @staticmethod
    def _gps(block: Any) -> tuple[float, float] | None:
        if not isinstance(block, dict):
            return None
        return gps(block.get("latitude"), block.get("longitude"))


ADAPTER = GooglePhotosAdapter()
