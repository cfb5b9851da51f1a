"""Face detection: the evaluation floors, boxes in the original's pixels, and what checks do.

The evaluation set is built from scikit-image's bundled data by tools/build_face_set.py
(no real children's photos); bench/faces_eval.py prints the full figures.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path

import pytest
from conftest import REPO
from PIL import Image
from skimage import data

from scanner.analyse import faces
from scanner.analyse.image import analyse_bytes, analyser_version, open_working_image
from scanner.checks.identifiable_faces import identifiable_faces_check
from scanner.checks.interface import CheckContext
from scanner.model import AnalysedMedia, FaceBox, FaceFacts, Media, MediaFacts, Post

sys.path.insert(0, str(REPO / "tools"))
import build_face_set as fs  # noqa: E402

ASTRONAUT_FACE = [177, 66, 97, 97]


@pytest.fixture(scope="module")
def face_set(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("faces")
    fs.build(root)
    return root


def _detect(root: Path, path: str) -> list[tuple[int, int, int, int]]:
    """The scan's own decode and detector on one image of the set (boxes in its pixels)."""
    img, w, h, _ = open_working_image(fs.load_image(root, path))
    return [(b.x, b.y, b.w, b.h) for b in faces.find_faces(img, (w, h)).boxes]


@pytest.fixture(scope="module")
def results(face_set: Path) -> list[tuple[fs.Entry, list[bool], int]]:
    """Every image of the set: (entry, which true faces were found, false faces)."""
    entries = fs.load_truth(face_set)
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        found = list(pool.map(_detect, [face_set] * len(entries), [e.path for e in entries]))
    return [(e, *fs.score(e.faces, f)) for e, f in zip(entries, found, strict=True)]


def test_recall_on_generated_group_scenes_is_at_least_0_90(results) -> None:
    hits = [h for e, hs, _ in results if e.kind == "group" for h in hs]
    assert len(hits) >= 100
    assert sum(hits) / len(hits) >= 0.90


def test_at_most_2_false_faces_per_20_photos_without_people(results) -> None:
    photos = [(e, false) for e, _, false in results if e.kind in ("scenery", "empty")]
    assert len(photos) >= 20
    assert sum(f for _, f in photos) * 20 / len(photos) <= 2


def test_the_astronauts_face_is_found_where_it_is(results) -> None:
    astronaut = next(hs for e, hs, _ in results if e.path == "skimage:astronaut")
    assert astronaut == [True]


def _jpeg(img: Image.Image, **save) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=90, **save)
    return buf.getvalue()


def test_boxes_are_in_the_originals_pixels_when_the_working_image_is_smaller() -> None:
    big = Image.fromarray(data.astronaut()).resize((4096, 4096), Image.Resampling.BICUBIC)
    facts = analyse_bytes(_jpeg(big))
    assert (facts.width, facts.height) == (4096, 4096)
    assert facts.faces is not None and facts.faces.count == 1
    (box,) = facts.faces.boxes
    truth = [v * 8 for v in ASTRONAUT_FACE]
    assert fs.iou((box.x, box.y, box.w, box.h), truth) > 0.6
    assert facts.faces.largest_side == min(box.w, box.h) > 600
    assert facts.faces.largest_share == pytest.approx(box.w * box.h / 4096**2, rel=1e-3)
    assert facts.faces.reach == faces.SMALLEST_FACE * 4  # detector sees 1024 of 4096 px


def test_a_rotated_upload_gives_boxes_in_the_upright_photo() -> None:
    sideways = Image.fromarray(data.astronaut()).transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6  # display rotated 90 degrees clockwise
    facts = analyse_bytes(_jpeg(sideways, exif=exif))
    assert facts.faces is not None and facts.faces.count == 1
    b = facts.faces.boxes[0]
    assert fs.iou((b.x, b.y, b.w, b.h), ASTRONAUT_FACE) > 0.6


def test_the_facts_cache_key_names_the_detector_and_its_settings() -> None:
    assert faces.VERSION in analyser_version()


# ---------------------------------------------------------------- checks


def _ctx(facts: list[FaceFacts], **options) -> CheckContext:
    media = tuple(
        AnalysedMedia(
            media=Media(locator=f"p{i}.jpg", ref=None),
            facts=MediaFacts(
                digest=str(i),
                width=1000,
                height=1000,
                format="JPEG",
                bytes=1,
                phash="0" * 16,
                faces=f,
            ),
        )
        for i, f in enumerate(facts)
    )
    post = Post(platform="files", source="s", locator="l", media=tuple(m.media for m in media))
    return CheckContext(
        post=post,
        media=media,
        names=(),
        as_of=date(2025, 1, 1),
        options={"min_face_px": 24, "close_up_share": 0.02, "group_faces": 3, **options},
    )


def _faces(*sides: int) -> FaceFacts:
    boxes = tuple(FaceBox(x=0, y=0, w=s, h=s, share=s * s / 1e6) for s in sides)
    return FaceFacts(
        detector="t",
        count=len(boxes),
        boxes=boxes,
        largest_share=max((b.share for b in boxes), default=0.0),
    )


