"""WordPress export (WXR): generated school export, real samples, hostile XML, PHP metadata."""

from __future__ import annotations

import zipfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from fixtures import wordpress_export as wp

from scanner.analyse.names import NameFinder
from scanner.ingest import ingest
from scanner.ingest.phpdata import php_unserialize
from scanner.model import Audience, Post
from scanner.pipeline import ScanOptions, scan
from scanner.resources import default_policy_path
from scanner.rules import load_policy

SCAN = ("--format", "json", "--fail-on", "never", "--no-cache", "--as-of", "2024-07-01")
WP_REAL = "wordpress/WordPress__wordpress-importer/phpunit/data/theme-unit-test-data.xml"
GHOST = "wordpress/TryGhost__migrate/packages/mg-wp-xml/test/fixtures/"


def _posts(*paths: Path) -> tuple[dict[str, Post], list]:
    posts, skipped = ingest([str(p) for p in paths])
    return {p.locator: p for p in posts}, skipped


def _finding(report: dict[str, Any], locator: str, rule: str) -> dict[str, Any] | None:
    post = next(p for p in report["posts"] if p["locator"] == locator)
    return next((f for f in post["findings"] if f["rule"] == rule), None)


# ---------------------------------------------------------------- generated export


def test_export_with_uploads_lists_posts_pictures_and_their_texts(tmp_path: Path) -> None:
    wp.build(tmp_path / "site")
    posts, skipped = _posts(tmp_path / "site")
    assert skipped == []
    assert set(posts) == {"post 10", "post 11", "page 12", "attachment 103"}
    sports = posts["post 10"]
    assert sports.platform == "wordpress"
    assert sports.audience is Audience.PUBLIC
    assert sports.created == datetime(2024, 6, 1, 10, 0, tzinfo=UTC)
    assert sports.account == "Oakfield Primary School"
    assert sports.texts["title"] == "Sports Day 2024"
    assert sports.texts["tags"] == "Sports, Year 5"
    # The shortcode picture, then the two gallery pictures; the featured image is the same
    # attachment as the shortcode picture, so it is not listed twice.
    names = [m.locator.rsplit("/", 1)[-1] for m in sports.media]
    assert names == ["sports-day-300x200.jpg", "gallery-1.jpg", "gallery-2.jpg"]
    shown = sports.media[0]
    assert shown.ref is not None  # the file in the uploads folder is analysed
    assert shown.texts["caption"] == "Amelia Hughes wins the Year 5 sprint · Sports day 2024"
    assert "Amelia Hughes crossing the finish line" in shown.texts["alt"]
    assert shown.texts["file_name"] == "sports-day-300x200.jpg"
    pf = shown.platform_facts
    assert (pf.width, pf.height) == (300, 200)
    assert pf.camera == "Canon EOS 80D"
    assert pf.taken_at == datetime.fromtimestamp(wp.CREATED, UTC)
    assert pf.original_url == f"{wp.UPLOADS}/sports-day.jpg"
    assert pf.original_locator and pf.original_locator.endswith("2024/06/sports-day.jpg")
    gallery = sports.media[1].texts["gallery"]
    assert "Oliver Smith and Isla Brown" in gallery
    assert posts["post 11"].audience is Audience.PRIVATE
    assert posts["page 12"].audience is Audience.PRIVATE
    assert "draft" in posts["page 12"].notes[0]
    # Every upload is accounted for: shown, a resized copy, or an original kept by WordPress.
    assert not any(p.platform == "files" for p in posts.values())


def test_stray_upload_and_photo_beside_the_export_are_listed_as_files(tmp_path: Path) -> None:
    wp.build(tmp_path / "site")
    (tmp_path / "site" / "wp-content/uploads/2024/06/old-trip.jpg").write_bytes(
        wp.picture((64, 48))
    )
    (tmp_path / "site" / "beside.jpg").write_bytes(wp.picture((64, 48), person=False))
    posts, _ = _posts(tmp_path / "site")
    files = {k for k, p in posts.items() if p.platform == "files"}
    assert files == {"wp-content/uploads/2024/06/old-trip.jpg", "beside.jpg"}


