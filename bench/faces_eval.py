"""Face detection figures: recall by face size, false faces, smallest face, and cost per image.

Run:  python bench/faces_eval.py [--set DIR] [--compare] [--quick]

The set is built by tools/build_face_set.py (into a temporary folder unless --set names one
already built). Figures on LFW faces enlarged beyond their 25 px are labelled SYNTHETIC: an
enlarged crop is blurrier than a real face of that size. Speed is a ratio measured in this
run: the time face detection adds per image against the time decoding and hashing that image
already takes (scanner.analyse.image.analyse_bytes without the detector), medians of
interleaved runs so that a busy machine slows both alike.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT))

import build_face_set as fs  # noqa: E402

from scanner.analyse import faces  # noqa: E402
from scanner.analyse import image as image_module  # noqa: E402
from scanner.analyse.image import analyse_bytes, open_working_image  # noqa: E402

SIZE_BINS = ((20, 30), (30, 40), (40, 60), (60, 100), (100, 200), (200, 400))
Boxes = list[tuple[int, int, int, int]]
Detector = Callable[[Image.Image, tuple[int, int]], Boxes]
"""(working RGB image, original size) -> face boxes in original pixels."""


def product(img: Image.Image, original: tuple[int, int]) -> Boxes:
    facts = faces.find_faces(img, original)
    return [(b.x, b.y, b.w, b.h) for b in facts.boxes]


def _bin(side: int) -> str:
    for lo, hi in SIZE_BINS:
        if lo <= side < hi:
            return f"{lo}-{hi - 1}"
    return f"{side}"


def evaluate(root: Path, entries: list[fs.Entry], detect: Detector) -> dict:
    """Recall on group scenes (by size), false faces by kind, people photos, ms per image."""
    found_by_bin: dict[str, list[bool]] = {}
    false = {"group": 0, "empty": 0, "scenery": 0, "people": 0}
    count = {"group": 0, "empty": 0, "scenery": 0, "people": 0}
    people: list[str] = []
    missed: list[str] = []
    ms: list[float] = []
    for e in entries:
        img, w, h, _ = open_working_image(fs.load_image(root, e.path))
        t0 = time.process_time()
        boxes = detect(img, (w, h))
        ms.append((time.process_time() - t0) * 1000)
        hits, n_false = fs.score(e.faces, boxes)
        false[e.kind] += n_false
        count[e.kind] += 1
        if e.kind == "group":
            for t, hit in zip(e.faces, hits, strict=True):
                found_by_bin.setdefault(_bin(min(t[2], t[3])), []).append(hit)
                if not hit:
                    missed.append(f"{e.path} face {min(t[2], t[3])} px at {t[0]},{t[1]}")
        elif e.kind == "people":
            people.append(
                f"{e.path.split(':')[1]} {sum(hits)}/{len(hits)}"
                f"{' (' + e.note + ')' if e.note else ''}"
            )
    allhits = [h for v in found_by_bin.values() for h in v]
    return {
        "recall": sum(allhits) / len(allhits),
        "faces": len(allhits),
        "by_bin": {k: (sum(v), len(v)) for k, v in found_by_bin.items()},
        "false": false,
        "count": count,
        "people": people,
        "missed": missed,
        "ms": statistics.mean(ms),
    }


def print_eval(name: str, r: dict) -> None:
    no_people = r["false"]["empty"] + r["false"]["scenery"]
    n_photos = r["count"]["empty"] + r["count"]["scenery"]
    print(f"\n== {name}")
    print(
        f"recall on generated group scenes: {r['recall']:.3f} ({round(r['recall'] * r['faces'])}"
        f"/{r['faces']} faces, LFW crops enlarged: SYNTHETIC above 25 px)"
    )
    bins = sorted(r["by_bin"].items(), key=lambda kv: int(kv[0].split("-")[0]))
    print(
        "  by face side (original px): "
        + ", ".join(f"{k}: {a}/{n} = {a / n:.2f}" for k, (a, n) in bins)
    )
    print(
        f"false faces on {n_photos} photos without people: {no_people} "
        f"({no_people * 20 / n_photos:.2f} per 20 photos; scikit-image photographs "
        f"{r['false']['scenery']}/{r['count']['scenery']}, generated collages "
        f"{r['false']['empty']}/{r['count']['empty']})"
    )
    print(f"false faces inside group scenes: {r['false']['group']} in {r['count']['group']} scenes")
    print(f"real photographs of people: {', '.join(r['people'])}")
    print(f"detector CPU time: {r['ms']:.0f} ms per image (mean, sizes 300-2048 px)")
    if r["missed"]:
        more = " ..." if len(r["missed"]) > 12 else ""
        print("  missed: " + "; ".join(r["missed"][:12]) + more)


# ---------------------------------------------------------------- smallest face


def grid_scene(face_imgs: list[Image.Image], side: int, size=(1024, 683), seed=0):
    """Faces of one size laid out on a real background, with their true boxes."""
    rng = np.random.default_rng(seed)
    scene = fs.background(rng, size)
    boxes: list[list[int]] = []
    step = max(side * 2, side + 24)
    k = 0
    for y in range(12, size[1] - step + side, step):
        for x in range(12, size[0] - step + side, step):
            if k >= len(face_imgs):
                break
            face = face_imgs[k]
            h = round(side * face.height / face.width)
            if y + h >= size[1]:
                continue
            fs.paste_face(scene, face, (x, y, side, h))
            boxes.append([x, y, side, h])
            k += 1
    return scene, boxes


def recall_at(side: int, pool: list[Image.Image], detect: Detector) -> tuple[int, int]:
    found = total = 0
    rest = list(pool)
    seed = side
    while rest:
        scene, boxes = grid_scene(rest, side, seed=seed)
        used = len(boxes)
        if used == 0:
            break
        rest = rest[used:]
        seed += 1000
        hits, _ = fs.score(boxes, detect(scene, scene.size))
        found += sum(hits)
        total += len(hits)
    return found, total


def smallest_face(detect: Detector, quick: bool) -> int:
    """Recall by face side at detection scale; the smallest side with recall >= 0.9."""
    lfw = fs.lfw_faces()
    astro = fs.astronaut_face()
    pool = (lfw[:40] if quick else lfw) + [astro] * 8
    sizes = (16, 20, 24, 28, 32, 40) if quick else (14, 16, 18, 20, 22, 24, 26, 28, 32, 36, 40, 48)
    print(
        "\n== smallest face (faces shrunk from LFW's 25 px and from the astronaut photo, "
        "pasted at one size on 1024 x 683 backgrounds, so detection pixels = original)"
    )
    smallest = 0
    for side in sizes:
        a, n = recall_at(side, pool, detect)
        print(f"  face side {side:3d} px: recall {a}/{n} = {a / n:.2f}")
        if not smallest and a / n >= 0.9:
            smallest = side
    print(
        f"smallest face found with recall >= 0.90: {smallest} px at detection scale "
        f"(detector long side {faces.DETECT_LONG_SIDE} px); in original pixels: {smallest} px "
        f"up to {faces.DETECT_LONG_SIDE} px images, "
        + ", ".join(
            f"{round(smallest * max(1, L / faces.DETECT_LONG_SIDE))} px for a {L} px one"
            for L in (1600, 2048, 4000)
        )
    )
    return smallest


def lfw_synthetic(detect: Detector, quick: bool) -> None:
    """Recall on every LFW face enlarged to 50-200 px, false faces on LFW's non-face crops."""
    from skimage import data

    lfw = fs.lfw_faces()
    print("\n== LFW subset, SYNTHETIC (25 px crops enlarged; blurrier than real faces)")
    for side in (50, 100) if quick else (50, 100, 200):
        a, n = recall_at(side, lfw, detect)
        print(f"  faces enlarged to {side} px: recall {a}/{n} = {a / n:.2f}")
    non = data.lfw_subset()[100:]
    crops = [Image.fromarray((c * 255).round().astype(np.uint8)).convert("RGB") for c in non]
    false = 0
    for side in (50, 100):
        rest = list(crops)
        while rest:
            scene, boxes = grid_scene(rest, side, seed=side + len(rest))
            rest = rest[len(boxes) :]
            false += len(detect(scene, scene.size))
    print(
        f"  false faces on the 100 non-face crops enlarged to 50 and 100 px "
        f"(background included): {false}"
    )


