"""The name lexicons of rules/lexicon/, loaded once and folded for lookup.

Folding (case, accents, apostrophes) makes "ZOË", "Zoe" and "zoë" one key, and "O'Brien"
match the Census spelling "Obrien". Loading reads plain text files only (about 70,000
lines), well under half a second, and never touches the network.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from scanner.resources import lexicon_dir

_EXTRA = str.maketrans(
    {"ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "ß": "ss", "đ": "d", "ı": "i"}
)
_DROP = str.maketrans("", "", "'’‘`´")

UK_GIVEN_COUNT = 5000
"""Births credited to a hand-written UK given name (a common name, not a rare one)."""
UK_SURNAME_RANK = 5000


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower case, accents and apostrophes removed: 'Siobhán' -> 'siobhan', "O'Brien" ->
    'obrien'."""
    text = text.translate(_EXTRA)
    if not text.isascii():
        text = "".join(
            c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
        )
    return text.translate(_DROP).lower()


def phrase_key(text: str) -> tuple[str, ...]:
    """A phrase as folded words, as the tokenizer will see it ("St Mary's" -> st, marys)."""
    words = text.replace(",", " ").replace("-", " ").split()
    return tuple(fold(w) for w in words if fold(w))


@dataclass(frozen=True, kw_only=True)
class Lexicon:
    """Every list the finder consults, as folded lookup tables."""

    given: dict[str, int]
    """Folded given name -> births (US SSA since 1950, or UK_GIVEN_COUNT for UK additions)."""
    surnames: dict[str, int]
    """Folded surname -> frequency rank (1 = Smith)."""
    ambiguous: frozenset[str]
    """Given names that are also ordinary words or places (Will, May, Rose, Reading)."""
    stop: frozenset[str]
    """Words that are never names."""
    place_hard: frozenset[str]
    """Place and organisation words that are never surnames (School, Museum, Foundation)."""
    place_soft: frozenset[str]
    """Place words that are also surnames (Park, Hall, Green)."""
    not_names: dict[str, tuple[tuple[str, ...], ...]]
    """First folded word -> phrases (longest first) that name no person."""
    public: dict[str, tuple[tuple[str, ...], ...]]
    """First folded word -> public figures and characters (longest first)."""
    nicknames: dict[str, frozenset[str]]
    """Folded formal name -> folded short forms (william -> will, liam, billy, bill)."""
    compact_words: frozenset[str]
    """Words run together with names in hashtags and file names (welldone, happybirthday)."""


def _words(path: Path) -> list[str]:
    """Whitespace-separated entries, '#' lines skipped."""
    out: list[str] = []
    if not path.is_file():
        return out
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        out.extend(line.split())
    return out


def _lines(path: Path) -> list[str]:
    if not path.is_file():
        return []
    return [
        ln.strip()
        for ln in path.read_text(encoding="utf-8").splitlines()
        if ln.strip() and not ln.startswith("#")
    ]


def _counts(path: Path, column: int) -> dict[str, int]:
    """A generated .tsv (ASCII names, so lower() is their fold): name -> the given column."""
    out: dict[str, int] = {}
    if not path.is_file():
        return out
    for line in path.read_text(encoding="utf-8").split("\n"):
        if line and line[0] != "#":
            parts = line.split("\t")
            key = parts[0].lower()
            if key not in out:
                out[key] = int(parts[column])
    return out


def _nicknames(path: Path) -> dict[str, frozenset[str]]:
    nick: dict[str, set[str]] = {}
    for ln in _lines(path):
        formal, _, shorts = ln.partition("\t")
        nick.setdefault(fold(formal), set()).update(fold(s) for s in shorts.split(",") if s.strip())
    return {k: frozenset(v) for k, v in nick.items()}


def _phrases(lines: list[str]) -> dict[str, tuple[tuple[str, ...], ...]]:
    index: dict[str, list[tuple[str, ...]]] = {}
    for ln in lines:
        key = phrase_key(ln)
        if key:
            index.setdefault(key[0], []).append(key)
    return {k: tuple(sorted(set(v), key=len, reverse=True)) for k, v in index.items()}


def load_lexicon(folder: Path | None = None) -> Lexicon:
    """Read every list in the lexicon folder (rules/lexicon by default)."""
    folder = folder or lexicon_dir()
    given = _counts(folder / "given_names.tsv", column=1)
    for name in _words(folder / "uk_given.txt"):
        key = fold(name)
        given[key] = max(given.get(key, 0), UK_GIVEN_COUNT)
    nick = _nicknames(folder / "nicknames.tsv")
    stop = frozenset(fold(w) for w in _words(folder / "stopwords.txt"))
    for shorts in nick.values():
        for key in shorts:  # Olly, Alfie, Tilly: short forms are names in their own right
            if len(key) >= 3 and key not in stop:
                given.setdefault(key, UK_GIVEN_COUNT)
    surnames = _counts(folder / "surnames.tsv", column=2)
    for name in _words(folder / "uk_surnames.txt"):
        key = fold(name)
        surnames[key] = min(surnames.get(key, UK_SURNAME_RANK), UK_SURNAME_RANK)
    hard: set[str] = set()
    soft: set[str] = set()
    target = hard
    for ln in (folder / "place_words.txt").read_text(encoding="utf-8").splitlines():
        if ln.startswith("# soft"):
            target = soft
            continue
        if not ln.startswith("#"):
            target.update(fold(w) for w in ln.split())
    return Lexicon(
        given=given,
        surnames=surnames,
        ambiguous=frozenset(fold(w) for w in _words(folder / "ambiguous.txt")),
        stop=stop,
        place_hard=frozenset(hard - soft),
        place_soft=frozenset(soft),
        not_names=_phrases(_lines(folder / "not_names.txt")),
        public=_phrases(_lines(folder / "public.txt")),
        nicknames=nick,
        compact_words=frozenset(fold(w) for w in _words(folder / "hashtag_words.txt")),
    )


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The bundled lexicon, loaded once per process."""
    return load_lexicon()
