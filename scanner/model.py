"""The plain data that flows between stages: ingest -> analyse -> link -> rules -> report.

Every class is a frozen, keyword-only dataclass so that a stage can never change what an
earlier stage produced, and so that values pickle cleanly into worker processes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class Audience(StrEnum):
    """Who can see a post, as far as the source tells us."""

    PUBLIC = "public"
    FRIENDS = "friends"
    PRIVATE = "private"
    UNKNOWN = "unknown"


class Band(StrEnum):
    """Risk bands, also used as finding severities (every band but NONE)."""

    NONE = "none"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def order(self) -> int:
        """Position from harmless (0) to critical (4), for comparing bands."""
        return _BAND_ORDER[self]


_BAND_ORDER = {Band.NONE: 0, Band.LOW: 1, Band.MEDIUM: 2, Band.HIGH: 3, Band.CRITICAL: 4}


class NameKind(StrEnum):
    """What kind of name a mention is; the same ids are used by the policy and the report."""

    FULL = "full"
    FIRST_CONTEXT = "first+context"
    FIRST = "first"
    STAFF = "staff"
    PUBLIC = "public"


# ---------------------------------------------------------------- ingest


@dataclass(frozen=True, kw_only=True)
class MediaRef:
    """Where a media file's bytes live, in a form a worker process can open again.

    `container` is the input path the user gave (a folder, a zip or a file); `member` is the
    path inside it (None when the container is the file itself); `url` is set for web media.
    """

    container: str
    member: str | None = None
    url: str | None = None
    data_uri: str | None = None
    """For images inlined in a saved page (SingleFile `data:` URIs)."""
    record_offset: int | None = None
    """For images inside a WARC (`container`): the byte offset of the record holding them."""


@dataclass(frozen=True, kw_only=True)
class PlatformFacts:
    """Metadata the platform kept in its export although it stripped it from the served file.

    Meta exports carry the camera's EXIF for each upload; the upload IP address is never
    kept here, so it can never reach a report.
    """

    gps: tuple[float, float] | None = None
    taken_at: datetime | None = None
    camera: str | None = None
    device: str | None = None
    width: int | None = None
    height: int | None = None
    """Pixel size the export or site declares (e.g. WordPress attachment metadata)."""
    original_url: str | None = None
    """A larger original the platform still serves (WordPress `original_image`, srcset)."""
    original_width: int | None = None
    original_height: int | None = None
    original_locator: str | None = None
    """Where the original was found (in the archive, export or crawl): confirmed, not just
    likely. None when only the page or export says it is on the server."""
    original_how: str | None = None
    """How the source gives the original away (`data-orig-file`, `srcset`, ...), plain words."""


@dataclass(frozen=True, kw_only=True)
class Media:
    """One image or video of a post, not yet opened."""

    locator: str
    """What the user needs to find it: `export.zip!path/in/zip`, a file path, or a URL."""
    ref: MediaRef | None
    """How to read its bytes; None when the export lists the media but does not include it."""
    kind: str = "image"
    """`image` or `video`."""
    texts: dict[str, str] = field(default_factory=dict)
    """Texts attached to this media alone (alt, title, description, caption, file name)."""
    tagged: tuple[str, ...] = ()
    """People tagged on this media by the platform (names or handles)."""
    platform_facts: PlatformFacts | None = None


@dataclass(frozen=True, kw_only=True)
class Post:
    """One published item: a post, a page, an album photo, or a loose file."""

    platform: str
    """`facebook`, `instagram`, `x`, `google_photos`, `wordpress`, `web`, `files`, ..."""
    source: str
    """The input path (or URL) the user gave."""
    locator: str
    """The post's id or file within the source, enough to find it again."""
    url: str | None = None
    created: datetime | None = None
    account: str | None = None
    audience: Audience = Audience.UNKNOWN
    texts: dict[str, str] = field(default_factory=dict)
    """Field name -> text: body, title, caption, tags, comments, place, album, ..."""
    media: tuple[Media, ...] = ()
    place: str | None = None
    tagged: tuple[str, ...] = ()
    """People tagged or mentioned by the platform on the post."""
    own_content: bool = True
    """False for reposts/retweets: shown, but ranked below the school's own posts."""
    notes: tuple[str, ...] = ()
    """Plain-words remarks for the report, e.g. that a video itself could not be checked."""


@dataclass(frozen=True, kw_only=True)
class Skipped:
    """Something the user gave that could not be read, and why, in plain words."""

    source: str
    reason: str


# ---------------------------------------------------------------- analyse


