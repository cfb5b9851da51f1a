"""The name finder on the cases a careful reader of school posts gets right."""

from __future__ import annotations

import pytest

from scanner.analyse.name_lexicon import default_lexicon, fold, load_lexicon
from scanner.analyse.names import NameFinder, shorten
from scanner.model import NameKind
from scanner.resources import lexicon_dir


@pytest.fixture(scope="module")
def finder() -> NameFinder:
    return NameFinder()


def found(finder: NameFinder, text: str, field: str = "caption") -> list[tuple[str, str]]:
    """(text under the hit's span, kind) for each hit: spans must index the original."""
    return [(text[h.start : h.end], h.kind.value) for h in finder.find(text, field)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Well done Amelia Hughes, Star of the Week!", [("Amelia Hughes", "full")]),
        ("Great day! #WellDoneAmeliaHughes #SportsDay", [("AmeliaHughes", "full")]),
        ("so proud #welldoneameliahughes", [("ameliahughes", "full")]),
        ("Great to see @amelia.hughes at the finals", [("amelia.hughes", "full")]),
        ("Zoë and Siobhán baked cakes.", [("Zoë", "first"), ("Siobhán", "first")]),
        ("Well done Zofia Nowak-Kowalska!", [("Zofia Nowak-Kowalska", "full")]),
        (
            "Siobhán O'Brien and Harvey McDonald",
            [("Siobhán O'Brien", "full"), ("Harvey McDonald", "full")],
        ),
        ("CONGRATULATIONS TO AMELIA HUGHES!", [("AMELIA HUGHES", "full")]),
        ("Amelia won the 100m sprint.", [("Amelia", "first")]),
        ("Well done to Isla B. for her writing!", [("Isla B.", "first+context")]),
        ("Amelia in Y5 made a Roman shield.", [("Amelia", "first+context")]),
        ("Thank you Mr Thompson for sports day.", [("Mr Thompson", "staff")]),
        ("Mrs Patel's class made Diwali lamps.", [("Mrs Patel", "staff")]),
        ("Our headteacher Sarah Jones welcomed everyone.", [("Sarah Jones", "staff")]),
        ("We dressed up as Harry Potter.", [("Harry Potter", "public")]),
        ("Thank you to author Julia Donaldson.", [("Julia Donaldson", "public")]),
        ("Will scored a hat-trick on Saturday.", [("Will", "first")]),
        ("Congratulations to Muhammad Ali Khan!", [("Muhammad Ali Khan", "full")]),
    ],
)
def test_names_are_found_with_kind_and_span(finder, text, expected) -> None:
    assert found(finder, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Year 3 enjoying the Rose garden at the botanical gardens.",
        "Will you join us for the Christmas fair?",
        "May half term dates are on the website.",
        "Our trip to Reading museum was fantastic.",
        "Year 5 visited the Roman Baths in Bath today.",
        "The Chelsea Flower Show inspired our garden design.",
        "We had a brilliant day at Victoria Park.",
        "Harvest festival at St Mary's church this morning.",
        "Year 2 performed Jack and the Beanstalk for their parents.",
        "Teddy bears' picnic for Nursery this Friday!",
        "Grace was said before the harvest lunch.",
        "SPORTS DAY IS ON FRIDAY. PLEASE BRING A WATER BOTTLE.",
        "Sports Day Fun In The Sun For Year 1 And Year 2",
        "Thank you to the Harry Kane Foundation for the kits.",
        "Sainsbury's donated fruit for healthy eating week.",
    ],
)
def test_ordinary_words_that_are_names_do_not_fire(finder, text) -> None:
    pupils = [
        h for h in finder.find(text, "caption") if h.kind not in (NameKind.STAFF, NameKind.PUBLIC)
    ]
    assert pupils == [], [(text[h.start : h.end], h.kind.value) for h in pupils]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("amelia_hughes-sports-day_2.jpg", [("amelia_hughes", "full")]),
        ("IMG_1234 Amelia.jpg", [("Amelia", "first")]),
        ("ruby-y4-swimming.jpg", [("ruby", "first+context")]),
        ("ALFIE_HARRISON_WINNER.JPG", [("ALFIE_HARRISON", "full")]),
        ("IMG_4471.JPG", []),
        ("rose-garden-year3.jpg", []),
        ("may-day-fair-2023.jpg", []),
        ("WhatsApp Image 2024-03-07 at 15.32.11.jpeg", []),
    ],
)
def test_file_names(finder, name, expected) -> None:
    assert found(finder, name, "file_name") == expected


