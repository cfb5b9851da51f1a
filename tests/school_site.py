"""A fictional school website served over real HTTP on 127.0.0.1, for the crawl tests.

Three servers play three hosts: the school site, an off-site host the crawl must never
read pages from, and a CDN serving some of the school's photos. Every request is logged
with its time, so tests can assert exactly what was fetched and how fast. Pictures come
from scikit-image's bundled data (never real children), some with camera EXIF and GPS.
"""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HUGE_BYTES = 50 * 1024 * 1024
SLOW_SECONDS = 1.5


# ---------------------------------------------------------------- pictures


@cache
def jpeg(kind: str, size: tuple[int, int], *, gps: bool = False, camera: bool = False) -> bytes:
    """A JPEG made from a scikit-image sample, resized, optionally with camera EXIF and GPS."""
    from PIL import Image
    from skimage import data

    pixels = {"astronaut": data.astronaut, "chelsea": data.chelsea, "coffee": data.coffee}[kind]()
    img = Image.fromarray(pixels).convert("RGB").resize(size)
    exif = Image.Exif()
    if camera:
        exif[0x010F] = "Canon"
        exif[0x0110] = "Canon EOS 250D"
    if gps:
        exif[0x8825] = {
            1: "N",
            2: (51.0, 30.0, 12.5),
            3: "W",
            4: (0.0, 7.0, 40.0),
        }
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=85, exif=exif)
    return buf.getvalue()


@cache
def png_logo() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (120, 60), (20, 60, 140)).save(buf, "PNG")
    return buf.getvalue()


# ---------------------------------------------------------------- serving


@dataclass(frozen=True)
class Answer:
    status: int = 200
    body: bytes | Callable[[], Iterator[bytes]] = b""
    ctype: str = "text/html; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()
    sleep: float = 0.0
    length: int | None = None
    """Declared Content-Length when the body is streamed."""


@dataclass
class Host:
    """One server: its routes and the log of every request it received."""

    name: str
    routes: dict[str, Answer] = field(default_factory=dict)
    log: list[tuple[float, str, str, str]] = field(default_factory=list)
    """(monotonic time, host name, method, path)."""
    agents: set[str] = field(default_factory=set)
    """Every User-Agent header this host saw."""
    port: int = 0
    dynamic: Callable[[str], Answer | None] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def paths(self) -> list[str]:
        return [p for _t, _h, _m, p in self.log]


def _handler(host: Host, shared_log: list, lock: threading.Lock):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # keep test output quiet
            pass

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            entry = (time.monotonic(), host.name, "GET", self.path)
            with lock:
                host.log.append(entry)
                host.agents.add(self.headers.get("User-Agent", ""))
                shared_log.append(entry)
            answer = host.routes.get(self.path)
            if answer is None and host.dynamic:
                answer = host.dynamic(self.path)
            if answer is None:
                answer = Answer(status=404, body=b"<html><title>Not found</title></html>")
            if answer.sleep:
                time.sleep(answer.sleep)
            with suppress(BrokenPipeError, ConnectionResetError):
                self._send(answer)

        def _send(self, answer: Answer) -> None:
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.ctype)
            for k, v in answer.headers:
                self.send_header(k, v)
            if callable(answer.body):
                if answer.length is not None:
                    self.send_header("Content-Length", str(answer.length))
                else:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                self.end_headers()
                for chunk in answer.body():
                    self.wfile.write(chunk)
                return
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)

    return Handler


@contextmanager
def serve(*hosts: Host) -> Iterator[list[tuple[float, str, str, str]]]:
    """Run each host on its own 127.0.0.1 port in a thread; yield the shared request log."""
    shared: list[tuple[float, str, str, str]] = []
    lock = threading.Lock()
    servers = []
    for host in hosts:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(host, shared, lock))
        server.daemon_threads = True
        host.port = server.server_address[1]
        threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True).start()
        servers.append(server)
    try:
        yield shared
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


# ---------------------------------------------------------------- the school


def _zeros() -> Iterator[bytes]:
    chunk = b"<p>" + b"0" * (1024 * 1024 - 3)
    for _ in range(HUGE_BYTES // len(chunk)):
        yield chunk


def _page(title: str, body: str) -> bytes:
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head>"
        f"<body><main>{body}</main></body></html>"
    ).encode()


@dataclass
class School:
    site: Host
    offsite: Host
    cdn: Host


def school() -> School:
    """The fixture school's three hosts; `wire` fills in the routes once ports are known."""
    return School(site=Host("site"), offsite=Host("offsite"), cdn=Host("cdn"))


UPLOADS = "/school/wp-content/uploads/2024/06"
ROBOTS_TXT = b"User-agent: *\nDisallow: /school/staff/\n"


