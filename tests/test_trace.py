"""trace and the persistent index: a manipulated copy leads back to the published post."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont, ImageOps
from skimage import data
from test_link import FB_PHOTO, SCAN, astronaut, jpeg, two_platforms


def manipulated(img: Image.Image) -> Image.Image:
    """What an abuser did: cropped, mirrored, colour-shifted, a caption written on it."""
    w, h = img.size
    out = ImageOps.mirror(img.crop((int(w * 0.08), 0, w, int(h * 0.92))))
    arr = np.asarray(out, np.float32) * np.array([1.15, 0.95, 0.8])
    out = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    d = ImageDraw.Draw(out)
    font = ImageFont.load_default(size=out.height // 14)
    d.text((20, out.height * 0.85), "look who it is", font=font, fill="white", stroke_width=2)
    return out


def scanned_index(run_cli, tmp: Path) -> tuple[Path, Path, Path]:
    fb, ig = two_platforms(tmp)
    index = tmp / "index.sqlite"
    result = run_cli("scan", fb, ig, "--index", index, *SCAN)
    assert result.code == 0, result.err
    return index, fb, ig


def test_trace_finds_the_original_post_of_a_manipulated_copy(run_cli, tmp_path: Path) -> None:
    index, fb, _ = scanned_index(run_cli, tmp_path)
    suspect = tmp_path / "suspect.jpg"
    suspect.write_bytes(jpeg(manipulated(astronaut())))
    out = run_cli("trace", suspect, "--index", index, "--format", "json")
    assert out.code == 0, out.err
    [result] = out.json()
    assert result["match"] is True
    first = result["matches"][0]
    # both published copies are the same photo; either leads to the named Facebook post
    images = {m["image"].split("!")[-1] for m in result["matches"]}
    assert FB_PHOTO in images
    assert first["distance"] <= 18
    assert "mirrored" in first["transforms"]
    assert "recoloured" in first["transforms"]
    fb_match = next(m for m in result["matches"] if m["image"].endswith(FB_PHOTO))
    assert "cropped" in fb_match["transforms"]
    [post] = fb_match["posts"]
    assert post["platform"] == "facebook"
    rules = {f["rule"] for f in post["findings"]}
    assert {"name-with-image", "linked-name"} <= rules
    assert fb_match["source"] == str(fb.resolve())

    text = run_cli("trace", suspect, "--index", index).out
    assert "matching published image" in text
    assert "mirrored" in text and "facebook post" in text
    assert "Amelia H." in text and "Hughes" not in text


def test_the_original_post_comes_first_for_the_manipulated_named_photo(
    run_cli, tmp_path: Path
) -> None:
    """With only the named post indexed, the manipulated copy leads straight to it."""
    fb, _ = two_platforms(tmp_path)
    index = tmp_path / "index.sqlite"
    assert run_cli("scan", fb, "--index", index, *SCAN).code == 0
    suspect = tmp_path / "suspect.jpg"
    suspect.write_bytes(jpeg(manipulated(astronaut())))
    [result] = run_cli("trace", suspect, "--index", index, "--format", "json").json()
    assert result["matches"][0]["image"].endswith(FB_PHOTO)


def test_no_match_is_said_plainly_with_the_closest_distance(run_cli, tmp_path: Path) -> None:
    index, _, _ = scanned_index(run_cli, tmp_path)
    other = tmp_path / "rocket.jpg"
    other.write_bytes(jpeg(Image.fromarray(data.rocket())))
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not a picture")
    out = run_cli("trace", other, broken, "--index", index)
    assert out.code == 0
    assert f"{other}: no match. The closest published image differs by" in out.out
    assert f"{broken}: cannot be traced:" in out.out
    [res, bad] = run_cli("trace", other, broken, "--index", index, "--format", "json").json()
    assert res["match"] is False and 0 < res["closest_distance"] <= 64
    assert bad["error"]


def test_index_stats_and_forget(run_cli, tmp_path: Path) -> None:
    index, fb, ig = scanned_index(run_cli, tmp_path)
    stats = run_cli("index", "--stats", "--index", index)
    assert stats.code == 0
    assert "2 sources, 3 images" in stats.out
    assert f"{fb.resolve()} (facebook): 1 posts, 1 images" in stats.out

    gone = run_cli("index", "--forget", str(ig), "--index", index)
    assert gone.code == 0 and "Removed" in gone.out
    assert "1 sources, 1 images" in run_cli("index", "--stats", "--index", index).out
    with sqlite3.connect(index) as db:
        assert db.execute("SELECT count(*) FROM posts").fetchone()[0] == 1
        assert db.execute("SELECT count(*) FROM images").fetchone()[0] == 1
        # no pixels and no full names are stored
        blobs = db.execute("SELECT findings, excerpt FROM posts").fetchall()
    assert "Hughes" not in repr(blobs) and "Amelia H." in repr(blobs)

    missing = run_cli("index", "--forget", "nowhere.zip", "--index", index)
    assert missing.code == 2 and "not in the index" in missing.err


def test_scanning_again_replaces_a_source_and_no_index_leaves_it_alone(
    run_cli, tmp_path: Path
) -> None:
    index, fb, ig = scanned_index(run_cli, tmp_path)
    assert run_cli("scan", fb, "--index", index, *SCAN).code == 0
    assert "2 sources, 3 images" in run_cli("index", "--stats", "--index", index).out
    before = index.stat().st_mtime_ns
    other = tmp_path / "other.sqlite"
    assert run_cli("scan", fb, "--no-index", "--index", other, *SCAN).code == 0
    assert not other.exists()
    assert index.stat().st_mtime_ns == before


def test_default_index_lives_in_the_user_data_dir(run_cli, tmp_path: Path) -> None:
    fb, _ = two_platforms(tmp_path)
    before = run_cli("trace", fb, "--format", "json")
    assert before.code == 2 and "no index here yet (a scan creates it)" in before.err
    assert run_cli("scan", fb, *SCAN).code == 0
    assert list((tmp_path / "xdg-data").rglob("index.sqlite"))
    assert not list((tmp_path / "xdg-cache").rglob("index.sqlite"))
    assert "1 sources, 1 images" in run_cli("index", "--stats").out
