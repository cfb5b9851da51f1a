"""Web archives (`.warc`, `.warc.gz`): every archived web page becomes a post.

A trust's web archive, or the WARC that `exposure-scan crawl` writes, holds each page and
image as it was served. HTML responses become posts (platform `web`, locator = the page's
URL); image responses are matched to the pages that show them, so a photo is judged with
its caption. Revisit records (the archive's "same as before") point back to the capture
they repeat; chunked and compressed bodies are decoded by warcio. A record cut short or
failing its checksum becomes a `Skipped`, and the rest of the archive is still read.

Images are not copied out: each `MediaRef` carries the byte offset of its record, and a
worker process reads the record again with `read_payload`.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import posixpath
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from http import HTTPStatus
from urllib.parse import unquote, urldefrag, urljoin, urlsplit, urlunsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from scanner.ingest.archive import MAX_MEMBER_BYTES, Archive, FileArchive
from scanner.ingest.html_images import PageFacts, original_candidates, page_to_post, parse_page
from scanner.ingest.interface import IngestContext, IngestError
from scanner.model import Audience, Media, MediaRef, Post, Skipped

MAX_PAGE_BYTES = 10 * 1024 * 1024
"""Largest web page read from an archive; school pages are a few hundred kilobytes."""
MAX_REDIRECTS = 10
"""Redirect hops followed inside an archive before giving up (loops end here too)."""
HTML_TYPES = ("text/html", "application/xhtml+xml")
NOT_PHOTOS = ("image/svg+xml", "image/x-icon", "image/vnd.microsoft.icon")
"""Image types that are drawings or icons, never photos: not reported on their own."""
PAYLOAD_TYPES = ("response", "resource", "revisit")
HEADER_BYTES = 1024 * 1024
"""Enough of an image file to read its pixel size without decoding it."""


# ---------------------------------------------------------------- reading records


@dataclass(frozen=True, kw_only=True)
class Capture:
    """One archived HTTP response (or resource), found by its record's byte offset."""

    url: str
    offset: int
    """Byte offset of the record holding the body (for a revisit: the record it repeats)."""
    status: int
    mime: str
    """Media type without parameters, lower case (`text/html`, `image/jpeg`)."""
    charset: str | None = None
    location: str | None = None
    """Absolute redirect target, for 3xx responses."""

    @property
    def is_html(self) -> bool:
        return self.mime in HTML_TYPES

    @property
    def is_photo_type(self) -> bool:
        return self.mime.startswith("image/") and self.mime not in NOT_PHOTOS


@dataclass(kw_only=True)
class WarcIndex:
    """What an archive holds, by URL: the latest good capture of each, and the problems."""

    captures: dict[str, Capture] = field(default_factory=dict)
    """URL -> latest 2xx capture (pages, images and anything else)."""
    errors: dict[str, Capture] = field(default_factory=dict)
    """URL -> latest 4xx/5xx capture, for pages that were archived as errors."""
    redirects: dict[str, str] = field(default_factory=dict)
    """URL -> absolute redirect target."""
    problems: list[Skipped] = field(default_factory=list)

    def find(self, url: str) -> Capture | None:
        """The capture serving `url`, following archived redirects (bounded)."""
        seen: set[str] = set()
        for _ in range(MAX_REDIRECTS + 1):
            for candidate in url_variants(url):
                if candidate in self.captures:
                    return self.captures[candidate]
            nxt = next((self.redirects[c] for c in url_variants(url) if c in self.redirects), None)
            if nxt is None or nxt in seen:
                return None
            seen.add(url)
            url = nxt
        return None


def url_variants(url: str) -> list[str]:
    """The same URL as archives commonly spell it: without fragment, other scheme, bare host."""
    base = urldefrag(url)[0]
    out = [url, base]
    parts = urlsplit(base)
    if parts.scheme in ("http", "https"):
        other = "https" if parts.scheme == "http" else "http"
        netloc = parts.netloc
        for default in (":80", ":443"):
            if netloc.endswith(default):
                netloc = netloc[: -len(default)]
        out.append(urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, "")))
        out.append(urlunsplit((other, netloc, parts.path or "/", parts.query, "")))
    return list(dict.fromkeys(out))