def test_export_without_files_is_judged_from_its_recorded_facts(tmp_path: Path, run_cli) -> None:
    xml = wp.build(tmp_path, uploads=False)
    posts, _ = _posts(xml)
    orphan = posts["attachment 103"]
    assert orphan.media[0].ref is None
    assert orphan.media[0].texts["alt"] == "Noah Patel giving his leavers' speech"
    assert any("not in the export" in n for n in orphan.notes)
    report = run_cli("scan", xml, *SCAN).json()
    high = _finding(report, "attachment 103", "high-resolution")
    assert high and "4032x3024" in high["evidence"]
    original = _finding(report, "post 10", "original-exposed")
    assert original["severity"] == "low" and "likely" in original["evidence"]
    assert "sports-day.jpg" in original["evidence"]


def test_original_kept_in_uploads_is_confirmed(tmp_path: Path, run_cli) -> None:
    wp.build(tmp_path / "site")
    report = run_cli("scan", tmp_path / "site", *SCAN).json()
    assert report["skipped"] == []
    original = _finding(report, "post 10", "original-exposed")
    assert original["severity"] == "medium"
    assert "found in" in original["evidence"] and "likely" not in original["evidence"]
    # The private post's full-size upload is its own file: nothing larger is exposed.
    assert _finding(report, "post 11", "original-exposed") is None
    assert _finding(report, "post 11", "public-audience") is None


def test_uploads_given_as_second_path_are_analysed_and_not_listed_again(
    tmp_path: Path, run_cli
) -> None:
    xml = wp.build(tmp_path / "export", uploads=False)
    uploads = wp.write_uploads(tmp_path / "uploads")
    posts, skipped = _posts(xml, uploads)
    assert skipped == []
    assert posts["post 10"].media[0].ref is not None
    # Resized copies and originals in the uploads folder belong to their attachments.
    assert not any(p.platform == "files" for p in posts.values())
    report = run_cli("scan", xml, uploads, *SCAN).json()
    analysed = {
        m["locator"].rsplit("/", 1)[-1]: m["width"]
        for p in report["posts"]
        for m in p["media"]
        if m["analysed"]
    }
    assert analysed["sports-day-300x200.jpg"] == 300
    assert analysed["class-photo.jpg"] == 1200


def test_zipped_export_with_uploads_reads_in_place(tmp_path: Path) -> None:
    site = tmp_path / "site"
    wp.build(site)
    archive = tmp_path / "oakfield-wordpress.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for f in sorted(site.rglob("*")):
            if f.is_file():
                zf.write(f, f.relative_to(site).as_posix())
    posts, skipped = _posts(archive)
    assert skipped == []
    assert set(posts) == {"post 10", "post 11", "page 12", "attachment 103"}
    shown = posts["post 10"].media[0]
    assert shown.locator == f"{archive}!wp-content/uploads/2024/06/sports-day-300x200.jpg"
    assert shown.platform_facts.original_locator == (
        f"{archive}!wp-content/uploads/2024/06/sports-day.jpg"
    )


def test_names_in_caption_and_gallery_pair_with_the_pictures(tmp_path: Path) -> None:
    wp.build(tmp_path / "site")
    finder = NameFinder(given=frozenset({"amelia", "oliver", "isla", "noah"}))
    opts = ScanOptions(
        policy=load_policy(default_policy_path()),
        as_of=date(2024, 7, 1),
        jobs=1,
        finder=finder,
    )
    report = scan([str(tmp_path / "site")], opts)
    post = next(r for r in report.posts if r.post.locator == "post 10")
    hit = next(f for f in post.findings if f.rule == "name-with-image")
    assert "Amelia H." in hit.evidence and "Hughes" not in hit.evidence
    assert "same gallery" in hit.evidence
    assert hit.media.endswith("sports-day-300x200.jpg")
    orphan = next(r for r in report.posts if r.post.locator == "attachment 103")
    assert any(f.rule == "name-with-image" for f in orphan.findings)


# ---------------------------------------------------------------- hostile or broken XML


def test_entity_expansion_bomb_is_refused(tmp_path: Path, run_cli) -> None:
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(wp.entity_bomb(), encoding="utf-8")
    res = run_cli("scan", bomb, *SCAN)
    report = res.json()
    assert report["posts"] == []
    assert len(report["skipped"]) == 1
    assert "declares XML entities" in report["skipped"][0]["reason"]
    assert "lollol" not in res.out


def test_external_entity_is_never_read(tmp_path: Path, run_cli) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("governors-only-secret-4711", encoding="utf-8")
    xml = tmp_path / "xxe.xml"
    xml.write_text(wp.external_entity(secret), encoding="utf-8")
    res = run_cli("scan", xml, *SCAN)
    assert "governors-only-secret-4711" not in res.out + res.err
    assert "declares XML entities" in res.json()["skipped"][0]["reason"]


