"""Name finder: accuracy on the labelled set and speed, against a plain name-list lookup.

Run from the repository root:

    python bench/names_eval.py            # both splits, with and without a roster, + speed
    python bench/names_eval.py --misses   # also list every per-post miss of the dev split

Accuracy is counted per post (does the line name a pupil: full, first+context or first?)
and per mention (span and kind must both match). The baseline marks every word found in
the given-name list as a first name. Speed: lexicon load time, then 10,000 captions on one
core (CPU time of this process), beside the baseline's time for the same captions, measured
in the same run.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from names_corpus import (  # noqa: E402
    DATA,
    PUPIL,
    SPLITS,
    Score,
    baseline_predict,
    finder_predict,
    load,
    score,
)

KINDS = ("full", "first+context", "first", "staff", "public", "none")


def confusion_table(s: Score) -> str:
    rows = ["gold \\ found  " + "".join(f"{k:>15}" for k in KINDS)]
    for g in KINDS:
        rows.append(f"{g:<14}" + "".join(f"{s.confusion[(g, p)]:>15}" for p in KINDS))
    return "\n".join(rows)


def post_table(s: Score) -> str:
    p = s.post
    return (
        "                      found pupil   found none\n"
        f"  names a pupil       {p['tp']:>11}   {p['fn']:>10}\n"
        f"  names no pupil      {p['fp']:>11}   {p['tn']:>10}"
    )


def line(label: str, s: Score) -> str:
    return (
        f"{label:<28} per post P {s.post_precision:.3f} R {s.post_recall:.3f}   "
        f"per mention P {s.mention_precision:.3f} R {s.mention_recall:.3f}"
    )


LOAD = (
    "import time; t = time.perf_counter(); from scanner.analyse.names import NameFinder; "
    "NameFinder(); print(time.perf_counter() - t)"
)


def speed(n: int = 10_000) -> None:
    import subprocess

    # Load time in a fresh interpreter: importing the finder, reading every lexicon file.
    runs = [
        float(
            subprocess.run(
                [sys.executable, "-c", LOAD], capture_output=True, text=True, cwd=ROOT, check=True
            ).stdout
        )
        for _ in range(3)
    ]
    load_s = min(runs)
    from scanner.analyse.name_lexicon import load_lexicon
    from scanner.analyse.names import NameFinder

    lex = load_lexicon()
    finder = NameFinder(lexicon=lex)
    texts = [ln.text for split in SPLITS for ln in load(split) if ln.field == "caption"]
    captions = [f"{texts[i % len(texts)]} {i}" for i in range(n)]  # no two alike
    base = baseline_predict(lex)

    class _Line:
        def __init__(self, text: str) -> None:
            self.text = text

    wrapped = [_Line(c) for c in captions]
    c0 = time.process_time()
    for w in wrapped:
        base(w)
    base_s = time.process_time() - c0
    c0 = time.process_time()
    for c in captions:
        finder.find(c, "caption")
    ours_s = time.process_time() - c0
    print(f"\nSpeed ({n} captions, one core, CPU seconds)")
    print(f"  import + lexicon load (fresh process, best of 3)   {load_s:.3f} s   (target < 0.5 s)")
    print(f"  name finder                   {ours_s:.3f} s   (target < 1 s)")
    print(f"  word-in-list baseline         {base_s:.3f} s")
    print(f"  ratio finder / baseline       {ours_s / base_s:.1f}x")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--misses", action="store_true", help="list per-post misses (dev split)")
    ap.add_argument("--no-speed", action="store_true")
    args = ap.parse_args()

    from scanner.analyse.name_lexicon import default_lexicon
    from scanner.analyse.names import NameFinder
    from scanner.roster import load_roster

    plain = NameFinder()
    roster = NameFinder(
        roster=load_roster(DATA / "roster.csv"), no_consent=load_roster(DATA / "no_consent.csv")
    )
    base = baseline_predict(default_lexicon())
    for split in SPLITS:
        lines = load(split)
        pos = sum(ln.has_pupil for ln in lines)
        print(f"\n=== {split}: {len(lines)} lines, {pos} name a pupil ===")
        results = {
            "name finder": score(lines, finder_predict(plain)),
            "name finder + roster": score(lines, finder_predict(roster)),
            "baseline: word in name list": score(lines, base),
        }
        for label, s in results.items():
            print(line(label, s))
        for label in ("name finder", "name finder + roster"):
            s = results[label]
            print(f"\n{label}, per post:\n{post_table(s)}")
            print(f"{label}, per mention (rows: labelled kind, columns: found kind):")
            print(confusion_table(s))
        if args.misses and split == "dev":
            print("\nPer-post misses (dev):")
            for ln, why in results["name finder"].misses:
                print(f"  {why}: [{ln.field}] {ln.text!r}")
    print(f"\nPupil kinds: {', '.join(sorted(PUPIL))}")
    if not args.no_speed:
        speed()


if __name__ == "__main__":
    main()
