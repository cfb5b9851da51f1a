"""ExifTool, an independent reader, confirms the metadata the scanner reports on sample_exports.

For every photo in sample_exports/photos/ and every media file in the Facebook zip, the
facts `read_metadata` finds (GPS, camera, serial, owner/artist, DateTimeOriginal, XMP person
names, embedded thumbnail) and the sizes and GPS evidence in the JSON report must agree with
`exiftool -json -n`. CI installs ExifTool (Debian's libimage-exiftool-perl).
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import zipfile
from contextlib import redirect_stdout
from pathlib import Path

import pytest
from PIL import Image

from scanner.analyse.metadata import read_metadata

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample_exports"
FACEBOOK_ZIP = SAMPLE / "facebook-oakfieldprimary.zip"


def _exiftool() -> str:
    found = shutil.which("exiftool")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("exiftool is not installed (apt-get install libimage-exiftool-perl)")
        pytest.skip("exiftool is not installed here; CI installs libimage-exiftool-perl")
    return found


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Report locator -> a file ExifTool can read. Zip members are written out to a temp
    folder (ExifTool cannot look inside a zip); the photos are read in place."""
    files = {f"sample_exports/photos/{p.name}": p for p in sorted((SAMPLE / "photos").iterdir())}
    out = tmp_path_factory.mktemp("fb-media")
    with zipfile.ZipFile(FACEBOOK_ZIP) as zf:
        for i, name in enumerate(n for n in zf.namelist() if n.endswith(".jpg")):
            target = out / f"{i:02d}_{name.rsplit('/', 1)[-1]}"
            target.write_bytes(zf.read(name))
            files[f"sample_exports/{FACEBOOK_ZIP.name}!{name}"] = target
    return files


@pytest.fixture(scope="module")
def oracle(media: dict[str, Path]) -> dict[str, dict]:
    """Locator -> ExifTool's tags (-G1: group-qualified names, -n: numbers, not prose)."""
    tool = _exiftool()
    run = subprocess.run(
        [tool, "-json", "-n", "-G1", "-a", *map(str, media.values())],
        capture_output=True,
        check=True,
        text=True,
    )
    by_file = {Path(entry["SourceFile"]).resolve(): entry for entry in json.loads(run.stdout)}
    return {loc: by_file[path.resolve()] for loc, path in media.items()}


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict:
    from scanner.cli import main

    cache = tmp_path_factory.mktemp("cache")
    buf, old = io.StringIO(), os.getcwd()
    os.chdir(REPO)
    try:
        with redirect_stdout(buf):
            main(
                [
                    "scan",
                    "sample_exports",
                    "--format",
                    "json",
                    "--as-of",
                    "2025-09-01",
                    "--cache-dir",
                    str(cache),
                    "--show-names",
                    "--no-index",
                ]
            )
    finally:
        os.chdir(old)
    return json.loads(buf.getvalue())


def _list(value: object) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _gps(tags: dict) -> tuple[float, float] | None:
    lat, lon = tags.get("Composite:GPSLatitude"), tags.get("Composite:GPSLongitude")
    return None if lat is None or lon is None else (round(lat, 5), round(lon, 5))


def test_the_oracle_sees_the_metadata_the_samples_were_built_with(oracle: dict) -> None:
    """Guards the comparison below against agreeing on nothing: the samples do carry it."""
    tags = list(oracle.values())
    assert sum(_gps(t) is not None for t in tags) >= 1
    assert sum("IFD1:ThumbnailLength" in t for t in tags) >= 2
    assert sum("ExifIFD:SerialNumber" in t for t in tags) >= 1
    assert sum("XMP-mwg-rs:RegionName" in t for t in tags) >= 1
    assert sum("XMP-iptcExt:PersonInImage" in t for t in tags) >= 1
    # Meta strips metadata from the files it serves: only the export's records keep it.
    fb = [t for loc, t in oracle.items() if "!" in loc]
    assert fb and not any(_gps(t) or "IFD0:Make" in t for t in fb)


def test_read_metadata_agrees_with_exiftool(media: dict[str, Path], oracle: dict) -> None:
    for loc, path in media.items():
        tags = oracle[loc]
        with Image.open(path) as img:
            md = read_metadata(img)
        where = f"{loc}: scanner vs exiftool"
        got_gps = None if md.gps is None else (round(md.gps[0], 5), round(md.gps[1], 5))
        assert got_gps == _gps(tags), where
        assert md.make == tags.get("IFD0:Make"), where
        assert md.model == tags.get("IFD0:Model"), where
        assert md.taken_at == tags.get("ExifIFD:DateTimeOriginal"), where
        assert md.serial == (
            str(tags["ExifIFD:SerialNumber"]) if "ExifIFD:SerialNumber" in tags else None
        ), where
        owners = [tags.get(k) for k in ("ExifIFD:OwnerName", "IFD0:Artist", "IFD0:Copyright")]
        owners += _list(tags.get("XMP-dc:Creator"))
        assert md.owner == next((o for o in owners if o), None), where
        people = _list(tags.get("XMP-mwg-rs:RegionName")) + _list(
            tags.get("XMP-iptcExt:PersonInImage")
        )
        assert sorted(md.person_names) == sorted(people), where
        assert md.has_thumbnail == ("IFD1:ThumbnailLength" in tags), where


def test_report_sizes_and_gps_evidence_agree_with_exiftool(report: dict, oracle: dict) -> None:
    seen = 0
    for post in report["posts"]:
        for m in post["media"]:
            tags = oracle.get(m["locator"])
            if tags is None:
                continue
            seen += 1
            assert (m["width"], m["height"]) == (tags["File:ImageWidth"], tags["File:ImageHeight"])
        for f in post["findings"]:
            if f["rule"] != "location-in-metadata" or f["field"] != "metadata:gps":
                continue
            lat, lon = map(float, re.findall(r"-?\d+\.\d+", f["evidence"])[:2])
            locator = post["media"][0]["locator"] if len(post["media"]) == 1 else None
            assert locator is not None and _gps(oracle[locator]) == (round(lat, 5), round(lon, 5))
    assert seen == len(oracle)
