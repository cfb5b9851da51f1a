"""Find people's names in text: captions, alt text, hashtags, file names, metadata.

First version: full names (given name + capitalised surname), given names from the bundled
lexicon, names inside hashtags and file names, and staff titles ("Mrs Patel") recognised
as staff. The evaluation-driven version replaces the internals behind the same interface.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache

from scanner.model import MediaFacts, NameHit, NameKind, Post
from scanner.resources import lexicon_dir

_TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr", "sir", "madam", "mme"}
_WORD = re.compile(r"[A-Z][a-z]+(?:['’-][A-Z]?[a-z]+)*")


@lru_cache(maxsize=1)
def _given_names() -> frozenset[str]:
    path = lexicon_dir() / "given_names.txt"
    if not path.is_file():
        return frozenset()
    names = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        word = line.split("\t", 1)[0].strip()
        if word and not word.startswith("#"):
            names.add(word.lower())
    return frozenset(names)


@lru_cache(maxsize=1)
def _not_names() -> frozenset[str]:
    path = lexicon_dir() / "not_names.txt"
    if not path.is_file():
        return frozenset()
    return frozenset(
        w.strip().lower()
        for w in path.read_text(encoding="utf-8").splitlines()
        if w.strip() and not w.startswith("#")
    )


def split_compact(text: str) -> str:
    """Turn a hashtag or file name into words: #WellDoneAmeliaHughes, amelia_hughes-2.jpg."""
    text = re.sub(r"\.[A-Za-z0-9]{2,5}$", "", text)
    text = re.sub(r"[#_\-.]+", " ", text)
    text = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text)
    text = re.sub(r"\d+", " ", text)
    return " ".join(w.capitalize() if w.islower() else w for w in text.split())


class NameFinder:
    """Finds names in text. Stateless after loading, so one instance serves a whole scan."""

    def __init__(self, given: frozenset[str] | None = None) -> None:
        self.given = given if given is not None else _given_names()
        self.not_names = _not_names()

    def find(self, text: str, field: str, media: str | None = None) -> list[NameHit]:
        """Names in free text. Hashtags and file names are split into words first."""
        if not text:
            return []
        hits: list[NameHit] = []
        if field == "file_name":
            return self._find_words(split_compact(text), field, media, offset_map=False)
        for m in re.finditer(r"#(\w+)", text):
            for h in self._find_words(split_compact(m.group(1)), field, media, offset_map=False):
                hits.append(
                    NameHit(
                        field=field,
                        start=m.start(),
                        end=m.end(),
                        name=h.name,
                        kind=h.kind,
                        confidence=h.confidence,
                        media=media,
                    )
                )
        stripped = re.sub(r"#\w+", lambda m: " " * len(m.group(0)), text)
        hits.extend(self._find_words(stripped, field, media, offset_map=True))
        return hits

    def person(self, value: str, field: str, media: str | None = None) -> list[NameHit]:
        """A value that a platform or metadata field says is a person (XMP, tags, people)."""
        value = value.strip()
        if not value:
            return []
        parts = value.split()
        kind = NameKind.FULL if len(parts) >= 2 else NameKind.FIRST
        return [
            NameHit(
                field=field,
                start=0,
                end=len(value),
                name=value,
                kind=kind,
                confidence=0.95,
                media=media,
            )
        ]

    def _find_words(
        self, text: str, field: str, media: str | None, offset_map: bool
    ) -> list[NameHit]:
        words = list(_WORD.finditer(text))
        hits: list[NameHit] = []
        i = 0
        while i < len(words):
            w = words[i]
            low = w.group(0).lower()
            prev = text[max(0, w.start() - 6) : w.start()].strip().rstrip(".").lower()
            prev_word = prev.split()[-1] if prev.split() else ""
            if prev_word in _TITLES:
                hits.append(
                    self._hit(
                        field,
                        media,
                        w.start(),
                        w.end(),
                        f"{prev_word.capitalize()} {w.group(0)}",
                        NameKind.STAFF,
                        0.9,
                        offset_map,
                    )
                )
                i += 1
                continue
            if low in self.given and low not in self.not_names and low not in _TITLES:
                nxt = words[i + 1] if i + 1 < len(words) else None
                gap = text[w.end() : nxt.start()] if nxt else ""
                if nxt and gap.strip() == "" and nxt.group(0).lower() not in self.not_names:
                    hits.append(
                        self._hit(
                            field,
                            media,
                            w.start(),
                            nxt.end(),
                            f"{w.group(0)} {nxt.group(0)}",
                            NameKind.FULL,
                            0.85,
                            offset_map,
                        )
                    )
                    i += 2
                    continue
                hits.append(
                    self._hit(
                        field,
                        media,
                        w.start(),
                        w.end(),
                        w.group(0),
                        NameKind.FIRST,
                        0.6,
                        offset_map,
                    )
                )
            i += 1
        return hits

    @staticmethod
    def _hit(
        field: str,
        media: str | None,
        start: int,
        end: int,
        name: str,
        kind: NameKind,
        conf: float,
        offset_map: bool,
    ) -> NameHit:
        if not offset_map:
            start, end = 0, 0
        return NameHit(
            field=field, start=start, end=end, name=name, kind=kind, confidence=conf, media=media
        )

    def names_in_post(
        self, post: Post, facts: Mapping[str, MediaFacts | None]
    ) -> tuple[NameHit, ...]:
        """Every name the post carries: its texts, tags, each media's texts and metadata."""
        hits: list[NameHit] = []
        for fld, text in post.texts.items():
            hits.extend(self.find(text, fld))
        for person in post.tagged:
            hits.extend(self.person(person, "tags"))
        for m in post.media:
            for fld, text in m.texts.items():
                hits.extend(self.find(text, fld, m.locator))
            for person in m.tagged:
                hits.extend(self.person(person, "tags", m.locator))
            f = facts.get(m.locator)
            if f is None:
                continue
            md = f.metadata
            for person in md.person_names:
                hits.extend(self.person(person, "metadata:person", m.locator))
            for fld, text in (("metadata:title", md.title), ("metadata:caption", md.description)):
                if text:
                    hits.extend(self.find(text, fld, m.locator))
            for kw in md.keywords:
                hits.extend(self.find(kw, "metadata:keywords", m.locator))
        return tuple(hits)


def shorten(name: str) -> str:
    """'Amelia Hughes' -> 'Amelia H.'; staff keep their title ('Mrs Patel' -> 'Mrs P.')."""
    parts = name.split()
    if len(parts) < 2:
        return name
    return " ".join([*parts[:-1], parts[-1][0] + "."])


def unique_names(hits: Iterable[NameHit]) -> list[str]:
    return list(dict.fromkeys(h.name for h in hits))