def test_names_are_normalised_and_shortened(finder) -> None:
    (hit,) = finder.find("CONGRATULATIONS TO SIOBHÁN O'BRIEN!", "caption")
    assert hit.name == "Siobhán O'Brien"
    assert shorten(hit.name) == "Siobhán O."
    assert shorten("Olivia Amelia Grant") == "Olivia G.", "a middle name must not leak"
    assert shorten("Mrs Patel") == "Mrs P."
    assert shorten("Isla B.") == "Isla B."
    assert shorten("Amelia") == "Amelia"


def test_every_hit_has_a_confidence(finder) -> None:
    hits = finder.find("Well done Amelia Hughes and Jack! Thanks Mrs Patel.", "caption")
    assert {h.kind for h in hits} == {NameKind.FULL, NameKind.FIRST, NameKind.STAFF}
    assert all(0.5 <= h.confidence <= 1.0 for h in hits)


def test_person_fields_from_metadata_and_platform_tags(finder) -> None:
    assert [(h.name, h.kind.value) for h in finder.person("Zoë Clarke", "metadata:person")] == [
        ("Zoë Clarke", "full")
    ]
    assert [h.kind.value for h in finder.person("Jack", "tags")] == ["first"]
    assert [h.kind.value for h in finder.person("Mrs Patel", "metadata:person")] == ["staff"]
    assert finder.person("Oakfield Primary School", "tags") == []


def test_excerpt_shortens_names_in_place(finder) -> None:
    """The report's excerpt replaces each span by the shortened name (pipeline.excerpt)."""
    from scanner.model import Post
    from scanner.pipeline import excerpt

    text = "Well done Amelia Hughes! #ProudOfFreyaWalsh"
    post = Post(platform="files", source="s", locator="p", texts={"caption": text})
    names = finder.names_in_post(post, {})

    class Opts:
        show_names = False

    out = excerpt(post, names, Opts())
    assert "Hughes" not in out and "Walsh" not in out
    assert "Amelia H." in out and "Freya W." in out


def test_lexicon_is_local_small_and_fast(tmp_path) -> None:
    files = list(lexicon_dir().iterdir())
    assert sum(f.stat().st_size for f in files) < 3_000_000
    lex = default_lexicon()
    assert len(lex.given) > 20_000 and len(lex.surnames) > 30_000
    for name in ("Amelia", "Isla", "Siobhán", "Zoë", "Oisín", "Ffion", "Kacper"):
        assert fold(name) in lex.given, name
    for surname in ("Hughes", "O'Brien", "McDonald", "Patel", "Nowak", "Okafor"):
        assert fold(surname) in lex.surnames, surname
    # a lexicon folder of your own is read the same way (tests the loader, not the data)
    (tmp_path / "given_names.tsv").write_text("# c\nZed\t500\n", encoding="utf-8")
    (tmp_path / "place_words.txt").write_text("Park\n", encoding="utf-8")
    tiny = load_lexicon(tmp_path)
    assert tiny.given == {"zed": 500} and "park" in tiny.place_hard


def test_folding_joins_spellings() -> None:
    assert fold("ZOË") == fold("Zoe") == "zoe"
    assert fold("O’Brien") == fold("O'Brien") == "obrien"
    assert fold("Łucja") == "lucja"


def test_kind_ids_are_the_policy_variants() -> None:
    from scanner.checks import REGISTRY

    for cid in ("name-with-image", "name-in-file"):
        variants = set(REGISTRY[cid].variants)
        assert {k.value for k in NameKind} <= variants, cid