@dataclass(frozen=True, kw_only=True)
class MetadataFacts:
    """Identifying metadata embedded in an image file (EXIF, XMP, IPTC)."""

    gps: tuple[float, float] | None = None
    taken_at: str | None = None
    """DateTimeOriginal as written in the file (cameras record local time, no zone)."""
    make: str | None = None
    model: str | None = None
    serial: str | None = None
    owner: str | None = None
    """Artist, Copyright, OwnerName or IPTC By-line: a person's name, often staff."""
    has_thumbnail: bool = False
    person_names: tuple[str, ...] = ()
    """People named by XMP face regions, PersonInImage, or IPTC."""
    title: str | None = None
    description: str | None = None
    keywords: tuple[str, ...] = ()
    software: str | None = None


@dataclass(frozen=True, kw_only=True)
class FaceBox:
    """One detected face, in original-image pixels. Faces are counted, never recognised."""

    x: int
    y: int
    w: int
    h: int
    share: float
    """Face area as a share of the image area."""


@dataclass(frozen=True, kw_only=True)
class FaceFacts:
    """What the face detector saw: only counts and sizes."""

    detector: str
    count: int
    boxes: tuple[FaceBox, ...] = ()
    largest_share: float = 0.0
    largest_side: int = 0
    """Largest face's shorter box side in original pixels."""
    reach: int = 0
    """Smallest face side (original pixels) the detector finds (3 in 4) in this image."""


@dataclass(frozen=True, kw_only=True)
class MediaFacts:
    """Everything analysis learned from one image's bytes; cached by content digest."""

    digest: str
    """SHA-256 of the file's bytes."""
    width: int
    height: int
    format: str
    bytes: int
    phash: str
    """imagehash pHash, 64 bits as 16 hex digits."""
    fingerprints: dict[str, str] = field(default_factory=dict)
    """Further fingerprints by name (e.g. mirrored pHash, PDQ) for linking copies."""
    metadata: MetadataFacts = field(default_factory=MetadataFacts)
    is_camera_original: bool = False
    faces: FaceFacts | None = None
    """None until a face detector ran: then every photo counts as possibly showing people."""

    @property
    def long_side(self) -> int:
        return max(self.width, self.height)


# ---------------------------------------------------------------- judgement


@dataclass(frozen=True, kw_only=True)
class NameHit:
    """A person's name found in a text field."""

    field: str
    """The text field it was found in (caption, alt, file_name, metadata:person, ...)."""
    start: int
    end: int
    name: str
    kind: NameKind
    confidence: float
    roster: bool = False
    """True when the name matched the school's own roster."""
    no_consent: bool = False
    """True when it matched the school's no-consent list."""
    media: str | None = None
    """Locator of the media whose own text (alt, file name, metadata) carried the name."""


@dataclass(frozen=True, kw_only=True)
class LinkedCopy:
    """Another published copy of one of this post's images (same photo, maybe edited)."""

    media: str
    """Locator of this post's media."""
    other_post: str
    """Key of the post holding the other copy (`post_key`)."""
    other_media: str
    other_platform: str
    distance: int
    other_long_side: int
    other_names: tuple[NameHit, ...] = ()
    """Names the other post pairs with that copy."""


def post_key(post: Post) -> str:
    """A post's identity across the whole scan: its input and its locator within it."""
    return f"{post.source}::{post.locator}"


@dataclass(frozen=True, kw_only=True)
class Finding:
    """One reason a post is risky, with its evidence and the fix in plain words."""

    rule: str
    severity: Band
    points: int
    title: str
    field: str | None
    evidence: str
    fix: str
    media: str | None = None
    """Locator of the media the finding is about, if it is about one."""
    related: tuple[str, ...] = ()
    """Locators of other posts involved (the same photo posted elsewhere)."""


@dataclass(frozen=True, kw_only=True)
class AnalysedMedia:
    """A media item with the facts analysis found (None when it could not be analysed)."""

    media: Media
    facts: MediaFacts | None


@dataclass(frozen=True, kw_only=True)
class PostRisk:
    """A post with its findings, score and band."""

    post: Post
    media: tuple[AnalysedMedia, ...]
    findings: tuple[Finding, ...]
    score: int
    band: Band
    rank: int = 0
    excerpt: str = ""
    """The post's main text, shortened, with names shortened unless --show-names."""


@dataclass(frozen=True, kw_only=True)
class Report:
    """The whole result of a scan, ready for any formatter."""

    posts: tuple[PostRisk, ...]
    skipped: tuple[Skipped, ...]
    as_of: str
    """The date `old-post` was judged against (ISO 8601)."""
    policy: str
    """The policy file(s) used."""
    inputs: tuple[str, ...]
    stats: dict[str, Any] = field(default_factory=dict)
    """Counts: items, images, analysed vs from cache, per band."""
    show_names: bool = False
