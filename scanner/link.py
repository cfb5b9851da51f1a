"""Near-duplicate groups across every post and source, found through an index.

Each image contributes several views (see analyse/fingerprint.py). Candidates come from a
multi-index hash over the stored views' 64-bit pHashes (four 16-bit bands: two hashes
within distance d share at least one band within distance d // 4), never from comparing
all pairs; each candidate is then confirmed on its PDQ hash. Confirmed pairs are joined
into groups, and every post learns the other posts that carry a copy of its images.

The same machinery answers `trace` from the persistent index (scanner/index.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from scanner.analyse.fingerprint import QUERY_VIEWS, STORED_VIEWS, views
from scanner.model import LinkedCopy, MediaFacts, NameHit, Post, post_key

PHASH_SCALE = 24.0
PDQ_SCALE = 60.0
CROP_PENALTY = 1.15
"""A crop view is one of many chances to match by accident, so it must come a little closer."""
MAX_PHASH = 18
"""No pair of views further apart than this on pHash matches, whatever PDQ says."""
MATCH_SCORE = 0.89
"""Two views match when (pHash bits / 24 + PDQ bits / 60) / 2, times CROP_PENALTY for a
stored crop view, is at most this, with pHash within MAX_PHASH. Chosen by
bench/robustness.py as the threshold that keeps false matches at or below 1 in 10,000 over
1.27 million pairs of different photos (incl. look-alikes)."""

VIEW_CODES = {name: i for i, name in enumerate(dict.fromkeys((*QUERY_VIEWS, *STORED_VIEWS)))}
VIEW_NAMES = {i: name for name, i in VIEW_CODES.items()}

BANDS = 4
BAND_BITS = 16
CANDIDATE_BUDGET = 2_500
"""Expected candidates per query hash when grouping a scan, so that grouping time grows
linearly: the band radius steps down from 3 to 2 (above ~80k stored views) and 1 (above
~600k). On real fingerprints radius 1 still finds 96.5% of what the rule matches, radius 2
99.5% (bench/robustness.py)."""
MAX_COPIES_PER_MEDIA = 50
"""A logo reused on every page would otherwise list thousands of copies."""


CROP_CODES = np.asarray(
    [code for name, code in VIEW_CODES.items() if name.startswith(("crop", "square"))], np.int16
)


def score(dp: np.ndarray, dq: np.ndarray, stored_view: np.ndarray | None = None) -> np.ndarray:
    """The combined distance of two views (lower is closer; a match is <= MATCH_SCORE).

    `stored_view` (view codes of the stored side, broadcast like dp) applies the crop penalty.
    """
    s = (dp / PHASH_SCALE + dq / PDQ_SCALE) / 2
    if stored_view is not None:
        s = s * np.where(np.isin(stored_view, CROP_CODES), CROP_PENALTY, 1.0)
    return np.where(dp <= MAX_PHASH, s, np.inf)


# ---------------------------------------------------------------- fingerprint tables


@dataclass(frozen=True, kw_only=True)
class PrintTable:
    """Many views of many images as arrays: row i is view `view[i]` of image `owner[i]`."""

    owner: np.ndarray
    """int64 image number."""
    view: np.ndarray
    """int16 view code (VIEW_CODES)."""
    phash: np.ndarray
    """uint64 pHash."""
    pdq: np.ndarray
    """(n, 4) uint64 PDQ."""

    def __len__(self) -> int:
        return len(self.owner)

    @staticmethod
    def empty() -> PrintTable:
        return PrintTable(
            owner=np.zeros(0, np.int64),
            view=np.zeros(0, np.int16),
            phash=np.zeros(0, np.uint64),
            pdq=np.zeros((0, 4), np.uint64),
        )

    @staticmethod
    def concat(tables: Sequence[PrintTable]) -> PrintTable:
        if not tables:
            return PrintTable.empty()
        return PrintTable(
            owner=np.concatenate([t.owner for t in tables]),
            view=np.concatenate([t.view for t in tables]),
            phash=np.concatenate([t.phash for t in tables]),
            pdq=np.concatenate([t.pdq for t in tables]),
        )


def table_from_facts(facts: Sequence[MediaFacts | None], role: tuple[str, ...]) -> PrintTable:
    """The views named in `role` (QUERY_VIEWS or STORED_VIEWS) of each image, numbered 0..n-1."""
    owner, view, ph, pq = [], [], [], []
    for i, f in enumerate(facts):
        if f is None:
            continue
        for v in views(f.phash, f.fingerprints, role):
            owner.append(i)
            view.append(VIEW_CODES[v.name])
            ph.append(v.phash)
            pq.append(v.pdq)
    if not owner:
        return PrintTable.empty()
    return PrintTable(
        owner=np.asarray(owner, np.int64),
        view=np.asarray(view, np.int16),
        phash=np.asarray(ph, np.uint64),
        pdq=np.frombuffer(b"".join(pq), dtype=">u8").astype(np.uint64).reshape(-1, 4),
    )


# ---------------------------------------------------------------- multi-index hashing


def _masks(bits: int, radius: int) -> np.ndarray:
    """Every `bits`-bit mask with at most `radius` bits set."""
    out = [0]
    for r in range(1, radius + 1):
        for combo in combinations(range(bits), r):
            out.append(sum(1 << b for b in combo))
    return np.asarray(out, np.int64)


_MASK_CACHE: dict[int, np.ndarray] = {}


def probes(radius: int) -> np.ndarray:
    if radius not in _MASK_CACHE:
        _MASK_CACHE[radius] = _masks(BAND_BITS, radius)
    return _MASK_CACHE[radius]


class HammingIndex:
    """Multi-index hashing over 64-bit keys: four sorted 16-bit band tables.

    Two keys within Hamming distance d agree within d // 4 bits on at least one band, so
    probing every band value within `band_radius` of the query's finds every key within
    4 * band_radius + 3 bits exactly, and most keys a little further.
    """

    def __init__(self, keys: np.ndarray) -> None:
        self.keys = np.ascontiguousarray(keys, dtype=np.uint64)
        self._band_tables: list[tuple[np.ndarray, np.ndarray]] | None = None

    @property
    def _tables(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """The sorted band tables, built on first use (an exact scan does not need them)."""
        if self._band_tables is None:
            self._band_tables = []
            for j in range(BANDS):
                band = self._band(self.keys, j)
                order = np.argsort(band, kind="stable").astype(np.int64)
                starts = np.searchsorted(band[order], np.arange((1 << BAND_BITS) + 1))
                self._band_tables.append((order, starts.astype(np.int64)))
        return self._band_tables

    def __len__(self) -> int:
        return len(self.keys)

    @staticmethod
    def _band(keys: np.ndarray, j: int) -> np.ndarray:
        return ((keys >> np.uint64(BAND_BITS * j)) & np.uint64(0xFFFF)).astype(np.int64)

    def band_radius_for(self, budget: int = CANDIDATE_BUDGET, most: int = 3) -> int:
        """The widest band radius whose expected candidates per query stay within budget."""
        per_bucket = max(len(self.keys), 1) / (1 << BAND_BITS)
        best = 0
        for r in range(most + 1):
            if BANDS * len(probes(r)) * per_bucket <= budget:
                best = r
        return best

    def search(
        self, queries: np.ndarray, max_dist: int, band_radius: int | None, chunk: int = 0
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(query row, key row, distance) of every key found within max_dist of a query.

        `band_radius=None` asks for an exact answer at any distance: for a handful of
        queries (one trace) a vectorised pass over every key is exact and, up to millions
        of keys, faster than probing thousands of band values (bench/index_bench.py).
        """
        queries = np.ascontiguousarray(queries, dtype=np.uint64)
        if band_radius is None:
            return self._scan(queries, max_dist)
        masks = probes(band_radius)
        if not chunk:
            per_query = BANDS * len(masks) * (1 + len(self.keys) / (1 << BAND_BITS))
            chunk = max(1, int(4_000_000 // per_query))
        out_q, out_k, out_d = [], [], []
        for lo in range(0, len(queries), chunk):
            q = queries[lo : lo + chunk]
            qi, ki = self._candidates(q, masks)
            if len(qi) == 0:
                continue
            d = np.bitwise_count(q[qi] ^ self.keys[ki]).astype(np.int16)
            keep = d <= max_dist
            qi, ki, d = qi[keep], ki[keep], d[keep]
            pair = qi * len(self.keys) + ki
            _, first = np.unique(pair, return_index=True)
            out_q.append(qi[first] + lo)
            out_k.append(ki[first])
            out_d.append(d[first])
        if not out_q:
            empty = np.zeros(0, np.int64)
            return empty, empty, np.zeros(0, np.int16)
        return np.concatenate(out_q), np.concatenate(out_k), np.concatenate(out_d)

    def _scan(
        self, queries: np.ndarray, max_dist: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        out_q, out_k, out_d = [], [], []
        for i, q in enumerate(queries):
            d = np.bitwise_count(self.keys ^ q)
            k = np.flatnonzero(d <= max_dist)
            out_q.append(np.full(len(k), i, np.int64))
            out_k.append(k.astype(np.int64))
            out_d.append(d[k].astype(np.int16))
        if not out_q:
            empty = np.zeros(0, np.int64)
            return empty, empty, np.zeros(0, np.int16)
        return np.concatenate(out_q), np.concatenate(out_k), np.concatenate(out_d)

    def _candidates(self, q: np.ndarray, masks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        qs, ks = [], []
        for j, (order, starts) in enumerate(self._tables):
            probe = (self._band(q, j)[:, None] ^ masks[None, :]).ravel()
            lo = starts[probe]
            count = starts[probe + 1] - lo
            total = int(count.sum())
            if total == 0:
                continue
            qrow = np.repeat(np.repeat(np.arange(len(q)), len(masks)), count)
            offsets = np.cumsum(count) - count
            pos = np.arange(total) - np.repeat(offsets - lo, count)
            qs.append(qrow)
            ks.append(order[pos])
        if not qs:
            empty = np.zeros(0, np.int64)
            return empty, empty
        return np.concatenate(qs), np.concatenate(ks)


# ---------------------------------------------------------------- matching


@dataclass(frozen=True, kw_only=True)
class Matches:
    """The best-scoring view pair for each (query image, stored image) that matched."""

    query: np.ndarray
    stored: np.ndarray
    query_view: np.ndarray
    stored_view: np.ndarray
    phash_dist: np.ndarray
    pdq_dist: np.ndarray
    score: np.ndarray


def match(
    queries: PrintTable,
    stored: PrintTable,
    index: HammingIndex,
    *,
    band_radius: int | None,
    max_score: float = MATCH_SCORE,
) -> Matches:
    """Confirm the index's candidates on PDQ and keep each image pair's best view pair."""
    qi, ki, dp = index.search(queries.phash, MAX_PHASH, band_radius)
    dq = np.bitwise_count(queries.pdq[qi] ^ stored.pdq[ki]).sum(axis=1).astype(np.int16)
    s = score(dp.astype(np.float64), dq.astype(np.float64), stored.view[ki])
    keep = s <= max_score
    qi, ki, dp, dq, s = qi[keep], ki[keep], dp[keep], dq[keep], s[keep]
    qo, so = queries.owner[qi], stored.owner[ki]
    order = np.lexsort((s, so, qo))
    qo, so, qi, ki, dp, dq, s = (a[order] for a in (qo, so, qi, ki, dp, dq, s))
    first = np.ones(len(qo), bool)
    first[1:] = (qo[1:] != qo[:-1]) | (so[1:] != so[:-1])
    return Matches(
        query=qo[first],
        stored=so[first],
        query_view=queries.view[qi[first]],
        stored_view=stored.view[ki[first]],
        phash_dist=dp[first],
        pdq_dist=dq[first],
        score=s[first],
    )


def group(facts: Sequence[MediaFacts | None]) -> tuple[np.ndarray, dict[tuple[int, int], int]]:
    """Near-duplicate groups: a group label per image, and each matched pair's pHash bits.

    Identical files (same digest) always share a group. Images without facts get their own
    label. Grows with the number of images, not with the number of pairs.
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = len(facts)
    stored = table_from_facts(facts, STORED_VIEWS)
    queries = table_from_facts(facts, QUERY_VIEWS)
    pairs: dict[tuple[int, int], int] = {}
    rows: list[int] = []
    cols: list[int] = []
    if len(stored) and len(queries):
        index = HammingIndex(stored.phash)
        m = match(queries, stored, index, band_radius=index.band_radius_for())
        for a, b, d in zip(m.query.tolist(), m.stored.tolist(), m.phash_dist.tolist(), strict=True):
            if a == b:
                continue
            key = (min(a, b), max(a, b))
            pairs[key] = min(d, pairs.get(key, 64))
    by_digest: dict[str, int] = {}
    for i, f in enumerate(facts):
        if f is None:
            continue
        j = by_digest.setdefault(f.digest, i)
        if j != i:
            pairs[(j, i)] = 0
    for a, b in pairs:
        rows.append(a)
        cols.append(b)
    graph = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return labels, pairs


# ---------------------------------------------------------------- the link stage


def link(
    posts: Sequence[Post],
    facts: Mapping[str, MediaFacts | None],
    names: Mapping[str, tuple[NameHit, ...]],
) -> dict[str, tuple[LinkedCopy, ...]]:
    """Every post's images' copies in other posts, with the names those posts carry."""
    holders: dict[str, list[Post]] = defaultdict(list)
    for p in posts:
        for m in p.media:
            if m.kind == "image" and facts.get(m.locator) is not None:
                holders[m.locator].append(p)
    locators = list(holders)
    if len(locators) < 2 and all(len(v) < 2 for v in holders.values()):
        return {}
    labels, pairs = group([facts[loc] for loc in locators])
    members: dict[int, list[int]] = defaultdict(list)
    for i, label in enumerate(labels.tolist()):
        members[label].append(i)

    out: dict[str, list[LinkedCopy]] = defaultdict(list)
    for idx in members.values():
        copies = [(i, p) for i in idx for p in holders[locators[i]]]
        if len({post_key(p) for _, p in copies}) < 2:
            continue
        for i, p in copies:
            mine = post_key(p)
            found: list[LinkedCopy] = []
            for j, q in _rank_others(copies, i, facts, locators, names):
                if post_key(q) == mine:
                    continue
                other = facts[locators[j]]
                assert other is not None
                found.append(
                    LinkedCopy(
                        media=locators[i],
                        other_post=post_key(q),
                        other_media=locators[j],
                        other_platform=q.platform,
                        distance=_distance(i, j, pairs, facts, locators),
                        other_long_side=other.long_side,
                        other_names=_names_for(q, locators[j], names),
                    )
                )
                if len(found) >= MAX_COPIES_PER_MEDIA:
                    break
            out[mine].extend(found)
    return {k: tuple(v) for k, v in out.items()}


def _rank_others(
    copies: list[tuple[int, Post]],
    i: int,
    facts: Mapping[str, MediaFacts | None],
    locators: list[str],
    names: Mapping[str, tuple[NameHit, ...]],
) -> Iterable[tuple[int, Post]]:
    """Copies carrying names first, then the largest: what a reader must see is never cut."""

    def key(item: tuple[int, Post]) -> tuple[int, int, str]:
        j, q = item
        f = facts[locators[j]]
        named = bool(_names_for(q, locators[j], names))
        return (not named, -(f.long_side if f else 0), post_key(q))

    return sorted(copies, key=key)


def _names_for(post: Post, locator: str, names: Mapping[str, tuple[NameHit, ...]]) -> tuple:
    """Names a post pairs with one of its images: its own texts, or that image's own texts."""
    return tuple(h for h in names.get(post_key(post), ()) if h.media in (None, locator))


def _distance(
    i: int,
    j: int,
    pairs: dict[tuple[int, int], int],
    facts: Mapping[str, MediaFacts | None],
    locators: list[str],
) -> int:
    if i == j:
        return 0
    d = pairs.get((min(i, j), max(i, j)))
    if d is not None:
        return d
    a, b = facts[locators[i]], facts[locators[j]]
    assert a is not None and b is not None
    return (int(a.phash, 16) ^ int(b.phash, 16)).bit_count()
