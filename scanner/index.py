"""The persistent fingerprint index that `trace` answers from.

Every scan records, per source it read: the posts (platform, locator, url, date, band) with
their findings, each image's locator, size and colour signature, and the image's fingerprint
views. No pixels, and names only shortened ("Amelia H."), whatever the scan showed.

It is one SQLite file in the user's data directory (not the cache, which may be wiped), or
wherever `--index PATH` says. A source scanned again replaces its earlier record. The
fingerprints of one source are stored as a few arrays in one row, so loading a million
fingerprints is reading a few blobs, not a million rows.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from platformdirs import user_data_dir

from scanner.analyse.fingerprint import STORED_VIEWS, fingerprint_version
from scanner.analyse.names import shorten
from scanner.link import HammingIndex, PrintTable, table_from_facts
from scanner.model import MediaFacts, NameHit, PostRisk, post_key

APP = "exposure-scan"
SCHEMA = 1


class IndexStoreError(Exception):
    """The index cannot be read or written; the message names the file and says why."""


def default_index_path() -> Path:
    return Path(user_data_dir(APP)) / "index.sqlite"


def normalise_source(source: str) -> str:
    """Sources are stored as absolute paths (or URLs) so a later `--forget` finds them."""
    if "://" in source:
        return source
    return os.path.abspath(source)


_DDL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sources (
    id INTEGER PRIMARY KEY, source TEXT UNIQUE NOT NULL, platform TEXT NOT NULL,
    scanned_at TEXT NOT NULL, posts INTEGER NOT NULL, images INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS posts (
    id INTEGER PRIMARY KEY, source_id INTEGER NOT NULL REFERENCES sources ON DELETE CASCADE,
    key TEXT NOT NULL, platform TEXT NOT NULL, locator TEXT NOT NULL, url TEXT,
    created TEXT, band TEXT NOT NULL, excerpt TEXT NOT NULL, findings TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS images (
    id INTEGER PRIMARY KEY, source_id INTEGER NOT NULL REFERENCES sources ON DELETE CASCADE,
    locator TEXT NOT NULL, width INTEGER, height INTEGER, colour TEXT, digest TEXT);
CREATE TABLE IF NOT EXISTS post_images (
    post_id INTEGER NOT NULL REFERENCES posts ON DELETE CASCADE,
    image_id INTEGER NOT NULL REFERENCES images ON DELETE CASCADE);
CREATE INDEX IF NOT EXISTS post_images_image ON post_images (image_id);
CREATE TABLE IF NOT EXISTS prints (
    source_id INTEGER PRIMARY KEY REFERENCES sources ON DELETE CASCADE,
    version TEXT NOT NULL, rows INTEGER NOT NULL,
    owner BLOB NOT NULL, view BLOB NOT NULL, phash BLOB NOT NULL, pdq BLOB NOT NULL);
"""


@dataclass(frozen=True, kw_only=True)
class IndexedImage:
    """One published image as the index knows it, with the posts that show it."""

    id: int
    source: str
    locator: str
    width: int | None
    height: int | None
    colour: str | None
    digest: str | None
    posts: tuple[IndexedPost, ...]


@dataclass(frozen=True, kw_only=True)
class IndexedPost:
    platform: str
    source: str
    locator: str
    url: str | None
    created: str | None
    band: str
    excerpt: str
    findings: tuple[dict, ...]
    """rule, severity, title, evidence (names shortened), related."""


@dataclass(frozen=True, kw_only=True)
class Stats:
    path: Path
    sources: tuple[tuple[str, str, str, int, int], ...]
    """(source, platform, scanned at, posts, images) per source."""
    fingerprints: int
    stale_sources: int
    """Sources recorded with another fingerprint version: rescan them to trace their images."""
    bytes: int


