"""WARC input: pages become web posts, archived images are matched to the pages showing
them, revisits and redirects are resolved, chunked bodies decoded, damage reported.

Real archives are read in place from ../shared/real_exports/warc; the synthetic ones are
written here with warcio from scikit-image pictures.
"""

from __future__ import annotations

import gzip
import hashlib
import io
from pathlib import Path

import pytest
from conftest import REAL_EXPORTS
from school_site import jpeg
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from scanner.ingest import ingest
from scanner.ingest.archive import read_ref
from scanner.ingest.warc import index_warc, is_warc

SITE = "https://www.oakfield.sch.uk"


def _pywb(real: Path) -> Path:
    return real / "warc/webrecorder__pywb/sample_archive/warcs/iana.warc.gz"


def _warcio(real: Path, name: str) -> Path:
    return real / "warc/webrecorder__warcio/test/data" / name


# ---------------------------------------------------------------- writing test archives


class Archive:
    """A WARC built record by record, the way a web archiver would write it."""

    def __init__(self, path: Path, gzipped: bool = True) -> None:
        self.path = path
        self.fh = open(path, "wb")  # noqa: SIM115 - closed in close()
        self.w = WARCWriter(self.fh, gzip=gzipped)

    def response(
        self, url: str, body: bytes, ctype: str, status: str = "200 OK", headers=()
    ) -> None:
        http = StatusAndHeaders(
            status,
            [("Content-Type", ctype), ("Content-Length", str(len(body))), *headers],
            protocol="HTTP/1.1",
        )
        rec = self.w.create_warc_record(
            url, "response", payload=io.BytesIO(body), length=len(body), http_headers=http
        )
        self.w.write_record(rec)

    def raw_response(self, url: str, raw_http: bytes) -> None:
        """A response whose HTTP message is stored exactly as it came off the wire."""
        rec = self.w.create_warc_record(
            url, "response", payload=io.BytesIO(raw_http), length=len(raw_http)
        )
        self.w.write_record(rec)

    def revisit(self, url: str, of_url: str, body: bytes) -> None:
        digest = "sha1:" + _b32(hashlib.sha1(body).digest())
        http = StatusAndHeaders("200 OK", [("Content-Type", "image/jpeg")], protocol="HTTP/1.1")
        rec = self.w.create_revisit_record(
            url, digest, of_url, "2024-06-01T10:00:00Z", http_headers=http
        )
        self.w.write_record(rec)

    def close(self) -> Path:
        self.fh.close()
        return self.path


def _b32(raw: bytes) -> str:
    import base64

    return base64.b32encode(raw).decode()


def _chunked(body: bytes, size: int = 1000) -> bytes:
    out = b""
    for i in range(0, len(body), size):
        part = body[i : i + size]
        out += f"{len(part):x}\r\n".encode() + part + b"\r\n"
    return out + b"0\r\n\r\n"


def _page(title: str, body: str) -> bytes:
    return (
        f"<html><head><title>{title}</title></head><body><main>{body}</main></body></html>".encode()
    )


