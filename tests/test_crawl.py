"""The polite live crawl, against a fixture school site on 127.0.0.1 (three ports: the
school, an off-site host and a CDN). Nothing here talks to any other address.
"""

from __future__ import annotations

import io
import json
import socket
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest
from school_site import UPLOADS, Answer, Host, School, school, serve, wire
from warcio.archiveiterator import ArchiveIterator

from scanner.cli import main
from scanner.crawl import CrawlOptions, Scope, crawl

TIMEOUT = "0.5"
ENDLESS = [f"/school/endless/{n}" for n in range(1, 12)]  # 1 request + 10 redirects
SITE_FETCHED = {
    "/robots.txt",
    "/school/",
    "/school/img/logo.png",
    "/school/news/sports-day.html",
    f"{UPLOADS}/sports-day-300x200.jpg",
    f"{UPLOADS}/sports-day.jpg",  # the WordPress original, confirmed with one request
    "/school/gallery/",
    "/school/about.html",
    "/school/newsletter",
    "/school/missing.html",
    "/school/slow.html",
    "/school/huge.html",
    "/school/loop/a",
    "/school/loop/b",
    *ENDLESS,
    "/school/old-news",
    "/school/governors/",
    "/school/parents/",
}
CDN_FETCHED = {"/robots.txt", "/media/trip-1.jpg", "/media/trip-1-1600.jpg", "/media/trip-2.jpg"}


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self) -> dict:
        return json.loads(self.out)


def _cli(*args: object) -> Run:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main([str(a) for a in args])
    return Run(code, out.getvalue(), err.getvalue())


@pytest.fixture(autouse=True)
def _private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))


@dataclass
class Crawled:
    school: School
    run: Run
    warc: Path

    @property
    def report(self) -> dict:
        return self.run.json()

    def posts(self) -> dict[str, dict]:
        base = self.school.site.base
        return {p["locator"].replace(base, ""): p for p in self.report["posts"]}

    def skipped(self) -> dict[str, str]:
        base = self.school.site.base
        return {s["source"].replace(base, ""): s["reason"] for s in self.report["skipped"]}


def _crawl_school(tmp: Path, *args: object, robots: Answer | None = None) -> Crawled:
    s = school()
    warc = tmp / "site.warc.gz"
    with serve(s.site, s.offsite, s.cdn):
        wire(s, robots=robots)
        run = _cli(
            "crawl",
            f"{s.site.base}/school/",
            "--timeout",
            TIMEOUT,
            "--out",
            warc,
            "--format",
            "json",
            "--no-cache",
            *args,
        )
    return Crawled(school=s, run=run, warc=warc)


def _fetch_school(tmp: Path, robots: Answer, max_pages: int = 200) -> School:
    """Crawl only (no scan), for tests about what is fetched."""
    s = school()
    with serve(s.site, s.offsite, s.cdn):
        wire(s, robots=robots)
        opts = CrawlOptions(
            url=f"{s.site.base}/school/", delay=0, timeout=0.5, max_pages=max_pages, progress=False
        )
        crawl(opts, tmp / "site.warc.gz")
    return s


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> Crawled:
    """One full crawl of the school, shared by the tests that only look at its results."""
    tmp = tmp_path_factory.mktemp("crawl")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_CACHE_HOME", str(tmp / "xdg-cache"))
        mp.setenv("XDG_DATA_HOME", str(tmp / "xdg-data"))
        return _crawl_school(tmp, "--delay", "0")


# ---------------------------------------------------------------- what is fetched


def test_crawl_fetches_exactly_what_it_is_allowed(full: Crawled) -> None:
    site = full.school.site.paths()
    assert set(site) == SITE_FETCHED
    assert len(site) == len(set(site)), "an address was fetched twice"
    assert set(full.school.cdn.paths()) == CDN_FETCHED  # photos embedded from the CDN


