"""Facebook exports: every layout, split zips, refusals, exif_data facts, and real exports."""

from __future__ import annotations

import json
import shutil
import zipfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fixtures.facebook_export import (
    GPS,
    PAGE,
    T0,
    TOP,
    UPLOAD_IP,
    export_2019,
    export_2024,
    export_html,
    export_html_2019,
    export_page,
    jpeg,
    write_folder,
    write_zip,
)

from scanner.ingest import ingest
from scanner.model import Audience, Post
from scanner.report import FORMATTERS

POSTS_2024 = f"{TOP}your_facebook_activity/posts/your_posts__check_ins__photos_and_videos_"
SCAN = ("--fail-on", "never", "--as-of", "2024-12-01", "--no-cache", "--jobs", "1")


def _split_2024(tmp_path: Path) -> tuple[Path, Path]:
    part1, part2 = export_2024()
    # Named like anything but an export: detection must go by content.
    return write_zip(tmp_path / "download-1.zip", part1), write_zip(tmp_path / "stuff.zip", part2)


def _by_locator(posts: list[Post]) -> dict[str, Post]:
    return {p.locator: p for p in posts}


def _all_media(posts: list[Post]):
    return [m for p in posts for m in p.media]


# ---------------------------------------------------------------- generated layouts


def test_split_2024_export_reads_every_file_once(tmp_path: Path) -> None:
    part1, part2 = _split_2024(tmp_path)
    posts, skipped = ingest([str(part1), str(part2)])
    assert skipped == []
    assert {p.platform for p in posts} == {"facebook"}, "no photo may come back as a loose file"
    got = _by_locator(posts)
    assert set(got) == {
        f"{POSTS_2024}1.json#1",
        f"{POSTS_2024}1.json#2",
        f"{POSTS_2024}1.json#3",
        f"{POSTS_2024}1.json#4",
        f"{POSTS_2024}2.json#1",
        f"{POSTS_2024}2.json#2",
        f"{TOP}personal_information/profile_information/profile_update_history.json#1",
        f"{TOP}your_facebook_activity/posts/album/0.json#2",
        f"{TOP}your_facebook_activity/posts/album/0.json#3",
        f"{TOP}your_facebook_activity/posts/your_uncategorized_photos.json#1",
        f"{TOP}your_facebook_activity/posts/your_videos.json#2",
    }
    # Every photo is reported once, whichever file lists it.
    locators = [m.locator for m in _all_media(posts)]
    assert len(locators) == len(set(locators)) == 8  # a, gone, v, p, b, c, d, v2
    assert all(p.audience is Audience.UNKNOWN for p in posts), "a profile export does not say"


def test_photo_post_carries_its_texts_place_tags_and_upload_record(tmp_path: Path) -> None:
    part1, part2 = _split_2024(tmp_path)
    posts, _ = ingest([str(part1), str(part2)])
    post = _by_locator(posts)[f"{POSTS_2024}1.json#1"]
    assert post.created == datetime.fromtimestamp(T0, tz=UTC)
    assert post.created.tzinfo is not None
    assert post.texts["body"] == "Sports day winners! Well done Amelia Hughes"
    assert post.texts["title"] == "Oakfield Primary added a new photo."
    assert post.place == "Oakfield Leisure Centre"
    assert "Oakfield Leisure Centre" in post.texts["place"]
    assert post.tagged == ("Amelia Hughes",)
    (photo,) = post.media
    assert photo.kind == "image"
    assert photo.ref is not None and photo.ref.container == str(part1)
    assert (
        photo.locator
        == f"{part1}!{TOP}your_facebook_activity/posts/media/SportsDay_a1b2c3d4e5/a.jpg"
    )
    assert photo.texts["album"] == "Sports Day 2024"
    assert photo.texts["comments"] == "So proud of you Amelia!"
    assert "description" not in photo.texts, "a description repeating the post is not doubled"
    facts = photo.platform_facts
    assert facts is not None
    assert facts.gps == GPS
    assert facts.taken_at == datetime.fromtimestamp(T0 - 3600, tz=UTC)
    assert facts.camera == "Apple iPhone 12"


