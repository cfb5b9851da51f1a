"""The school's own lists: --roster and --no-consent, from the CSV to the report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image
from skimage import data

from scanner.analyse.names import NameFinder
from scanner.roster import Pupil, RosterError, build_roster, load_roster


def _csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize(
    ("content", "encoding"),
    [
        ("first_name,last_name,preferred_name,year_group\nAlfred,Harrison,Alfie,Y1\n", "utf-8"),
        (
            "\ufeffLegal Surname,Forename,Preferred Forename,Year\nHarrison,Alfred,Alfie,1\n",
            "utf-8",
        ),
        ("Surname;Forename;Known As;NC Year\nHarrison;Alfred;Alfie;Year 1\n", "utf-8"),
        ('Pupil Name,Year Group\n"Harrison, Alfred",1\n', "cp1252"),
        ("Full Name\tYear\nAlfred Harrison\t1\n", "utf-8"),
    ],
)
def test_mis_export_header_variants(tmp_path, content, encoding) -> None:
    roster = load_roster(_csv(tmp_path / "pupils.csv", content, encoding))
    (p,) = roster.pupils
    assert (p.first, p.last, p.year) == ("Alfred", "Harrison", "1")


def test_accents_survive_a_windows_export(tmp_path) -> None:
    roster = load_roster(_csv(tmp_path / "p.csv", "Forename,Surname\nZoë,Clarke\n", "cp1252"))
    assert roster.pupils[0].first == "Zoë"


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("", "empty"),
        ("colour,size\nred,big\n", "no first-name column"),
        ("first_name,last_name\n", "no pupils"),
    ],
)
def test_bad_lists_are_refused_with_the_file_named(tmp_path, content, words) -> None:
    path = _csv(tmp_path / "bad.csv", content)
    with pytest.raises(RosterError) as err:
        load_roster(path)
    assert str(path) in str(err.value) and words in str(err.value)


@pytest.fixture(scope="module")
def school() -> NameFinder:
    roster = build_roster(
        [
            Pupil(first="Amelia", last="Hughes", year="5"),
            Pupil(first="Alfred", last="Harrison", preferred="Alfie", year="1"),
            Pupil(first="William", last="Baker", year="5"),
            Pupil(first="Oluwadamilare", last="Adeyemi", year="3"),
            Pupil(first="Zoë", last="Clarke", year="2"),
            Pupil(first="Seren", last="Jones", year="3"),
            Pupil(first="Seren", last="Price", year="6"),
        ]
    )
    no_consent = build_roster(
        [Pupil(first="Seren", last="Jones", year="3"), Pupil(first="Zoë", last="Clarke")]
    )
    return NameFinder(roster=roster, no_consent=no_consent)


@pytest.mark.parametrize(
    "text",
    [
        "Well done Amelia H.!",
        "Amelia in Y5 made a shield.",
        "WELL DONE AMELIA HUGHES",
        "#welldoneameliahughes",
        "Alfie won the egg and spoon race.",
        "Congratulations Oluwadamilare Adeyemi!",
        "Great work from Oluwadamilare today.",
        "zoe clarke came first",
        "Will and Amelia ran the tuck shop.",
    ],
)
def test_roster_makes_near_matches_certain(school, text) -> None:
    hits = [h for h in school.find(text, "caption") if h.roster]
    assert hits and all(h.confidence >= 0.9 for h in hits), [
        (text[h.start : h.end], h.kind.value, h.confidence) for h in school.find(text, "caption")
    ]


@pytest.mark.parametrize(
    "text", ["Will you join us on Friday?", "We visited the Rose garden.", "May half term."]
)
def test_roster_does_not_turn_ordinary_words_into_pupils(school, text) -> None:
    assert school.find(text, "caption") == []


def test_no_consent_marks_only_that_pupil(school) -> None:
    def marked(text: str) -> list[str]:
        return [h.name for h in school.find(text, "caption") if h.no_consent]

    assert marked("Well done Seren Jones!") == ["Seren Jones"]
    assert marked("Well done Seren Price!") == []
    assert marked("Well done Seren!") == [], "two Serens on the roster: not certain"
    assert marked("Zoë read her story.") == ["Zoë"], "the only Zoë is on the no-consent list"


def _jpeg(path: Path) -> Path:
    Image.fromarray(data.astronaut()).resize((400, 400)).save(path, "JPEG", quality=80)
    return path


def test_scan_with_lists_reports_no_consent_and_never_copies_the_lists(tmp_path, run_cli) -> None:
    photos = tmp_path / "photos"
    photos.mkdir()
    _jpeg(photos / "zainab_hussain_sports_day.jpg")
    _jpeg(photos / "IMG_0001.jpg")
    roster = _csv(
        tmp_path / "roster.csv",
        "Forename,Legal Surname,Preferred Forename,Year\n"
        "Zainab,Hussain,,3\nPtolemy,Farquharson-Quist,,4\nAmelia,Hughes,,5\n",
    )
    declined = _csv(tmp_path / "declined.csv", "first_name,last_name\nZainab,Hussain\n")
    cache = tmp_path / "cache"
    report = tmp_path / "report.json"
    result = run_cli(
        "scan",
        photos,
        "--roster",
        roster,
        "--no-consent",
        declined,
        "--format",
        "json",
        "--output",
        report,
        "--cache-dir",
        cache,
        "--fail-on",
        "never",
    )
    assert result.code == 0, result.err
    out = json.loads(report.read_text(encoding="utf-8"))
    findings = [f for p in out["posts"] for f in p["findings"] if f["rule"] == "no-consent-name"]
    assert len(findings) == 1
    (f,) = findings
    assert f["severity"] == "critical" and "Zainab H." in f["evidence"]
    assert "Hussain" not in f["evidence"]
    everything = report.read_bytes() + b"".join(
        p.read_bytes() for p in cache.rglob("*") if p.is_file()
    )
    for secret in (b"Ptolemy", b"Farquharson", b"Amelia"):
        assert secret not in everything, secret


def test_a_broken_list_stops_the_scan_with_one_plain_line(tmp_path, run_cli) -> None:
    photos = tmp_path / "photos"
    photos.mkdir()
    _jpeg(photos / "a.jpg")
    bad = _csv(tmp_path / "declined.csv", "colour\nred\n")
    result = run_cli("scan", photos, "--no-consent", bad, "--no-cache")
    assert result.code == 2
    assert str(bad) in result.err and "first-name column" in result.err
    assert result.err.count("\n") == 1
