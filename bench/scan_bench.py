"""Benchmark (not a test): `exposure-scan scan` against the naive per-image loop.

Generates two sets of photo-like JPEGs (q90, with camera EXIF and GPS) in a temporary folder:
300 at 4032x3024 (a phone's 12 MP original) and 1000 at 1080x1080 (what platforms serve).
For each set it measures, in the same run on the same files:

- the scanner: `python -m scanner scan DIR --format json` in a fresh process with a cold
  (empty) facts cache and the default number of jobs, wall-clock;
- the naive loop in one process: `Image.open(p); imagehash.phash(img); img.getexif()`.

It prints images per second for both, their ratio (targets: >= 4x on the 12 MP set, >= 3x on
1080 px), and the share of images whose scanner pHash is within 4 bits of the naive one
(target >= 99%). Pictures come from scikit-image's sample photographs, cropped, scaled,
rotated and given sensor-like noise so that every file differs.

    python bench/scan_bench.py            # the full sets (generation takes a few minutes)
    python bench/scan_bench.py --small    # 30 + 100 images, for a quick look
    python bench/scan_bench.py --data DIR # keep the generated sets in DIR and reuse them
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import imagehash
import numpy as np
from PIL import Image

TARGETS = {"12mp": 4.0, "1080": 3.0}
PHASH_BITS = 4
PHASH_SHARE = 0.99


@dataclass(frozen=True)
class PhotoSet:
    name: str
    count: int
    size: tuple[int, int]


def _sources() -> list[np.ndarray]:
    from skimage import data

    return [
        data.astronaut(),
        data.coffee(),
        data.chelsea(),
        data.rocket(),
        np.stack([data.camera()] * 3, axis=-1),
        data.retina(),
        data.hubble_deep_field(),
        data.immunohistochemistry(),
    ]


def _make_one(args: tuple[int, tuple[int, int], str]) -> None:
    """One distinct photo: a random crop of a sample, rotated, scaled up, with noise."""
    index, (w, h), path = args
    rng = np.random.default_rng(index)
    sources = _sources()
    src = Image.fromarray(sources[index % len(sources)])
    cw, ch = src.size
    fx, fy = rng.uniform(0.6, 0.95, size=2)
    left = int(rng.uniform(0, cw * (1 - fx)))
    top = int(rng.uniform(0, ch * (1 - fy)))
    crop = src.crop((left, top, left + int(cw * fx), top + int(ch * fy)))
    if rng.random() < 0.5:
        crop = crop.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    crop = crop.rotate(float(rng.uniform(-8, 8)), resample=Image.Resampling.BILINEAR)
    img = crop.resize((w, h), Image.Resampling.BICUBIC)
    noise = rng.normal(0, 6, size=(h, w, 3)).astype(np.int16)
    pixels = np.clip(np.asarray(img, dtype=np.int16) + noise, 0, 255).astype(np.uint8)
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "Apple", "iPhone 13"
    exif.get_ifd(0x8769)[0x9003] = f"2025:06:{1 + index % 28:02d} 10:{index % 60:02d}:00"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (51.0, 27.0, 16.2), "W", (2.0, 35.0, 16.4)
    Image.fromarray(pixels).save(path, "JPEG", quality=90, exif=exif.tobytes())


def generate(folder: Path, spec: PhotoSet) -> list[Path]:
    """The set's files, generated in parallel unless they are already there."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{spec.name}_{i:04d}.jpg" for i in range(spec.count)]
    todo = [(i, spec.size, str(p)) for i, p in enumerate(paths) if not p.exists()]
    if todo:
        print(f"generating {len(todo)} images of {spec.size[0]}x{spec.size[1]} ...", flush=True)
        with ProcessPoolExecutor() as pool:
            list(pool.map(_make_one, todo, chunksize=4))
    return paths


@dataclass(frozen=True)
class Run:
    """One measured way of processing a set: wall seconds, CPU seconds, pHash per file name."""

    wall: float
    cpu: float
    hashes: dict[str, str]


def _cpu() -> float:
    """CPU seconds used so far by this process and its finished children."""
    me, kids = os.times(), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.user + me.system + kids.ru_utime + kids.ru_stime


def naive(paths: list[Path]) -> Run:
    """The loop a user would write first: full decode, pHash, EXIF. One process."""
    hashes: dict[str, str] = {}
    cpu, start = _cpu(), time.perf_counter()
    for p in paths:
        img = Image.open(p)
        h = imagehash.phash(img)
        img.getexif()
        hashes[p.name] = str(h)
    return Run(time.perf_counter() - start, _cpu() - cpu, hashes)


def scanner(folder: Path, cache: Path) -> Run:
    """`exposure-scan scan` in a fresh process, cold cache, default jobs, JSON to a file."""
    out = cache / "report.json"
    cmd = [
        sys.executable,
        "-m",
        "scanner",
        "scan",
        str(folder),
        "--format",
        "json",
        "--output",
        str(out),
        "--fail-on",
        "never",
        "--cache-dir",
        str(cache),
    ]
    cpu, start = _cpu(), time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    report = json.loads(out.read_text(encoding="utf-8"))
    hashes = {
        Path(m["locator"]).name: m["phash"]
        for p in report["posts"]
        for m in p["media"]
        if m["phash"]
    }
    return Run(wall, _cpu() - cpu, hashes)