def test_crawl_never_reads_disallowed_or_out_of_scope_pages(full: Crawled) -> None:
    site = full.school.site.paths()
    assert not [p for p in site if p.startswith("/school/staff/")]  # robots.txt: Disallow
    assert "/other/page.html" not in site  # same host, outside the folder given
    assert "/school/newsletter.pdf" not in site  # a document link, never a page
    assert full.school.offsite.paths() == []  # neither its link nor the redirect to it


def test_user_agent_names_the_tool_and_its_purpose(full: Crawled) -> None:
    agents = full.school.site.agents | full.school.cdn.agents
    assert len(agents) == 1
    agent = agents.pop()
    assert agent.startswith("exposure-scan/")
    assert "photo-safety audit" in agent and "robots.txt" in agent


def test_every_failure_is_recorded_and_the_crawl_goes_on(full: Crawled) -> None:
    reasons = full.skipped()
    assert "not a web page or image (application/pdf)" in reasons["/school/newsletter"]
    assert "did not answer within 0.5 seconds" in reasons["/school/slow.html"]
    assert "50 MB, over the 5 MB limit" in reasons["/school/huge.html"]
    assert "loop" in reasons["/school/loop/a"]
    assert "more than 10 times" in reasons["/school/endless/1"]
    assert "outside the site being checked" in reasons["/school/old-news"]
    assert "404 Not Found" in reasons["/school/missing.html"]
    assert "login" in reasons["/school/governors/"]
    assert "stay out of 2 addresses" in reasons["/robots.txt"]
    # ...and pages linked after each of those were still fetched and judged.
    assert "/school/parents/" in full.posts()


# ---------------------------------------------------------------- the WARC and the scan


def test_warc_written_is_valid_and_holds_what_was_fetched(full: Crawled) -> None:
    site, cdn = full.school.site.base, full.school.cdn.base
    responses, requests = set(), 0
    with open(full.warc, "rb") as fh:
        for rec in ArchiveIterator(fh, check_digests=True):
            if rec.rec_type == "response":
                rec.content_stream().read()
                responses.add(rec.rec_headers.get_header("WARC-Target-URI"))
            if rec.rec_type == "request":
                requests += 1
                assert rec.http_headers.get_header("User-Agent").startswith("exposure-scan/")
            assert rec.digest_checker.passed is not False
    not_read = {"/school/newsletter", "/school/slow.html", "/school/huge.html"}
    assert responses == {site + p for p in SITE_FETCHED - not_read} | {cdn + p for p in CDN_FETCHED}
    assert requests == len(responses)


def test_scan_flags_the_expected_pages(full: Crawled) -> None:
    assert full.run.code == 1  # a critical finding, at or above --fail-on high
    posts = full.posts()
    assert set(posts) == {
        "/school/",
        "/school/news/sports-day.html",
        "/school/gallery/",
        "/school/about.html",
        "/school/parents/",
    }
    rules = {loc: {f["rule"] for f in p["findings"]} for loc, p in posts.items()}
    # The CDN photo carries GPS; its 1600px srcset copy was fetched, so it is confirmed.
    assert {"location-in-metadata", "original-exposed"} <= rules["/school/gallery/"]
    sports = posts["/school/news/sports-day.html"]
    exposed = next(f for f in sports["findings"] if f["rule"] == "original-exposed")
    assert "2400x1600" in exposed["evidence"]  # the size measured from the fetched original
    assert "name-with-image" in rules["/school/news/sports-day.html"]
    assert not [f for f in posts["/school/about.html"]["findings"] if f["severity"] != "low"]
    assert "login" in posts["/school/parents/"]["notes"][0]
    assert full.report["summary"]["crawl"]["pages_fetched"] == 13


def test_scanning_the_saved_warc_gives_the_same_report(full: Crawled) -> None:
    # The servers are gone by now: a scan never touches the network.
    again = _cli("scan", full.warc, "--format", "json", "--no-cache")
    crawl_posts = {p["locator"]: p for p in full.report["posts"]}
    scan_posts = {p["locator"]: p for p in again.json()["posts"]}
    assert set(crawl_posts) == set(scan_posts)
    for loc, post in crawl_posts.items():
        assert post["findings"] == scan_posts[loc]["findings"]
        assert post["band"] == scan_posts[loc]["band"]


