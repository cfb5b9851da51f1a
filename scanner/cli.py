"""Command line: argument parsing and exit codes only.

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 usage, policy or
input error. Every error is one plain line naming the file and what is wrong.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from scanner import __version__
from scanner.model import Band, Report

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
FAIL_ON = ("low", "medium", "high", "critical", "never")


class UsageError(Exception):
    """The command line asks for something impossible; the message says what."""


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2025-09-01") from exc


def add_output_options(p: argparse.ArgumentParser) -> None:
    """Options shared by every command that produces a report (scan, crawl)."""
    from scanner.report import FORMATTERS

    p.add_argument(
        "--format",
        choices=sorted(FORMATTERS),
        default="table",
        help="output format (default: table)",
    )
    p.add_argument(
        "--output",
        "-o",
        metavar="FILE",
        help="write the report to FILE (written only when the scan succeeds)",
    )
    p.add_argument(
        "--fail-on",
        choices=FAIL_ON,
        default="high",
        help="exit 1 when any post is in this band or above (default: high)",
    )
    p.add_argument(
        "--rules", metavar="TOML", type=Path, help="a policy file overriding rules/default.toml"
    )
    p.add_argument(
        "--as-of",
        type=_date,
        default=None,
        metavar="DATE",
        help="judge post ages against this date (default: today)",
    )
    p.add_argument(
        "--show-names",
        action="store_true",
        help="show names in full (default: shortened, e.g. 'Amelia H.')",
    )
    p.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=0,
        help="worker processes for image analysis (default: one per core)",
    )
    p.add_argument("--no-cache", action="store_true", help="do not read or write the facts cache")
    p.add_argument(
        "--cache-dir",
        type=Path,
        default=None,
        help="where the facts cache lives (default: the user cache directory)",
    )
    p.add_argument("--debug", action="store_true", help="stop at the first internal error")
    for extend in OUTPUT_OPTION_HOOKS:
        extend(p)


OUTPUT_OPTION_HOOKS: list[Callable[[argparse.ArgumentParser], None]] = []
"""Later stages add their scan options here (e.g. the name finder's --roster)."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="exposure-scan",
        description="Find the published school photos that put pupils at risk, and say how "
        "to fix them. Reads exports and files; never uploads anything and never changes "
        "your files.",
    )
    parser.add_argument("--version", action="version", version=f"exposure-scan {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (help_text, add, _run) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        add(p)
    return parser


# ---------------------------------------------------------------- scan


def _add_scan(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="export zips, folders of photos, saved pages or WARC files",
    )
    add_output_options(p)


def make_options(args: argparse.Namespace):
    """ScanOptions from the shared output options."""
    from scanner.pipeline import ScanOptions
    from scanner.resources import default_policy_path
    from scanner.rules import load_policy
    from scanner.store import default_cache_path

    policy = load_policy(default_policy_path(), args.rules)
    cache_path = None
    if not args.no_cache:
        cache_path = (args.cache_dir / "facts.sqlite") if args.cache_dir else default_cache_path()
    extra: dict[str, object] = {}
    opts = ScanOptions(
        policy=policy,
        as_of=args.as_of or date.today(),
        jobs=args.jobs,
        cache_path=cache_path,
        show_names=args.show_names,
        debug=args.debug,
        progress=True,
        extra=extra,
    )
    for hook in SCAN_OPTION_HOOKS:
        opts = hook(args, opts)
    return opts


SCAN_OPTION_HOOKS: list[Callable] = []
"""Functions (args, ScanOptions) -> ScanOptions that later stages register."""

from scanner.roster import add_roster_options, apply_roster_options  # noqa: E402

OUTPUT_OPTION_HOOKS.append(add_roster_options)
SCAN_OPTION_HOOKS.append(apply_roster_options)


def emit(report: Report, args: argparse.Namespace) -> int:
    """Write or print the report, then choose the exit code from --fail-on."""
    from rich.console import Console

    from scanner.report import FORMATTERS
    from scanner.report.table import print_to

    if args.output:
        write_atomic(Path(args.output), FORMATTERS[args.format](report))
        from scanner.report.table import summary_line

        print(summary_line(report), file=sys.stderr)
        print(f"Report written to {args.output}", file=sys.stderr)
    elif args.format == "table" and sys.stdout.isatty():
        print_to(Console(), report)
    else:
        sys.stdout.write(FORMATTERS[args.format](report))
    if args.fail_on == "never":
        return EXIT_OK
    threshold = Band(args.fail_on).order
    return EXIT_FINDINGS if any(r.band.order >= threshold for r in report.posts) else EXIT_OK


def write_atomic(path: Path, text: str) -> None:
    """Write to a temporary file beside the target, then rename: never a half-written report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _run_scan(args: argparse.Namespace) -> int:
    from scanner.pipeline import scan

    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        raise UsageError(f"{missing[0]}: no such file or folder")
    opts = make_options(args)
    return emit(scan(args.paths, opts), args)


# ---------------------------------------------------------------- crawl


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from exc
    if value < 0:
        raise argparse.ArgumentTypeError("seconds cannot be negative")
    return value


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 1 or more")
    return int(text)


def _add_crawl(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "url", metavar="URL", help="the site's address, e.g. https://www.oakfield.sch.uk"
    )
    p.add_argument(
        "--max-pages",
        type=_positive,
        default=200,
        metavar="N",
        help="fetch at most N pages (default: 200)",
    )
    p.add_argument(
        "--delay",
        type=_seconds,
        default=1.0,
        metavar="S",
        help="seconds to wait between requests (default: 1; robots.txt may ask for more)",
    )
    p.add_argument(
        "--timeout",
        type=_seconds,
        default=20.0,
        metavar="S",
        help="give up on a response after S seconds (default: 20)",
    )
    p.add_argument(
        "--out",
        type=Path,
        metavar="FILE",
        help="keep what was fetched as a web archive (e.g. site.warc.gz); "
        "by default it is deleted after the scan",
    )
    add_output_options(p)


def _run_crawl(args: argparse.Namespace) -> int:
    from scanner.crawl import CrawlOptions, check_start_url, crawl_and_scan

    check_start_url(args.url)
    crawl_opts = CrawlOptions(
        url=args.url, max_pages=args.max_pages, delay=args.delay, timeout=args.timeout or 20.0
    )
    return emit(crawl_and_scan(crawl_opts, make_options(args), out=args.out), args)


# ---------------------------------------------------------------- rules


def _add_rules(p: argparse.ArgumentParser) -> None:
    p.add_argument("id", nargs="?", help="a check id to explain in full")
    p.add_argument("--rules", metavar="TOML", type=Path, help="show settings from this policy")
    p.add_argument(
        "--markdown",
        action="store_true",
        help="print the checks as the Markdown table used in README.md",
    )


def _run_rules(args: argparse.Namespace) -> int:
    from scanner.checks import REGISTRY
    from scanner.resources import default_policy_path
    from scanner.rules import load_policy

    policy = load_policy(default_policy_path(), args.rules)
    if args.id:
        chk = REGISTRY.get(args.id)
        if chk is None:
            raise UsageError(f"no check with id {args.id!r}; `exposure-scan rules` lists them")
        cp = policy.checks[chk.id]
        print(f"{chk.id}: {cp.title}")
        print(
            f"Guidance: {chk.guidance}. Default severity {cp.severity.value}, "
            f"{cp.points} points{'' if cp.enabled else ' (disabled)'}."
        )
        for name, v in cp.variants.items():
            print(f"  variant {name}: {v.severity.value}, {v.points} points")
        for key, value in cp.options.items():
            print(f"  option {key} = {value!r}")
        print()
        print(chk.doc)
        return EXIT_OK
    if args.markdown:
        print(rules_markdown(policy), end="")
        return EXIT_OK
    width = max(len(i) for i in REGISTRY)
    for cid, chk in REGISTRY.items():
        cp = policy.checks[cid]
        print(f"{cid:<{width}}  {cp.severity.value:<8}  {chk.guidance:<7}  {chk.summary}")
    return EXIT_OK


def rules_markdown(policy) -> str:
    """The README's rules table, generated from the registry and the policy."""
    from scanner.checks import REGISTRY

    lines = [
        "| id | guidance | severity (points) | what it finds | fix |",
        "|---|---|---|---|---|",
    ]
    for cid, chk in REGISTRY.items():
        cp = policy.checks[cid]
        sev = f"{cp.severity.value} ({cp.points})"
        if cp.variants:
            sev = "; ".join(f"{k}: {v.severity.value} ({v.points})" for k, v in cp.variants.items())
        lines.append(f"| `{cid}` | {chk.guidance} | {sev} | {chk.summary} | {cp.fix} |")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- fingerprint index


def _index_path(args: argparse.Namespace) -> Path:
    from scanner.index import default_index_path

    return args.index if getattr(args, "index", None) else default_index_path()


def _add_index_scan_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--index",
        metavar="PATH",
        type=Path,
        help="record this scan's fingerprints and findings in this index file for `trace` "
        "(default: the user data directory)",
    )
    p.add_argument("--no-index", action="store_true", help="do not record this scan in the index")


