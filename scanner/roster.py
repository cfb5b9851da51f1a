"""The school's own pupil lists: `--roster pupils.csv` and `--no-consent list.csv`.

A roster turns a name that merely looks like a pupil's into one that is a pupil's, and the
no-consent list names the pupils whose parents declined image consent. Both are read once,
in place, and kept in memory only: nothing from them is written to the cache or a report
(names found in posts are shown shortened, taken from the post, never from the roster).

The columns are found by header, so the exports of the usual school information systems
work as they are: first_name / Forename / Legal Forename / Given Name; last_name / Surname
/ Legal Surname / Family Name; preferred_name / Preferred Forename / Known As; year_group /
Year / NC Year / Year Group. A single "Name" / "Full Name" / "Pupil Name" column is split
at its last space ("Surname, Forename" is understood too).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from scanner.analyse.name_lexicon import Lexicon, default_lexicon, fold

_HEADERS: dict[str, tuple[str, ...]] = {
    "first": (
        "first name",
        "firstname",
        "forename",
        "forenames",
        "legal forename",
        "legal first name",
        "given name",
        "given names",
        "givenname",
        "first",
    ),
    "last": (
        "last name",
        "lastname",
        "surname",
        "legal surname",
        "family name",
        "familyname",
        "legal last name",
        "last",
    ),
    "preferred": (
        "preferred name",
        "preferred forename",
        "preferred first name",
        "known as",
        "knownas",
        "nickname",
        "chosen name",
        "preferred",
        "preferred surname",
    ),
    "year": (
        "year group",
        "yeargroup",
        "year",
        "nc year",
        "national curriculum year",
        "yr",
        "form",
        "class",
    ),
    "full": ("name", "full name", "fullname", "pupil name", "student name", "child name"),
}


def _norm_header(h: str) -> str:
    return re.sub(r"[\s_\-.]+", " ", h.strip().lstrip("\ufeff").lower()).strip()


_HEADER_ROLE = {h: role for role, spellings in _HEADERS.items() for h in spellings}
_YEAR_RE = re.compile(r"(?:y|yr|year)?\s*(\d{1,2}|r|n|rec|reception|nursery)\b", re.I)


class RosterError(Exception):
    """The list cannot be read; the message names the file and what is wrong."""


@dataclass(frozen=True, kw_only=True)
class Pupil:
    """One row of a roster. Kept in memory only."""

    first: str
    last: str
    preferred: str = ""
    year: str = ""
    """Normalised year group: '1'..'13', 'R' (Reception), 'N' (Nursery), or ''."""


def _year(text: str) -> str:
    m = _YEAR_RE.search(text.strip())
    if not m:
        return ""
    y = m.group(1).lower()
    if y in ("r", "rec", "reception"):
        return "R"
    if y in ("n", "nursery"):
        return "N"
    return str(int(y))


@dataclass(frozen=True, kw_only=True)
class Roster:
    """A list of pupils with folded indexes for matching names found in posts."""

    source: str
    pupils: tuple[Pupil, ...]
    firsts: dict[str, tuple[int, ...]] = field(default_factory=dict)
    """Folded given name, preferred name or nickname -> pupil indexes."""
    lasts: dict[str, tuple[int, ...]] = field(default_factory=dict)
    """Folded surname (and each part of a double-barrelled one) -> pupil indexes."""

    def __len__(self) -> int:
        return len(self.pupils)

    def by_first(self, key: str) -> tuple[int, ...]:
        return self.firsts.get(key, ())

    def full(self, first_key: str, last_key: str) -> tuple[int, ...]:
        """Pupils whose given/preferred/nickname and surname both match."""
        lasts = set(self.lasts.get(last_key, ()))
        return tuple(i for i in self.firsts.get(first_key, ()) if i in lasts)

    def with_initial(self, first_key: str, initial: str) -> tuple[int, ...]:
        """'Isla B.': pupils called Isla whose surname starts with B."""
        ini = fold(initial)[:1]
        return tuple(
            i for i in self.firsts.get(first_key, ()) if fold(self.pupils[i].last)[:1] == ini
        )

    def in_year(self, idx: Iterable[int], year: str) -> tuple[int, ...]:
        return tuple(i for i in idx if self.pupils[i].year and self.pupils[i].year == year)


def build_roster(
    pupils: Iterable[Pupil], source: str = "", lexicon: Lexicon | None = None
) -> Roster:
    """Index pupils by every form of their names a post may use."""
    lex = lexicon or default_lexicon()
    plist = tuple(pupils)
    firsts: dict[str, list[int]] = {}
    lasts: dict[str, list[int]] = {}
    for i, p in enumerate(plist):
        keys: set[str] = set()
        for name in (p.first, p.preferred):
            for part in [name, *name.split()]:
                k = fold(part.strip())
                if k:
                    keys.add(k)
                    keys.update(lex.nicknames.get(k, ()))
        for k in keys:
            firsts.setdefault(k, []).append(i)
        lkeys = {fold(p.last)} | {fold(x) for x in re.split(r"[\s\-]+", p.last) if x}
        lkeys.add(fold(p.last.replace(" ", "")))
        for k in lkeys:
            if k:
                lasts.setdefault(k, []).append(i)
    return Roster(
        source=source,
        pupils=plist,
        firsts={k: tuple(dict.fromkeys(v)) for k, v in firsts.items()},
        lasts={k: tuple(dict.fromkeys(v)) for k, v in lasts.items()},
    )


def load_roster(path: Path | str) -> Roster:
    """Read a roster or no-consent CSV. Raises RosterError naming the file on bad input."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise RosterError(f"{path}: no such file") from exc
    except OSError as exc:
        raise RosterError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    for enc in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes nearly anything
        raise RosterError(f"{path}: not a text file")
    if not text.strip():
        raise RosterError(f"{path}: the file is empty; expected a header row and one pupil a row")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text), dialect))
    header = [_norm_header(h) for h in rows[0]]
    roles: dict[str, int] = {}
    for col, h in enumerate(header):
        role = _HEADER_ROLE.get(h)
        if role and role not in roles:
            roles[role] = col
    if "first" not in roles and "full" not in roles:
        raise RosterError(
            f"{path}: no first-name column in the header row "
            f"(found: {', '.join(rows[0]) or 'nothing'}); expected first_name and last_name, "
            "or Forename and Surname"
        )
    pupils: list[Pupil] = []
    for row in rows[1:]:
        if not any(c.strip() for c in row):
            continue

        def cell(role: str, row: list[str] = row) -> str:
            col = roles.get(role)
            return row[col].strip() if col is not None and col < len(row) else ""

        first, last = cell("first"), cell("last")
        if not first and cell("full"):
            full = cell("full")
            if "," in full:
                last, _, first = (s.strip() for s in full.partition(","))
            else:
                first, _, last = full.rpartition(" ")
                if not first:
                    first, last = last, ""
        if not first:
            continue
        pupils.append(
            Pupil(first=first, last=last, preferred=cell("preferred"), year=_year(cell("year")))
        )
    if not pupils:
        raise RosterError(f"{path}: no pupils listed under the header row")
    return build_roster(pupils, source=str(path))


# ---------------------------------------------------------------- command line


def add_roster_options(p) -> None:
    """--roster and --no-consent for every command that scans (hooked into cli.py)."""
    p.add_argument(
        "--roster",
        metavar="CSV",
        help="the school's pupil list (first_name, last_name, optional preferred_name and "
        "year_group, or your MIS export's Forename/Surname/Year): makes name matches "
        "certain; read only, never copied",
    )
    p.add_argument(
        "--no-consent",
        metavar="CSV",
        help="pupils whose parents declined image consent (same columns): any mention is "
        "reported as no-consent-name",
    )


def apply_roster_options(args, opts):
    """Give the scan a name finder that knows the school's lists."""
    import dataclasses

    from scanner.analyse.names import NameFinder
    from scanner.cli import UsageError

    roster_path = getattr(args, "roster", None)
    nc_path = getattr(args, "no_consent", None)
    if not roster_path and not nc_path:
        return opts
    try:
        roster = load_roster(roster_path) if roster_path else None
        no_consent = load_roster(nc_path) if nc_path else None
    except RosterError as exc:
        raise UsageError(str(exc)) from exc
    finder = NameFinder(roster=roster, no_consent=no_consent)
    return dataclasses.replace(opts, finder=finder)