def wire(s: School, robots: Answer | None = None) -> None:
    """Fill in every route; needs the ports, so call inside `serve`."""
    cdn, off = s.cdn.base, s.offsite.base
    home = f"""
      <h1>Welcome to Oakfield Primary</h1>
      <img src="img/logo.png" alt="Oakfield Primary logo">
      <ul>
        <li><a href="news/sports-day.html">Sports day</a></li>
        <li><a href="gallery/">Gallery</a></li>
        <li><a href="about.html">About us</a></li>
        <li><a href="staff/">Staff area</a> <a href="staff/rota.html">Rota</a></li>
        <li><a href="newsletter">Newsletter</a> <a href="newsletter.pdf">PDF</a></li>
        <li><a href="missing.html">Old page</a> <a href="slow.html">Slow</a></li>
        <li><a href="huge.html">Huge</a> <a href="loop/a">Loop</a></li>
        <li><a href="endless/1">Endless</a> <a href="old-news">Old news</a></li>
        <li><a href="governors/">Governors</a> <a href="parents/">Parents</a>
        <a href="/other/page.html">Other</a></li>
        <li><a href="{off}/elsewhere.html">Friends</a> <a href="mailto:office@oakfield.test">
        Mail</a> <a href="#top">Top</a></li>
      </ul>"""
    sports = f"""
      <h1>Sports day 2024</h1>
      <p>What a day! Every class took part in the races.</p>
      <figure class="wp-block-image">
        <img src="{UPLOADS}/sports-day-300x200.jpg" class="wp-image-12" alt="Sprint final"
             srcset="{UPLOADS}/sports-day-300x200.jpg 300w, {UPLOADS}/sports-day-768x512.jpg 768w"
             width="300" height="200">
        <figcaption>Well done Amelia Hughes, winner of the 100m sprint!</figcaption>
      </figure>"""
    gallery = f"""
      <h1>Year 6 residential</h1>
      <div class="gallery">
        <figure><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" class="lazyload"
             data-src="{cdn}/media/trip-1.jpg"
             data-srcset="{cdn}/media/trip-1.jpg 800w, {cdn}/media/trip-1-1600.jpg 1600w"
             alt="Climbing wall"></figure>
        <figure><img class="lazyload" data-src="{cdn}/media/trip-2.jpg" alt="Campfire">
        <noscript><img src="{cdn}/media/trip-2.jpg" alt="Campfire"></noscript></figure>
      </div>"""
    login = """
      <h1>Parents' area</h1>
      <form action="/school/login" method="post" id="parent-login">
        <input name="user"><input type="password" name="pw"><button>Log in</button>
      </form>"""
    big = jpeg("astronaut", (2400, 1600), gps=True, camera=True)
    s.site.routes.update(
        {
            "/robots.txt": robots or Answer(body=ROBOTS_TXT, ctype="text/plain"),
            "/school/": Answer(body=_page("Oakfield Primary School", home)),
            "/school/img/logo.png": Answer(body=png_logo(), ctype="image/png"),
            "/school/news/sports-day.html": Answer(body=_page("Sports day", sports)),
            f"{UPLOADS}/sports-day-300x200.jpg": Answer(
                body=jpeg("astronaut", (300, 200)), ctype="image/jpeg"
            ),
            f"{UPLOADS}/sports-day-768x512.jpg": Answer(
                body=jpeg("astronaut", (768, 512)), ctype="image/jpeg"
            ),
            f"{UPLOADS}/sports-day.jpg": Answer(body=big, ctype="image/jpeg"),
            "/school/gallery/": Answer(body=_page("Gallery", gallery)),
            "/school/about.html": Answer(
                body=_page("About us", "<p>We are a friendly school.</p>")
            ),
            "/school/staff/": Answer(body=_page("Staff", '<a href="rota.html">Rota</a>')),
            "/school/staff/rota.html": Answer(body=_page("Rota", "<p>Duties</p>")),
            "/school/newsletter": Answer(body=b"%PDF-1.4\n%fake\n", ctype="application/pdf"),
            "/school/newsletter.pdf": Answer(body=b"%PDF-1.4\n%fake\n", ctype="application/pdf"),
            "/school/slow.html": Answer(body=_page("Slow", "<p>late</p>"), sleep=SLOW_SECONDS),
            "/school/huge.html": Answer(body=_zeros, length=HUGE_BYTES),
            "/school/loop/a": Answer(status=302, headers=(("Location", "/school/loop/b"),)),
            "/school/loop/b": Answer(status=302, headers=(("Location", "/school/loop/a"),)),
            "/school/old-news": Answer(status=301, headers=(("Location", f"{off}/news.html"),)),
            "/school/governors/": Answer(
                status=401,
                body=_page("Log in", "<p>Governors only</p>"),
                headers=(("WWW-Authenticate", 'Basic realm="governors"'),),
            ),
            "/school/parents/": Answer(body=_page("Parents' area - log in", login)),
            "/other/page.html": Answer(body=_page("Other", "<p>Not the school part</p>")),
        }
    )

    def endless(path: str) -> Answer | None:
        if path.startswith("/school/endless/"):
            n = int(path.rsplit("/", 1)[1])
            return Answer(status=302, headers=(("Location", f"/school/endless/{n + 1}"),))
        return None

    s.site.dynamic = endless
    s.offsite.routes.update(
        {
            "/robots.txt": Answer(body=b"User-agent: *\nAllow: /\n", ctype="text/plain"),
            "/elsewhere.html": Answer(body=_page("Elsewhere", "<p>Another site</p>")),
            "/news.html": Answer(body=_page("News", "<p>Another site</p>")),
        }
    )
    s.cdn.routes.update(
        {
            "/media/trip-1.jpg": Answer(
                body=jpeg("astronaut", (800, 600), gps=True, camera=True), ctype="image/jpeg"
            ),
            "/media/trip-1-1600.jpg": Answer(
                body=jpeg("astronaut", (1600, 1200), camera=True), ctype="image/jpeg"
            ),
            "/media/trip-2.jpg": Answer(body=jpeg("coffee", (640, 480)), ctype="image/jpeg"),
        }
    )
