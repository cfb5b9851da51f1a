"""Google Photos Takeout: naming rules, locales, albums, split parts, real Takeouts, CLI."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from fixtures.export_files import write_folder, write_zip
from fixtures.google_photos_export import GPS, LONG, TOP, YEAR, sidecar, takeout

from scanner.ingest import ingest
from scanner.model import Audience

SEB = "google_photos/sebastianludwig__GooglePhotosTakeoutHelperTestData/"
IMMICH = "google_photos/simulot__immich-go/"
SCAN = ("--fail-on", "never", "--as-of", "2025-06-01", "--no-cache", "--jobs", "1")


def _names(posts):
    return {p.locator.rsplit("/", 1)[-1]: p for p in posts}


def test_real_takeouts_counted_by_hand(real_exports: Path) -> None:
    cases = {
        # folder -> (posts = sidecars or lone photos, media, media files present)
        SEB + "test_set1/input": (4, 4, 4),
        SEB + "test_current_reference_collection/input": (25, 25, 5),
        IMMICH + "app/upload/TEST_DATA/Takeout1": (8, 8, 1),
        IMMICH + "app/upload/TEST_DATA/Takeout2": (3, 3, 0),
        IMMICH + "app/upload/TEST_DATA/Takeout3": (3, 3, 3),
        IMMICH + "internal/e2e/client/DATA/fromGooglePhotos/gophers": (1, 1, 0),
    }
    for folder, (n_posts, n_media, n_files) in cases.items():
        posts, skipped = ingest([str(real_exports / folder)])
        assert skipped == [], folder
        assert {p.platform for p in posts} == {"google_photos"}, folder
        media = [m for p in posts for m in p.media]
        assert (len(posts), len(media), sum(m.ref is not None for m in media)) == (
            n_posts,
            n_media,
            n_files,
        ), folder


def test_real_sidecar_fields(real_exports: Path) -> None:
    posts, _ = ingest([str(real_exports / SEB / "test_set1/input")])
    by = _names(posts)
    tagged = by["046a025ce4a74570347241df5bfe27cc.jpg"].media[0]
    assert tagged.tagged == ("Sebastian",) and tagged.texts["people"] == "Sebastian"
    assert tagged.platform_facts.gps is None  # geoData of zeros means no location
    assert tagged.platform_facts.taken_at == datetime(2016, 7, 15, 20, 29, 26, tzinfo=UTC)
    # a name cut short: "...reconstructed..json" belongs to "...reconstructed.png"
    cut = by["alignment-temple-5D-32-temple-V-reconstructed.png"]
    assert cut.media[0].ref is not None and cut.created == datetime(
        2018, 2, 25, 17, 0, 36, tzinfo=UTC
    )

    posts, _ = ingest([str(real_exports / IMMICH / "app/upload/TEST_DATA/Takeout3")])
    by = _names(posts)  # duplicates: DSC_0238.JPG(1).json describes DSC_0238(1).JPG
    assert set(by) == {"DSC_0238.JPG", "DSC_0238(1).JPG", "DSC_0238_1.JPG"}

    posts, _ = ingest([str(real_exports / IMMICH / "app/upload/TEST_DATA/Takeout1")])
    by = _names(posts)
    photo = by["PXL_20231006_063851485.jpg"]
    assert photo.texts == {
        "description": "Description from goggle photos",
        "album": "Album test 6/10/23",  # from métadonnées.json, the French album file
    }
    assert photo.audience is Audience.FRIENDS  # a shared ("protected") album
    assert photo.media[0].platform_facts.gps == (48.8583736, 2.291901)
    assert photo.media[0].platform_facts.device == "android phone"
    assert by["PXL_20231006_063909898.LS.mp4"].media[0].kind == "video"

    posts, _ = ingest([str(real_exports / IMMICH / "internal/e2e/client/DATA/fromGooglePhotos")])
    (gopher,) = posts  # the .supplemental-metadata.json sidecar of a newer Takeout
    assert gopher.locator.endswith("PinClipart.com_gopher-clipart_4000243.jpg")
    assert gopher.texts == {"album": "Gopher's gallery"}


def test_same_file_in_several_zip_parts_is_counted_once(real_exports: Path, tmp_path: Path):
    root = real_exports / IMMICH / "app/upload/TEST_DATA/Takeout1"
    files = {
        "Takeout/" + str(p.relative_to(root)): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file()
    }
    photo = next(k for k in files if k.endswith(".jpg"))
    sidecars = {k: v for k, v in files.items() if not k.endswith(".jpg")}
    part1 = write_zip(tmp_path / "takeout-001.zip", sidecars)
    part2 = write_zip(tmp_path / "takeout-002.zip", {photo: files[photo], **sidecars})
    for order in ((part1, part2), (part2, part1)):
        posts, skipped = ingest([str(p) for p in order])
        assert skipped == []
        assert len(posts) == 8
        with_file = [m for p in posts for m in p.media if m.ref is not None]
        assert [m.locator for m in with_file] == [f"{part2}!{photo}"]


def test_every_naming_rule_of_the_generated_takeout(tmp_path: Path) -> None:
    files = takeout()
    folder = write_folder(tmp_path / "unpacked", files)
    posts, skipped = ingest([str(folder)])
    assert skipped == []
    assert {p.platform for p in posts} == {"google_photos"}
    by = _names(posts)
    assert set(by) == {
        "IMG_0001.jpg", "IMG_0002.jpg", "IMG_0003.jpg", "IMG_0004.JPG", "IMG_0004(1).JPG",
        "IMG_0005(1).jpg", LONG, "VID_0001.mp4", "Screenshot_1.png", "IMG_0100.jpg",
        "IMG_0200.jpg",
    }  # fmt: skip
    assert sum(len(p.media) for p in posts) == 12
    first = by["IMG_0001.jpg"]
    assert [m.texts["file_name"] for m in first.media] == ["IMG_0001.jpg", "IMG_0001-edited.jpg"]
    assert all(m.tagged == ("Amelia Hughes",) for m in first.media)
    assert first.media[0].texts["people"] == "Amelia Hughes"
    assert first.media[0].platform_facts.gps == GPS
    assert first.texts == {"description": "Sports day"}
    assert first.created == datetime(2024, 6, 1, 11, 0, tzinfo=UTC)
    assert first.url == "https://photos.google.com/photo/AF1Qip-example"
    assert by["IMG_0002.jpg"].media[0].platform_facts.gps is None
    assert by["IMG_0004(1).JPG"].media[0].tagged == ("Oliver Smith",)
    assert by["IMG_0004.JPG"].media[0].tagged == ()
    assert all(by[n].media[0].ref is not None for n in by)
    assert by["VID_0001.mp4"].media[0].kind == "video"
    assert any("No Google Photos information file" in n for n in by["Screenshot_1.png"].notes)
    album = by["IMG_0100.jpg"]
    assert album.audience is Audience.FRIENDS
    assert album.texts == {"album": "Sports Day 2024", "album_description": "Shared with parents"}
    assert by["IMG_0200.jpg"].audience is Audience.UNKNOWN
    assert by["IMG_0200.jpg"].texts == {"album": "Trip"}


def test_split_takeout_with_a_photos_only_part(tmp_path: Path) -> None:
    files = takeout()
    photos = {k: v for k, v in files.items() if k.startswith(YEAR) and not k.endswith(".json")}
    rest = {k: v for k, v in files.items() if k not in photos}
    a = write_zip(tmp_path / "takeout-20240601T000000Z-001.zip", rest)
    b = write_zip(tmp_path / "takeout-20240601T000000Z-002.zip", photos)
    for order in ((a, b), (b, a)):
        posts, skipped = ingest([str(p) for p in order])
        assert skipped == []
        # the edited copy cannot join its original's item across parts: its own post
        assert len(posts) == 12 and {p.platform for p in posts} == {"google_photos"}
        edited = _names(posts)["IMG_0001-edited.jpg"]
        assert edited.notes == ("An edited copy of IMG_0001.jpg, reported here on its own",)
        first = _names(posts)["IMG_0001.jpg"]
        assert first.media[0].locator == f"{b}!{YEAR}IMG_0001.jpg"
        assert first.media[0].tagged == ("Amelia Hughes",)


def test_malformed_and_unrecognised_sidecars_are_reported(tmp_path: Path) -> None:
    files = takeout()
    files[f"{YEAR}IMG_0002.jpg.supplemental-metadata.json"] = '{"title": "IMG_0002.jpg", '
    files[f"{YEAR}IMG_0009.jpg"] = files[f"{YEAR}IMG_0001.jpg"]
    files[f"{YEAR}IMG_0009.jpg.json"] = {"newSchema": {"title": "IMG_0009.jpg"}}
    folder = write_folder(tmp_path / "t", files)
    posts, skipped = ingest([str(folder)])
    reasons = {Path(s.source).name: s.reason for s in skipped}
    assert reasons["IMG_0002.jpg.supplemental-metadata.json"].startswith(
        "is damaged or incomplete JSON"
    )
    assert reasons["IMG_0009.jpg.json"] == (
        f"unrecognised google_photos layout: {YEAR}IMG_0009.jpg.json"
    )
    assert len(skipped) == 2
    # both photos are still scanned, without the information their sidecar would give
    assert {"IMG_0002.jpg", "IMG_0009.jpg"} <= set(_names(posts))
    assert len(posts) == 12


def test_scan_end_to_end_json(run_cli, tmp_path: Path) -> None:
    files = {
        f"{TOP}Sports Day 2024/Metadaten.json": takeout()[f"{TOP}Sports Day 2024/Metadaten.json"],
        f"{YEAR}IMG_0001.jpg": takeout()[f"{YEAR}IMG_0001.jpg"],
        f"{YEAR}IMG_0001.jpg.json": sidecar("IMG_0001.jpg", people=["Amelia Hughes"], gps=GPS),
    }
    zp = write_zip(tmp_path / "takeout.zip", files)
    res = run_cli("scan", zp, "--format", "json", *SCAN)
    assert res.code == 0, res.err
    report = res.json()
    assert report["skipped"] == []
    (post,) = report["posts"]
    assert post["platform"] == "google_photos"
    assert post["created"] == "2024-06-01T11:00:00+00:00"
    rules = {f["rule"]: f for f in post["findings"]}
    # a named person tagged in the photo is a name paired with an image
    assert rules["name-with-image"]["field"] == "tags"
    assert rules["name-with-image"]["evidence"].endswith("full name")
    assert "Amelia H." in rules["name-with-image"]["evidence"]
    assert "Amelia Hughes" not in rules["name-with-image"]["evidence"]
    assert rules["location-in-metadata"]["field"] == "upload:gps"
    assert post["media"][0]["analysed"] is True
