"""X (Twitter) archives: `data/manifest.js`, `data/tweets.js` (+ `tweets-partN.js`), media.

Each data file is JavaScript: `window.YTD.tweets.part0 = [ ... ]`; the part after `=` is JSON.
The manifest lists the tweet files and their media folder; archives from before 2022 call
them `data/tweet.js` and `data/tweet_media/`. A media file is saved as
`<tweet id>-<basename of its URL>` (for a video, of its mp4 variant).

@mentions are tags of people: the handles go to `Post.tagged` and the display names the
archive records beside them to a `mentions` text, so a full name is judged as one.
Retweets are marked `own_content=False`: shown, but ranked below the school's own posts.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from scanner.ingest.archive import Archive
from scanner.ingest.export_json import gps, loose_media_posts
from scanner.ingest.interface import IngestContext, IngestError
from scanner.model import Audience, Media, PlatformFacts, Post, Skipped

PLATFORM = "x"
_TWEET_FILE = re.compile(r"^(?P<root>(?:[^/]+/)?)data/(?P<kind>tweets?)(?:-part\d+)?\.js$")
_MEDIA_FILE = re.compile(r"^(?:[^/]+/)?data/tweets?_media/\d+-[^/]+$")
MEDIA_ONLY_NOTE = "X media without the archive's tweets.js: the tweet texts could not be read"
_TWEET_TYPES = ("tweets", "tweet", "communityTweet")
"""Manifest data types whose files hold the account's own posts."""


class JsError(ValueError):
    """A YTD data file is not `window.YTD.<name> = <JSON>`."""


def parse_ytd(text: str) -> Any:
    """The JSON value assigned in a `window.YTD.x.partN = ...` (or manifest) file."""
    text = text.lstrip("\ufeff").strip()
    if not text.startswith("window."):
        raise JsError("does not start with 'window.'; not an X archive data file")
    eq = text.find("=")
    if eq < 0:
        raise JsError("has no '=' assignment; not an X archive data file")
    body = text[eq + 1 :].strip().rstrip(";")
    try:
        return json.loads(body)
    except json.JSONDecodeError as exc:
        raise JsError(
            f"is damaged or incomplete (JSON error at line {exc.lineno}, column {exc.colno})"
        ) from exc


def created_at(text: Any) -> datetime | None:
    """`Thu Nov 03 08:50:26 +0000 2022` (or ISO 8601) as an aware UTC datetime."""
    if not isinstance(text, str):
        return None
    for parse in (
        lambda s: datetime.strptime(s, "%a %b %d %H:%M:%S %z %Y"),
        lambda s: datetime.fromisoformat(s.replace("Z", "+00:00")),
    ):
        try:
            value = parse(text.strip())
        except ValueError:
            continue
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return None


def _read_js(archive: Archive, member: str) -> tuple[Any, Skipped | None]:
    try:
        return parse_ytd(archive.read_text(member)), None
    except (IngestError, JsError) as exc:
        reason = str(exc).split(": ", 1)[-1] if isinstance(exc, IngestError) else str(exc)
        return None, Skipped(source=archive.locator(member), reason=reason)


