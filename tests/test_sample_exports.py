"""sample_exports/ scans to exactly the (post, rule) pairs in its EXPECTED.tsv.

The folder is what the README's first command scans, so it must show every check firing,
must never leak the upload IP Meta keeps in its exports, and must be what the committed
generator (tools/make_sample_exports.py) builds: nobody hand-edits a fixture.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import sys
import zipfile
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from PIL import Image

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample_exports"


def _load_generator():
    spec = importlib.util.spec_from_file_location(
        "make_sample_exports", REPO / "tools" / "make_sample_exports.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


gen = _load_generator()


def _scan(cwd: Path, *extra: str, fmt: str = "json", folder: str = "sample_exports") -> str:
    """The scan EXPECTED.tsv describes, run from `cwd` (default jobs: the process pool)."""
    import os

    from scanner.cli import main

    out, err = io.StringIO(), io.StringIO()
    old = os.getcwd()
    os.chdir(cwd)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = main([*gen.scan_args(folder), "--format", fmt, *extra])
    finally:
        os.chdir(old)
    assert code in (0, 1), err.getvalue()
    return out.getvalue()


@pytest.fixture(scope="module")
def _module_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("xdg-cache")


@pytest.fixture(autouse=True)
def _private_dirs(tmp_path: Path, _module_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Scans here never touch the user's cache or index. The facts cache is shared by this
    module's scans (the first one is cold), since facts are keyed by the files' digests."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(_module_cache))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))


@pytest.fixture(scope="module")
def report(_module_cache: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The scan of the committed folder, with a cold cache (it runs first)."""
    mp = pytest.MonkeyPatch()
    mp.setenv("XDG_CACHE_HOME", str(_module_cache))
    mp.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("xdg-data")))
    try:
        return json.loads(_scan(REPO))
    finally:
        mp.undo()


def test_scan_gives_exactly_the_expected_pairs(report: dict) -> None:
    expected = gen.read_expected(SAMPLE / gen.EXPECTED_NAME)
    assert expected, "EXPECTED.tsv lists no pairs"
    got = gen.pairs_of(report)
    missing = sorted(set(expected) - set(got))
    unexpected = sorted(set(got) - set(expected))
    assert not missing and not unexpected, (
        f"scan differs from sample_exports/EXPECTED.tsv\n  missing: {missing}\n"
        f"  unexpected: {unexpected}\nIf the change is right, run "
        "`python tools/make_sample_exports.py --expected` and review the diff."
    )
    assert report["skipped"] == []


def test_every_registered_check_fires_on_the_samples(report: dict) -> None:
    from scanner.checks import REGISTRY

    fired = {f["rule"] for p in report["posts"] for f in p["findings"]}
    assert set(REGISTRY) - fired == set(), "checks that never fire on sample_exports/"


def test_every_export_is_read(report: dict) -> None:
    """The Facebook, Instagram, X and WordPress zips beside photos/ are read from the one
    folder named, each with the posts and media the generator put in it."""
    by_platform: dict[str, int] = {}
    media: dict[str, int] = {}
    for p in report["posts"]:
        by_platform[p["platform"]] = by_platform.get(p["platform"], 0) + 1
        analysed = sum(1 for m in p["media"] if m["analysed"])
        media[p["platform"]] = media.get(p["platform"], 0) + analysed
    # Instagram: 3 posts (a carousel of 2, two single posts) and 1 story; X: 4 tweets, of
    # which 3 have a photo saved in tweets_media/.
    assert by_platform == {"facebook": 7, "files": 7, "wordpress": 2, "instagram": 4, "x": 4}
    assert media["instagram"] == 5
    assert media["x"] == 3
    texts = {p["locator"]: p["text_excerpt"] for p in report["posts"]}
    # Meta writes UTF-8 bytes as Latin-1 characters; the report shows the repaired text.
    assert any("Zoë" in t for t in texts.values())
    assert not any("Ã" in t or "â\x80" in t for t in texts.values())


def _post(report: dict, platform: str, locator_end: str) -> dict:
    found = [
        p
        for p in report["posts"]
        if p["platform"] == platform and p["locator"].endswith(locator_end)
    ]
    assert len(found) == 1, (platform, locator_end, [p["locator"] for p in report["posts"]])
    return found[0]


def _rules(post: dict) -> dict[str, dict]:
    return {f["rule"]: f for f in post["findings"]}


def test_instagram_text_is_repaired_and_the_upload_gps_is_judged(report: dict) -> None:
    """Instagram writes UTF-8 as Latin-1 escapes, like Facebook; the report shows real text.
    The served files carry no EXIF, so the GPS comes from the export's media_metadata."""
    with zipfile.ZipFile(SAMPLE / gen.IG_ZIP) as zf:
        raw = zf.read(f"{gen.IG_CONTENT}/posts_1.json").decode("ascii")
        served = zf.read(f"{gen.IG_TOP}/{gen._ig_posts()[2].photos[0].uri}")
    assert "\\u00e2\\u00ad\\u0090" in raw  # ⭐ as Meta spells it
    assert "exif" not in Image.open(io.BytesIO(served)).info
    nativity = _post(report, "instagram", "posts_1.json#1")
    assert nativity["text_excerpt"].startswith("Nativity rehearsals have begun ⭐")
    art = _rules(_post(report, "instagram", "posts_1.json#3"))
    assert "upload record" in art["location-in-metadata"]["evidence"]
    assert "Isla" in art["name-with-image"]["evidence"]
    hashtag = _rules(_post(report, "instagram", "posts_1.json#2"))
    assert "Amelia H." in hashtag["name-with-image"]["evidence"]  # #WellDoneAmeliaHughes
    assert "Hughes" not in json.dumps(hashtag)  # names are shortened without --show-names