def _spine_one(path: str) -> tuple[str, str]:
    """Issue 2's analysis alone: draft decode, EXIF/XMP/IPTC facts, pHash (no faces, no
    extra fingerprints): what image.py itself costs."""
    import io

    from scanner.analyse import image as im

    data = Path(path).read_bytes()
    img, _, _, _ = im.open_working_image(data)
    im.read_metadata(Image.open(io.BytesIO(data)))
    return Path(path).name, im.phash_hex(img)


def spine(paths: list[Path]) -> Run:
    """The spine's stages in a pool of one process per core, as the scanner runs them."""
    cpu, start = _cpu(), time.perf_counter()
    with ProcessPoolExecutor() as pool:
        hashes = dict(pool.map(_spine_one, map(str, paths), chunksize=8))
    return Run(time.perf_counter() - start, _cpu() - cpu, hashes)


def stages(paths: list[Path], n: int = 8) -> dict[str, float]:
    """CPU milliseconds per image for each stage of `analyse_bytes`, on the first n images.

    CPU time, not wall time, so that other work on a shared machine does not blur it.
    """
    import io

    from scanner.analyse import image as im

    steps: dict[str, float] = {}

    def timed(name: str, fn, *a):
        start = time.process_time()
        out = fn(*a)
        steps[name] = steps.get(name, 0.0) + (time.process_time() - start) * 1000 / n
        return out

    for i, p in enumerate(paths[: n + 1]):
        if i == 1:  # the first image warmed up imports and lazy set-up (scipy, the cascade)
            steps.clear()
        data = timed("read", p.read_bytes)
        img, w, h, _ = timed("decode (draft)", im.open_working_image, data)
        timed("metadata", lambda d=data: im.read_metadata(Image.open(io.BytesIO(d))))
        ph = timed("phash", im.phash_hex, img)
        if hasattr(im, "fingerprints"):
            timed("fingerprints", im.fingerprints, img, ph)
        if hasattr(im, "detect_faces"):
            timed("faces", im.detect_faces, img, (w, h))
        timed("naive", _naive_one, p)
    return steps


def _naive_one(p: Path) -> None:
    img = Image.open(p)
    imagehash.phash(img)
    img.getexif()


def hamming(a: str, b: str) -> int:
    return bin(int(a, 16) ^ int(b, 16)).count("1")


def _close(a: dict[str, str], b: dict[str, str]) -> tuple[float, float]:
    """Share of files whose two pHashes are within PHASH_BITS, and the mean distance."""
    dists = [hamming(h, b[n]) if n in b else 64 for n, h in a.items()]
    return sum(d <= PHASH_BITS for d in dists) / len(dists), float(np.mean(dists))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", action="store_true", help="30 + 100 images, a quick look")
    parser.add_argument("--data", type=Path, help="keep generated images here and reuse them")
    args = parser.parse_args(argv)
    scale = 10 if args.small else 1
    sets = [
        PhotoSet("12mp", 300 // scale, (4032, 3024)),
        PhotoSet("1080", 1000 // scale, (1080, 1080)),
    ]

    ok = True
    with tempfile.TemporaryDirectory(prefix="scan-bench-") as tmp:
        root = args.data or Path(tmp) / "images"
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, images in {root}")
        results = []
        for spec in sets:
            paths = generate(root / spec.name, spec)
            cache = Path(tmp) / f"cache-{spec.name}"
            cache.mkdir()
            load = os.getloadavg()[0]
            runs = {"naive": naive(paths), "scanner": scanner(root / spec.name, cache)}
            runs["spine"] = spine(paths)
            results.append((spec, len(paths), runs, load, os.getloadavg()[0], stages(paths)))

    for spec, n, runs, load0, load1, steps in results:
        base = runs["naive"]
        print(
            f"\n{spec.size[0]}x{spec.size[1]}, {n} images (load average {load0:.1f} -> {load1:.1f})"
        )
        print(
            f"  {'':<34}{'img/s':>8}{'ratio':>8}{'CPU ms/img':>12}{'pHash<=4':>10}{'mean bits':>11}"
        )
        for name, label in (
            ("naive", "naive open+phash+getexif, 1 proc"),
            ("scanner", "exposure-scan scan, cold cache"),
            ("spine", "draft decode+metadata+pHash, pool"),
        ):
            r = runs[name]
            share, mean = _close(base.hashes, r.hashes)
            print(
                f"  {label:<34}{n / r.wall:>8.1f}{base.wall / r.wall:>7.2f}x"
                f"{r.cpu * 1000 / n:>12.1f}{share:>10.1%}{mean:>11.2f}"
            )
        ratio = base.wall / runs["scanner"].wall
        share, _ = _close(base.hashes, runs["scanner"].hashes)
        target = TARGETS[spec.name]
        met = ratio >= target and share >= PHASH_SHARE
        ok &= met
        print(
            f"  target: scanner >= {target:.0f}x naive and >= {PHASH_SHARE:.0%} of pHashes within "
            f"{PHASH_BITS} bits: {'met' if met else 'MISSED'} ({ratio:.2f}x, {share:.1%})"
        )
        print(
            "  CPU ms per image by stage (in-process): "
            + ", ".join(f"{k} {v:.1f}" for k, v in steps.items())
        )
    print()
    print("all targets met" if ok else "some targets missed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