@pytest.mark.parametrize(
    ("photos", "variant"),
    [
        ([_faces(300)], "close-up"),  # 9% of the photo: a portrait
        ([_faces(60, 50, 40, 40)], "group"),
        ([_faces(60), _faces(50)], "few"),  # one or two faces per photo
        ([_faces(20, 20, 20, 20)], None),  # too small to identify
        ([_faces()], None),  # scenery
        ([None], None),  # faces not checked: nothing to say
    ],
)
def test_identifiable_faces_ranks_close_ups_above_groups_above_a_few(photos, variant) -> None:
    hits = list(identifiable_faces_check(_ctx(photos)))
    assert [h.variant for h in hits] == ([variant] if variant else [])


def test_the_policys_minimum_face_size_decides_what_is_identifiable() -> None:
    assert [h.variant for h in identifiable_faces_check(_ctx([_faces(60, 50, 40)]))] == ["group"]
    assert list(identifiable_faces_check(_ctx([_faces(60, 50, 40)], min_face_px=61))) == []


# ---------------------------------------------------------------- end to end


@pytest.fixture
def photos(tmp_path: Path) -> Path:
    d = tmp_path / "photos"
    d.mkdir()
    Image.fromarray(data.astronaut()).save(d / "amelia_hughes_sports_day.jpg", quality=90)
    Image.fromarray(data.coffee()).save(d / "amelia_hughes_new_roof.jpg", quality=90)
    return d


def _by_file(report: dict) -> dict[str, dict]:
    return {Path(p["locator"]).name: p for p in report["posts"]}


def test_a_name_needs_an_identifiable_face_for_full_severity(run_cli, photos: Path) -> None:
    r = run_cli("scan", photos, "--format", "json")
    posts = _by_file(r.json())
    portrait = posts["amelia_hughes_sports_day.jpg"]
    roof = posts["amelia_hughes_new_roof.jpg"]
    assert portrait["faces"] == 1 and portrait["media"][0]["faces"] == 1
    assert roof["faces"] == 0 and roof["media"][0]["faces"] == 0
    named = {f["rule"]: f for f in portrait["findings"]}
    assert named["name-in-file"]["severity"] == "high"
    assert named["identifiable-faces"]["severity"] == "medium"
    assert "1 identifiable face in 1 photo" in named["identifiable-faces"]["evidence"]
    roof_rules = {f["rule"]: f for f in roof["findings"]}
    assert roof_rules["name-in-file"]["severity"] == "low"  # could not confirm people
    assert "no faces found" in roof_rules["name-in-file"]["evidence"]
    assert "identifiable-faces" not in roof_rules
    assert portrait["rank"] < roof["rank"]


def test_face_counts_reach_the_csv_report(run_cli, photos: Path) -> None:
    r = run_cli("scan", photos, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(r.out)))
    faces_by_file = {Path(row["locator"]).name: row["faces"] for row in rows if "locator" in row}
    assert faces_by_file == {"amelia_hughes_sports_day.jpg": "1", "amelia_hughes_new_roof.jpg": "0"}


def test_a_school_can_raise_the_minimum_face_size(run_cli, photos: Path, tmp_path: Path) -> None:
    rules = tmp_path / "ours.toml"
    rules.write_text("[people]\nmin_face_px = 150\n")
    posts = _by_file(run_cli("scan", photos, "--rules", rules, "--format", "json").json())
    found = {f["rule"]: f for f in posts["amelia_hughes_sports_day.jpg"]["findings"]}
    assert found["name-in-file"]["severity"] == "low"
    assert "all smaller than 150 px" in found["name-in-file"]["evidence"]
    assert "identifiable-faces" not in found


@pytest.mark.parametrize(
    ("toml", "words"),
    [
        ("[people]\nmin_face = 30\n", "people.min_face = 30: unknown setting"),
        ('[people]\nmin_face_px = "big"\n', "people.min_face_px = 'big': must be a whole number"),
        ("[people]\nmin_face_px = 0\n", "people.min_face_px = 0"),
    ],
)
def test_the_people_settings_are_checked_strictly(run_cli, photos, tmp_path, toml, words) -> None:
    rules = tmp_path / "bad.toml"
    rules.write_text(toml)
    r = run_cli("scan", photos, "--rules", rules)
    assert r.code == 2
    assert str(rules) in r.err and words in r.err


def test_no_face_is_recognised_only_counted() -> None:
    """What is kept about a face is its box and size: nothing that could identify it."""
    facts = analyse_bytes(_jpeg(Image.fromarray(data.astronaut())))
    kept = json.loads(json.dumps(facts.faces.__dict__, default=lambda o: o.__dict__))
    assert set(kept) == {"detector", "count", "boxes", "largest_share", "largest_side", "reach"}
    assert set(kept["boxes"][0]) == {"x", "y", "w", "h", "share"}