def test_texts_links_and_mojibake(tmp_path: Path) -> None:
    part1, part2 = _split_2024(tmp_path)
    got = _by_locator(ingest([str(part1), str(part2)])[0])
    assert got[f"{POSTS_2024}1.json#2"].place == "Oakfield Library"
    assert got[f"{POSTS_2024}1.json#2"].texts["comments"] == "Lovely – see you there"
    assert got[f"{POSTS_2024}1.json#3"].texts == {"link": "Oakfield newsletter, summer term"}
    assert (
        got[f"{POSTS_2024}1.json#4"].texts["body"]
        == "Skolefesten er tilføjet – tak til Zoë og Søren"
    )
    for post in got.values():
        for text in [*post.texts.values(), *(t for m in post.media for t in m.texts.values())]:
            assert "Ã" not in text and "â€" not in text


def test_split_part_media_is_found_in_the_other_zip(tmp_path: Path) -> None:
    part1, part2 = _split_2024(tmp_path)
    got = _by_locator(ingest([str(part1), str(part2)])[0])
    (c,) = got[f"{TOP}your_facebook_activity/posts/album/0.json#3"].media
    assert c.ref is not None and c.ref.container == str(part2)
    assert c.tagged == ("Ben",)
    assert c.texts["album"] == "Sports Day 2024"
    album_post = got[f"{TOP}your_facebook_activity/posts/album/0.json#2"]
    assert album_post.texts == {"album_description": "Our sports day at Oakfield"}
    assert album_post.created == datetime.fromtimestamp(T0 + 10, tz=UTC)


def test_videos_and_missing_media_are_kept_with_a_note(tmp_path: Path) -> None:
    part1, part2 = _split_2024(tmp_path)
    got = _by_locator(ingest([str(part1), str(part2)])[0])
    (video,) = got[f"{POSTS_2024}2.json#1"].media
    assert video.kind == "video" and video.ref is not None
    (missing,) = got[f"{POSTS_2024}2.json#2"].media
    assert missing.ref is None
    assert missing.kind == "image"
    assert missing.platform_facts is not None and missing.platform_facts.gps == GPS
    (note,) = got[f"{POSTS_2024}2.json#2"].notes
    assert "gone.jpg" in note and "missing" in note
    (v2,) = got[f"{TOP}your_facebook_activity/posts/your_videos.json#2"].media
    assert v2.kind == "video"


def test_media_only_part_alone_is_facebook_and_explains(tmp_path: Path) -> None:
    _, part2 = _split_2024(tmp_path)
    posts, skipped = ingest([str(part2)])
    assert posts == [], "its photos must not be reported as loose files"
    (skip,) = skipped
    assert skip.source == str(part2)
    assert "other parts" in skip.reason


def test_part_order_does_not_matter(tmp_path: Path) -> None:
    part1, part2 = _split_2024(tmp_path)
    forward, s1 = ingest([str(part1), str(part2)])
    backward, s2 = ingest([str(part2), str(part1)])
    assert s1 == s2 == []
    assert sorted(p.locator for p in forward) == sorted(p.locator for p in backward)


