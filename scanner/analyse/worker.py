"""Analyse one media reference inside a worker process, consulting the facts cache first.

Everything passed in and out pickles, so the same function runs in a process pool here or
on another machine: a pure function of the media's bytes and the analyser version.
"""

from __future__ import annotations

import hashlib
import sqlite3
import zipfile
from dataclasses import dataclass
from pathlib import Path

from scanner.analyse.image import ImageError, analyse_bytes, analyser_version
from scanner.ingest.archive import read_ref
from scanner.ingest.interface import IngestError
from scanner.model import MediaFacts, MediaRef
from scanner.store import FactsCache

_cache: FactsCache | None = None
_cache_path: Path | None = None


@dataclass(frozen=True, kw_only=True)
class Outcome:
    """What analysing one media gave: facts (fresh or cached) or the reason it failed."""

    locator: str
    facts: MediaFacts | None = None
    from_cache: bool = False
    error: str | None = None


def _get_cache(path: Path | None) -> FactsCache | None:
    global _cache, _cache_path
    if path is None:
        return None
    if _cache is None or _cache_path != path:
        try:
            _cache = FactsCache(path, analyser_version())
        except sqlite3.Error:
            return None  # an unusable cache only costs time
        _cache_path = path
    return _cache


def analyse_one(locator: str, ref: MediaRef, cache_path: Path | None) -> Outcome:
    """Read, look up and (if needed) decode one image. Never raises for bad input."""
    try:
        data = read_ref(ref)
    except (IngestError, OSError, zipfile.BadZipFile) as exc:
        return Outcome(locator=locator, error=_plain(exc))
    cache = _get_cache(cache_path)
    if cache is not None and data:
        cached = cache.get(hashlib.sha256(data).hexdigest())
        if cached is not None:
            return Outcome(locator=locator, facts=cached, from_cache=True)
    try:
        facts = analyse_bytes(data)
    except ImageError as exc:
        return Outcome(locator=locator, error=str(exc))
    except Exception as exc:  # a decoder bug on hostile input must not stop the scan
        return Outcome(
            locator=locator, error=f"could not be analysed ({type(exc).__name__}: {exc})"
        )
    if cache is not None:
        cache.put(facts)
    return Outcome(locator=locator, facts=facts)


def _plain(exc: BaseException) -> str:
    text = str(exc)
    return text.split(": ", 1)[1] if ": " in text and text.startswith("/") else text