# ---------------------------------------------------------------- limits


def test_max_pages_is_honoured(tmp_path: Path) -> None:
    c = _crawl_school(tmp_path, "--delay", "0", "--max-pages", "2")
    pages = [
        p for p in c.school.site.paths() if p != "/robots.txt" and not p.endswith((".jpg", ".png"))
    ]
    assert pages == ["/school/", "/school/news/sports-day.html"]
    assert "stopped at 2 pages" in c.skipped()["/school/"]


def test_delay_is_kept_between_every_request(tmp_path: Path) -> None:
    s = school()
    with serve(s.site, s.offsite, s.cdn) as log:
        wire(s)
        run = _cli(
            "crawl", f"{s.site.base}/school/", "--delay", "0.3", "--max-pages", "1",
            "--format", "json", "--no-cache",
        )  # fmt: skip
    assert run.code in (0, 1), run.err
    times = [t for t, *_ in log]
    assert len(times) == 3  # robots.txt, the home page, its logo
    # Measured where the server receives each request, so allow for a little jitter.
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert min(gaps) >= 0.22, gaps
    assert times[-1] - times[0] >= 0.55, gaps


def test_robots_crawl_delay_slows_the_crawl_further(tmp_path: Path) -> None:
    s = school()
    rules = b"User-agent: *\nCrawl-delay: 0.3\nDisallow: /school/staff/\n"
    with serve(s.site, s.offsite, s.cdn) as log:
        wire(s, robots=Answer(body=rules, ctype="text/plain"))
        run = _cli(
            "crawl", f"{s.site.base}/school/", "--delay", "0", "--max-pages", "1",
            "--format", "json", "--no-cache",
        )  # fmt: skip
    assert run.code in (0, 1), run.err
    times = [t for t, *_ in log]
    assert len(times) == 3
    assert times[2] - times[1] >= 0.22  # after robots.txt was read, its delay applies


def test_streamed_responses_are_capped_in_size_and_time(tmp_path: Path) -> None:
    def endless_bytes():
        while True:
            yield b"<p>" + b"x" * 65533

    def dribble():
        import time

        for _ in range(40):
            time.sleep(0.05)
            yield b"<p>"

    host = Host("site")
    home = b'<a href="big.html">big</a> <a href="drip.html">drip</a> <a href="ok.html">ok</a>'
    host.routes.update(
        {
            "/": Answer(body=b"<html><title>Home</title><body>" + home + b"</body></html>"),
            "/big.html": Answer(body=endless_bytes),  # no Content-Length: read until the cap
            "/drip.html": Answer(body=dribble),  # never silent for long, but never done
            "/ok.html": Answer(body=b"<html><title>OK</title></html>"),
        }
    )
    with serve(host):
        opts = CrawlOptions(
            url=f"{host.base}/", delay=0, timeout=0.6, max_page_bytes=200_000, progress=False
        )
        result = crawl(opts, tmp_path / "c.warc.gz")
    reasons = {s.source.replace(host.base, ""): s.reason for s in result.notes}
    assert "larger than the 200,000 bytes limit" in reasons["/big.html"]
    assert "took more than 0.6 seconds" in reasons["/drip.html"]
    assert "/ok.html" in host.paths()
    assert result.pages == 4


# ---------------------------------------------------------------- robots.txt (RFC 9309)


@pytest.mark.parametrize("status", [401, 403, 404])
def test_robots_txt_client_error_means_everything_allowed(tmp_path: Path, status: int) -> None:
    s = _fetch_school(tmp_path, Answer(status=status, body=b"no"), max_pages=5)
    assert "/school/staff/" in s.site.paths()