def test_2019_layout_as_an_unzipped_folder(tmp_path: Path) -> None:
    root = write_folder(tmp_path / "my download", export_2019())
    posts, skipped = ingest([str(root)])
    assert skipped == []
    got = _by_locator(posts)
    assert set(got) == {
        "posts/your_posts_1.json#1",
        "posts/your_posts_1.json#2",
        "posts/your_posts_2.json#1",
        "photos_and_videos/album/0.json#2",
        "photos_and_videos/your_videos.json#1",
    }
    (one,) = got["posts/your_posts_1.json#1"].media
    assert one.ref is not None and one.locator == str(
        root / "photos_and_videos/SchoolTrip_q1w2e3r4t5/1.jpg"
    )
    assert one.tagged == ("Oliver Smith",)
    assert one.texts == {"album": "School Trip"}, "a media title equal to its album is not doubled"
    assert got["posts/your_posts_2.json#1"].texts["body"] == "Harvest festival – tilføjet"
    (two,) = got["photos_and_videos/album/0.json#2"].media
    assert two.texts == {"album": "School Trip", "description": "Lunch by the lake"}
    (vid,) = got["photos_and_videos/your_videos.json#1"].media
    assert vid.kind == "video" and vid.ref is None


def test_page_export_is_public(tmp_path: Path) -> None:
    zp = write_zip(tmp_path / "page.zip", export_page())
    posts, skipped = ingest([str(zp)])
    assert skipped == []
    got = _by_locator(posts)
    assert set(got) == {
        f"{PAGE}posts/profile_posts_1.json#1",
        f"{PAGE}posts/profile_posts_1.json#2",
        f"{PAGE}posts/album/0.json#2",
        f"{PAGE}posts/videos.json#1",
    }
    assert all(p.audience is Audience.PUBLIC for p in posts)
    (e,) = got[f"{PAGE}posts/profile_posts_1.json#1"].media
    assert e.platform_facts is not None
    assert e.platform_facts.camera == "Canon EOS 80D", "the make is not repeated"
    assert e.texts == {"album": "Summer Concert"}


@pytest.mark.parametrize("build", [export_html, export_html_2019])
def test_html_export_is_refused_with_advice(tmp_path: Path, build) -> None:
    zp = write_zip(tmp_path / "download.zip", build())
    posts, skipped = ingest([str(zp)])
    assert posts == [], "the HTML export's photos are not loose files"
    (skip,) = skipped
    assert skip.source == str(zp)
    assert "HTML" in skip.reason and "JSON" in skip.reason and "again" in skip.reason


def test_malformed_json_is_one_skip_and_the_rest_continues(tmp_path: Path) -> None:
    part1, part2 = export_2024()
    name = f"{POSTS_2024}2.json"
    part1[name] = json.dumps(part1[name]).encode()[:-40]
    zp = write_zip(tmp_path / "x.zip", part1)
    posts, skipped = ingest([str(zp), str(write_zip(tmp_path / "y.zip", part2))])
    (skip,) = skipped
    assert skip.source == f"{zp}!{name}"
    assert name in skip.reason and "not valid JSON" in skip.reason and "line" in skip.reason
    assert f"{POSTS_2024}1.json#1" in {p.locator for p in posts}
    assert not any(p.locator.startswith(name) for p in posts)


def test_unknown_newer_layout_is_named(tmp_path: Path) -> None:
    part1, _ = export_2024()
    newer = f"{TOP}your_facebook_activity/posts/your_posts_and_reels_1.json"
    reshaped = f"{POSTS_2024}2.json"
    part1[newer] = {"posts_and_reels_v3": [{"when": 1, "what": "x"}]}
    part1[reshaped] = {"entries_v9": []}
    zp = write_zip(tmp_path / "x.zip", part1)
    posts, skipped = ingest([str(zp)])
    reasons = {s.source: s.reason for s in skipped}
    assert set(reasons) == {f"{zp}!{newer}", f"{zp}!{reshaped}"}
    assert reasons[f"{zp}!{newer}"].startswith(f"unrecognised facebook layout: {newer}")
    assert reasons[f"{zp}!{reshaped}"].startswith(f"unrecognised facebook layout: {reshaped}")
    assert f"{POSTS_2024}1.json#1" in {p.locator for p in posts}


