"""Scale of the fingerprint index, trace and grouping, on synthetic fingerprints.

For 10k, 100k and 1M fingerprints (stored views: a published image has about 20) this
builds the persistent index (SQLite file), loads it, answers single traces, and groups a
scan of that size, and prints times, memory and ratios against brute force measured in the
same run. Synthetic pHash/PDQ values are uniform random bits; 1% of images get a planted
edited copy (pHash 0-18 bits away, PDQ 3x as many: all within the match rule) so that
recall can be counted too.
Finally it times the whole `exposure-scan trace` command against the largest index.

    python bench/index_bench.py                       # 10k, 100k, 1M
    python bench/index_bench.py --sizes 10000 100000  # quicker
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

from scanner.analyse.fingerprint import QUERY_VIEWS, STORED_VIEWS
from scanner.index import FingerprintIndex
from scanner.link import MATCH_SCORE, MAX_PHASH, HammingIndex, PrintTable, match, score
from scanner.trace import TRACE_BAND_RADIUS

STORED_PER_IMAGE = len(STORED_VIEWS) - 1  # `square` only exists for non-square images
QUERY_PER_IMAGE = len(QUERY_VIEWS) - 2  # `frame` views only exist for framed images
PLANTED = 0.01


def synthetic(n_rows: int, rng: np.random.Generator) -> tuple[PrintTable, PrintTable, np.ndarray]:
    """Stored views of n_rows / STORED_PER_IMAGE images, the query views of each image, and
    for each image the image it is an edited copy of (-1 if none)."""
    n_img = max(1, n_rows // STORED_PER_IMAGE)
    owner = np.repeat(np.arange(n_img), STORED_PER_IMAGE)
    stored = PrintTable(
        owner=owner,
        view=np.tile(np.arange(STORED_PER_IMAGE, dtype=np.int16), n_img),
        phash=rng.integers(0, 2**64, size=len(owner), dtype=np.uint64),
        pdq=rng.integers(0, 2**64, size=(len(owner), 4), dtype=np.uint64),
    )
    qowner = np.repeat(np.arange(n_img), QUERY_PER_IMAGE)
    query = PrintTable(
        owner=qowner,
        view=np.tile(np.arange(QUERY_PER_IMAGE, dtype=np.int16), n_img),
        phash=rng.integers(0, 2**64, size=len(qowner), dtype=np.uint64),
        pdq=rng.integers(0, 2**64, size=(len(qowner), 4), dtype=np.uint64),
    )
    # each image's full query view is its full stored view
    query.phash[::QUERY_PER_IMAGE] = stored.phash[::STORED_PER_IMAGE]
    query.pdq[::QUERY_PER_IMAGE] = stored.pdq[::STORED_PER_IMAGE]
    copy_of = np.full(n_img, -1)
    n_plant = max(1, int(PLANTED * n_img))
    src = rng.choice(n_img // 2, size=n_plant, replace=False)
    dst = n_img // 2 + np.arange(n_plant)
    for k, (a, b) in enumerate(zip(src, dst, strict=True)):
        d = k % (MAX_PHASH + 1)  # every planted copy is within the match rule
        ph = int(stored.phash[a * STORED_PER_IMAGE])
        for bit in rng.choice(64, size=d, replace=False):
            ph ^= 1 << int(bit)
        pq = stored.pdq[a * STORED_PER_IMAGE].copy()
        for bit in rng.choice(256, size=3 * d, replace=False):
            pq[bit // 64] ^= np.uint64(1) << np.uint64(bit % 64)
        query.phash[b * QUERY_PER_IMAGE] = np.uint64(ph)
        query.pdq[b * QUERY_PER_IMAGE] = pq
        copy_of[b] = a
    return stored, query, copy_of


class Timer:
    """Wall and CPU seconds: the machine is shared, so CPU time is the steadier figure."""

    def __enter__(self) -> Timer:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu


def all_pairs(query: PrintTable, stored: PrintTable) -> None:
    """The all-pairs baseline: every query view against every stored view, in chunks."""
    for lo in range(0, len(query), 256):
        d = np.bitwise_count(query.phash[lo : lo + 256, None] ^ stored.phash[None, :])
        np.nonzero(d <= MAX_PHASH)


def brute_force(q: PrintTable, stored: PrintTable) -> int:
    """Matches of one image's query views by scanning every stored view (the baseline)."""
    dp = np.bitwise_count(q.phash[:, None] ^ stored.phash[None, :])
    near = np.nonzero(dp <= MAX_PHASH)
    dq = np.bitwise_count(q.pdq[near[0]] ^ stored.pdq[near[1]]).sum(axis=1)
    s = score(dp[near].astype(float), dq.astype(float), stored.view[near[1]])
    return int((s <= MATCH_SCORE).sum())


