"""The spine, end to end through the CLI: bad input, outputs, exit codes, cache, policy."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import struct
import zipfile
import zlib
from pathlib import Path

import jsonschema
import numpy as np
import pytest
from conftest import REPO
from PIL import Image
from skimage import data


def _jpeg(path: Path, arr: np.ndarray, size: tuple[int, int] | None = None, **save) -> Path:
    img = Image.fromarray(arr)
    if size:
        img = img.resize(size)
    img.save(path, "JPEG", quality=85, **save)
    return path


def _png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header declares a huge canvas: a decompression bomb in miniature."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


@pytest.fixture
def photos(tmp_path: Path) -> Path:
    """A folder of photos as a comms lead would have it, plus every kind of broken file."""
    d = tmp_path / "photos"
    d.mkdir()
    _jpeg(d / "sports_day_01.jpg", data.astronaut())
    _jpeg(d / "library_roof.jpg", data.coffee(), size=(2400, 1600))
    good = (d / "sports_day_01.jpg").read_bytes()
    (d / "truncated.jpg").write_bytes(good[: len(good) // 3])
    (d / "empty.png").write_bytes(b"")
    (d / "huge.png").write_bytes(_png_declaring(30000, 30000))
    return d


def _digests(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_bad_files_are_skipped_with_a_reason_and_the_rest_is_scanned(run_cli, photos):
    res = run_cli("scan", photos, "--format", "json", "--fail-on", "never")
    assert res.code == 0, res.err
    report = res.json()
    skipped = {Path(s["source"]).name: s["reason"] for s in report["skipped"]}
    assert set(skipped) == {"truncated.jpg", "empty.png", "huge.png"}
    assert "truncated" in skipped["truncated.jpg"] or "damaged" in skipped["truncated.jpg"]
    assert "empty" in skipped["empty.png"]
    assert "30000x30000" in skipped["huge.png"]
    analysed = [m for p in report["posts"] for m in p["media"] if m["analysed"]]
    assert {Path(m["locator"]).name for m in analysed} == {"sports_day_01.jpg", "library_roof.jpg"}
    assert report["summary"]["skipped"] == 3


def test_zip_member_escaping_with_dotdot_is_refused_and_rest_scanned(run_cli, tmp_path):
    buf = io.BytesIO()
    _jpeg(tmp_path / "ok.jpg", data.chelsea())
    with zipfile.ZipFile(tmp_path / "upload.zip", "w") as zf:
        zf.write(tmp_path / "ok.jpg", "photos/ok.jpg")
        zf.writestr("../evil.jpg", (tmp_path / "ok.jpg").read_bytes())
        zf.writestr("/abs/evil2.jpg", (tmp_path / "ok.jpg").read_bytes())
    del buf
    res = run_cli("scan", tmp_path / "upload.zip", "--format", "json", "--fail-on", "never")
    report = res.json()
    reasons = {s["source"]: s["reason"] for s in report["skipped"]}
    assert any(k.endswith("!../evil.jpg") and "outside the zip" in v for k, v in reasons.items())
    assert any(k.endswith("!/abs/evil2.jpg") and "absolute" in v for k, v in reasons.items())
    assert [p["locator"] for p in report["posts"]] == ["photos/ok.jpg"]
    assert not (tmp_path.parent / "evil.jpg").exists()


def test_zip_bomb_member_is_refused_not_inflated(run_cli, tmp_path):
    with zipfile.ZipFile(tmp_path / "bomb.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("photos/bomb.jpg", b"\xff\xd8" + b"\x00" * (40 * 1024 * 1024))
    assert (tmp_path / "bomb.zip").stat().st_size < 1024 * 1024
    res = run_cli("scan", tmp_path / "bomb.zip", "--format", "json", "--fail-on", "never")
    (entry,) = res.json()["skipped"]
    assert entry["source"].endswith("bomb.jpg")
    assert "zip bomb" in entry["reason"]


def test_inputs_are_never_modified(run_cli, photos, tmp_path):
    before = _digests(photos)
    out = tmp_path / "out" / "report.json"
    run_cli("scan", photos, "--format", "json", "--output", out, "--fail-on", "never")
    assert _digests(photos) == before
    assert json.loads(out.read_text())["summary"]["images"] == 5


def test_json_report_matches_documented_schema(run_cli, photos):
    report = run_cli("scan", photos, "--format", "json", "--fail-on", "never").json()
    schema = json.loads((REPO / "docs" / "report.schema.json").read_text())
    jsonschema.validate(report, schema)
    ranks = [p["rank"] for p in report["posts"]]
    assert ranks == sorted(ranks) and ranks[0] == 1
    scores = [p["score"] for p in report["posts"] if p["own_content"]]
    bands = ["none", "low", "medium", "high", "critical"]
    keys = [(bands.index(p["band"]), p["score"]) for p in report["posts"]]
    assert keys == sorted(keys, reverse=True), scores


def test_csv_has_one_row_per_finding(run_cli, photos):
    as_json = run_cli("scan", photos, "--format", "json", "--fail-on", "never").json()
    as_csv = run_cli("scan", photos, "--format", "csv", "--fail-on", "never").out
    rows = list(csv.DictReader(io.StringIO(as_csv)))
    expected = [(p["locator"], f["rule"]) for p in as_json["posts"] for f in p["findings"]]
    assert [(Path(r["locator"]).name, r["rule"]) for r in rows] == [
        (Path(loc).name, rule) for loc, rule in expected
    ]
    assert expected, "the fixture must produce findings"


def test_rescan_of_unchanged_input_decodes_nothing(run_cli, photos, tmp_path):
    cache = tmp_path / "cache"
    first = run_cli("scan", photos, "--format", "json", "--cache-dir", cache, "--fail-on", "never")
    second = run_cli("scan", photos, "--format", "json", "--cache-dir", cache, "--fail-on", "never")
    s1, s2 = first.json()["summary"], second.json()["summary"]
    assert s1["images_analysed"] == 2 and s1["images_from_cache"] == 0
    assert s2["images_analysed"] == 0 and s2["images_from_cache"] == 2
    strip = lambda r: [(p["locator"], p["score"], p["media"]) for p in r["posts"]]  # noqa: E731
    assert strip(first.json()) == strip(second.json())
    third = run_cli("scan", photos, "--format", "json", "--no-cache", "--fail-on", "never")
    assert third.json()["summary"]["images_analysed"] == 2


def test_exit_code_follows_fail_on(run_cli, photos):
    # library_roof.jpg is 2400 px: high-resolution (medium) at least.
    assert run_cli("scan", photos, "--fail-on", "medium", "--format", "json").code == 1
    assert run_cli("scan", photos, "--fail-on", "critical", "--format", "json").code == 0
    assert run_cli("scan", photos, "--fail-on", "never", "--format", "json").code == 0


def test_missing_input_is_a_usage_error(run_cli, tmp_path):
    res = run_cli("scan", tmp_path / "nope.zip")
    assert res.code == 2
    assert "nope.zip" in res.err and "no such file" in res.err
    assert len(res.err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("toml", "words"),
    [
        ("[checks.high-resolution]\nmax_long_side = 'big'\n", ["max_long_side", "'big'"]),
        ("[checks.no-such-check]\npoints = 3\n", ["checks.no-such-check", "unknown check"]),
        ("[checks.old-post]\nreview_after_yeers = 3\n", ["review_after_yeers", "unknown"]),
        ("[bands]\nhigh = -5\n", ["bands.high", "-5"]),
        ("[checks.old-post]\nseverity = 'urgent'\n", ["severity", "'urgent'"]),
        ("not toml at all [", ["not valid TOML"]),
    ],
)
def test_policy_errors_name_file_key_and_value(run_cli, photos, tmp_path, toml, words):
    policy = tmp_path / "school.toml"
    policy.write_text(toml)
    res = run_cli("scan", photos, "--rules", policy)
    assert res.code == 2
    assert str(policy) in res.err
    for w in words:
        assert w in res.err


def test_policy_override_changes_judgement(run_cli, photos, tmp_path):
    policy = tmp_path / "school.toml"
    policy.write_text("[checks.high-resolution]\nmax_long_side = 4000\n")
    report = run_cli("scan", photos, "--rules", policy, "--format", "json").json()
    assert not any(f["rule"] == "high-resolution" for p in report["posts"] for f in p["findings"])
    policy.write_text("[checks.high-resolution]\nenabled = false\n")
    report = run_cli("scan", photos, "--rules", policy, "--format", "json").json()
    assert not any(f["rule"] == "high-resolution" for p in report["posts"] for f in p["findings"])


def test_output_file_is_written_only_after_success(run_cli, photos, tmp_path):
    out = tmp_path / "report.csv"
    out.write_text("previous report\n")
    bad = tmp_path / "bad.toml"
    bad.write_text("[checks.nope]\n")
    assert run_cli("scan", photos, "--rules", bad, "--output", out).code == 2
    assert out.read_text() == "previous report\n"
    run_cli("scan", photos, "--format", "csv", "--output", out, "--fail-on", "never")
    assert out.read_text().startswith("rank,band,score")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".report.csv")]


def test_rules_command_lists_and_explains_every_check(run_cli):
    from scanner.checks import REGISTRY

    listing = run_cli("rules")
    assert listing.code == 0
    for cid in REGISTRY:
        assert cid in listing.out
        one = run_cli("rules", cid)
        assert one.code == 0
        for section in ("What it finds", "Why it matters for pupils", "Fix"):
            assert section in one.out
    assert run_cli("rules", "no-such-rule").code == 2


def test_old_post_is_judged_against_as_of(run_cli, tmp_path):
    from datetime import UTC, date, datetime

    from scanner.checks.interface import CheckContext
    from scanner.checks.old_post import old_post
    from scanner.model import Media, Post

    post = Post(
        platform="facebook",
        source="x",
        locator="1",
        created=datetime(2020, 9, 1, tzinfo=UTC),
        media=(Media(locator="a.jpg", ref=None),),
    )
    from scanner.model import AnalysedMedia

    def hits(as_of: date) -> list:
        ctx = CheckContext(
            post=post,
            media=(AnalysedMedia(media=post.media[0], facts=None),),
            names=(),
            as_of=as_of,
            options={"review_after_years": 2.0},
        )
        return list(old_post(ctx))

    assert hits(date(2021, 9, 1)) == []
    (hit,) = hits(date(2023, 9, 1))
    assert "2020-09-01" in hit.evidence and "2023-09-01" in hit.evidence


@pytest.mark.parametrize("columns", ["72", "80", "120", "200"])
def test_table_fits_the_terminal_width_without_cutting_anything_off(
    run_cli, photos, monkeypatch, columns
):
    monkeypatch.setenv("COLUMNS", columns)
    out = run_cli("scan", photos, "--fail-on", "never").out
    rows = [line for line in out.splitlines() if line.startswith("│")]
    assert rows, "the table has rows"
    assert all(line.rstrip().endswith("│") for line in rows), "a column was cut off"
    assert max(len(line) for line in rows) <= int(columns)
    where = "".join(line.split("│")[-3].strip() for line in rows)  # the Where column
    assert "sports_day_01.jpg" in where  # long paths wrap rather than vanish