def test_renamed_posts_file_with_known_keys_is_still_read(tmp_path: Path) -> None:
    part1, _ = export_2024()
    renamed = f"{TOP}your_facebook_activity/posts/your_posts_and_reels_1.json"
    part1[renamed] = part1.pop(f"{POSTS_2024}2.json")
    posts, skipped = ingest([str(write_zip(tmp_path / "x.zip", part1))])
    assert skipped == []
    assert f"{renamed}#1" in {p.locator for p in posts}


def test_detection_goes_by_content_not_by_file_name(tmp_path: Path) -> None:
    loose = write_zip(tmp_path / "facebook-oakfield.zip", {"sports/a.jpg": jpeg(5)})
    posts, _ = ingest([str(loose)])
    assert [p.platform for p in posts] == ["files"]


def test_other_exports_and_saved_sites_are_not_taken_for_facebook(tmp_path: Path) -> None:
    instagram = write_zip(
        tmp_path / "ig.zip",
        {
            "your_instagram_activity/messages/inbox/class3_123/photos/1.jpg": jpeg(1),
            "media/posts/202401/2.jpg": jpeg(2),
        },
    )
    site = write_folder(
        tmp_path / "site",
        {
            "index.html": b"<p>Follow us on Facebook. Download your information pack.</p>",
            "posts/sports-day.html": b"<html></html>",
            "images/a.jpg": jpeg(3),
        },
    )
    for path in (instagram, site):
        posts, skipped = ingest([str(path)])
        assert {p.platform for p in posts} != {"facebook"}
        assert not any("Facebook" in s.reason for s in skipped)


def test_upload_ip_is_never_stored(tmp_path: Path) -> None:
    part1, part2 = _split_2024(tmp_path)
    page = write_zip(tmp_path / "page.zip", export_page())
    posts, _ = ingest([str(part1), str(part2), str(page)])
    assert UPLOAD_IP not in repr(posts)


# ---------------------------------------------------------------- end to end


def _finding(report: dict[str, Any], locator: str, rule: str) -> dict[str, Any]:
    post = next(p for p in report["posts"] if p["locator"] == locator)
    return next(f for f in post["findings"] if f["rule"] == rule)


def test_scan_reports_upload_record_gps_place_tags_and_public_page(tmp_path: Path, run_cli) -> None:
    part1, part2 = _split_2024(tmp_path)
    page = write_zip(tmp_path / "page.zip", export_page())
    res = run_cli("scan", part1, part2, page, "--format", "json", *SCAN)
    assert res.code == 0, res.err
    report = res.json()
    assert report["skipped"] == []
    first = f"{POSTS_2024}1.json#1"
    gps = _finding(report, first, "location-in-metadata")
    assert gps["field"] == "upload:gps" and gps["severity"] == "medium"
    assert "51.50722" in gps["evidence"]
    assert _finding(report, first, "place-checkin")["field"] == "place"
    assert "Amelia H." in _finding(report, first, "people-tagged")["evidence"]
    assert _finding(report, first, "name-with-image")
    # The missing photo still has its upload record judged.
    assert _finding(report, f"{POSTS_2024}2.json#2", "location-in-metadata")
    page_post = next(
        p for p in report["posts"] if p["locator"] == f"{PAGE}posts/profile_posts_1.json#1"
    )
    assert page_post["audience"] == "public"
    assert "public-audience" in {f["rule"] for f in page_post["findings"]}
    assert page_post["created"] == datetime.fromtimestamp(T0, tz=UTC).isoformat()


def test_upload_ip_appears_in_no_output_format(tmp_path: Path, run_cli) -> None:
    part1, part2 = _split_2024(tmp_path)
    for fmt in FORMATTERS:
        res = run_cli("scan", part1, part2, "--format", fmt, *SCAN)
        assert res.code == 0, res.err
        assert "Oakfield" in res.out or fmt == "csv", f"{fmt} output looks empty"
        assert UPLOAD_IP not in res.out + res.err, fmt


# ---------------------------------------------------------------- real exports (read in place)

WAULTAR = "facebook/NorseKode__Waultar-App/test"
REAL_IPS = ("192.192.192.128", "11.111.1.11")


