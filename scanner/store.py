"""SQLite stores: the facts cache (content digest + analyser version -> facts).

The cache holds facts and fingerprints only, never pixels, and lives in the user's cache
directory: wiping it only costs time. Each worker process opens its own connection.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict
from pathlib import Path
from typing import Any

from platformdirs import user_cache_dir

from scanner.model import FaceBox, FaceFacts, MediaFacts, MetadataFacts

APP = "exposure-scan"


def default_cache_path() -> Path:
    return Path(user_cache_dir(APP)) / "facts.sqlite"


def facts_to_json(facts: MediaFacts) -> str:
    return json.dumps(asdict(facts), sort_keys=True)


def facts_from_json(text: str) -> MediaFacts:
    d: dict[str, Any] = json.loads(text)
    meta = dict(d.get("metadata") or {})
    if meta.get("gps") is not None:
        meta["gps"] = tuple(meta["gps"])
    for key in ("person_names", "keywords"):
        meta[key] = tuple(meta.get(key) or ())
    faces = d.get("faces")
    if faces is not None:
        faces = FaceFacts(**{**faces, "boxes": tuple(FaceBox(**b) for b in faces["boxes"])})
    return MediaFacts(**{**d, "metadata": MetadataFacts(**meta), "faces": faces})


class FactsCache:
    """digest + analyser version -> MediaFacts. Safe to open from several processes.

    The cache only saves time: if SQLite is busy or the file is damaged, a lookup is a miss
    and a write is dropped, and the scan goes on.
    """

    def __init__(self, path: Path, version: str) -> None:
        self.path = path
        self.version = version
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, timeout=30)
        if self._db.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS facts (digest TEXT NOT NULL, version TEXT NOT NULL, "
            "facts TEXT NOT NULL, PRIMARY KEY (digest, version))"
        )
        self._db.commit()

    def get(self, digest: str) -> MediaFacts | None:
        try:
            row = self._db.execute(
                "SELECT facts FROM facts WHERE digest = ? AND version = ?", (digest, self.version)
            ).fetchone()
            return facts_from_json(row[0]) if row else None
        except (sqlite3.Error, ValueError, TypeError, KeyError):
            return None

    def put(self, facts: MediaFacts) -> None:
        try:
            self._db.execute(
                "INSERT OR REPLACE INTO facts (digest, version, facts) VALUES (?, ?, ?)",
                (facts.digest, self.version, facts_to_json(facts)),
            )
            self._db.commit()
        except sqlite3.Error:
            self._db.rollback()

    def close(self) -> None:
        self._db.close()


def prepare_cache(path: Path, version: str) -> None:
    """Create the cache file and its table once, before worker processes open it together."""
    FactsCache(path, version).close()
