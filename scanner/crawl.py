"""Polite fetch of a school's public website into a WARC file, then scanned like any WARC.

`exposure-scan crawl https://www.oakfield.sch.uk` reads the site the way a careful search
engine would: robots.txt obeyed (RFC 9309), one request at a time with a pause between, a
User-Agent that says who is asking and why, pages followed only inside the address given
(same scheme, host, port and folder), the images those pages show fetched from wherever
they are served (school sites often use a CDN), HTML and images only, and a size and time
cap on every response. Everything fetched is written to a WARC with warcio; the scan then
reads that WARC exactly as `exposure-scan scan site.warc.gz` would, so a crawl and an
archive of the same site give the same report.

What could not be fetched (a timeout, a file too large, a redirect loop, a page of another
type, an address robots.txt keeps us out of) becomes a `Skipped` line in the report.
"""

from __future__ import annotations

import io
import posixpath
import shutil
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from http import HTTPStatus
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit, urlunsplit

import requests
from protego import Protego
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from scanner import __version__
from scanner.ingest.html_images import original_candidates, parse_page
from scanner.ingest.interface import IngestError
from scanner.model import Report, Skipped

ROBOTS_TOKEN = "exposure-scan"
"""The product token robots.txt rules are matched against (`User-agent: exposure-scan`)."""
USER_AGENT = (
    f"{ROBOTS_TOKEN}/{__version__} (school photo-safety audit of the school's own public "
    "pages; obeys robots.txt; one request at a time)"
)
ROBOTS_MAX_BYTES = 500 * 1024
"""RFC 9309 asks crawlers to read at least 500 KiB of a robots.txt; we read that much."""
ROBOTS_MAX_REDIRECTS = 5
"""RFC 9309: follow at least five redirects for robots.txt, then treat it as unavailable."""
MAX_CRAWL_DELAY = 60.0
"""A robots.txt Crawl-delay is honoured up to this many seconds between requests."""
HTML_TYPES = ("text/html", "application/xhtml+xml")
IMAGE_TYPES = ("image/", "application/octet-stream", "binary/octet-stream")
"""Some CDNs serve photos as untyped bytes; analysis then decides what they are."""
NOT_PAGES = (
    ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".odt", ".zip", ".rar", ".mp3",
    ".mp4", ".mov", ".avi", ".wmv", ".ics", ".csv", ".txt", ".xml", ".json", ".css", ".js",
    ".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic", ".svg", ".ico", ".tif", ".tiff",
)  # fmt: skip
"""Links that are plainly documents or media, not pages: never requested as pages."""


class CrawlError(IngestError):
    """The site cannot be crawled at all; the message says why in plain words."""


@dataclass(frozen=True, kw_only=True)
class CrawlOptions:
    """How far and how gently to crawl."""

    url: str
    max_pages: int = 200
    """Page requests at most (images and robots.txt are not counted)."""
    delay: float = 1.0
    """Seconds between the start of one request and the next, to any host."""
    timeout: float = 20.0
    """Seconds to wait for a server to answer, and the most one response may take."""
    max_page_bytes: int = 5 * 1024 * 1024
    max_image_bytes: int = 30 * 1024 * 1024
    max_redirects: int = 10
    """Redirect hops followed for one address before it counts as a redirect loop."""
    user_agent: str = USER_AGENT
    progress: bool = True
    """Show a progress bar on stderr (only ever when stderr is a terminal)."""


@dataclass(frozen=True, kw_only=True)
class CrawlResult:
    """What a crawl fetched and what it could not."""

    warc: Path
    pages: int
    """Web pages fetched (any answer)."""
    images: int
    """Images fetched, including originals fetched to confirm they are served."""
    requests: int
    """Every request sent, robots.txt and redirects included."""
    notes: tuple[Skipped, ...]


# ---------------------------------------------------------------- addresses and scope


def _origin(url: str) -> tuple[str, str, int]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or (443 if scheme == "https" else 80)
    return scheme, (parts.hostname or "").lower(), port