@pytest.fixture
def school_warc(tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    """A small archived school site: a gallery page whose images arrive every way a web
    archive stores them (plain, chunked and gzipped, via a redirect, as a revisit)."""
    pics = {
        "plain": jpeg("astronaut", (640, 480)),
        "chunked": jpeg("chelsea", (500, 400), gps=True, camera=True),
        "moved": jpeg("coffee", (400, 300)),
        "loose": jpeg("chelsea", (320, 240)),
        "original": jpeg("astronaut", (1200, 800)),
        "shown": jpeg("astronaut", (300, 200)),
    }
    gallery = """
      <h1>Sports day</h1>
      <figure><img src="/img/plain.jpg" alt="Relay"><figcaption>Relay race</figcaption></figure>
      <figure><img src="/img/chunked.jpg" alt="Long jump"></figure>
      <figure><img src="/img/old-name.jpg" alt="Egg and spoon"></figure>
      <figure><img src="/img/copy.jpg" alt="Sack race"></figure>
      <figure><img src="/uploads/photo-300x200.jpg" alt="Winners"></figure>
      <figure><img src="/img/never-archived.jpg" alt="Tug of war"></figure>
      <img src="/img/logo.svg" alt="School logo">
    """
    a = Archive(tmp_path / "school.warc.gz")
    a.response(f"{SITE}/sports-day/", _page("Sports day", gallery), "text/html; charset=utf-8")
    a.response(f"{SITE}/img/plain.jpg", pics["plain"], "image/jpeg")
    gz = gzip.compress(pics["chunked"])
    a.raw_response(
        f"{SITE}/img/chunked.jpg",
        b"HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\nContent-Encoding: gzip\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n" + _chunked(gz),
    )
    a.response(
        f"{SITE}/img/old-name.jpg",
        b"",
        "text/html",
        status="301 Moved Permanently",
        headers=[("Location", "/img/new-name.jpg")],
    )
    a.response(f"{SITE}/img/new-name.jpg", pics["moved"], "image/jpeg")
    a.revisit(f"{SITE}/img/copy.jpg", f"{SITE}/img/plain.jpg", pics["plain"])
    a.response(f"{SITE}/uploads/photo-300x200.jpg", pics["shown"], "image/jpeg")
    a.response(f"{SITE}/uploads/photo.jpg", pics["original"], "image/jpeg")
    a.response(
        f"{SITE}/img/logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml"
    )
    a.response(f"{SITE}/img/loose.jpg", pics["loose"], "image/jpeg")
    a.response(f"{SITE}/old-page/", _page("Gone", "gone"), "text/html", status="404 Not Found")
    a.response(
        f"{SITE}/governors/", _page("Log in", "private"), "text/html", status="403 Forbidden"
    )
    return a.close(), pics


def _posts(path: Path):
    posts, skipped = ingest([str(path)])
    return {p.locator: p for p in posts}, skipped


# ---------------------------------------------------------------- synthetic archives


def test_archived_page_becomes_a_web_post_with_its_images(school_warc) -> None:
    path, pics = school_warc
    posts, _ = _posts(path)
    page = posts[f"{SITE}/sports-day/"]
    assert page.platform == "web"
    assert page.url == f"{SITE}/sports-day/"
    assert page.texts["title"] == "Sports day"
    by_alt = {m.texts.get("alt"): m for m in page.media}
    assert by_alt["Relay"].texts["caption"] == "Relay race"
    # Each archived image reads back byte for byte, however the archive stored it.
    assert read_ref(by_alt["Relay"].ref) == pics["plain"]
    assert read_ref(by_alt["Long jump"].ref) == pics["chunked"]  # chunked + gzip
    assert read_ref(by_alt["Egg and spoon"].ref) == pics["moved"]  # via a 301
    assert read_ref(by_alt["Sack race"].ref) == pics["plain"]  # a revisit record
    # Listed by address although the archive lacks it, so its texts are still judged.
    assert by_alt["Tug of war"].ref is None
    assert by_alt["Tug of war"].locator == f"{SITE}/img/never-archived.jpg"
    # Drawings are not photos of pupils: not analysed, not reported as unreadable.
    assert "School logo" not in by_alt


def test_original_in_the_archive_is_confirmed_with_its_real_size(school_warc) -> None:
    path, _ = school_warc
    posts, _ = _posts(path)
    media = next(m for m in posts[f"{SITE}/sports-day/"].media if m.texts.get("alt") == "Winners")
    facts = media.platform_facts
    assert facts.original_url == f"{SITE}/uploads/photo.jpg"
    assert facts.original_locator == f"{SITE}/uploads/photo.jpg"
    # photo.jpg declares no size in its name: the size comes from the archived file itself.
    assert (facts.original_width, facts.original_height) == (1200, 800)


def test_image_no_archived_page_shows_is_still_judged(school_warc) -> None:
    path, pics = school_warc
    posts, _ = _posts(path)
    loose = posts[f"{SITE}/img/loose.jpg"]
    assert loose.platform == "web"
    assert "no archived page shows it" in loose.notes[0]
    assert read_ref(loose.media[0].ref) == pics["loose"]
    # Images a page does show (or names as its original) are not reported twice.
    assert f"{SITE}/img/plain.jpg" not in posts
    assert f"{SITE}/uploads/photo.jpg" not in posts


def test_error_and_login_pages_are_reported_in_plain_words(school_warc) -> None:
    path, _ = school_warc
    posts, skipped = _posts(path)
    reasons = {s.source: s.reason for s in skipped}
    assert "404 Not Found" in reasons[f"{SITE}/old-page/"]
    assert "login" in reasons[f"{SITE}/governors/"]
    assert "out of scope" in reasons[f"{SITE}/governors/"]
    assert f"{SITE}/old-page/" not in posts


def test_scan_of_a_warc_judges_its_pages(school_warc, run_cli) -> None:
    path, _ = school_warc
    res = run_cli("scan", path, "--format", "json", "--no-cache", "--fail-on", "never")
    assert res.code == 0, res.err
    report = res.json()
    posts = {p["locator"]: p for p in report["posts"]}
    page = posts[f"{SITE}/sports-day/"]
    rules = {f["rule"] for f in page["findings"]}
    # The chunked, gzipped image carries GPS: found through every layer of encoding.
    assert "location-in-metadata" in rules
    analysed = {m["locator"]: m for m in page["media"]}
    assert analysed[f"{SITE}/img/chunked.jpg"]["width"] == 500
    assert analysed[f"{SITE}/img/new-name.jpg"]["width"] == 400
    assert not any("logo.svg" in s["source"] for s in report["skipped"])


def test_damaged_record_is_skipped_and_the_rest_is_read(tmp_path: Path, run_cli) -> None:
    a = Archive(tmp_path / "cut.warc.gz")
    a.response(f"{SITE}/", _page("Home", "<p>Welcome</p>"), "text/html")
    a.response(f"{SITE}/news/", _page("News", '<img src="/a.jpg" alt="Team">'), "text/html")
    a.response(f"{SITE}/a.jpg", jpeg("coffee", (800, 600)), "image/jpeg")
    data = a.close().read_bytes()
    cut = tmp_path / "cut-short.warc.gz"
    cut.write_bytes(data[: len(data) - 20_000])  # the image record loses its end
    posts, skipped = _posts(cut)
    assert {f"{SITE}/", f"{SITE}/news/"} <= set(posts)
    assert skipped, "a cut-short archive must be reported"
    assert all(s.reason and "\n" not in s.reason for s in skipped)
    res = run_cli("scan", cut, "--format", "json", "--no-cache", "--fail-on", "never")
    assert res.code == 0
    assert "WARNING" not in res.err


def test_single_block_gzip_warc_gets_a_clear_message(tmp_path: Path, run_cli) -> None:
    a = Archive(tmp_path / "plain.warc", gzipped=False)
    a.response(f"{SITE}/", _page("Home", "<p>Welcome</p>"), "text/html")
    a.response(f"{SITE}/news/", _page("News", "<p>Today</p>"), "text/html")
    whole = tmp_path / "whole.warc.gz"
    whole.write_bytes(gzip.compress(a.close().read_bytes()))
    res = run_cli("scan", whole, "--format", "json", "--no-cache")
    reasons = [s["reason"] for s in res.json()["skipped"]]
    assert any("warcio recompress" in r for r in reasons), reasons


def test_warc_is_recognised_by_content_not_name(tmp_path: Path) -> None:
    a = Archive(tmp_path / "export.bin")
    a.response(f"{SITE}/", _page("Home", "<p>Welcome</p>"), "text/html")
    named_oddly = a.close()
    assert is_warc(str(named_oddly))
    posts, _ = _posts(named_oddly)
    assert f"{SITE}/" in posts
    fake = tmp_path / "fake.warc.gz"
    fake.write_bytes(gzip.compress(b"<html>not an archive</html>"))
    assert not is_warc(str(fake))
    posts, skipped = _posts(fake)
    assert not posts and skipped


# ---------------------------------------------------------------- real archives


@pytest.fixture(scope="module")
def iana_report():
    """One scan of the real pywb archive, shared: parsing its 1.3 MB of HTML takes seconds."""
    if not REAL_EXPORTS.is_dir():
        pytest.skip("../shared/real_exports is not present on this machine")
    from datetime import date

    from scanner.pipeline import ScanOptions, scan
    from scanner.resources import default_policy_path
    from scanner.rules import load_policy

    opts = ScanOptions(policy=load_policy(default_policy_path(), None), as_of=date(2025, 1, 1))
    return scan([str(_pywb(REAL_EXPORTS))], opts)


def test_pywb_iana_archive_yields_its_pages_and_images(iana_report) -> None:
    posts = {r.post.locator: r for r in iana_report.posts}
    pages = [r.post for r in iana_report.posts if not r.post.notes]
    assert len(pages) >= 15
    assert all(p.platform == "web" for p in pages)
    home = posts["http://www.iana.org/"].post
    assert home.texts["title"] == "Internet Assigned Numbers Authority"
    assert "https://www.iana.org/dnssec" in posts  # reached through an archived redirect
    # The one raster image is analysed although only the style sheet shows it.
    logo = "http://www.iana.org/_img/2013.1/iana-logo-homepage.png"
    facts = next(m.facts for m in posts[logo].media if m.media.locator == logo)
    assert facts is not None and facts.format == "PNG"
    assert iana_report.skipped == ()


def test_revisit_records_point_at_the_capture_they_repeat(real_exports: Path) -> None:
    index = index_warc(str(_pywb(real_exports)))
    http = index.captures["http://www.iana.org/_css/2013.1/print.css"]
    https = index.captures["https://www.iana.org/_css/2013.1/print.css"]  # a revisit
    assert https.offset == http.offset


def test_chunked_real_capture_is_decoded(real_exports: Path) -> None:
    posts, skipped = _posts(_warcio(real_exports, "example-iana.org-chunked.warc"))
    page = posts["http://www.iana.org/"]
    assert page.texts["title"] == "Internet Assigned Numbers Authority"
    assert "Domain Names" in page.texts["body"]
    assert not skipped


def test_truncated_real_capture_is_skipped(real_exports: Path, run_cli) -> None:
    path = _warcio(real_exports, "example-trunc.warc")
    res = run_cli("scan", path, "--format", "json", "--no-cache")
    skipped = res.json()["skipped"]
    assert [s["source"] for s in skipped] == ["http://example.com/"]
    assert "cut short or damaged" in skipped[0]["reason"]
    assert "WARNING" not in res.err


@pytest.mark.parametrize("name", ["example.warc", "example.warc.gz", "example-resource.warc.gz"])
def test_real_example_captures_give_one_page(real_exports: Path, name: str) -> None:
    posts, skipped = _posts(_warcio(real_exports, name))
    assert list(posts) == ["http://example.com/"]  # a revisit of the page is the same page
    assert posts["http://example.com/"].texts["title"] == "Example Domain"
    assert not skipped


def test_archived_bytes_match_what_warcio_reads(real_exports: Path) -> None:
    path = _pywb(real_exports)
    index = index_warc(str(path))
    cap = index.captures["http://www.iana.org/_img/2013.1/iana-logo-homepage.png"]
    from scanner.model import MediaRef

    ours = read_ref(MediaRef(container=str(path), record_offset=cap.offset))
    with open(path, "rb") as fh:
        for rec in ArchiveIterator(fh):
            if rec.rec_type == "response" and rec.rec_headers.get_header(
                "WARC-Target-URI"
            ).endswith("iana-logo-homepage.png"):
                theirs = rec.content_stream().read()
                break
    assert ours == theirs and ours.startswith(b"\x89PNG")