def _apply_index_options(args: argparse.Namespace, opts):
    from dataclasses import replace

    return replace(opts, index_path=None if args.no_index else _index_path(args))


OUTPUT_OPTION_HOOKS.append(_add_index_scan_options)
SCAN_OPTION_HOOKS.append(_apply_index_options)


def _add_trace(p: argparse.ArgumentParser) -> None:
    p.add_argument("suspects", nargs="+", metavar="IMAGE", help="suspicious image files")
    p.add_argument("--index", metavar="PATH", type=Path, help="the index file to search")
    p.add_argument("--format", choices=("text", "json"), default="text")


def _run_trace(args: argparse.Namespace) -> int:
    import json

    from scanner.index import FingerprintIndex, IndexStoreError
    from scanner.trace import as_dict, as_text, trace

    try:
        with FingerprintIndex(_index_path(args), create=False) as index:
            results = trace(list(args.suspects), index)
            empty = len(index.table()) == 0
    except IndexStoreError as exc:
        raise UsageError(str(exc)) from exc
    if args.format == "json":
        sys.stdout.write(json.dumps([as_dict(r) for r in results], indent=2) + "\n")
    else:
        sys.stdout.write(as_text(results, empty))
    return EXIT_ERROR if all(r.error for r in results) else EXIT_OK