def _real_export(real_exports: Path, tmp_path: Path) -> tuple[Path, Path]:
    """Place the real files at their export paths in two temporary exports (not committed).

    Export A: the objectbox your_posts_1.json as page 1 and facebook_media.json (a posts
    file with some message records mixed in) as page 2. Export B: the parser's redacted copy.
    """
    src = real_exports / WAULTAR
    a = tmp_path / "real_a.zip"
    with zipfile.ZipFile(a, "w") as zf:
        zf.write(src / "objectbox/data/Facebook/posts/your_posts_1.json", "posts/your_posts_1.json")
        zf.write(src / "parser/data/facebook_media.json", "posts/your_posts_2.json")
    b = tmp_path / "real_b" / "posts"
    b.mkdir(parents=True)
    shutil.copy(src / "parser/data/your_posts_1.json", b / "your_posts_1.json")
    return a, b.parent


def test_real_exports_parse_with_hand_counted_posts(real_exports: Path, tmp_path: Path) -> None:
    a, b = _real_export(real_exports, tmp_path)
    posts, skipped = ingest([str(a), str(b)])
    assert skipped == []
    by_file: dict[tuple[str, str], list[Post]] = {}
    for p in posts:
        by_file.setdefault((p.source, p.locator.split("#")[0]), []).append(p)
    # Counted by hand: 14 entries of which one (#12) carries nothing; 7 media (one video).
    objectbox = by_file[(str(a), "posts/your_posts_1.json")]
    assert len(objectbox) == 13
    assert "posts/your_posts_1.json#12" not in {p.locator for p in objectbox}
    assert [m.kind for p in objectbox for m in p.media].count("image") == 6
    assert [m.kind for p in objectbox for m in p.media].count("video") == 1
    # facebook_media.json: 5 post entries (4 message records are not posts), 2 photos and
    # 2 videos; its PDF attachment is not a picture.
    mixed = by_file[(str(a), "posts/your_posts_2.json")]
    assert len(mixed) == 5
    assert sorted(m.kind for p in mixed for m in p.media) == ["image", "image", "video", "video"]
    redacted = by_file[(str(b), "posts/your_posts_1.json")]
    assert len(redacted) == 13 and sum(len(p.media) for p in redacted) == 7
    # Media are listed but not in these samples: kept, not checked, and said so.
    assert all(m.ref is None for m in _all_media(posts))
    assert all(p.notes for p in posts if p.media)
    assert objectbox[0].created == datetime(2012, 12, 6, 14, 45, 14, tzinfo=UTC)


def test_real_exports_mojibake_is_repaired(real_exports: Path, tmp_path: Path) -> None:
    a, b = _real_export(real_exports, tmp_path)
    posts, _ = ingest([str(a), str(b)])
    first = _by_locator([p for p in posts if p.source == str(a)])["posts/your_posts_1.json#1"]
    assert first.texts["title"] == "Malou Elmelund Landsgaard har tilføjet et nyt billede."
    assert first.media[0].texts["title"] == "Mobiloverførsler"
    texts = [
        t
        for p in posts
        for t in [*p.texts.values(), *(x for m in p.media for x in m.texts.values())]
    ]
    assert any("Holbæk" in t for t in texts)
    assert not any("Ã" in t or "â€" in t for t in texts)


def test_real_exports_upload_ip_in_no_output(real_exports: Path, tmp_path: Path, run_cli) -> None:
    a, b = _real_export(real_exports, tmp_path)
    for ip in REAL_IPS:  # the samples really do carry them
        assert any(ip in p.read_text() for p in (real_exports / WAULTAR).rglob("*.json"))
    for fmt in FORMATTERS:
        res = run_cli("scan", a, b, "--format", fmt, *SCAN)
        assert res.code == 0, res.err
        for ip in REAL_IPS:
            assert ip not in res.out + res.err, fmt
        if fmt == "json":
            assert res.json()["summary"]["items"] == 31


