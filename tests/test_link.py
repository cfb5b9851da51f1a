"""Cross-post linkage: the same photo on two platforms is one group, and the checks see it."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from fixtures.export_files import write_zip
from fixtures.facebook_export import entry, media
from fixtures.instagram_export import item, profile
from PIL import Image, ImageOps
from skimage import data

from scanner.analyse.image import analyse_bytes
from scanner.link import HammingIndex, group

T0 = 1_717_236_000
SCAN = ("--format", "json", "--fail-on", "never", "--as-of", "2025-06-01", "--jobs", "1")
FB_PHOTO = "posts/media/StarOfTheWeek_a1b2c3/star.jpg"
IG_PHOTO = "media/posts/202406/star.jpg"
IG_OTHER = "media/posts/202406/coffee.jpg"


def jpeg(img: Image.Image, quality: int = 90) -> bytes:
    buf = io.BytesIO()
    img.convert("RGB").save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def astronaut(size: int = 600) -> Image.Image:
    return Image.fromarray(data.astronaut()).resize((size, size), Image.LANCZOS)


def cropped_mirrored(img: Image.Image) -> Image.Image:
    """What a second account did to the photo: cropped 10%, mirrored, resized to 480."""
    w, h = img.size
    out = ImageOps.mirror(img.crop((int(w * 0.06), int(h * 0.04), int(w * 0.96), int(h * 0.94))))
    return out.resize((480, 480), Image.LANCZOS)


def facebook_named(tmp: Path, photo: bytes) -> Path:
    """A Facebook export whose post names a pupil beside the photo."""
    post = entry(T0, body="Well done Amelia Hughes, star of the week!", media_records=[])
    post["attachments"] = [{"data": [{"media": media(FB_PHOTO, T0)}]}]
    return write_zip(
        tmp / "facebook.zip",
        {"posts/your_posts_1.json": [post], FB_PHOTO: photo},
    )


def instagram_unnamed(tmp: Path, photo: bytes) -> Path:
    """An Instagram export with the same photo (edited) and no name, plus an unrelated one."""
    posts = [
        {"media": [item(IG_PHOTO, T0 + 3600, "Star of the week! #proud")]},
        {"media": [item(IG_OTHER, T0 + 7200, "Coffee morning for parents")]},
    ]
    return write_zip(
        tmp / "instagram.zip",
        {
            "content/posts_1.json": posts,
            "personal_information/personal_information.json": profile("False"),
            IG_PHOTO: photo,
            IG_OTHER: jpeg(Image.fromarray(data.coffee())),
        },
    )


def two_platforms(tmp: Path, fb_size: int = 600) -> tuple[Path, Path]:
    return (
        facebook_named(tmp, jpeg(astronaut(fb_size))),
        instagram_unnamed(tmp, jpeg(cropped_mirrored(astronaut()), 80)),
    )


def by_photo(report: dict) -> dict[str, dict]:
    """Posts by the media file they show."""
    return {m["locator"].split("!")[-1]: p for p in report["posts"] for m in p["media"]}


def test_same_photo_on_two_platforms_flags_both_posts(run_cli, tmp_path: Path) -> None:
    fb, ig = two_platforms(tmp_path)
    result = run_cli("scan", fb, ig, "--no-index", *SCAN)
    assert result.code == 0, result.err
    posts = by_photo(result.json())
    named, unnamed, other = posts[FB_PHOTO], posts[IG_PHOTO], posts[IG_OTHER]
    assert (named["platform"], unnamed["platform"]) == ("facebook", "instagram")

    def linked(p: dict) -> list[dict]:
        return [f for f in p["findings"] if f["rule"] == "linked-name"]

    # the Instagram copy names nobody, yet is flagged because Facebook names the pupil
    assert linked(unnamed), unnamed["findings"]
    assert linked(unnamed)[0]["related"] == [f"{fb}::{named['locator']}"]
    assert "Amelia H." in linked(unnamed)[0]["evidence"]
    assert "Hughes" not in linked(unnamed)[0]["evidence"]
    # the Facebook post is flagged too, pointing at the Instagram copy
    assert linked(named)
    assert linked(named)[0]["related"] == [f"{ig}::{unnamed['locator']}"]
    # the unrelated photo is in no group
    assert not linked(other)
    assert all(not f["related"] for f in other["findings"])


def test_related_posts_reach_csv_and_table(run_cli, tmp_path: Path) -> None:
    fb, ig = two_platforms(tmp_path)
    csv_out = run_cli("scan", fb, ig, "--no-index", *SCAN[2:], "--format", "csv").out
    header, *rows = csv_out.splitlines()
    assert header.split(",")[-1] == "related"
    assert any("linked-name" in r and "instagram.zip" in r for r in rows)
    table = run_cli("scan", fb, ig, "--no-index", *SCAN[2:], "--format", "table").out
    assert "same photo also in: facebook.zip" in table


def test_larger_copy_elsewhere_points_at_the_copy_to_fix(run_cli, tmp_path: Path) -> None:
    fb, ig = two_platforms(tmp_path, fb_size=2400)
    posts = by_photo(run_cli("scan", fb, ig, "--no-index", *SCAN).json())
    small, large = posts[IG_PHOTO], posts[FB_PHOTO]
    hits = [f for f in small["findings"] if f["rule"] == "larger-copy-elsewhere"]
    assert len(hits) == 1
    assert hits[0]["related"] == [f"{fb}::{large['locator']}"]
    assert "2400 px" in hits[0]["evidence"]
    assert not [f for f in large["findings"] if f["rule"] == "larger-copy-elsewhere"]


def test_groups_edited_copies_and_keeps_look_alikes_apart() -> None:
    base = astronaut(512)
    w, h = base.size
    copies = [
        base,
        cropped_mirrored(base),
        base.resize((320, 320)),
        ImageOps.expand(base, border=50, fill="white"),
        # look-alikes: the two halves of one photo, a different photo of a similar kind
        base.crop((0, 0, w // 2, h)),
        base.crop((w // 2, 0, w, h)),
        Image.fromarray(data.camera()).convert("RGB"),
        Image.fromarray(data.chelsea()),
    ]
    labels, pairs = group([analyse_bytes(jpeg(c, 85)) for c in copies])
    assert len(set(labels[:4].tolist())) == 1
    assert len(set(labels[4:].tolist())) == 4
    assert labels[4] != labels[0]
    assert all(a < 4 and b < 4 for a, b in pairs)


def test_identical_files_are_linked_even_without_fingerprints() -> None:
    facts = analyse_bytes(jpeg(astronaut(300)))
    labels, pairs = group([facts, facts, None])
    assert labels[0] == labels[1] != labels[2]
    assert pairs == {(0, 1): 0}


def test_multi_index_hashing_finds_everything_within_its_exact_radius() -> None:
    rng = np.random.default_rng(5)
    keys = rng.integers(0, 2**63, size=5000, dtype=np.uint64) * np.uint64(2)
    queries = keys[:300].copy()
    for i in range(300):  # move query i by i % 16 bits from its key
        for b in rng.choice(64, size=i % 16, replace=False):
            queries[i] ^= np.uint64(1) << np.uint64(int(b))
    index = HammingIndex(keys)
    qi, ki, d = index.search(queries, max_dist=15, band_radius=3)
    found = set(zip(qi.tolist(), ki.tolist(), strict=True))
    truth = np.bitwise_count(queries[:, None] ^ keys[None, :])
    expected = set(zip(*np.nonzero(truth <= 15), strict=True))
    assert found == {(int(a), int(b)) for a, b in expected}
    assert all((i, i) in found for i in range(300))
    assert (d == truth[qi, ki]).all()