def is_warc(path: str) -> bool:
    """True when the file starts like a WARC, compressed or not (judged by content)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(2)
            fh.seek(0)
            if head == b"\x1f\x8b":
                with gzip.GzipFile(fileobj=fh) as gz:
                    head = gz.read(8)
            else:
                head = fh.read(8)
    except (OSError, EOFError, zlib.error, gzip.BadGzipFile):
        return False
    return head.startswith(b"WARC/")


def _target(record) -> str:
    uri = record.rec_headers.get_header("WARC-Target-URI") or ""
    return uri.strip().strip("<>")


def _media_type(value: str | None) -> tuple[str, str | None]:
    """`text/html; charset=UTF-8` -> (`text/html`, `UTF-8`)."""
    if not value:
        return "", None
    parts = [p.strip() for p in value.split(";")]
    charset = None
    for p in parts[1:]:
        key, _, val = p.partition("=")
        if key.strip().lower() == "charset":
            charset = val.strip().strip('"') or None
    return parts[0].lower(), charset


def _status(record) -> int:
    if record.rec_type == "resource" or record.http_headers is None:
        return 200
    try:
        return int(record.http_headers.get_statuscode() or 0)
    except (TypeError, ValueError):
        return 0


def _capture(record, offset: int) -> Capture:
    url = _target(record)
    if record.rec_type == "resource" or record.http_headers is None:
        ctype = record.rec_headers.get_header("Content-Type")
    else:
        ctype = record.http_headers.get_header("Content-Type")
    mime, charset = _media_type(ctype)
    status = _status(record)
    location = None
    if 300 <= status < 400 and record.http_headers is not None:
        loc = record.http_headers.get_header("Location")
        if loc:
            location = urljoin(url, loc.strip())
    return Capture(
        url=url, offset=offset, status=status, mime=mime, charset=charset, location=location
    )


def index_warc(path: str) -> WarcIndex:
    """Read every record header once, resolving revisits and noting damaged records."""
    index = WarcIndex()
    by_digest: dict[str, Capture] = {}
    revisits: list[tuple[object, Capture]] = []
    pending: list[tuple[object, Capture]] = []
    label = os.path.basename(path)
    warnings = io.StringIO()
    try:
        # warcio writes length warnings straight to stderr; the checksum test below says
        # the same thing in plain words, so the raw warning is kept out of the user's view.
        with open(path, "rb") as fh, contextlib.redirect_stderr(warnings):
            it = ArchiveIterator(fh, check_digests=True)
            for record in it:
                if record.rec_type not in PAYLOAD_TYPES or not _target(record):
                    continue
                cap = _capture(record, it.get_record_offset())
                pending.append((record, cap))
                if record.rec_type == "revisit":
                    revisits.append((record, cap))
    except ArchiveLoadFailed as exc:
        reason = str(exc).strip().splitlines()
        if any("non-chunked gzip" in line for line in reason):
            raise IngestError(
                f"{path}: this web archive is compressed as one block, so its records "
                "cannot be read one by one; run `warcio recompress` on it and scan the copy"
            ) from exc
        index.problems.append(
            Skipped(
                source=path,
                reason="the archive stops being readable part way through; "
                "the records before that point were read",
            )
        )
    except (OSError, EOFError, zlib.error) as exc:
        index.problems.append(
            Skipped(source=path, reason=f"the archive is damaged part way through ({exc})")
        )

    for record, cap in pending:
        if record.rec_type == "revisit":
            continue
        damaged = getattr(record.raw_stream, "limit", 0) > 0
        if damaged or record.digest_checker.passed is False:
            index.problems.append(
                Skipped(
                    source=cap.url,
                    reason=f"the archived copy in {label} is cut short or damaged "
                    "(its length or checksum does not match); not read",
                )
            )
            continue
        _file(index, cap)
        digest = record.rec_headers.get_header("WARC-Payload-Digest")
        if digest and 200 <= cap.status < 300:
            by_digest[digest] = cap
    for record, cap in revisits:
        original = _resolve_revisit(record, index, by_digest)
        if original is None:
            index.problems.append(
                Skipped(
                    source=cap.url,
                    reason=f"{label} marks this as unchanged since an earlier capture "
                    "that is not in the archive; not read",
                )
            )
            continue
        _file(index, Capture(**{**original.__dict__, "url": cap.url}))
    return index


def _file(index: WarcIndex, cap: Capture) -> None:
    if 200 <= cap.status < 300:
        index.captures[cap.url] = cap
    elif cap.location:
        index.redirects[cap.url] = cap.location
    elif cap.status >= 400:
        index.errors[cap.url] = cap


def _resolve_revisit(record, index: WarcIndex, by_digest: dict[str, Capture]) -> Capture | None:
    digest = record.rec_headers.get_header("WARC-Payload-Digest")
    if digest and digest in by_digest:
        return by_digest[digest]
    refers = (record.rec_headers.get_header("WARC-Refers-To-Target-URI") or "").strip("<> ")
    return index.captures.get(refers or _target(record))


def read_payload(path: str, offset: int, limit: int = MAX_MEMBER_BYTES) -> bytes:
    """The body of the record at `offset`, de-chunked and decompressed, refused past `limit`."""
    where = f"{path} (record at byte {offset})"
    try:
        with open(path, "rb") as fh, contextlib.redirect_stderr(io.StringIO()):
            fh.seek(offset)
            record = next(iter(ArchiveIterator(fh)), None)
            if record is None or record.rec_type not in ("response", "resource"):
                raise IngestError(f"{where}: no archived response at this place")
            data = record.content_stream().read(limit + 1)
    except (ArchiveLoadFailed, OSError, EOFError, zlib.error, ValueError) as exc:
        raise IngestError(f"{where}: cannot be read from the archive ({exc})") from exc
    if len(data) > limit:
        raise IngestError(f"{where}: larger than {limit:,} bytes; not read")
    return data


def warc_ref(path: str, offset: int) -> MediaRef:
    """How a worker process finds an archived image again."""
    return MediaRef(container=path, record_offset=offset)


def decode_html(data: bytes, charset: str | None) -> str:
    """Page bytes -> text, trusting the declared charset, then the page's own meta tag."""
    from bs4.dammit import UnicodeDammit

    known = [charset] if charset else []
    text = UnicodeDammit(data, known_definite_encodings=known).unicode_markup
    return text if text is not None else data.decode("utf-8", errors="replace")