def _add_index(p: argparse.ArgumentParser) -> None:
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--stats", action="store_true", help="say what the index holds")
    what.add_argument("--forget", metavar="SOURCE", help="remove a scanned source from the index")
    p.add_argument("--index", metavar="PATH", type=Path, help="the index file")


def _run_index(args: argparse.Namespace) -> int:
    from scanner.index import FingerprintIndex, IndexStoreError

    path = _index_path(args)
    try:
        with FingerprintIndex(path, create=False) as index:
            if args.forget:
                print(f"Removed {index.forget(args.forget)} from the index at {path}.")
                return EXIT_OK
            st = index.stats()
    except IndexStoreError as exc:
        raise UsageError(str(exc)) from exc
    print(
        f"Index {st.path} ({st.bytes / 1e6:.1f} MB): {len(st.sources)} sources, "
        f"{sum(s[4] for s in st.sources)} images, {st.fingerprints} fingerprints."
    )
    for source, platform, when, posts, images in st.sources:
        print(f"  {source} ({platform}): {posts} posts, {images} images, scanned {when}")
    if st.stale_sources:
        print(
            f"{st.stale_sources} sources were indexed by an older version: scan them again "
            "so that trace can find their images."
        )
    return EXIT_OK


COMMANDS: dict[str, tuple[str, Callable, Callable]] = {
    "scan": ("scan exports, photo folders, saved pages or web archives", _add_scan, _run_scan),
    "rules": ("list the checks, or explain one", _add_rules, _run_rules),
    "crawl": ("fetch a school website politely, then scan it", _add_crawl, _run_crawl),
    "trace": ("find the published photos a suspicious image was made from", _add_trace, _run_trace),
    "index": ("show or prune the fingerprint index that trace searches", _add_index, _run_index),
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return EXIT_ERROR
    from scanner.ingest.interface import IngestError
    from scanner.rules import PolicyError

    _help, _add, run = COMMANDS[args.command]
    try:
        return run(args)
    except (UsageError, PolicyError, IngestError) as exc:
        if getattr(args, "debug", False):
            raise
        print(f"exposure-scan: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("exposure-scan: interrupted", file=sys.stderr)
        return 130