# ---------------------------------------------------------------- speed


def _jpeg(img: Image.Image, size: tuple[int, int], rng: np.random.Generator) -> bytes:
    big = img.resize(size, Image.Resampling.BICUBIC)
    arr = np.asarray(big, dtype=np.int16) + rng.normal(0, 3, (size[1], size[0], 3)).astype(np.int16)
    buf = io.BytesIO()
    Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)).save(buf, "JPEG", quality=90)
    return buf.getvalue()


def speed(root: Path, repeat: int) -> None:
    """Per image: decode+hash (analyse_bytes with the detector off) vs the detector alone.

    CPU time of this process (the detector runs on one thread), so that other work on a busy
    machine does not count; the two are interleaved so that both see the same machine.
    """
    rng = np.random.default_rng(1)
    scene = Image.open(root / "group" / "group_03.jpg").convert("RGB")
    print("\n== speed (CPU ms per image, one thread, medians of interleaved runs)")
    print("  image                      decode+hash   detection   detection / decode+hash")
    for label, size in (
        ("12 MP camera 4000x3000", (4000, 3000)),
        ("web 2048x1365", (2048, 1365)),
        ("web 1600x1067", (1600, 1067)),
        ("web 1024x683", (1024, 683)),
    ):
        data = _jpeg(scene, size, rng)
        base: list[float] = []
        detect: list[float] = []
        for _ in range(repeat):
            image_module.detect_faces = lambda img, original: None
            try:
                t0 = time.process_time()
                analyse_bytes(data)
                base.append(time.process_time() - t0)
            finally:
                image_module.detect_faces = faces.detect_faces
            img, w, h, _ = open_working_image(data)
            t0 = time.process_time()
            faces.find_faces(img, (w, h))
            detect.append(time.process_time() - t0)
        b = statistics.median(base) * 1000
        d = statistics.median(detect) * 1000
        print(
            f"  {label:26s} {b:8.0f} ms {d:9.0f} ms   {d / b:6.2f}"
            f"   (scan rate with faces: {b / (b + d):.0%} of without; {len(data) / 1e6:.1f} MB)"
        )


