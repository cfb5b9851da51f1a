"""Wire the stages: ingest -> analyse -> names -> link -> rules -> rank -> Report.

One pass, one direction. Every stage is a function of its inputs, so a trust can run the
same scan for many schools in parallel anywhere. This module also owns the process pool
and the progress bar, and nothing else.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from scanner.analyse.image import analyser_version
from scanner.analyse.names import NameFinder, shorten
from scanner.analyse.worker import Outcome, analyse_one
from scanner.checks.interface import CheckContext
from scanner.ingest import ingest
from scanner.link import link as link_stage
from scanner.model import (
    AnalysedMedia,
    Band,
    LinkedCopy,
    MediaFacts,
    MediaRef,
    NameHit,
    Post,
    PostRisk,
    Report,
    Skipped,
    post_key,
)
from scanner.rules import Policy, rank, run_checks, score_post
from scanner.store import prepare_cache

PROGRESS_MIN_IMAGES = 40
"""Below this many images a scan takes a second or two: no progress bar."""


@dataclass(frozen=True, kw_only=True)
class ScanOptions:
    """Everything a scan depends on besides its inputs."""

    policy: Policy
    as_of: date
    jobs: int = 0
    """Worker processes for image analysis; 0 means one per core."""
    cache_path: Path | None = None
    """The facts cache; None disables it."""
    show_names: bool = False
    debug: bool = False
    progress: bool = False
    finder: NameFinder | None = None
    link: (
        Callable[
            [Sequence[Post], dict[str, MediaFacts | None], dict[str, tuple]],
            dict[str, tuple[LinkedCopy, ...]],
        ]
        | None
    ) = link_stage
    """The link stage (near-duplicate groups); None leaves every post without linked copies."""
    index_path: Path | None = None
    """The persistent fingerprint index to record this scan in; None leaves it untouched."""
    extra: dict[str, object] = field(default_factory=dict)


def analyse_media(todo: Sequence[tuple[str, MediaRef]], opts: ScanOptions) -> Iterable[Outcome]:
    """Analyse each media once, in a process pool when there is more than one image."""
    jobs = opts.jobs or os.cpu_count() or 1
    cache = opts.cache_path
    if cache is not None:
        try:
            prepare_cache(cache, analyser_version())
        except sqlite3.Error:
            cache = None  # an unusable cache only costs time
    if jobs <= 1 or len(todo) <= 1:
        for loc, ref in todo:
            yield analyse_one(loc, ref, cache)
        return
    with ProcessPoolExecutor(max_workers=min(jobs, len(todo))) as pool:
        yield from pool.map(
            analyse_one,
            [t[0] for t in todo],
            [t[1] for t in todo],
            [cache] * len(todo),
            chunksize=max(1, min(16, len(todo) // (jobs * 8) or 1)),
        )


def _progress(total: int, enabled: bool):
    """A rich progress bar on stderr, only for a terminal and a scan worth waiting for."""
    if not enabled or total < PROGRESS_MIN_IMAGES or not sys.stderr.isatty():
        return None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    return Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    )


EXCERPT_FIELDS = ("body", "caption", "title", "description", "text", "alt")
EXCERPT_CHARS = 140


def excerpt(post: Post, names: Sequence[NameHit], opts: ScanOptions) -> str:
    """The post's main text for the report, names shortened unless --show-names."""
    texts = dict(post.texts)
    for m in post.media:
        for k, v in m.texts.items():
            texts.setdefault(k, v)
    fld = next((f for f in EXCERPT_FIELDS if texts.get(f, "").strip()), None)
    if fld is None:
        fld = next((f for f, t in texts.items() if t.strip() and f != "file_name"), None)
    if fld is None:
        return ""
    text = texts[fld]
    if not opts.show_names:
        spans = sorted(
            {(h.start, h.end, h.name) for h in names if h.field == fld and h.end > h.start},
            reverse=True,
        )
        last = len(text) + 1
        for start, end, name in spans:
            if end > last:
                continue  # overlaps a span already replaced
            mark = "#" if text[start:end].startswith("#") else ""
            if start > 0 and text[start - 1] == "@":  # a handle: shorten it whole
                while end < len(text) and (text[end].isalnum() or text[end] == "_"):
                    end += 1
            short = mark + shorten(name)
            if short.endswith(".") and text[end : end + 1] == ".":
                short = short[:-1]  # "Mrs Patel." -> "Mrs P." not "Mrs P.."
            text = text[:start] + short + text[end:]
            last = start
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"