def normalise(url: str) -> str:
    """One spelling per address: no fragment, lower-case scheme and host, no default port."""
    url = urldefrag(url)[0]
    parts = urlsplit(url)
    scheme, host, port = _origin(url)
    default = 443 if scheme == "https" else 80
    netloc = host if port == default else f"{host}:{port}"
    if parts.username or parts.password:
        netloc = parts.netloc.rsplit("@", 1)[0] + "@" + netloc
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


@dataclass(frozen=True, kw_only=True)
class Scope:
    """The part of the web a crawl may read pages from: one origin and one folder."""

    origin: tuple[str, str, int]
    prefix: str
    """Path prefix: the start address's folder (`/news/` for `/news/index.html`)."""

    @classmethod
    def of(cls, url: str) -> Scope:
        path = urlsplit(url).path or "/"
        prefix = path if path.endswith("/") else posixpath.dirname(path).rstrip("/") + "/"
        return cls(origin=_origin(url), prefix=prefix)

    def contains(self, url: str) -> bool:
        if urlsplit(url).scheme.lower() not in ("http", "https"):
            return False
        return _origin(url) == self.origin and (urlsplit(url).path or "/").startswith(self.prefix)


def _looks_like_page(url: str) -> bool:
    return not urlsplit(url).path.lower().endswith(NOT_PAGES)


# ---------------------------------------------------------------- fetching


@dataclass(frozen=True, kw_only=True)
class Fetched:
    """One complete HTTP answer."""

    url: str
    status: int
    reason: str
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)

    @property
    def mime(self) -> str:
        return (self.header("Content-Type") or "").split(";")[0].strip().lower()

    @property
    def is_redirect(self) -> bool:
        return self.status in (301, 302, 303, 307, 308) and bool(self.header("Location"))


class FetchProblem(Exception):
    """A response that was not read; the message is the plain reason for the report."""