def test_mirrored_instagram_copy_is_linked_to_the_named_photo(report: dict) -> None:
    """The Instagram post names nobody, but it is the folder's nativity photo (named in its
    XMP) cropped and mirrored: each copy's linked-name points at the other."""
    ig = _post(report, "instagram", "posts_1.json#1")
    folder = _post(report, "files", "photos/nativity_2024.jpg")
    ig_link, folder_link = _rules(ig)["linked-name"], _rules(folder)["linked-name"]
    assert ig_link["related"] == ["sample_exports::photos/nativity_2024.jpg"]
    assert folder_link["related"] == [f"{ig['source']}::{ig['locator']}"]
    assert "Zoë C." in ig_link["evidence"]
    assert "name-with-image" not in _rules(ig)


def test_x_mentions_staff_and_retweets(report: dict) -> None:
    """An @mention is a tag and its display name a name; a staff name alone is low; a text
    tweet is listed with no finding; a retweet is shown but ranked below every own post."""
    mention = _rules(_post(report, "x", "status/1793621547803049984"))
    assert "@Jenny…" in mention["people-tagged"]["evidence"]  # handles are shortened too
    assert mention["name-with-image"]["severity"] == "high"
    staff = _rules(_post(report, "x", "status/1787449031145533440"))
    assert staff["name-with-image"]["severity"] == "low"
    assert "staff member" in staff["name-with-image"]["evidence"]
    assert _post(report, "x", "status/1814297720345804800")["findings"] == []
    retweet = _post(report, "x", "status/1806718265301405697")
    own = [p for p in report["posts"] if p["own_content"]]
    assert retweet["own_content"] is False
    assert [p for p in report["posts"] if not p["own_content"]] == [retweet]
    # It outscores some of the school's own posts, and is still listed after all of them.
    assert retweet["score"] > min(p["score"] for p in own)
    assert retweet["rank"] > max(p["rank"] for p in own)


def test_upload_ip_never_reaches_any_output() -> None:
    with zipfile.ZipFile(SAMPLE / gen.FACEBOOK_ZIP) as zf:
        assert gen.UPLOAD_IP in zf.read(f"{gen.FB_ROOT}/profile_posts_1.json").decode()
    for fmt in ("json", "csv", "table"):
        text = _scan(REPO, "--show-names", fmt=fmt)
        assert text.strip()
        assert gen.UPLOAD_IP not in text, fmt


def test_sample_exports_are_small() -> None:
    total = sum(p.stat().st_size for p in SAMPLE.rglob("*") if p.is_file())
    assert total < 5_000_000


def _jpeg_facts(data: bytes) -> tuple:
    """What the generator decides in a JPEG (size and metadata), not how libjpeg encodes it."""
    img = Image.open(io.BytesIO(data))
    return img.size, img.info.get("exif"), img.info.get("xmp")


def _tree(root: Path) -> dict[str, object]:
    """Every file of a build, opening the zip: exact bytes for text, facts for JPEGs."""
    out: dict[str, object] = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root).as_posix()
        if rel == gen.EXPECTED_NAME:
            continue
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as zf:
                for name in zf.namelist():
                    data = zf.read(name)
                    key = f"{rel}!{name}"
                    out[key] = _jpeg_facts(data) if name.endswith(".jpg") else data
        elif path.suffix.lower() == ".jpg":
            out[rel] = _jpeg_facts(path.read_bytes())
        else:
            out[rel] = path.read_bytes()
    return out


def _digests(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_generator_rebuilds_the_committed_samples(tmp_path: Path) -> None:
    """A fresh build matches the committed folder, twice over byte for byte, and scans the same."""
    first, second = tmp_path / "a" / "sample_exports", tmp_path / "b" / "sample_exports"
    gen.build(first)
    gen.build(second)
    assert _digests(first) == _digests(second), "the generator is not deterministic"
    assert _tree(first) == _tree(SAMPLE), (
        "sample_exports/ is not what tools/make_sample_exports.py builds; rebuild it"
    )
    # An absolute path, so nothing opened for the committed folder is reused for this one.
    prefix = f"{first.parent}/"
    rebuilt = [
        (source.removeprefix(prefix), locator, rule)
        for source, locator, rule in gen.pairs_of(json.loads(_scan(REPO, folder=str(first))))
    ]
    assert sorted(rebuilt) == gen.read_expected(SAMPLE / gen.EXPECTED_NAME)