class XAdapter:
    platform = PLATFORM

    def detect(self, archive: Archive) -> bool:
        return any(
            _TWEET_FILE.match(n)
            or n.endswith(("data/manifest.js", "data/tweet-headers.js"))
            or _MEDIA_FILE.match(n)
            for n in archive.names()
        )

    def read(self, archive: Archive, ctx: IngestContext) -> Iterator[Post | Skipped]:
        names = archive.names()
        manifest = next((n for n in names if n.endswith("data/manifest.js")), None)
        root = manifest[: -len("data/manifest.js")] if manifest else ""
        files: list[tuple[str, str | None]] = []
        account: str | None = None
        config: Any = None
        recognised = False
        if manifest:
            config, bad = _read_js(archive, manifest)
            if bad:
                yield bad
                config = None
            if isinstance(config, dict):
                account = (config.get("userInfo") or {}).get("userName")
                types = config.get("dataTypes") or {}
                for t in _TWEET_TYPES:
                    spec = types.get(t) if isinstance(types, dict) else None
                    if not isinstance(spec, dict):
                        continue
                    recognised = True
                    for f in spec.get("files") or []:
                        if isinstance(f, dict) and f.get("fileName") and str(f.get("count")) != "0":
                            files.append((root + f["fileName"], spec.get("mediaDirectory")))
        if not files:
            for n in names:
                m = _TWEET_FILE.match(n)
                if m:
                    root = m.group("root")
                    media_dir = f"data/{m.group('kind')}_media"
                    files.append((n, media_dir))
        loose = [n for n in names if _MEDIA_FILE.match(n)]
        if not files and not manifest and loose:
            if not any(ctx.resolve(f"data/{k}.js") for k in ("tweets", "tweet")):
                yield from loose_media_posts(archive, PLATFORM, loose, MEDIA_ONLY_NOTE)
            return  # otherwise the part holding tweets.js reports these files
        if not files and recognised:
            return  # the manifest knows tweets, and says there are none
        if not files:
            what = manifest or next(n for n in names if n.endswith("tweet-headers.js"))
            yield Skipped(source=archive.locator(what), reason=f"unrecognised x layout: {what}")
            return
        audience = self._audience(archive, root, config if manifest else None)
        for member, media_dir in files:
            if not archive.has(member):
                if ctx.resolve(member) is None:
                    yield Skipped(
                        source=archive.locator(member),
                        reason="listed in the archive's manifest.js but missing from the export",
                    )
                continue  # another input of this scan holds that part; it is read there
            data, bad = _read_js(archive, member)
            if bad:
                yield bad
                continue
            if not isinstance(data, list):
                yield Skipped(
                    source=archive.locator(member), reason=f"unrecognised x layout: {member}"
                )
                continue
            mdir = root + (media_dir or "data/tweets_media").rstrip("/") + "/"
            for i, entry in enumerate(data):
                tweet = entry.get("tweet", entry) if isinstance(entry, dict) else None
                if not isinstance(tweet, dict) or not (tweet.get("id_str") or tweet.get("id")):
                    yield Skipped(
                        source=f"{archive.locator(member)}#{i + 1}",
                        reason=f"unrecognised x layout: {member} (entry {i + 1} is not a tweet)",
                    )
                    continue
                yield self._post(archive, ctx, tweet, mdir, account, audience)

    def _post(
        self,
        archive: Archive,
        ctx: IngestContext,
        tweet: dict[str, Any],
        media_dir: str,
        account: str | None,
        audience: Audience,
    ) -> Post:
        tid = str(tweet.get("id_str") or tweet.get("id"))
        body = str(tweet.get("full_text") or tweet.get("text") or "")
        entities = tweet.get("entities") if isinstance(tweet.get("entities"), dict) else {}
        handles: list[str] = []
        display: list[str] = []
        for u in entities.get("user_mentions") or []:
            if not isinstance(u, dict):
                continue
            if u.get("screen_name"):
                handles.append("@" + str(u["screen_name"]))
            if u.get("name"):
                display.append(str(u["name"]))
        texts: dict[str, str] = {}
        if body:
            texts["body"] = body
        if display:
            texts["mentions"] = ", ".join(dict.fromkeys(display))
        place = tweet.get("place") if isinstance(tweet.get("place"), dict) else None
        place_name = str(place.get("full_name") or place.get("name") or "") if place else ""
        if place_name:
            texts["place"] = place_name
        point = self._gps(tweet)
        ext = (
            tweet.get("extended_entities")
            if isinstance(tweet.get("extended_entities"), dict)
            else {}
        )
        items = ext.get("media") or entities.get("media") or []
        media = [
            self._media(archive, ctx, tid, it, media_dir, point)
            for it in items
            if isinstance(it, dict)
        ]
        retweet = (
            body.startswith("RT @") or tweet.get("retweeted") is True or "retweeted_status" in tweet
        )
        notes: list[str] = []
        if retweet:
            notes.append("A retweet of someone else's post, not the school's own content")
        missing = [m for m in media if m.ref is None]
        videos = [m for m in media if m.kind == "video"]
        if missing:
            notes.append(
                f"{len(missing)} of {len(media)} media file"
                f"{'s are' if len(missing) != 1 else ' is'} not in the export,"
                " so only the texts could be checked"
            )
        if videos:
            notes.append(
                f"{len(videos)} video{'s' if len(videos) != 1 else ''}: the video itself could not"
                " be checked for faces or metadata"
            )
        url = f"https://x.com/{account or 'i/web'}/status/{tid}"
        return Post(
            platform=PLATFORM,
            source=archive.path,
            locator=f"status/{tid}",
            url=url,
            created=created_at(tweet.get("created_at")),
            account=account,
            audience=audience,
            texts=texts,
            media=tuple(media),
            place=place_name or None,
            tagged=tuple(dict.fromkeys(handles)),
            own_content=not retweet,
            notes=tuple(notes),
        )

    @staticmethod
    def _gps(tweet: dict[str, Any]) -> tuple[float, float] | None:
        """Tweet-level coordinates (old geotagged tweets): GeoJSON is lon, lat; `geo` lat, lon."""
        coords = tweet.get("coordinates")
        if isinstance(coords, dict) and isinstance(coords.get("coordinates"), list):
            c = coords["coordinates"]
            if len(c) == 2:
                return gps(c[1], c[0])
        geo = tweet.get("geo")
        if isinstance(geo, dict) and isinstance(geo.get("coordinates"), list):
            c = geo["coordinates"]
            if len(c) == 2:
                return gps(c[0], c[1])
        return None

    @staticmethod
    def _media(
        archive: Archive,
        ctx: IngestContext,
        tid: str,
        item: dict[str, Any],
        media_dir: str,
        point: tuple[float, float] | None,
    ) -> Media:
        kind = "video" if item.get("type") in ("video", "animated_gif") else "image"
        url = str(item.get("media_url_https") or item.get("media_url") or "")
        candidates: list[str] = []
        if kind == "video":
            variants = (item.get("video_info") or {}).get("variants") or []
            mp4 = [v for v in variants if isinstance(v, dict) and "mp4" in str(v.get("url"))]
            mp4.sort(key=lambda v: -int(v.get("bitrate") or 0))
            candidates += [posixpath.basename(str(v["url"]).split("?", 1)[0]) for v in mp4]
        if url:
            candidates.append(posixpath.basename(url.split("?", 1)[0]))
        texts: dict[str, str] = {}
        alt = item.get("ext_alt_text") or item.get("alt_text")
        if isinstance(alt, str) and alt.strip():
            texts["alt"] = alt
        facts = PlatformFacts(gps=point) if point else None
        for base in candidates:
            member = f"{media_dir}{tid}-{base}"
            if archive.has(member):
                ref, loc = archive.ref(member), archive.locator(member)
            else:
                found = ctx.resolve(member)
                if not found:
                    continue
                ref, loc = found
            # No file_name text: X names media "<tweet id>-<random id>", never the uploader's
            # own file name, so it can carry no name ("ChiHmY" is not "Chi").
            is_video = kind == "video" and base.lower().endswith((".mp4", ".mov"))
            return Media(
                locator=loc,
                ref=ref,
                kind="video" if is_video else "image",
                texts=texts,
                platform_facts=facts,
            )
        return Media(
            locator=url or f"status/{tid}/media",
            ref=None,
            kind=kind,
            texts=texts,
            platform_facts=facts,
        )

    @staticmethod
    def _audience(archive: Archive, root: str, config: Any) -> Audience:
        """Protected accounts' tweets are for approved followers; otherwise tweets are public.

        The answer is in `protected-history.js`; a manifest that lists that file with a count
        of 0 says the account was never protected.
        """
        member = root + "data/protected-history.js"
        if not archive.has(member):
            types = config.get("dataTypes") if isinstance(config, dict) else None
            spec = types.get("protectedHistory") if isinstance(types, dict) else None
            counts = [
                str(f.get("count"))
                for f in (spec or {}).get("files") or []
                if isinstance(f, dict) and "count" in f
            ]
            if counts and all(c == "0" for c in counts):
                return Audience.PUBLIC
            return Audience.UNKNOWN
        data, bad = _read_js(archive, member)
        if bad or not isinstance(data, list):
            return Audience.UNKNOWN
        last = None
        for entry in data:
            h = entry.get("protectedHistory") if isinstance(entry, dict) else None
            if isinstance(h, dict) and h.get("action"):
                last = str(h["action"]).lower()
        return Audience.FRIENDS if last == "protect" else Audience.PUBLIC


ADAPTER = XAdapter()
