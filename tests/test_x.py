"""X (Twitter) archives: both layouts, split parts, real archives, the structure map, CLI."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from fixtures.export_files import typed_values, write_folder, write_zip
from fixtures.x_export import archive_2019, archive_2024, ytd

from scanner.ingest import ingest
from scanner.model import Audience

ANDRE = "twitter/andreruffert__twitter"
DENCHI = "twitter/denchi__lumeninferiusarchive"
HORIZON = (
    "twitter/what-if-horizon__what-if-data-donation/structure_donations/"
    "Processed_structure_donations/Twitter/Input/"
    "X_structure_twitter-2024-11-21-326363ec5310e8b3e585b6f4cde18bce0ff75734a36f376d0a2b5b4fc58916da"
    ".json"
)
SCAN = ("--fail-on", "never", "--as-of", "2025-06-01", "--no-cache", "--jobs", "1")


def _by_id(posts):
    return {p.locator.removeprefix("status/"): p for p in posts}


def test_real_archive_excerpt_2022_layout(real_exports: Path) -> None:
    root = real_exports / ANDRE
    posts, skipped = ingest([str(root)])
    assert skipped == []
    assert {p.platform for p in posts} == {"x"}
    assert len(posts) == 8  # the excerpt keeps 8 of 1986 tweets (PROVENANCE.md)
    media = [m for p in posts for m in p.media]
    assert len(media) == 7  # by hand: 1+0+0+1+1+2+1+1, all seven files in tweets_media/
    assert all(m.ref is not None and m.kind == "image" for m in media)
    by = _by_id(posts)
    reply = by["1587920147083591680"]
    assert reply.tagged == ("@OleMchls",)
    assert reply.texts["mentions"] == "Ole Michaelis"
    assert reply.created == datetime(2022, 11, 2, 21, 30, 39, tzinfo=UTC)
    assert reply.account == "andreruffert" and reply.audience is Audience.PUBLIC
    assert reply.url == "https://x.com/andreruffert/status/1587920147083591680"
    two = by["740592726501130240"]
    assert [m.locator.rsplit("/", 1)[-1] for m in two.media] == [
        "740592726501130240-CkcdKNeXIAACh71.jpg",
        "740592726501130240-CkcdKNiWEAATnoq.jpg",
    ]
    retweet = by["752531466081501184"]
    assert retweet.own_content is False
    assert retweet.tagged == ("@czaplic", "@elmlang")
    assert sum(p.own_content for p in posts) == 7


def test_real_archive_2020_old_layout(real_exports: Path, tmp_path: Path) -> None:
    root = real_exports / DENCHI
    zipped = write_zip(
        tmp_path / "archive.zip",
        {f"data/{p.name}": p.read_bytes() for p in (root / "data").iterdir()},
    )
    for given in (root, zipped):
        posts, skipped = ingest([str(given)])
        assert skipped == []
        assert len(posts) == 22  # manifest.js: tweet count 22
        media = [m for p in posts for m in p.media]
        # by hand: 5 videos and 8 animated GIFs; tweet_media/ was not published with it
        assert len(media) == 13
        assert all(m.kind == "video" and m.ref is None for m in media)
        assert all(any("could not be checked" in n for n in p.notes) for p in posts if p.media)
        many = _by_id(posts)["1179384835485454336"]
        assert len(many.tagged) == 9 and many.tagged[0] == "@PlayingIndies"


def test_every_post_path_of_the_structure_map_is_recognised(
    real_exports: Path, tmp_path: Path
) -> None:
    structure = json.loads((real_exports / HORIZON).read_text())
    members = {}
    for path, t in structure.items():
        if path == "data/manifest.js":
            continue  # its file names are masked; the data files are found by path instead
        name = path.rsplit("/", 1)[-1][:-3].replace("-", "_")
        value = [] if t == "No data" else typed_values(t)
        members[path] = ytd(name, value if isinstance(value, list) else [value])
    zp = write_zip(tmp_path / "x.zip", members)
    posts, skipped = ingest([str(zp)])
    assert skipped == []
    assert len(posts) == 1 and posts[0].platform == "x"
    assert posts[0].tagged == ("@screen_name text",)
    assert posts[0].texts["mentions"] == "name text"
    assert posts[0].created is None  # the map masks the date itself


def test_every_layout_of_the_generated_archives(tmp_path: Path) -> None:
    part1, part2 = archive_2024()
    a = write_zip(tmp_path / "download.zip", part1)
    b = write_zip(tmp_path / "other.zip", part2)
    old = write_folder(tmp_path / "old", archive_2019())
    posts, skipped = ingest([str(a), str(b), str(old)])
    assert skipped == []
    by = _by_id(posts)
    assert sorted(by) == ["1001", "1002", "1003", "1004", "1005", "9001", "9002"]
    first = by["1001"]
    assert first.tagged == ("@AmeliaMum",) and first.texts["mentions"] == "Sarah Hughes"
    assert [m.locator for m in first.media] == [
        f"{a}!data/tweets_media/1001-AbC1.jpg",
        f"{a}!data/tweets_media/1001-AbC2.jpg",
    ]
    assert first.audience is Audience.PUBLIC and first.account == "OakfieldPri"
    assert first.created == datetime(2024, 6, 3, 9, 15, tzinfo=UTC)
    vid = by["1002"].media[0]
    assert vid.kind == "video" and vid.locator == f"{a}!data/tweets_media/1002-Vid1.mp4"
    assert by["1003"].own_content is False
    gone = by["1004"]
    assert gone.media[0].ref is None and gone.media[0].platform_facts.gps == (51.50722, -0.1275)
    assert gone.place == "Natural History Museum, London"
    assert by["1005"].media[0].locator == f"{b}!data/tweets_media/1005-Hv1.jpg"
    assert by["9001"].media[0].ref is not None
    assert by["9001"].audience is Audience.UNKNOWN  # no manifest says whether it was protected
    # the media-only part is not reported again as loose photos
    assert {p.platform for p in posts} == {"x"}


def test_malformed_missing_and_unknown_layouts_are_reported(tmp_path: Path) -> None:
    part1, _ = archive_2024()
    part1["data/tweets.js"] = part1["data/tweets.js"][:200]
    broken = write_folder(tmp_path / "broken", part1)
    future = write_folder(
        tmp_path / "future",
        {"data/manifest.js": "window.__THAR_CONFIG = {\"dataTypes\": {\"posts\": {}}}",
         "data/posts.js": "window.YTD.posts.part0 = []"},
    )  # fmt: skip
    posts, skipped = ingest([str(broken), str(future)])
    reasons = {s.source: s.reason for s in skipped}
    assert reasons[str(broken / "data/tweets.js")].startswith("is damaged or incomplete")
    assert reasons[str(broken / "data/tweets-part1.js")] == (
        "listed in the archive's manifest.js but missing from the export"
    )
    assert reasons[str(future / "data/manifest.js")] == "unrecognised x layout: data/manifest.js"
    assert len(skipped) == 3 and posts == []


def test_scan_end_to_end_json_ranks_retweets_below_own_posts(run_cli, tmp_path: Path) -> None:
    part1, part2 = archive_2024()
    a = write_zip(tmp_path / "a.zip", part1)
    b = write_zip(tmp_path / "b.zip", part2)
    res = run_cli("scan", a, b, "--format", "json", *SCAN)
    assert res.code == 0, res.err
    report = res.json()
    assert report["skipped"] == [] and report["summary"]["items"] == 5
    ranked = [p["locator"] for p in report["posts"]]
    assert ranked[-1] == "status/1003"  # the retweet comes last
    first = next(p for p in report["posts"] if p["locator"] == "status/1001")
    rules = {f["rule"]: f for f in first["findings"]}
    assert {"people-tagged", "name-with-image", "public-audience"} <= set(rules)
    assert "Sarah Hughes" not in json.dumps(first)  # names shortened by default
    video = next(p for p in report["posts"] if p["locator"] == "status/1002")
    assert any("video itself could not be checked" in n for n in video["notes"])
