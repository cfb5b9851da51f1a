"""Instagram exports: the three layouts, real files read in place, the structure maps, CLI."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

from fixtures.export_files import jpeg, typed_values, write_folder, write_zip
from fixtures.instagram_export import (
    GPS,
    TOP,
    layout_2021,
    layout_2024,
    layout_2025,
    unknown_layout,
)

from scanner.ingest import ingest
from scanner.model import Audience

WAULTAR = "instagram/NorseKode__Waultar-App/test/parser/data/"
HORIZON = (
    "instagram/what-if-horizon__what-if-data-donation/structure_donations/"
    "Processed_structure_donations/Instagram/Input/"
)
SCAN = ("--fail-on", "never", "--as-of", "2025-06-01", "--no-cache", "--jobs", "1")


def test_real_waultar_posts_and_profile_photos(real_exports: Path, tmp_path: Path) -> None:
    # The sample files are loose JSON; place them where an export keeps them (in tmp only).
    src = real_exports / WAULTAR
    root = tmp_path / "export"
    (root / "content").mkdir(parents=True)
    shutil.copy(src / "instagram_post.json", root / "content/posts_1.json")
    shutil.copy(src / "profile_photos.json", root / "content/profile_photos.json")
    zipped = write_zip(
        tmp_path / "download.zip",
        {
            "instagram-x-2020-01-01-abc/" + str(p.relative_to(root)): p.read_bytes()
            for p in root.rglob("*.json")
        },
    )
    for given in (root, zipped):
        posts, skipped = ingest([str(given)])
        assert skipped == []
        assert {p.platform for p in posts} == {"instagram"}
        # by hand: 5 posts (1+1+1+2+1 media) and 2 profile photos
        assert len(posts) == 7
        assert sum(len(p.media) for p in posts) == 8
        carousel = next(p for p in posts if len(p.media) == 2)
        assert carousel.texts["caption"].startswith(
            "And finally, after a long wait (f\u2026 my foot)"
        )
        assert carousel.created == datetime(2018, 6, 30, 14, 50, 26, tzinfo=UTC)
        video = next(m for p in posts for m in p.media if m.platform_facts and m.kind == "video")
        assert video.platform_facts.gps == (55.71835, 11.72495)
        assert video.texts["caption"].endswith("#martialarts #tricking #hapkido")
        assert "\U0001f602" in video.texts["caption"]  # mojibake repaired
        iphone = next(
            m.platform_facts
            for p in posts
            for m in p.media
            if m.platform_facts and m.platform_facts.camera
        )
        assert iphone.camera == "Apple iPhone 8 back camera 3.99mm f/1.8"
        assert iphone.device == "26FB9E66-5190-49A9-BE07-95CC8151E0E8"
        assert iphone.taken_at == datetime(2019, 6, 27, 14, 55, 13, tzinfo=UTC)
        # the media files are not in the sample: listed, never opened, and said so
        assert all(m.ref is None for p in posts for m in p.media)
        assert all(any("not in the export" in n for n in p.notes) for p in posts)


def _structure_export(structure: dict, top: str) -> tuple[dict, int]:
    """Files of a structure map with typed values; each media uri gets a picture."""
    uris: list[str] = []

    def string(key: str) -> str:
        if key == "uri":
            uris.append(f"media/posts/202411/{len(uris)}.jpg")
            return uris[-1]
        return f"{key} text"

    members = {top + path: typed_values(t, on_string=string) for path, t in structure.items()}
    for uri in uris:
        members[top + uri] = jpeg(len(members) % 250)
    return members, len(uris)


def test_every_post_and_media_path_of_the_structure_maps_is_recognised(
    real_exports: Path, tmp_path: Path
) -> None:
    expected = {
        # file of the map -> posts it must yield (counted from the map's own records)
        "IG_structure_instagram-geodag91-2024-11-20-poQTe0ag.json": {
            "your_instagram_activity/content/profile_photos.json": 1,
        },
        "json_structure_ig.json": {
            "your_instagram_activity/content/posts_1.json": 1,
            "your_instagram_activity/content/profile_photos.json": 1,
            "your_instagram_activity/content/stories.json": 1,
        },
    }
    for name, counts in expected.items():
        structure = json.loads((real_exports / HORIZON / name).read_text())
        members, uris = _structure_export(structure, "instagram-user-2024-11-20-x/")
        zp = write_zip(tmp_path / f"{name}.zip", members)
        posts, skipped = ingest([str(zp)])
        assert skipped == [], name
        assert {p.platform for p in posts} == {"instagram"}
        found: dict[str, int] = {}
        for p in posts:
            path = p.locator.split("#")[0].split("/", 1)[1]
            found[path] = found.get(path, 0) + 1
        assert found == counts, name
        # every media uri in a published content file became media, read from the export
        media = [m for p in posts for m in p.media]
        assert all(m.ref is not None for m in media)
        # the profile photo of personal_information.json repeats profile_photos.json: not
        # counted twice, and recently_deleted_content.json holds nothing published
        assert len(media) == sum(counts.values()) <= uris


def test_every_layout_of_the_generated_exports(tmp_path: Path) -> None:
    old = write_folder(tmp_path / "ig2021", layout_2021())
    new = write_zip(tmp_path / "takeaway.zip", layout_2024())
    newest = write_zip(tmp_path / "ig.zip", layout_2025())
    posts, skipped = ingest([str(old), str(new), str(newest)])
    assert skipped == []
    assert {p.platform for p in posts} == {"instagram"}
    by = {(p.source, p.locator): p for p in posts}
    assert len(posts) == 4 + 3 + 2

    carousel = by[(str(old), "content/posts_1.json#1")]
    assert (
        carousel.texts["caption"] == "Sports day! Well done Amelia Hughes – champion 🏅 #SportsDay"
    )
    assert carousel.audience is Audience.PUBLIC and carousel.account == "oakfieldprimary"
    assert [m.ref is not None for m in carousel.media] == [True, True]
    facts = carousel.media[0].platform_facts
    assert facts.gps == GPS and facts.camera == "Apple iPhone 12 back camera"
    assert facts.device == "A1B2C3D4-0000-4000-8000-123456789ABC"
    assert facts.taken_at == datetime(2021, 6, 30, 9, 15, tzinfo=UTC)
    single = by[(str(old), "content/posts_1.json#2")]
    assert "caption" not in single.texts
    assert single.media[0].texts["caption"] == "Our new library, thanks @amelia.hughes.mum"
    assert single.tagged == ("@amelia.hughes.mum",)
    story = by[(str(old), "content/stories.json#1")]
    assert story.media[0].kind == "video" and story.media[0].ref is None
    assert any("not in the export" in n for n in story.notes)
    assert by[(str(old), "content/profile_photos.json#1")].media[0].ref is not None

    base = f"{TOP}your_instagram_activity/content/"
    trip = by[(str(new), f"{base}posts_1.json#1")]
    assert trip.audience is Audience.FRIENDS  # a private account: followers only
    assert trip.media[0].platform_facts is None  # 0, 0 means no location
    assert trip.media[0].locator == f"{new}!{TOP}media/posts/202405/trip.jpg"
    assert by[(str(new), f"{base}reels.json#1")].media[0].kind == "video"
    assert by[(str(new), f"{base}stories.json#1")].media[0].ref is not None  # localised key

    assert by[(str(newest), "your_instagram_activity/media/posts_1.json#1")].audience is (
        Audience.UNKNOWN
    )
    archived = by[(str(newest), "your_instagram_activity/media/archived_posts.json#1")]
    assert archived.audience is Audience.PRIVATE


def test_unknown_layout_malformed_file_and_html_export_are_reported(tmp_path: Path) -> None:
    future = write_folder(tmp_path / "future", unknown_layout())
    broken = layout_2021()
    broken["content/posts_1.json"] = '[{"media": [{"uri": "media/posts/1.jpg", '
    broken_dir = write_folder(tmp_path / "broken", broken)
    html = write_folder(
        tmp_path / "html",
        {"your_instagram_activity/content/posts_1.html": "<html></html>", "media/a.jpg": jpeg()},
    )
    posts, skipped = ingest([str(future), str(broken_dir), str(html)])
    reasons = {s.source: s.reason for s in skipped}
    key = str(future / "your_instagram_activity/publications/posts_1.json")
    assert (
        reasons[key]
        == "unrecognised instagram layout: your_instagram_activity/publications/posts_1.json"
    )
    bad = str(broken_dir / "content/posts_1.json")
    assert reasons[bad].startswith("is damaged or incomplete JSON (line 1")
    assert "HTML format" in reasons[str(html / "your_instagram_activity/content/posts_1.html")]
    assert len(skipped) == 3
    # the rest of the broken export is still read: story and profile photo
    assert {p.locator for p in posts} == {"content/stories.json#1", "content/profile_photos.json#1"}


def test_media_only_part_of_a_split_export(tmp_path: Path) -> None:
    members = layout_2021()
    media = {k: v for k, v in members.items() if k.startswith("media/")}
    json_part = write_zip(
        tmp_path / "part1.zip", {k: v for k, v in members.items() if k not in media}
    )
    media_part = write_zip(tmp_path / "part2.zip", media)
    posts, skipped = ingest([str(json_part), str(media_part)])
    assert skipped == [] and len(posts) == 4
    assert all(p.platform == "instagram" for p in posts)
    assert posts[0].media[0].locator == f"{media_part}!media/posts/202106/sports1.jpg"
    alone, _ = ingest([str(media_part)])  # without the JSON part: each photo on its own
    assert len(alone) == 4 and all(p.platform == "instagram" for p in alone)


def test_scan_end_to_end_json(run_cli, tmp_path: Path) -> None:
    old = write_folder(tmp_path / "ig2021", layout_2021())
    res = run_cli("scan", old, "--format", "json", *SCAN)
    assert res.code == 0, res.err
    report = res.json()
    assert report["skipped"] == []
    assert report["summary"]["items"] == 4
    post = next(p for p in report["posts"] if p["locator"] == "content/posts_1.json#1")
    assert post["platform"] == "instagram" and post["audience"] == "public"
    assert post["created"] == "2021-09-05T10:00:00+00:00"
    found = {f["rule"]: f for f in post["findings"]}
    assert {"location-in-metadata", "public-audience", "name-with-image"} <= set(found)
    assert found["name-with-image"]["field"] == "caption"
    assert "Amelia Hughes" not in json.dumps(post)  # names shortened by default
    # a mention is a tag of a person, paired here with a photo
    tagged = next(p for p in report["posts"] if p["locator"] == "content/posts_1.json#2")
    rules = {f["rule"]: f for f in tagged["findings"]}
    assert {"people-tagged", "name-with-image"} <= set(rules)
    assert "@ameli…" in rules["people-tagged"]["evidence"]  # handles are shortened too
    assert "@amelia.hughes.mum" not in rules["people-tagged"]["evidence"]