def test_robots_txt_server_error_means_keep_out(tmp_path: Path) -> None:
    c = _crawl_school(tmp_path, "--delay", "0", robots=Answer(status=500, body=b"oops"))
    assert c.run.code == 2
    assert "robots.txt answered 500" in c.run.err and "nothing was fetched" in c.run.err
    assert c.school.site.paths() == ["/robots.txt"]
    assert c.run.err.count("\n") == 1  # one plain line


def test_robots_txt_that_never_answers_means_keep_out(tmp_path: Path) -> None:
    c = _crawl_school(tmp_path, "--delay", "0", robots=Answer(body=b"", sleep=1.5))
    assert c.run.code == 2
    assert "did not answer" in c.run.err
    assert c.school.site.paths() == ["/robots.txt"]


def test_unreachable_site_is_one_plain_error(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again at once: nothing listens here
    run = _cli("crawl", f"http://127.0.0.1:{port}/", "--delay", "0", "--timeout", TIMEOUT)
    assert run.code == 2
    assert "could not be reached" in run.err and run.err.count("\n") == 1


def test_most_specific_robots_rule_wins(tmp_path: Path) -> None:
    rules = b"User-agent: *\nDisallow: /school/\nAllow: /school/$\nAllow: /school/gallery/\n"
    s = _fetch_school(tmp_path, Answer(body=rules, ctype="text/plain"))
    assert set(s.site.paths()) == {"/robots.txt", "/school/", "/school/gallery/"}
    assert set(s.cdn.paths()) == CDN_FETCHED


def test_robots_group_for_our_user_agent_applies(tmp_path: Path) -> None:
    rules = b"User-agent: *\nDisallow: /\n\nUser-agent: exposure-scan\nDisallow: /school/gallery/\n"
    s = _fetch_school(tmp_path, Answer(body=rules, ctype="text/plain"), max_pages=3)
    site = s.site.paths()
    assert "/school/" in site and "/school/news/sports-day.html" in site
    assert "/school/gallery/" not in site
    assert s.cdn.paths() == []


# ---------------------------------------------------------------- addresses


def test_start_address_that_redirects_moves_the_crawl_to_where_it_lands(tmp_path: Path) -> None:
    s = school()
    old = Host("old-address")  # plays http://oakfield.sch.uk -> https://www.oakfield.sch.uk/
    with serve(s.site, s.offsite, s.cdn, old):
        wire(s)
        old.routes["/"] = Answer(status=301, headers=(("Location", f"{s.site.base}/school/"),))
        run = _cli(
            "crawl", f"{old.base}/", "--delay", "0", "--max-pages", "2",
            "--format", "json", "--no-cache",
        )  # fmt: skip
    assert run.code in (0, 1), run.err
    assert old.paths() == ["/robots.txt", "/"]
    pages = [p for p in s.site.paths() if p.endswith(("/", ".html"))]
    assert pages == ["/school/", "/school/news/sports-day.html"]
    assert {p["locator"] for p in run.json()["posts"]} == {
        f"{s.site.base}/school/",
        f"{s.site.base}/school/news/sports-day.html",
    }


def test_scope_is_origin_and_folder() -> None:
    scope = Scope.of("https://www.oakfield.sch.uk/primary/index.html")
    assert scope.contains("https://www.oakfield.sch.uk/primary/news/a.html")
    assert scope.contains("https://WWW.oakfield.sch.uk:443/primary/")
    assert not scope.contains("https://www.oakfield.sch.uk/secondary/")
    assert not scope.contains("http://www.oakfield.sch.uk/primary/")  # another scheme
    assert not scope.contains("https://www.oakfield.sch.uk:8443/primary/")  # another port
    assert not scope.contains("https://cdn.oakfield.sch.uk/primary/")  # another host


def test_not_a_web_address_is_a_usage_error() -> None:
    run = _cli("crawl", "www.oakfield.sch.uk", "--no-cache")
    assert run.code == 2
    assert "not a web address" in run.err