def one_size(n_rows: int, workdir: Path, rng: np.random.Generator) -> dict:
    stored, query, copy_of = synthetic(n_rows, rng)
    path = workdir / f"index-{n_rows}.sqlite"
    path.unlink(missing_ok=True)

    with Timer() as t_write, FingerprintIndex(path) as idx:
        idx.add_raw("synthetic-trust", "files", stored.owner, stored)

    tracemalloc.start()
    with Timer() as t_load:
        idx = FingerprintIndex(path)
        table = idx.table()
        mih = idx.hamming()
        mih._tables  # noqa: B018  built here so that load time includes them
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    resident = sum(a.nbytes for a in (table.owner, table.view, table.phash, table.pdq))
    resident += sum(o.nbytes + s.nbytes for o, s in mih._tables)

    # single traces: planted copies (should match) and random images (should not)
    planted = np.flatnonzero(copy_of >= 0)[:100]
    plain = rng.choice(np.flatnonzero(copy_of < 0), size=100, replace=False)

    def one_query(img: int) -> PrintTable:
        rows = slice(img * QUERY_PER_IMAGE, (img + 1) * QUERY_PER_IMAGE)
        return PrintTable(
            owner=np.zeros(QUERY_PER_IMAGE, np.int64),
            view=query.view[rows],
            phash=query.phash[rows],
            pdq=query.pdq[rows],
        )

    times, cpu, found = [], [], 0
    for img in np.concatenate([planted, plain]):
        q = one_query(int(img))
        with Timer() as t:
            m = match(q, table, mih, band_radius=TRACE_BAND_RADIUS)
        times.append(t.wall)
        cpu.append(t.cpu)
        if img in planted:
            found += int(copy_of[img] in m.stored.tolist())
    t_mih = []
    for img in plain[:20]:
        with Timer() as t:
            match(one_query(int(img)), table, mih, band_radius=4)
        t_mih.append(t.cpu)
    idx.close()

    # grouping a scan of this size: every image's query views against every stored view
    with Timer() as t_group:
        gmih = HammingIndex(stored.phash)
        radius = gmih.band_radius_for()
        m = match(query, stored, gmih, band_radius=radius)
    pairs = set(zip(m.query.tolist(), m.stored.tolist(), strict=True))
    planted_all = np.flatnonzero(copy_of >= 0)
    g_found = sum((int(b), int(copy_of[b])) in pairs for b in planted_all)
    t_pairs = None
    if len(stored) <= 100_000:
        with Timer() as t_all:
            all_pairs(query, stored)
        t_pairs = t_all.cpu
    return {
        "rows": len(stored),
        "images": len(copy_of),
        "write": t_write.wall,
        "load": t_load.wall,
        "load_cpu": t_load.cpu,
        "peak_mb": peak / 1e6,
        "resident_mb": resident / 1e6,
        "file_mb": path.stat().st_size / 1e6,
        "trace_ms": 1000 * float(np.median(times)),
        "trace_cpu_ms": 1000 * float(np.median(cpu)),
        "trace_p95_ms": 1000 * float(np.percentile(times, 95)),
        "trace_recall": found / max(1, len(planted)),
        "mih_ms": 1000 * float(np.median(t_mih)),
        "group_s": t_group.wall,
        "group_cpu": t_group.cpu,
        "group_radius": radius,
        "group_recall": g_found / max(1, len(planted_all)),
        "pairs_cpu": t_pairs,
        "path": path,
    }


def trace_command(index: Path) -> tuple[float, float]:
    """Wall and CPU seconds of the whole `exposure-scan trace` command (a new process)."""
    import resource

    from PIL import Image
    from skimage import data

    suspect = index.parent / "suspect.jpg"
    buf = io.BytesIO()
    Image.fromarray(data.astronaut()).save(buf, "JPEG", quality=85)
    suspect.write_bytes(buf.getvalue())
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "scanner", "trace", str(suspect), "--index", str(index)],
        check=True,
        capture_output=True,
    )
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    args = ap.parse_args()
    rng = np.random.default_rng(11)
    print(
        f"{STORED_PER_IMAGE} stored and {QUERY_PER_IMAGE} query views per synthetic image; "
        f"{os.cpu_count()} cores"
    )
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            r = one_size(n, Path(tmp), rng)
            rows.append(r)
            print(
                f"\n{r['rows']:>9,} fingerprints ({r['images']:,} images)\n"
                f"  index: write {r['write']:.2f} s + load and build {r['load']:.2f} s "
                f"(CPU {r['load_cpu']:.2f} s) = {r['write'] + r['load']:.2f} s (target < 60 s); "
                f"file {r['file_mb']:.0f} MB; memory {r['resident_mb']:.0f} MB held, "
                f"{r['peak_mb']:.0f} MB peak while loading\n"
                f"  one trace (exact scan): median {r['trace_ms']:.1f} ms wall, "
                f"{r['trace_cpu_ms']:.1f} ms CPU, p95 {r['trace_p95_ms']:.1f} ms (target < 50 ms);"
                f" multi-index hashing at radius 4: {r['mih_ms']:.1f} ms CPU "
                f"(x{r['mih_ms'] / max(r['trace_cpu_ms'], 1e-3):.1f}); planted copies found "
                f"{100 * r['trace_recall']:.0f}%\n"
                f"  grouping a scan this size (multi-index hashing, band radius "
                f"{r['group_radius']}): {r['group_s']:.2f} s wall, {r['group_cpu']:.2f} s CPU; "
                f"planted copies grouped {100 * r['group_recall']:.0f}%"
                + (
                    f"; all pairs {r['pairs_cpu']:.2f} s CPU "
                    f"(x{r['pairs_cpu'] / r['group_cpu']:.1f})"
                    if r["pairs_cpu"]
                    else ""
                )
            )
        base = rows[0]
        print("\nGrowth against the smallest size (CPU time; 1.0 = linear):")
        for r in rows[1:]:
            f = r["rows"] / base["rows"]
            print(
                f"  x{f:.0f} fingerprints: grouping x{r['group_cpu'] / base['group_cpu']:.1f} "
                f"({r['group_cpu'] / base['group_cpu'] / f:.2f} of linear; all pairs grow "
                f"x{f * f:.0f}), one trace x{r['trace_cpu_ms'] / base['trace_cpu_ms']:.1f}"
            )
        wall, cpu = trace_command(rows[-1]["path"])
        print(
            f"\nWhole `exposure-scan trace` command on the {rows[-1]['rows']:,}-fingerprint "
            f"index: {wall:.2f} s wall, {cpu:.2f} s CPU (target < 2 s)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