def analyse_posts(
    posts: Sequence[Post], opts: ScanOptions
) -> tuple[dict[str, MediaFacts | None], list[Skipped], int, int]:
    """Facts for every image of the posts, each analysed once (or read from the cache).

    Returns the facts by media locator, what could not be analysed, and how many images were
    decoded in this run and how many came from the cache.
    """
    todo: dict[str, MediaRef] = {}
    for post in posts:
        for m in post.media:
            if m.kind == "image" and m.ref is not None and m.locator not in todo:
                todo[m.locator] = m.ref
    facts: dict[str, MediaFacts | None] = {}
    skipped: list[Skipped] = []
    analysed = cached = 0
    bar = _progress(len(todo), opts.progress)
    task = bar.add_task("Analysing images", total=len(todo)) if bar else None
    if bar:
        bar.start()
    try:
        for outcome in analyse_media(list(todo.items()), opts):
            facts[outcome.locator] = outcome.facts
            if outcome.error:
                skipped.append(Skipped(source=outcome.locator, reason=outcome.error))
            elif outcome.from_cache:
                cached += 1
            else:
                analysed += 1
            if bar:
                bar.advance(task)
    finally:
        if bar:
            bar.stop()
    return facts, skipped, analysed, cached


def scan(paths: Sequence[str], opts: ScanOptions) -> Report:
    """Scan the inputs and judge every post against the policy."""
    posts, skipped = ingest(paths, debug=opts.debug)
    facts, not_analysed, analysed, cached = analyse_posts(posts, opts)
    skipped.extend(not_analysed)

    finder = opts.finder or NameFinder()
    names = {post_key(p): finder.names_in_post(p, facts) for p in posts}
    copies = opts.link(posts, facts, names) if opts.link else {}

    risks: list[PostRisk] = []
    for post in posts:
        ctx = CheckContext(
            post=post,
            media=tuple(AnalysedMedia(media=m, facts=facts.get(m.locator)) for m in post.media),
            names=names[post_key(post)],
            as_of=opts.as_of,
            options={},
            copies=copies.get(post_key(post), ()),
            show_names=opts.show_names,
        )
        findings, problems = run_checks(ctx, opts.policy, debug=opts.debug)
        skipped.extend(problems)
        risks.append(score_post(ctx, findings, opts.policy, excerpt(post, ctx.names, opts)))
    ranked = rank(risks)
    if opts.index_path is not None:
        from scanner.index import record_scan

        problem = record_scan(opts.index_path, ranked, facts, names)
        if problem:
            skipped.append(Skipped(source=str(opts.index_path), reason=problem))

    stats: dict[str, object] = {
        "items": len(posts),
        "images": sum(1 for p in posts for m in p.media if m.kind == "image"),
        "videos": sum(1 for p in posts for m in p.media if m.kind == "video"),
        "images_analysed": analysed,
        "images_from_cache": cached,
        "skipped": len(skipped),
        "bands": {b.value: sum(1 for r in ranked if r.band is b) for b in reversed(Band)},
    }
    return Report(
        posts=ranked,
        skipped=tuple(skipped),
        as_of=opts.as_of.isoformat(),
        policy=" + ".join(opts.policy.sources),
        inputs=tuple(paths),
        stats=stats,
        show_names=opts.show_names,
    )