def test_malformed_export_is_skipped_and_the_scan_goes_on(tmp_path: Path, run_cli) -> None:
    good = wp.build(tmp_path / "good", uploads=False)
    broken = tmp_path / "broken.xml"
    broken.write_text(wp.wxr([wp.item(1, "post", "ok")]).replace("</channel>", ""), "utf-8")
    report = run_cli("scan", broken, good, *SCAN).json()
    assert any(
        s["source"] == str(broken) and "not well-formed XML" in s["reason"]
        for s in report["skipped"]
    )
    assert {p["locator"] for p in report["posts"]} >= {"post 10", "attachment 103"}


def test_unknown_newer_layout_is_reported_as_unrecognised(tmp_path: Path) -> None:
    xml = tmp_path / "new.xml"
    xml.write_text(wp.wxr([]).replace("<wp:wxr_version>1.2", "<wp:wxr_version>3.0"), "utf-8")
    posts, skipped = _posts(xml)
    assert posts == {}
    assert skipped[0].reason == "unrecognised wordpress layout: new.xml"


# ---------------------------------------------------------------- PHP-serialised metadata


def test_php_metadata_reads_sizes_and_refuses_objects_and_deep_nesting() -> None:
    value = php_unserialize(wp.metadata("2024/06/a.jpg", 10, 20, {"m": ("a-5x10.jpg", 5, 10)}))
    assert value["width"] == 10 and value["sizes"]["m"]["file"] == "a-5x10.jpg"
    assert php_unserialize('O:8:"stdClass":1:{s:1:"a";i:1;}') is None
    assert php_unserialize("a:1:{i:0;" * 100 + "i:1;" + "}" * 100) is None
    assert php_unserialize("not serialised") is None
    # A byte count broken by re-encoding (Zoë is 4 bytes in UTF-8) is repaired once.
    assert php_unserialize('a:1:{s:4:"file";s:3:"Zoë";}') == {"file": "Zoë"}


# ---------------------------------------------------------------- real samples


def test_real_theme_unit_test_export(real_exports: Path) -> None:
    posts, skipped = _posts(real_exports / WP_REAL)
    assert skipped == []
    # 4 posts; every attachment in this excerpt is shown by one of them.
    assert sorted(posts) == ["post 1163", "post 1177", "post 1755", "post 568"]
    assert [len(posts[k].media) for k in ("post 568", "post 1163", "post 1177", "post 1755")] == [
        1,
        1,
        5,
        5,
    ]
    bell = posts["post 1163"].media[0]
    assert bell.texts["alt"] == "Bell on Wharf"
    assert bell.texts["caption"] == "Bell on wharf in San Francisco"
    husk = posts["post 568"].media[0]
    assert husk.texts["caption"].startswith("Chunk of resinous blackboy husk")
    assert all(p.audience is Audience.PUBLIC for p in posts.values())
    assert posts["post 1755"].created == datetime(2018, 11, 3, 15, 20, tzinfo=UTC)
    # A full-size image whose own name ends in -580x300 is not mistaken for a resized copy.
    block = {m.locator.rsplit("/", 1)[-1]: m for m in posts["post 1177"].media}
    pf = block["image-alignment-580x300.jpg"].platform_facts
    assert pf is None or pf.original_url is None


def test_real_attachment_metadata_and_alt_text(real_exports: Path) -> None:
    meta, _ = _posts(real_exports / GHOST / "has-meta.xml")
    media = meta["enmse_message 1234"].media[0]
    pf = media.platform_facts
    assert (pf.width, pf.height) == (3510, 1974)
    assert pf.camera == "Canon EOS DIGITAL REBEL XSi"
    assert pf.taken_at == datetime.fromtimestamp(1224982961, UTC)
    alt, _ = _posts(real_exports / GHOST / "sample-with-alt.xml")
    featured = alt["post 10"].media[0]
    assert featured.texts["alt"] == "Sunset over mountains with orange and pink sky"
    assert featured.texts["title"] == "Beautiful Sunset"
    captions, _ = _posts(real_exports / GHOST / "feature-image-captions.xml")
    assert len(captions) == 3
    assert sum(len(p.media) for p in captions.values()) == 2


@pytest.mark.parametrize("name", ["has-meta.xml", "sample-with-alt.xml"])
def test_real_samples_scan_end_to_end(real_exports: Path, run_cli, name: str) -> None:
    res = run_cli("scan", real_exports / GHOST / name, *SCAN)
    assert res.code == 0, res.err
    assert res.json()["skipped"] == []