class FingerprintIndex:
    """A connection to one index file."""

    def __init__(self, path: Path, *, create: bool = True) -> None:
        self.path = path
        if not create and not path.exists():
            raise IndexStoreError(f"{path}: no index here yet (a scan creates it)")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, timeout=30)
            self._db.execute("PRAGMA foreign_keys = ON")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.executescript(_DDL)
            row = self._db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            if row is None:
                self._db.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA),))
                self._db.commit()
            elif row[0] != str(SCHEMA):
                raise IndexStoreError(f"{path}: made by another version of exposure-scan")
        except sqlite3.DatabaseError as exc:
            raise IndexStoreError(f"{path}: not a readable index ({exc})") from exc
        self._table: PrintTable | None = None
        self._mih: HammingIndex | None = None

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> FingerprintIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ writing

    def record(
        self,
        risks: Sequence[PostRisk],
        facts: Mapping[str, MediaFacts | None],
        names: Mapping[str, tuple[NameHit, ...]],
    ) -> int:
        """Replace each scanned source's record with this scan's. Returns images recorded."""
        by_source: dict[str, list[PostRisk]] = {}
        for r in risks:
            by_source.setdefault(r.post.source, []).append(r)
        now = datetime.now(UTC).isoformat(timespec="seconds")
        total = 0
        with self._db:
            for source, source_risks in by_source.items():
                total += self._record_source(source, source_risks, facts, names, now)
        self._table = self._mih = None
        return total

    def _record_source(
        self,
        source: str,
        risks: list[PostRisk],
        facts: Mapping[str, MediaFacts | None],
        names: Mapping[str, tuple[NameHit, ...]],
        now: str,
    ) -> int:
        db = self._db
        src = normalise_source(source)
        db.execute("DELETE FROM sources WHERE source = ?", (src,))
        platform = Counter(r.post.platform for r in risks).most_common(1)[0][0]
        cur = db.execute(
            "INSERT INTO sources (source, platform, scanned_at, posts, images) "
            "VALUES (?, ?, ?, ?, 0)",
            (src, platform, now, len(risks)),
        )
        source_id = cur.lastrowid
        image_ids: dict[str, int] = {}
        image_facts: list[MediaFacts] = []
        for r in risks:
            p = r.post
            hits = names.get(post_key(p), ())
            cur = db.execute(
                "INSERT INTO posts (source_id, key, platform, locator, url, created, band, "
                "excerpt, findings) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    source_id,
                    post_key(p),
                    p.platform,
                    p.locator,
                    p.url,
                    p.created.isoformat() if p.created else None,
                    r.band.value,
                    shorten_names(r.excerpt, hits),
                    json.dumps(
                        [
                            {
                                "rule": f.rule,
                                "severity": f.severity.value,
                                "title": f.title,
                                "evidence": shorten_names(f.evidence, hits),
                                "related": list(f.related),
                            }
                            for f in r.findings
                        ]
                    ),
                ),
            )
            post_id = cur.lastrowid
            for m in p.media:
                f = facts.get(m.locator)
                if m.kind != "image" or f is None:
                    continue
                if m.locator not in image_ids:
                    cur = db.execute(
                        "INSERT INTO images (source_id, locator, width, height, colour, digest) "
                        "VALUES (?, ?, ?, ?, ?, ?)",
                        (
                            source_id,
                            m.locator,
                            f.width,
                            f.height,
                            f.fingerprints.get("colour"),
                            f.digest,
                        ),
                    )
                    image_ids[m.locator] = int(cur.lastrowid or 0)
                    image_facts.append(f)
                db.execute(
                    "INSERT INTO post_images (post_id, image_id) VALUES (?, ?)",
                    (post_id, image_ids[m.locator]),
                )
        table = table_from_facts(image_facts, STORED_VIEWS)
        ids = np.asarray(list(image_ids.values()), np.int64)
        owner = ids[table.owner] if len(table) else table.owner
        self._put_prints(source_id, owner, table)
        db.execute("UPDATE sources SET images = ? WHERE id = ?", (len(image_ids), source_id))
        return len(image_ids)

    def _put_prints(self, source_id: int | None, owner: np.ndarray, table: PrintTable) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO prints (source_id, version, rows, owner, view, phash, pdq) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                source_id,
                fingerprint_version(),
                len(table),
                owner.astype("<i8").tobytes(),
                table.view.astype("<i2").tobytes(),
                table.phash.astype("<u8").tobytes(),
                table.pdq.astype("<u8").tobytes(),
            ),
        )

    def add_raw(self, source: str, platform: str, owner: np.ndarray, table: PrintTable) -> None:
        """Store bare fingerprints under a source (benchmarks: synthetic hashes, no posts)."""
        with self._db:
            src = normalise_source(source)
            self._db.execute("DELETE FROM sources WHERE source = ?", (src,))
            cur = self._db.execute(
                "INSERT INTO sources (source, platform, scanned_at, posts, images) "
                "VALUES (?, ?, ?, 0, ?)",
                (src, platform, datetime.now(UTC).isoformat(timespec="seconds"), len(set(owner))),
            )
            self._put_prints(cur.lastrowid, owner, table)
        self._table = self._mih = None

    def forget(self, source: str) -> str:
        """Remove a source and everything recorded from it. Returns the source removed."""
        rows = self._db.execute("SELECT id, source FROM sources").fetchall()
        wanted = {source, normalise_source(source)}
        hits = [r for r in rows if r[1] in wanted]
        if not hits:
            hits = [r for r in rows if os.path.basename(r[1].rstrip("/")) == source]
        if not hits:
            raise IndexStoreError(
                f"{source}: not in the index at {self.path} (`exposure-scan index --stats` "
                "lists the sources)"
            )
        if len(hits) > 1:
            raise IndexStoreError(
                f"{source}: matches {len(hits)} sources; give the full path: "
                + "; ".join(r[1] for r in hits)
            )
        with self._db:
            self._db.execute("DELETE FROM sources WHERE id = ?", (hits[0][0],))
        self._db.execute("VACUUM")
        self._table = self._mih = None
        return hits[0][1]

    # ------------------------------------------------------------ reading

    def stats(self) -> Stats:
        sources = tuple(
            (r[0], r[1], r[2], int(r[3]), int(r[4]))
            for r in self._db.execute(
                "SELECT source, platform, scanned_at, posts, images FROM sources ORDER BY source"
            )
        )
        current = fingerprint_version()
        fps = stale = 0
        for version, rows in self._db.execute("SELECT version, rows FROM prints"):
            if version == current:
                fps += int(rows)
            else:
                stale += 1
        return Stats(
            path=self.path,
            sources=sources,
            fingerprints=fps,
            stale_sources=stale,
            bytes=self.path.stat().st_size if self.path.exists() else 0,
        )

    def table(self) -> PrintTable:
        """Every current fingerprint view, with the image id as owner."""
        if self._table is None:
            parts = []
            current = fingerprint_version()
            for version, owner, view, ph, pq in self._db.execute(
                "SELECT version, owner, view, phash, pdq FROM prints"
            ):
                if version != current:
                    continue
                parts.append(
                    PrintTable(
                        owner=np.frombuffer(owner, "<i8").astype(np.int64),
                        view=np.frombuffer(view, "<i2").astype(np.int16),
                        phash=np.frombuffer(ph, "<u8").astype(np.uint64),
                        pdq=np.frombuffer(pq, "<u8").astype(np.uint64).reshape(-1, 4),
                    )
                )
            self._table = PrintTable.concat(parts)
        return self._table

    def hamming(self) -> HammingIndex:
        if self._mih is None:
            self._mih = HammingIndex(self.table().phash)
        return self._mih

    def images(self, ids: Iterable[int]) -> dict[int, IndexedImage]:
        """The images with these ids and the posts that show them."""
        wanted = list(dict.fromkeys(int(i) for i in ids))
        out: dict[int, IndexedImage] = {}
        for i in wanted:
            row = self._db.execute(
                "SELECT i.id, s.source, i.locator, i.width, i.height, i.colour, i.digest "
                "FROM images i JOIN sources s ON s.id = i.source_id WHERE i.id = ?",
                (i,),
            ).fetchone()
            if row is None:
                continue
            posts = tuple(
                IndexedPost(
                    platform=p[0],
                    source=row[1],
                    locator=p[1],
                    url=p[2],
                    created=p[3],
                    band=p[4],
                    excerpt=p[5],
                    findings=tuple(json.loads(p[6])),
                )
                for p in self._db.execute(
                    "SELECT p.platform, p.locator, p.url, p.created, p.band, p.excerpt, "
                    "p.findings FROM posts p JOIN post_images pi ON pi.post_id = p.id "
                    "WHERE pi.image_id = ? ORDER BY p.id",
                    (i,),
                )
            )
            out[i] = IndexedImage(
                id=row[0],
                source=row[1],
                locator=row[2],
                width=row[3],
                height=row[4],
                colour=row[5],
                digest=row[6],
                posts=posts,
            )
        return out


def shorten_names(text: str, hits: Iterable[NameHit]) -> str:
    """Every full name found in the post shortened, whether or not the scan showed names."""
    for name in sorted({h.name for h in hits}, key=len, reverse=True):
        if len(name.split()) >= 2:
            text = text.replace(name, shorten(name))
    return text


def record_scan(
    path: Path,
    risks: Sequence[PostRisk],
    facts: Mapping[str, MediaFacts | None],
    names: Mapping[str, tuple[NameHit, ...]],
) -> str | None:
    """Write a scan to the index; returns a plain reason when it could not be written."""
    try:
        with FingerprintIndex(path) as index:
            index.record(risks, facts, names)
    except (IndexStoreError, sqlite3.Error, OSError) as exc:
        return f"the fingerprint index could not be updated ({exc})"
    return None