class Fetcher:
    """One request at a time, with a pause before each, capped in size and time.

    Every complete answer is written to the WARC as a response record with its request.
    """

    def __init__(self, opts: CrawlOptions, warc: WarcOut) -> None:
        self.opts = opts
        self.warc = warc
        self.session = requests.Session()
        self.session.headers.update({"User-Agent": opts.user_agent, "Accept-Encoding": "gzip"})
        self.session.trust_env = False  # a crawl must go straight to the site it was given
        self.requests = 0
        self._last = 0.0
        self.delay_for: Callable[[str], float] = lambda url: opts.delay

    def _wait(self, url: str) -> None:
        pause = self._last + self.delay_for(url) - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        self._last = time.monotonic()

    def get(
        self, url: str, *, accept: tuple[str, ...] | None, limit: int, cut: bool = False
    ) -> Fetched:
        """GET one address without following redirects.

        `accept` lists the media types wanted (prefixes such as `image/`); a 2xx answer of
        another type is dropped unread and raises FetchProblem, as do a timeout, a body over
        `limit` bytes (unless `cut`: then only the first `limit` bytes are kept) and an
        unreachable host.
        """
        self._wait(url)
        self.requests += 1
        headers = {"Accept": _accept_header(accept)}
        started = time.monotonic()
        try:
            resp = self.session.get(
                url,
                headers=headers,
                stream=True,
                allow_redirects=False,
                timeout=(self.opts.timeout, self.opts.timeout),
            )
        except requests.Timeout as exc:
            raise FetchProblem(
                f"the server did not answer within {self.opts.timeout:g} seconds; not read"
            ) from exc
        except requests.RequestException as exc:
            raise FetchProblem(f"could not be reached ({_why_unreachable(exc)}); not read") from exc
        with resp:
            mime = (resp.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            status = resp.status_code
            if accept and 200 <= status < 300 and not mime.startswith(accept):
                raise FetchProblem(
                    f"is not a web page or image ({mime or 'no type given'}); not read"
                )
            declared = resp.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > limit and not cut:
                raise FetchProblem(
                    f"is {_mb(int(declared))}, over the {_mb(limit)} limit for one file; not read"
                )
            body = self._read_body(resp, limit, started, cut)
            raw_headers = list(resp.raw.headers.items())
        fetched = Fetched(
            url=url,
            status=status,
            reason=resp.reason or _phrase(status),
            headers=_stored_headers(raw_headers, len(body)),
            body=body,
        )
        self.warc.write(fetched, {**self.session.headers, **headers})
        return fetched

    def _read_body(
        self, resp: requests.Response, limit: int, started: float, cut: bool = False
    ) -> bytes:
        """Read at most `limit` bytes, giving up when the whole answer takes too long."""
        buf = io.BytesIO()
        read1 = getattr(resp.raw, "read1", None)
        chunks: Iterator[bytes] = (
            iter(lambda: read1(65536, decode_content=True), b"")
            if read1
            else resp.iter_content(65536)
        )
        try:
            for chunk in chunks:
                buf.write(chunk)
                if buf.tell() > limit and cut:
                    return buf.getvalue()[:limit]
                if buf.tell() > limit:
                    raise FetchProblem(
                        f"is larger than the {_mb(limit)} limit for one file; not read"
                    )
                if time.monotonic() - started > self.opts.timeout:
                    raise FetchProblem(
                        f"took more than {self.opts.timeout:g} seconds to download; not read"
                    )
        except (requests.RequestException, OSError, ValueError) as exc:
            if "timed out" in str(exc).lower():
                raise FetchProblem(
                    f"the server stopped sending within {self.opts.timeout:g} seconds; not read"
                ) from exc
            raise FetchProblem(f"the download broke off ({_short(exc)}); not read") from exc
        except Exception as exc:  # urllib3 wraps socket errors in its own types
            if isinstance(exc, FetchProblem):
                raise
            raise FetchProblem(f"the download broke off ({_short(exc)}); not read") from exc
        return buf.getvalue()


def _accept_header(accept: tuple[str, ...] | None) -> str:
    if not accept:
        return "*/*"
    return ", ".join(a + "*" if a.endswith("/") else a for a in accept)


def _stored_headers(headers: list[tuple[str, str]], length: int) -> tuple[tuple[str, str], ...]:
    """Headers as stored in the WARC: the body is kept decoded, so say so honestly."""
    drop = {"transfer-encoding", "content-encoding", "content-length"}
    kept = [(k, v) for k, v in headers if k.lower() not in drop]
    kept.append(("Content-Length", str(length)))
    return tuple(kept)


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB" if n >= 1024 * 1024 else f"{n:,} bytes"


def _why_unreachable(exc: BaseException) -> str:
    """The cause of a failed connection in plain words, not urllib3's pool message."""
    causes = []
    e: BaseException | None = exc
    while e is not None and len(causes) < 10:
        causes.append(e)
        e = (
            e.__cause__
            or e.__context__
            or (e.args[0] if e.args and isinstance(e.args[0], BaseException) else None)
        )
    names = " ".join(type(c).__name__ for c in causes) + " " + str(exc)
    if "NameResolution" in names or "gaierror" in names or "Name or service" in names:
        return "the site's name was not found; check the address"
    if "ConnectionRefused" in names or "Connection refused" in names:
        return "the connection was refused"
    if "SSL" in names:
        return "its secure connection could not be set up"
    return "no connection could be made"


def _short(exc: BaseException) -> str:
    text = str(exc).split("(Caused by", 1)[0].strip(" :") or type(exc).__name__
    return text if len(text) < 120 else text[:117] + "..."


# ---------------------------------------------------------------- the WARC written


class WarcOut:
    """A gzipped WARC, one record per gzip member so that every record can be read alone."""

    def __init__(self, path: Path, start_url: str) -> None:
        self.path = path
        self._fh = open(path, "wb")  # noqa: SIM115 - closed in close()
        self._writer = WARCWriter(self._fh, gzip=True)
        info = {
            "software": f"exposure-scan {__version__}",
            "format": "WARC File Format 1.0",
            "description": f"Polite crawl of {start_url} for a photo-safety audit",
            "http-header-user-agent": USER_AGENT,
            "robots": "obey",
        }
        self._writer.write_record(self._writer.create_warcinfo_record(path.name, info))

    def write(self, fetched: Fetched, request_headers) -> None:
        parts = urlsplit(fetched.url)
        target = urlunsplit(("", "", parts.path or "/", parts.query, ""))
        http = StatusAndHeaders(
            f"{fetched.status} {fetched.reason}".strip(),
            list(fetched.headers),
            protocol="HTTP/1.1",
        )
        resp = self._writer.create_warc_record(
            fetched.url,
            "response",
            payload=io.BytesIO(fetched.body),
            length=len(fetched.body),
            http_headers=http,
        )
        req_headers = [("Host", parts.netloc)] + [(k, str(v)) for k, v in request_headers.items()]
        req = self._writer.create_warc_record(
            fetched.url,
            "request",
            http_headers=StatusAndHeaders(
                f"GET {target} HTTP/1.1", req_headers, is_http_request=True
            ),
        )
        self._writer.write_request_response_pair(req, resp)

    def close(self) -> None:
        self._fh.close()


# ---------------------------------------------------------------- robots.txt


class Robots:
    """robots.txt per origin, read once, judged per RFC 9309.

    2xx: the rules apply (most specific match wins; protego implements the RFC). 4xx,
    401 and 403 included: no rules, all allowed. 5xx, a timeout or an unreachable host:
    everything disallowed, because the site may be struggling.
    """

    def __init__(self, fetcher: Fetcher) -> None:
        self.fetcher = fetcher
        self._rules: dict[tuple[str, str, int], Protego | bool] = {}
        self.why_closed: dict[tuple[str, str, int], str] = {}
        self.refused: dict[tuple[str, str, int], list[str]] = {}

    def robots_url(self, url: str) -> str:
        scheme, host, port = _origin(url)
        default = 443 if scheme == "https" else 80
        netloc = host if port == default else f"{host}:{port}"
        return f"{scheme}://{netloc}/robots.txt"

    def allowed(self, url: str) -> bool:
        origin = _origin(url)
        if origin not in self._rules:
            self._rules[origin] = self._load(origin, self.robots_url(url))
        rules = self._rules[origin]
        ok = rules if isinstance(rules, bool) else rules.can_fetch(url, ROBOTS_TOKEN)
        if not ok:
            self.refused.setdefault(origin, []).append(url)
        return ok

    def crawl_delay(self, url: str) -> float:
        rules = self._rules.get(_origin(url))
        if isinstance(rules, Protego):
            delay = rules.crawl_delay(ROBOTS_TOKEN)
            if delay:
                return min(float(delay), MAX_CRAWL_DELAY)
        return 0.0

    def _load(self, origin: tuple[str, str, int], url: str) -> Protego | bool:
        for _ in range(ROBOTS_MAX_REDIRECTS + 1):
            try:
                got = self.fetcher.get(url, accept=None, limit=ROBOTS_MAX_BYTES, cut=True)
            except FetchProblem as exc:
                self.why_closed[origin] = f"its robots.txt {exc}".replace("; not read", "")
                return False
            if got.is_redirect:
                url = urljoin(url, got.header("Location") or "")
                continue
            if 200 <= got.status < 300:
                text = got.body[:ROBOTS_MAX_BYTES].decode("utf-8", errors="replace")
                return Protego.parse(text)
            if 400 <= got.status < 500:
                return True
            self.why_closed[origin] = (
                f"its robots.txt answered {got.status} {got.reason}".strip()
                + " (a server error, which the robots rules treat as 'keep out')"
            )
            return False
        return True  # more redirects than RFC 9309 asks us to follow: treated as unavailable


# ---------------------------------------------------------------- the crawl


class _Progress:
    """Pages and images fetched, on stderr, only when stderr is a terminal."""

    def __init__(self, enabled: bool, max_pages: int) -> None:
        self.bar = None
        if not enabled or not sys.stderr.isatty():
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self.bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self.pages = self.bar.add_task("Pages fetched ", total=max_pages)
        self.images = self.bar.add_task("Images fetched", total=None)
        self.bar.start()

    def page(self) -> None:
        if self.bar:
            self.bar.advance(self.pages)

    def image(self) -> None:
        if self.bar:
            self.bar.advance(self.images)

    def close(self) -> None:
        if self.bar:
            self.bar.stop()


class Crawler:
    """Breadth-first over the pages in scope; each page's images right after it."""

    def __init__(self, opts: CrawlOptions, warc_path: Path) -> None:
        self.opts = opts
        self.start = normalise(opts.url)
        self.scope = Scope.of(self.start)
        self.warc = WarcOut(warc_path, self.start)
        self.fetcher = Fetcher(opts, self.warc)
        self.robots = Robots(self.fetcher)
        self.fetcher.delay_for = lambda url: max(opts.delay, self.robots.crawl_delay(url))
        self.notes: list[Skipped] = []
        self.seen_pages: set[str] = set()
        self.seen_images: set[str] = set()
        self.pages = 0
        self.images = 0
        self.progress = _Progress(opts.progress, opts.max_pages)

    def run(self) -> CrawlResult:
        try:
            self._crawl()
        finally:
            self.progress.close()
            self.warc.close()
        self._note_robots()
        return CrawlResult(
            warc=self.warc.path,
            pages=self.pages,
            images=self.images,
            requests=self.fetcher.requests,
            notes=tuple(self.notes),
        )

    def _crawl(self) -> None:
        if not self.robots.allowed(self.start):
            origin = _origin(self.start)
            why = self.robots.why_closed.get(origin)
            if why:
                raise CrawlError(
                    f"{self.start}: {why}, so nothing was fetched; "
                    "check the address, or try again later"
                )
            raise CrawlError(
                f"{self.start}: the site's robots.txt asks crawlers to stay out of this "
                "address, so nothing was fetched"
            )
        queue: deque[str] = deque([self.start])
        self.seen_pages.add(self.start)
        while queue and self.pages < self.opts.max_pages:
            url = queue.popleft()
            before = self.fetcher.requests
            got = self._follow(url, page=True, start=url == self.start)
            if self.fetcher.requests > before:  # robots.txt may have kept us out
                self.pages += 1
                self.progress.page()
            if got is None or not (200 <= got.status < 300) or got.mime not in HTML_TYPES:
                continue
            page = parse_page(got.body, got.url)
            for image in page.images:
                if image.src.startswith(("http://", "https://")):
                    self._image(image.src)
                    original = best_original(original_candidates(image))
                    if original:
                        self._image(original)
            for link in page.links:
                link = normalise(link)
                if link in self.seen_pages or not self.scope.contains(link):
                    continue
                if not _looks_like_page(link):
                    continue
                self.seen_pages.add(link)
                queue.append(link)
        if queue:
            self.notes.append(
                Skipped(
                    source=self.start,
                    reason=f"the crawl stopped at {self.opts.max_pages} pages (--max-pages); "
                    f"{len(queue)} more linked page{'s' if len(queue) != 1 else ''} "
                    "were not fetched",
                )
            )

    def _image(self, url: str) -> None:
        url = normalise(url)
        if url in self.seen_images:
            return
        self.seen_images.add(url)
        got = self._follow(url, page=False)
        if got is not None and 200 <= got.status < 300:
            self.images += 1
            self.progress.image()

    def _follow(self, url: str, *, page: bool, start: bool = False) -> Fetched | None:
        """Fetch one address, following redirects that stay allowed; None when not read.

        The start address may redirect anywhere (`http://school.uk` to
        `https://www.school.uk/`): the site is then the address it lands on.
        """
        accept = HTML_TYPES if page else IMAGE_TYPES
        limit = self.opts.max_page_bytes if page else self.opts.max_image_bytes
        chain: list[str] = []
        current = url
        for _ in range(self.opts.max_redirects + 1):
            if page and start and chain and not self.scope.contains(current):
                self.scope = Scope.of(current)
            if page and not self.scope.contains(current):
                self.notes.append(
                    Skipped(
                        source=chain[0] if chain else current,
                        reason=f"redirects to {current}, outside the site being checked; "
                        "not followed",
                    )
                )
                return None
            if not self.robots.allowed(current):
                return None
            try:
                got = self.fetcher.get(current, accept=accept, limit=limit)
            except FetchProblem as exc:
                self.notes.append(Skipped(source=current, reason=str(exc)))
                return None
            if not got.is_redirect:
                return got
            chain.append(current)
            current = normalise(urljoin(current, got.header("Location") or ""))
            if current in chain:
                self.notes.append(
                    Skipped(source=chain[0], reason="redirects in a loop; not followed")
                )
                return None
            if page and current in self.seen_pages:
                return None  # the target page is fetched (or queued) on its own
            if page:
                self.seen_pages.add(current)
        self.notes.append(
            Skipped(
                source=chain[0],
                reason=f"redirects more than {self.opts.max_redirects} times; not followed",
            )
        )
        return None

    def _note_robots(self) -> None:
        for origin, urls in self.robots.refused.items():
            shown = ", ".join(urlsplit(u).path or "/" for u in urls[:3])
            more = f" and {len(urls) - 3} more" if len(urls) > 3 else ""
            why = self.robots.why_closed.get(origin)
            reason = (
                f"{why}; so {len(urls)} address{'es' if len(urls) != 1 else ''} were not "
                f"fetched ({shown}{more})"
                if why
                else f"asks crawlers to stay out of {len(urls)} "
                f"address{'es' if len(urls) != 1 else ''} ({shown}{more}); not fetched"
            )
            self.notes.append(Skipped(source=self.robots.robots_url(urls[0]), reason=reason))


ORIGINAL_PREFERENCE = ("data-orig-file", "link", "WordPress", "data-large-file", "srcset")
"""Which hint most likely names the uploaded original itself, first."""


def best_original(candidates) -> str | None:
    """The one candidate original a crawl confirms with a single request."""
    if not candidates:
        return None

    def rank(c) -> int:
        return next(
            (i for i, p in enumerate(ORIGINAL_PREFERENCE) if c.how.startswith(p)),
            len(ORIGINAL_PREFERENCE),
        )

    return min(candidates, key=rank).url


def check_start_url(url: str) -> str:
    """The address to crawl, or a CrawlError saying what is wrong with it."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise CrawlError(
            f"{url}: not a web address; give the site's full address, "
            "like https://www.oakfield.sch.uk"
        )
    return normalise(url)


def crawl(opts: CrawlOptions, warc_path: Path) -> CrawlResult:
    """Fetch the site politely into `warc_path`."""
    check_start_url(opts.url)
    return Crawler(opts, warc_path).run()


def crawl_and_scan(opts: CrawlOptions, scan_opts, out: Path | None = None) -> Report:
    """Crawl into a WARC (kept at `out`, or a temporary file), then scan it like any WARC."""
    from scanner.pipeline import scan

    start = check_start_url(opts.url)
    tmpdir = None
    if out is None:
        tmpdir = Path(tempfile.mkdtemp(prefix="exposure-scan-crawl-"))
        warc_path = tmpdir / f"{urlsplit(start).hostname or 'site'}.warc.gz"
    else:
        warc_path = out
        warc_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        result = crawl(opts, warc_path)
        report = scan([str(warc_path)], scan_opts)
    finally:
        if tmpdir is not None:
            shutil.rmtree(tmpdir, ignore_errors=True)
    skipped = result.notes + report.skipped
    stats = dict(report.stats)
    stats["skipped"] = len(skipped)
    stats["crawl"] = {
        "pages_fetched": result.pages,
        "images_fetched": result.images,
        "requests": result.requests,
        "warc": str(out) if out else None,
    }
    inputs = (start,) + ((str(out),) if out else ())
    return replace(report, skipped=skipped, stats=stats, inputs=inputs)