# ---------------------------------------------------------------- the Nov-2024 structure map

HORIZON = (
    "facebook/what-if-horizon__what-if-data-donation/structure_donations/"
    "Processed_structure_donations/Facebook/Input/"
    "FB_structure_facebook-61568298782340-2024-11-18-tP4KIfRH.json"
)
HORIZON_TOP = "facebook-61568298782340-2024-11-18-tP4KIfRH/"
NOT_PUBLISHED = {
    "personal_information/other_personal_information/your_avatar.json": (
        "Meta's cartoon avatar made in its avatar editor, not a photo of anyone"
    ),
}
"""Media-bearing files of the map that hold nothing published, and why."""


class _Values:
    """Turns the map's type names into values; every media uri gets its own picture."""

    def __init__(self) -> None:
        self.media: list[str] = []

    def __call__(self, t: Any, key: str = "") -> Any:
        if isinstance(t, dict):
            return {k: self(v, k) for k, v in t.items()}
        if isinstance(t, list):
            return [self(v, key) for v in t if v != "array"]
        if t == "number":
            return T0 if "timestamp" in key else 1
        if t == "boolean":
            return True
        if t != "string":
            return t
        if key == "uri":
            uri = f"your_facebook_activity/posts/media/Album_a1b2c3d4e5/{len(self.media)}.jpg"
            self.media.append(uri)
            return uri
        if key == "upload_ip":
            return UPLOAD_IP
        if "uri" in key or key in ("url", "href"):
            return "https://www.facebook.com/example"
        return f"{key or 'value'} text"


def _has_media(t: Any) -> bool:
    if isinstance(t, dict):
        return ("uri" in t and "creation_timestamp" in t) or any(_has_media(v) for v in t.values())
    return isinstance(t, list) and any(_has_media(v) for v in t)


def _expected_posts(path: str, value: Any) -> int:
    """How many posts the generated file must yield, counted from the map's own records."""
    if path.endswith("profile_update_history.json"):
        return sum(1 for e in value["profile_updates_v2"] if _has_media(e))
    if "/album/" in path:
        uris = {p["uri"] for p in value["photos"]} | {value["cover_photo"]["uri"]}
        return len(uris)
    return len(value)


def test_every_post_and_media_path_of_the_2024_map_is_recognised(
    real_exports: Path, tmp_path: Path, run_cli
) -> None:
    structure = json.loads((real_exports / HORIZON).read_text())
    values = _Values()
    members = {HORIZON_TOP + path: values(t) for path, t in structure.items()}
    for uri in values.media:
        members[HORIZON_TOP + uri] = jpeg(len(members) % 250)
    zp = write_zip(tmp_path / "download.zip", members)
    posts, skipped = ingest([str(zp)])
    assert skipped == []
    assert {p.platform for p in posts} == {"facebook"}

    content = {
        path
        for path, t in structure.items()
        if _has_media(t)
        or (
            path.startswith("your_facebook_activity/posts/")
            and path.rsplit("/", 1)[-1].startswith(("your_posts", "profile_posts"))
        )
    }
    assert "your_facebook_activity/posts/album/0.json" in content
    assert "your_facebook_activity/posts/your_posts__check_ins__photos_and_videos_1.json" in content
    counts = Counter(p.locator.split("#")[0].removeprefix(HORIZON_TOP) for p in posts)
    for path in sorted(content - set(NOT_PUBLISHED)):
        assert counts.get(path, 0) == _expected_posts(path, members[HORIZON_TOP + path]), path
    assert set(counts) <= content
    # Every photo the map's posts and albums list is found in the zip, with no upload IP kept.
    media = _all_media(posts)
    assert media and all(m.ref is not None for m in media)
    assert UPLOAD_IP not in repr(posts)
    res = run_cli("scan", zp, "--format", "json", *SCAN)
    assert res.code == 0 and UPLOAD_IP not in res.out