# ---------------------------------------------------------------- alternatives


def _skimage_lbp():
    """scikit-image's copy of OpenCV's LBP face cascade; its XML misspells one tag, which
    stops OpenCV from loading the file as it is, so it is read from memory with the tag fixed."""
    import os

    import cv2
    import skimage

    data = os.path.join(os.path.dirname(skimage.__file__), "data")
    path = os.path.join(data, "lbpcascade_frontalface_opencv.xml")
    with open(path, encoding="utf-8") as f:
        text = f.read().replace("featuhreParams", "featureParams")
    storage = cv2.FileStorage(text, cv2.FILE_STORAGE_READ | cv2.FILE_STORAGE_MEMORY)
    lbp = cv2.CascadeClassifier()
    lbp.read(storage.getFirstTopLevelNode())
    return lbp


def _opencv(
    cascade: str,
    long_side: int,
    sf: float,
    mn: int,
    profile: bool = False,
    min_size: int = 20,
    coarse_above: int = 0,
) -> Detector:
    """A cascade at one setting. `coarse_above` > 0: coarse to fine, windows up to that size at
    `long_side`, larger faces on a copy of half that size (a quarter of the pixels)."""
    import cv2

    cv2.setNumThreads(1)
    if cascade == "lbp":
        front = _skimage_lbp()
    else:
        front = cv2.CascadeClassifier(cv2.data.haarcascades + cascade)
    side = cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_profileface.xml")

    def run(img: Image.Image, original: tuple[int, int]) -> Boxes:
        gray = np.asarray(img.convert("L"))
        s = min(1.0, long_side / max(img.size))
        if s < 1:
            gray = cv2.resize(
                gray, (round(img.width * s), round(img.height * s)), interpolation=cv2.INTER_AREA
            )
        kw = {"scaleFactor": sf, "minNeighbors": mn, "minSize": (min_size, min_size)}
        if coarse_above:
            fine = front.detectMultiScale(gray, maxSize=(coarse_above, coarse_above), **kw)
            half = cv2.resize(
                gray, (gray.shape[1] // 2, gray.shape[0] // 2), interpolation=cv2.INTER_AREA
            )
            k = gray.shape[1] / half.shape[1]
            kw["minSize"] = (20, 20)
            coarse = [tuple(round(v * k) for v in b) for b in front.detectMultiScale(half, **kw)]
            found = [tuple(b) for b in fine]
            found += [b for b in coarse if all(fs.iou(b, f) < 0.3 for f in found)]
        else:
            found = [tuple(b) for b in front.detectMultiScale(gray, **kw)]
        if profile:
            extra = [tuple(b) for b in side.detectMultiScale(gray, **kw)]
            flipped = np.ascontiguousarray(gray[:, ::-1])
            extra += [
                (gray.shape[1] - x - w, y, w, h)
                for x, y, w, h in side.detectMultiScale(flipped, **kw)
            ]
            found += [b for b in extra if all(fs.iou(b, f) < 0.3 for f in found)]
        f = original[0] / gray.shape[1]
        return [tuple(int(round(v * f)) for v in b) for b in found]

    return run


def _dlib(long_side: int, upsample: int) -> Detector | None:
    try:
        import dlib
    except ImportError:
        return None
    hog = dlib.get_frontal_face_detector()

    def run(img: Image.Image, original: tuple[int, int]) -> Boxes:
        s = min(1.0, long_side / max(img.size))
        small = (
            img.resize((round(img.width * s), round(img.height * s)), Image.Resampling.BILINEAR)
            if s < 1
            else img
        )
        f = original[0] / small.width
        return [
            (round(r.left() * f), round(r.top() * f), round(r.width() * f), round(r.height() * f))
            for r in hog(np.asarray(small), upsample)
        ]

    return run


def compare(root: Path, entries: list[fs.Entry]) -> None:
    alt2 = "haarcascade_frontalface_alt2.xml"
    candidates: list[tuple[str, Detector | None]] = [
        (
            "OpenCV Haar alt2 @1024, 1.1, 4, windows from 24 px",
            _opencv(alt2, 1024, 1.1, 4, min_size=24),
        ),
        (
            "OpenCV Haar alt2 @1024, 1.1, 4, from 24 px, larger than 48 px at 512",
            _opencv(alt2, 1024, 1.1, 4, min_size=24, coarse_above=48),
        ),
        ("OpenCV Haar alt2 @1024, scale 1.15, neighbours 3", _opencv(alt2, 1024, 1.15, 3)),
        ("OpenCV Haar alt2 @1024, scale 1.15, neighbours 4", _opencv(alt2, 1024, 1.15, 4)),
        ("OpenCV Haar alt2 @1024, scale 1.12, neighbours 4", _opencv(alt2, 1024, 1.12, 4)),
        ("OpenCV Haar alt2 @1024, scale 1.2, neighbours 4", _opencv(alt2, 1024, 1.2, 4)),
        ("OpenCV Haar alt2 @1024, scale 1.1, neighbours 3", _opencv(alt2, 1024, 1.1, 3)),
        ("OpenCV Haar alt2 @1024, scale 1.1, neighbours 5", _opencv(alt2, 1024, 1.1, 5)),
        ("OpenCV Haar alt2 @800, scale 1.1, neighbours 4", _opencv(alt2, 800, 1.1, 4)),
        ("OpenCV Haar alt2 @512, scale 1.2, neighbours 4", _opencv(alt2, 512, 1.2, 4)),
        ("OpenCV Haar alt2 @2048 (working size), 1.1, 4", _opencv(alt2, 2048, 1.1, 4)),
        (
            "OpenCV Haar alt2 + profile (both ways) @1024, 1.1, 4",
            _opencv(alt2, 1024, 1.1, 4, profile=True),
        ),
        (
            "OpenCV Haar frontalface_default @1024, 1.1, 4",
            _opencv("haarcascade_frontalface_default.xml", 1024, 1.1, 4),
        ),
        (
            "OpenCV Haar frontalface_alt (stumps) @1024, 1.1, 4",
            _opencv("haarcascade_frontalface_alt.xml", 1024, 1.1, 4),
        ),
        ("OpenCV LBP (scikit-image's copy) @1024, 1.1, 4", _opencv("lbp", 1024, 1.1, 4)),
        ("dlib HOG @1024, upsample 1 (dlib-bin)", _dlib(1024, 1)),
        ("dlib HOG @2048, upsample 0 (dlib-bin)", _dlib(2048, 0)),
    ]
    for name, det in candidates:
        if det is None:
            print(f"\n== {name}: not installed, skipped")
            continue
        print_eval(name, evaluate(root, entries, det))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--set", type=Path, help="a face set already built (default: build one)")
    ap.add_argument("--compare", action="store_true", help="also measure other detectors")
    ap.add_argument("--quick", action="store_true", help="fewer sizes and repeats")
    ap.add_argument("--repeat", type=int, default=0, help="speed runs per image size")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        root = args.set or Path(tmp)
        if args.set is None or not (root / "truth.json").exists():
            fs.build(root)
        entries = fs.load_truth(root)
        print(f"face set: {root} ({len(entries)} images); detector {faces.VERSION}")
        print_eval(f"product detector ({faces.VERSION})", evaluate(root, entries, product))
        smallest_face(product, args.quick)
        lfw_synthetic(product, args.quick)
        speed(root, args.repeat or (3 if args.quick else 7))
        if args.compare:
            compare(root, entries)
    return 0


if __name__ == "__main__":
    sys.exit(main())