def status_words(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


# ---------------------------------------------------------------- the adapter


class WarcAdapter:
    platform = "web"

    def detect(self, archive: Archive) -> bool:
        return isinstance(archive, FileArchive) and is_warc(archive.path)

    def read(self, archive: Archive, ctx: IngestContext) -> Iterator[Post | Skipped]:
        path = archive.path
        index = index_warc(path)
        yield from index.problems
        shown: set[str] = set()

        def resolve(url: str) -> tuple[MediaRef, str] | None:
            cap = index.find(url)
            if cap is None or cap.is_html:
                return None
            return warc_ref(path, cap.offset), cap.url

        for url, cap in index.captures.items():
            if not cap.is_html:
                continue
            try:
                data = read_payload(path, cap.offset, MAX_PAGE_BYTES)
            except IngestError as exc:
                yield Skipped(source=url, reason=_after_colon(exc))
                continue
            page = parse_page(decode_html(data, cap.charset), url)
            post = page_to_post(page, source=path, locator=url, resolve_image=resolve)
            shown.update(_addresses(page))
            media = (
                _measure_original(m, index, path) for m in post.media if not _drawing(m, index)
            )
            yield replace(post, media=tuple(media))

        for url, cap in index.captures.items():
            if cap.is_photo_type and not any(v in shown for v in url_variants(url)):
                yield _loose_image(path, url, cap)

        for url, cap in index.errors.items():
            if any(v in index.captures for v in url_variants(url)):
                continue
            if (cap.is_html or not cap.mime) and not url.endswith("/robots.txt"):
                yield Skipped(source=url, reason=_error_words(cap.status))


def _after_colon(exc: Exception) -> str:
    text = str(exc)
    return text.split(": ", 1)[1] if ": " in text else text


def _addresses(page: PageFacts) -> set[str]:
    """Every image address a page mentions: shown, srcset, originals, linked files."""
    out: set[str] = set()
    for image in page.images:
        out.add(image.src)
        out.update(u for u, _w in image.srcset)
        out.update(c.url for c in original_candidates(image))
    return {v for u in out if not u.startswith("data:") for v in url_variants(u)}


def _drawing(media: Media, index: WarcIndex) -> bool:
    """An archived SVG or icon: a drawing, never a photo of a pupil, so not analysed."""
    cap = index.find(media.locator)
    return cap is not None and cap.mime in NOT_PHOTOS


def _measure_original(media: Media, index: WarcIndex, path: str) -> Media:
    """Record the real pixel size of an original that is in the archive (confirmed)."""
    pf = media.platform_facts
    if pf is None or not pf.original_locator or not pf.original_url:
        return media
    cap = index.find(pf.original_url)
    if cap is None:
        return media
    size = image_size(path, cap.offset)
    if size is None:
        return media
    return replace(
        media,
        platform_facts=replace(pf, original_width=size[0], original_height=size[1]),
    )


def image_size(path: str, offset: int) -> tuple[int, int] | None:
    """Pixel size of an archived image, from its header alone where possible."""
    from PIL import Image, UnidentifiedImageError

    try:
        with open(path, "rb") as fh, contextlib.redirect_stderr(io.StringIO()):
            fh.seek(offset)
            record = next(iter(ArchiveIterator(fh)), None)
            if record is None:
                return None
            head = record.content_stream().read(HEADER_BYTES)
        with Image.open(io.BytesIO(head)) as im:
            return im.size
    except (ArchiveLoadFailed, OSError, EOFError, zlib.error, ValueError, UnidentifiedImageError):
        return None


def _loose_image(path: str, url: str, cap: Capture) -> Post:
    """An archived photo that no archived page shows: still published, so still judged."""
    name = posixpath.basename(urlsplit(url).path)
    media = Media(
        locator=url,
        ref=warc_ref(path, cap.offset),
        texts={"file_name": unquote(name)} if name else {},
    )
    return Post(
        platform="web",
        source=path,
        locator=url,
        url=url,
        audience=Audience.PUBLIC,
        media=(media,),
        notes=("This image is in the web archive, but no archived page shows it.",),
    )


def _error_words(status: int) -> str:
    if status in (401, 403):
        return (
            f"the site answered {status_words(status)}: the page needs a login or is closed "
            "to the public; pages behind a login are out of scope"
        )
    return f"the site answered {status_words(status)} when this page was archived; not checked"


ADAPTER = WarcAdapter()
