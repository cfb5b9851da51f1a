"""Saved web pages end to end: Chrome/Firefox complete saves, plain pages, SingleFile."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from fixtures import saved_pages as sp

from scanner.analyse.names import NameFinder
from scanner.ingest import ingest
from scanner.model import Audience, Post
from scanner.pipeline import ScanOptions, scan
from scanner.resources import default_policy_path
from scanner.rules import load_policy

SCAN = ("--format", "json", "--fail-on", "never", "--no-cache", "--as-of", "2024-07-01")
REAL_WP_PAGE = "html_snapshots/mozilla__readability/test/test-pages/wordpress"


def _posts(*paths: Path) -> tuple[dict[str, Post], list]:
    posts, skipped = ingest([str(p) for p in paths])
    return {p.locator: p for p in posts}, skipped


def _by_name(post: Post) -> dict[str, Any]:
    return {m.locator.rsplit("/", 1)[-1].rsplit("#", 1)[-1]: m for m in post.media}


def _findings(report: dict[str, Any], locator: str) -> dict[str, list[dict[str, Any]]]:
    post = next(p for p in report["posts"] if p["locator"] == locator)
    out: dict[str, list[dict[str, Any]]] = {}
    for f in post["findings"]:
        out.setdefault(f["rule"], []).append(f)
    return out


def test_chrome_complete_save_is_one_public_page_with_its_saved_pictures(tmp_path: Path) -> None:
    sp.chrome_complete(tmp_path)
    posts, skipped = _posts(tmp_path)
    assert skipped == []
    assert list(posts) == ["Sports Day.html"]  # nothing inside Sports Day_files is a page
    page = posts["Sports Day.html"]
    assert page.platform == "web" and page.audience is Audience.PUBLIC
    assert page.url == f"{sp.SITE}/sports-day-2024/"
    assert page.texts["title"] == "Sports Day 2024 – Oakfield Primary"
    assert "Oak Lane" not in page.texts["body"]  # the footer is not the page's content
    media = _by_name(page)
    assert set(media) == {
        "logo.png",
        "winners-300x200.jpg",
        "team(1).download",
        "relay-1.jpg",
        "relay-2.jpg",
    }
    assert all(m.ref is not None for m in media.values())
    winners = media["winners-300x200.jpg"]
    assert winners.texts["caption"] == "Amelia Hughes wins the sprint"
    assert winners.platform_facts.original_url == f"{sp.UPLOADS}/winners-1200x800.jpg"
    assert winners.platform_facts.original_width == 1200
    assert media["team(1).download"].texts["nearby"] == "Charlie Evans and the tug-of-war team"
    assert "Oliver Smith and Isla Brown" in media["relay-1.jpg"].texts["gallery"]


def test_saved_page_scan_flags_the_larger_original_and_public_page(tmp_path: Path, run_cli) -> None:
    sp.chrome_complete(tmp_path)
    res = run_cli("scan", tmp_path, *SCAN)
    assert res.code == 0, res.err
    report = res.json()
    found = _findings(report, "Sports Day.html")
    original = found["original-exposed"]
    assert len(original) == 1
    assert original[0]["severity"] == "low"
    assert "shown at 300x200" in original[0]["evidence"]
    assert "1200x800" in original[0]["evidence"] and "likely" in original[0]["evidence"]
    assert "public-audience" in found
    analysed = {m["locator"].rsplit("/", 1)[-1]: m for m in report["posts"][0]["media"]}
    assert analysed["team(1).download"]["width"] == 320  # a renamed asset is still read


def test_names_pair_with_caption_text_beside_and_the_same_gallery(tmp_path: Path) -> None:
    sp.chrome_complete(tmp_path)
    finder = NameFinder(given=frozenset({"amelia", "charlie", "oliver", "isla"}))
    opts = ScanOptions(
        policy=load_policy(default_policy_path()), as_of=date(2024, 7, 1), jobs=1, finder=finder
    )
    report = scan([str(tmp_path)], opts)
    risk = report.posts[0]
    hit = next(f for f in risk.findings if f.rule == "name-with-image")
    assert "same gallery" in hit.evidence
    assert "Amelia H." in hit.evidence
    hits = finder.names_in_post(risk.post, {})
    names = {(h.field, h.name, (h.media or "").rsplit("/", 1)[-1]) for h in hits}
    assert ("caption", "Amelia Hughes", "winners-300x200.jpg") in names
    assert ("nearby", "Charlie Evans", "team(1).download") in names
    assert ("gallery", "Isla Brown", "relay-2.jpg") in names


def test_singlefile_page_inlined_pictures_are_analysed(tmp_path: Path, run_cli) -> None:
    page = sp.singlefile(tmp_path)
    posts, _ = _posts(tmp_path)
    post = posts[page.name]
    assert post.url == f"{sp.SITE}/leavers-assembly/"
    (media,) = post.media
    assert media.locator == f"{page.name}#inline-image-1"
    assert media.ref is not None and media.ref.data_uri.startswith("data:image/jpeg;base64,")
    assert media.texts["caption"] == "Noah Patel gives his leavers' speech"
    report = run_cli("scan", page, *SCAN).json()  # the page given on its own
    (analysed,) = report["posts"][0]["media"]
    assert (analysed["width"], analysed["height"]) == (480, 360)
    assert analysed["format"] == "JPEG"


def test_page_given_on_its_own_finds_its_files_folder_beside_it(tmp_path: Path) -> None:
    page = sp.firefox_complete(tmp_path)
    posts, skipped = _posts(page)
    assert skipped == []
    (media,) = posts["news.html"].media
    assert media.ref is not None
    assert media.locator == str(tmp_path / "news_files" / "choir.jpg")


def test_plain_page_lists_pictures_it_did_not_keep_by_address(tmp_path: Path) -> None:
    sp.plain_saved(tmp_path)
    posts, _ = _posts(tmp_path)
    (media,) = posts["trip.html"].media
    assert media.ref is None
    assert media.locator == f"{sp.SITE}/trips/year4/museum.jpg"
    assert media.texts["alt"] == "Year 4 at the museum"


def test_login_page_and_non_html_are_skipped_with_reasons(tmp_path: Path, run_cli) -> None:
    sp.login_page(tmp_path)
    sp.not_html(tmp_path)
    sp.firefox_complete(tmp_path)
    report = run_cli("scan", tmp_path, *SCAN).json()
    reasons = {Path(s["source"]).name: s["reason"] for s in report["skipped"]}
    assert "behind a login are out of scope" in reasons["parents-portal.html"]
    assert reasons["broken.html"] == "named like a web page but is not HTML"
    assert [p["locator"] for p in report["posts"]] == ["news.html"]


def test_loose_photos_beside_saved_pages_are_still_listed(tmp_path: Path) -> None:
    sp.firefox_complete(tmp_path)
    (tmp_path / "extra.jpg").write_bytes(sp.picture((100, 80)))
    posts, _ = _posts(tmp_path)
    assert posts["extra.jpg"].platform == "files"
    assert "news_files/choir.jpg" not in posts  # the page's own picture is not listed twice


def test_real_wordpress_page_reports_its_data_orig_file_originals(
    real_exports: Path, run_cli
) -> None:
    folder = real_exports / REAL_WP_PAGE
    posts, skipped = _posts(folder)
    assert skipped == []
    post = posts["source.html"]
    assert post.url.startswith("https://wptavern.com/stack-overflow-jobs-data-shows-reactjs")
    with_original = [m for m in post.media if m.platform_facts and m.platform_facts.original_url]
    originals = {
        m.platform_facts.original_url.split("?")[0].rsplit("/", 1)[-1]: (
            m.platform_facts.original_width,
            m.platform_facts.original_height,
        )
        for m in with_original
        if m.platform_facts.original_how == "data-orig-file"
    }
    assert originals == {
        "stack-overflow.png": (1650, 646),
        "ChangesinDemand.png": (975, 1115),
        "HighDemand.png": (975, 854),
    }
    report = run_cli("scan", folder, *SCAN).json()
    found = _findings(report, "source.html")["original-exposed"]
    evidence = " ".join(f["evidence"] for f in found)
    assert "shown at 1025x401; the original of 1650x646" in evidence
    assert all(f["severity"] == "low" for f in found)  # likely: only the page says so
