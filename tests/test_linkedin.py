"""LinkedIn exports: the real Shares.csv in place, suffixed names, Rich_Media.csv, refusals, CLI."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from fixtures.export_files import write_folder, write_zip
from fixtures.linkedin_export import rich_media, shares

from scanner.ingest import ingest
from scanner.model import Audience

REAL = "linkedin/sanand0__linkedin"
SCAN = ("--fail-on", "never", "--as-of", "2025-06-01", "--no-cache", "--jobs", "1")


def test_real_shares_csv_read_in_place(real_exports: Path) -> None:
    posts, skipped = ingest([str(real_exports / REAL)])
    assert skipped == []
    assert {p.platform for p in posts} == {"linkedin"}
    assert len(posts) == 202  # PROVENANCE.md: 202 rows
    media = [m for p in posts for m in p.media]
    assert len(media) == 10  # rows with a MediaUrl, counted in the file
    assert all(m.ref is None for m in media)
    first = posts[0]
    assert first.created == datetime(2025, 7, 1, 14, 33, 22, tzinfo=UTC)
    assert first.texts["body"].startswith(
        "I'm off for a 10-day Vipassana meditation program.\n\n𝗪𝗛𝗔𝗧? A 10-day"
    )
    assert '"\n"' not in first.texts["body"]  # LinkedIn's quoting of line breaks is undone
    assert (
        first.url == "https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A7345821826846990338"
    )
    # MEMBER_NETWORK is used for public and connections-only posts alike
    assert {p.audience for p in posts} == {Audience.UNKNOWN}
    youtube = next(p for p in posts if p.media)
    assert youtube.media[0].locator == "https://i.ytimg.com/vi/E1SeoUV8awI/maxresdefault.jpg"
    assert any("could not be checked" in n for n in youtube.notes)


def test_suffixed_names_rich_media_and_visibility(tmp_path: Path) -> None:
    zp = write_zip(
        tmp_path / "Basic_LinkedInDataExport_06-05-2024.zip",
        {"Shares_1234567.csv": shares(), "Rich_Media.csv": rich_media(), "Profile.csv": "x\n"},
    )
    posts, skipped = ingest([str(zp)])
    assert skipped == []
    by = {p.locator: p for p in posts}
    assert len(posts) == 5
    star = by["Shares_1234567.csv#row-1"]
    assert star.texts["body"] == 'Well done Amelia Hughes, our "star of the week"!\n\nPhotos below.'
    assert star.audience is Audience.PUBLIC
    assert star.media[0].kind == "image" and star.media[0].ref is None
    assert by["Shares_1234567.csv#row-2"].audience is Audience.FRIENDS
    assert by["Shares_1234567.csv#row-2"].media[0].kind == "video"
    assert by["Shares_1234567.csv#row-3"].media == ()  # a link, no media
    upload = by["Rich_Media.csv#row-1"]
    assert upload.texts == {"description": "Amelia Hughes with her trophy"}
    assert upload.created == datetime(2024, 6, 3, 9, 14, tzinfo=UTC)
    assert upload.notes[0] == "LinkedIn upload: feed photo"
    profile = by["Rich_Media.csv#row-2"]
    assert profile.texts == {} and profile.created == datetime(2023, 1, 2, 16, 5, tzinfo=UTC)


def test_unknown_layout_is_reported(tmp_path: Path) -> None:
    folder = write_folder(
        tmp_path / "li",
        {"Shares.csv": "Date,PostText,Link\n2024-06-03 09:15:00,Hello,https://x\n",
         "Rich_Media.csv": rich_media()},
    )  # fmt: skip
    posts, skipped = ingest([str(folder)])
    assert [(s.source, s.reason) for s in skipped] == [
        (str(folder / "Shares.csv"), "unrecognised linkedin layout: Shares.csv")
    ]
    assert len(posts) == 2  # Rich_Media.csv is still read


def test_scan_end_to_end_json(run_cli, tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "li", {"Shares.csv": shares(), "Rich_Media.csv": rich_media()})
    res = run_cli("scan", folder, "--format", "json", *SCAN)
    assert res.code == 0, res.err
    report = res.json()
    assert report["skipped"] == [] and report["summary"]["items"] == 5
    star = next(p for p in report["posts"] if p["locator"] == "Shares.csv#row-1")
    assert star["platform"] == "linkedin" and star["audience"] == "public"
    assert star["created"] == "2024-06-03T09:15:00+00:00"
    assert star["media"][0]["analysed"] is False
    assert any("could not be checked" in n for n in star["notes"])
    rules = {f["rule"]: f for f in star["findings"]}
    assert "public-audience" in rules
    # the photo is not in the export, yet a full name beside it is judged as one
    assert rules["name-with-image"]["field"] == "body"
    assert "Amelia H." in rules["name-with-image"]["evidence"]
