"""The labelled name-finder lines of tests/data/names/ and how they are scored.

Shared by tests/test_names_eval.py (fixed floors) and bench/names_eval.py (full tables).
A line is `[FIELD<TAB>]text` with names marked `[[as written|kind]]`; see the header of
tests/data/names/dev.txt.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from scanner.model import NameKind

DATA = Path(__file__).resolve().parent / "data" / "names"
SPLITS = ("dev", "heldout")
PUPIL = frozenset({NameKind.FULL.value, NameKind.FIRST_CONTEXT.value, NameKind.FIRST.value})
PERSON_FIELDS = ("metadata:person", "tags")
"""Fields whose value a platform says is a person: read with NameFinder.person()."""

_MARK = re.compile(r"\[\[(.+?)\|(full|first\+context|first|staff|public)\]\]")


@dataclass(frozen=True, kw_only=True)
class Line:
    split: str
    number: int
    field: str
    text: str
    gold: frozenset[tuple[int, int, str]]
    """(start, end, kind) of each labelled name in `text`."""

    @property
    def has_pupil(self) -> bool:
        return any(k in PUPIL for _s, _e, k in self.gold)


def parse_line(raw: str, split: str = "", number: int = 0) -> Line:
    fld, sep, body = raw.partition("\t")
    if not sep:
        fld, body = "caption", raw
    body = body.replace("\\n", "\n")
    text_parts: list[str] = []
    gold: set[tuple[int, int, str]] = set()
    pos = 0
    length = 0
    for m in _MARK.finditer(body):
        before = body[pos : m.start()]
        text_parts.append(before)
        length += len(before)
        gold.add((length, length + len(m.group(1)), m.group(2)))
        text_parts.append(m.group(1))
        length += len(m.group(1))
        pos = m.end()
    text_parts.append(body[pos:])
    return Line(
        split=split, number=number, field=fld, text="".join(text_parts), gold=frozenset(gold)
    )


def load(split: str) -> list[Line]:
    lines = []
    path = DATA / f"{split}.txt"
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip() or raw.startswith("# "):
            continue
        lines.append(parse_line(raw, split, n))
    return lines


Predict = Callable[[Line], Iterable[tuple[int, int, str]]]


def finder_predict(finder) -> Predict:
    """(start, end, kind) of what a NameFinder reports for a line."""

    def predict(line: Line) -> list[tuple[int, int, str]]:
        if line.field in PERSON_FIELDS:
            hits = finder.person(line.text, line.field)
        else:
            hits = finder.find(line.text, line.field)
        return [(h.start, h.end, h.kind.value) for h in hits]

    return predict


def baseline_predict(lexicon) -> Predict:
    """The plain approach to beat: every word found in the given-name list is a first name."""
    from scanner.analyse.name_lexicon import fold

    word = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")

    def predict(line: Line) -> list[tuple[int, int, str]]:
        return [
            (m.start(), m.end(), NameKind.FIRST.value)
            for m in word.finditer(line.text)
            if fold(m.group(0)) in lexicon.given
        ]

    return predict


@dataclass
class Score:
    post: Counter = field(default_factory=Counter)
    """tp / fp / fn / tn per post (does it name a pupil?)."""
    mention: Counter = field(default_factory=Counter)
    """tp / fp / fn per mention (span and kind must both match)."""
    confusion: Counter = field(default_factory=Counter)
    """(gold kind or 'none', predicted kind or 'none') per span."""
    misses: list[tuple[Line, str]] = field(default_factory=list)

    @staticmethod
    def _ratio(a: int, b: int) -> float:
        return a / b if b else 1.0

    @property
    def post_precision(self) -> float:
        return self._ratio(self.post["tp"], self.post["tp"] + self.post["fp"])

    @property
    def post_recall(self) -> float:
        return self._ratio(self.post["tp"], self.post["tp"] + self.post["fn"])

    @property
    def mention_precision(self) -> float:
        return self._ratio(self.mention["tp"], self.mention["tp"] + self.mention["fp"])

    @property
    def mention_recall(self) -> float:
        return self._ratio(self.mention["tp"], self.mention["tp"] + self.mention["fn"])


def score(lines: Iterable[Line], predict: Predict) -> Score:
    s = Score()
    for line in lines:
        pred = set(predict(line))
        gold = set(line.gold)
        pred_pupil = any(k in PUPIL for _a, _b, k in pred)
        if line.has_pupil and pred_pupil:
            s.post["tp"] += 1
        elif line.has_pupil:
            s.post["fn"] += 1
            s.misses.append((line, "missed pupil name"))
        elif pred_pupil:
            s.post["fp"] += 1
            s.misses.append((line, "false pupil name"))
        else:
            s.post["tn"] += 1
        s.mention["tp"] += len(pred & gold)
        s.mention["fp"] += len(pred - gold)
        s.mention["fn"] += len(gold - pred)
        spans_pred = {(a, b): k for a, b, k in pred}
        spans_gold = {(a, b): k for a, b, k in gold}
        for span in spans_gold.keys() | spans_pred.keys():
            s.confusion[(spans_gold.get(span, "none"), spans_pred.get(span, "none"))] += 1
    return s
