"""TikTok exports: the real file in place, the structure map, both key layouts, refusals, CLI."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

from fixtures.export_files import typed_values, write_folder, write_zip
from fixtures.tiktok_export import user_data

from scanner.checks.interface import CheckContext
from scanner.checks.name_with_image import name_with_image
from scanner.ingest import ingest
from scanner.model import AnalysedMedia, Audience, Media, NameHit, NameKind, Post

WHATIF = "tiktok/what-if-horizon__what-if-data-donation/"
REAL = WHATIF + "pytests/public_testfiles/TT_user_data_tiktok.json"
MAP = WHATIF + "structure_donations/Processed_structure_donations/TikTok/Input/"
SCAN = ("--fail-on", "never", "--as-of", "2025-06-01", "--no-cache", "--jobs", "1")


def test_real_export_read_in_place(real_exports: Path) -> None:
    for given in (real_exports / REAL, (real_exports / REAL).parent):
        posts, skipped = ingest([str(given)])
        assert skipped == []
        (post,) = posts  # one video; the two recently deleted ones are not published
        assert post.platform == "tiktok"
        assert post.created == datetime(2024, 11, 24, 8, 53, 18, tzinfo=UTC)
        assert post.audience is Audience.PUBLIC  # WhoCanView: Everyone
        assert post.account == "user6bxn5e3em4"
        (video,) = post.media
        assert video.kind == "video" and video.ref is None
        assert any("could not be checked" in n for n in post.notes)


def test_structure_map_video_path_is_recognised(real_exports: Path, tmp_path: Path) -> None:
    structure = json.loads((real_exports / MAP / "TT_structure_user_data_tiktok.json").read_text())
    folder = write_folder(tmp_path / "tt", {"user_data_tiktok.json": typed_values(structure)})
    posts, skipped = ingest([str(folder)])
    assert skipped == []
    (post,) = posts  # Video/Videos/VideoList holds one record in the map
    assert post.texts == {"caption": "Title text", "place": "Location text", "add_yours":
                          "AddYoursText text"}  # fmt: skip


def test_both_layouts_audiences_captions_and_places(tmp_path: Path) -> None:
    old = write_folder(tmp_path / "old", {"user_data_tiktok.json": user_data()})
    new = write_zip(tmp_path / "export.zip", {"TikTok/user_data_tiktok.json": user_data(True)})
    for given in (old, new):
        posts, skipped = ingest([str(given)])
        assert skipped == []
        assert [p.audience for p in posts] == [Audience.PUBLIC, Audience.FRIENDS, Audience.PRIVATE]
        first = posts[0]
        assert first.texts["caption"] == "Well done Amelia Hughes! @amelia.mum #sportsday"
        assert first.place == "Oakfield Primary School"
        assert first.tagged == ("@amelia.mum",)
        assert first.created == datetime(2024, 6, 3, 9, 15, tzinfo=UTC)
        assert first.url is None  # the export's links are expiring storage URLs
        assert all(len(p.media) == 1 and p.media[0].kind == "video" for p in posts)


def test_malformed_and_unknown_layouts_are_reported(tmp_path: Path) -> None:
    broken = write_folder(
        tmp_path / "a", {"user_data_tiktok.json": '{"Profile": {', "Posts/readme.txt": "x"}
    )
    future = user_data()
    future["Video"] = {"Clips": [{"Date": "2024-06-03 09:15:00"}]}
    unknown = write_folder(tmp_path / "b", {"user_data_tiktok.json": future})
    posts, skipped = ingest([str(broken), str(unknown)])
    assert posts == []
    reasons = {s.source: s.reason for s in skipped}
    assert reasons[str(broken / "user_data_tiktok.json")].startswith("is damaged or incomplete")
    assert reasons[str(unknown / "user_data_tiktok.json")] == (
        "unrecognised tiktok layout: user_data_tiktok.json"
    )


def test_a_name_beside_a_video_not_in_the_export_is_judged_as_a_name_with_an_image() -> None:
    video = Media(locator="user_data_tiktok.json#video-1", ref=None, kind="video")
    post = Post(platform="tiktok", source="x", locator="v1", media=(video,),
                texts={"caption": "Well done Amelia Hughes!"})  # fmt: skip
    hit = NameHit(field="caption", start=10, end=23, name="Amelia Hughes",
                  kind=NameKind.FULL, confidence=0.9)  # fmt: skip
    ctx = CheckContext(
        post=post,
        media=(AnalysedMedia(media=video, facts=None),),
        names=(hit,),
        as_of=date(2025, 6, 1),
        options={},
    )
    (found,) = name_with_image(ctx)
    assert found.variant == "full" and found.media == video.locator
    assert "beside 1 video" in found.evidence and "Amelia H." in found.evidence


def test_scan_end_to_end_json(run_cli, tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "tt", {"user_data_tiktok.json": user_data()})
    res = run_cli("scan", folder, "--format", "json", *SCAN)
    assert res.code == 0, res.err
    report = res.json()
    assert report["skipped"] == [] and report["summary"]["videos"] == 3
    first = next(p for p in report["posts"] if p["locator"].endswith("#video-1"))
    assert first["platform"] == "tiktok" and first["audience"] == "public"
    assert any("the video itself" in n for n in first["notes"])
    rules = {f["rule"]: f for f in first["findings"]}
    assert "name-with-image" in rules
    assert "beside 1 video" in rules["name-with-image"]["evidence"]
    assert "Amelia H." in rules["name-with-image"]["evidence"]  # the caption's full name
