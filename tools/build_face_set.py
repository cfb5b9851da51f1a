"""Build the face-detection evaluation set (tests/data/faces/) from scikit-image's bundled data.

No real children's photos: every face comes from scikit-image's `lfw_subset` (100 adult
faces, 25 px crops from Labeled Faces in the Wild) or its `astronaut` photograph, pasted onto
scikit-image's bundled photographs of things. The true box of every pasted face is written
to `truth.json`, so detection can be scored without anyone labelling by hand.

The set:
  group/    group scenes, several faces each at 30-300 px on a real background
  empty/    generated scenes with no face (backgrounds and collages of photos of things)
  truth.json  one entry per image; scikit-image's own photographs are listed by name
              (`skimage:coffee`) and read from the installed package, never copied here

Run: python tools/build_face_set.py [OUT_DIR]   (default tests/data/faces). The output is
deterministic for a given Pillow, numpy and scikit-image.
"""

from __future__ import annotations

import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

SEED = 20240611
GROUP_SCENES = 20
EMPTY_SCENES = 8
FACE_MIN, FACE_MAX = 30, 300
JPEG_QUALITY = 80

SCENERY = (
    "coffee",
    "chelsea",
    "rocket",
    "coins",
    "moon",
    "page",
    "text",
    "clock",
    "hubble_deep_field",
    "immunohistochemistry",
    "grass",
    "gravel",
    "brick",
    "retina",
    "motorcycle_left",
    "motorcycle_right",
    "cell",
)
"""scikit-image photographs with no person in them (false faces are counted on these)."""
PEOPLE = {"astronaut": [(177, 66, 97, 97)], "camera": [(165, 70, 100, 125)]}
"""scikit-image photographs of people, with their faces' boxes (camera: a man in profile)."""
BACKGROUNDS = (
    "coffee",
    "rocket",
    "brick",
    "grass",
    "gravel",
    "hubble_deep_field",
    "retina",
    "motorcycle_left",
    "clock",
    "coins",
    "chelsea",
    "moon",
)
ASTRONAUT_FACE = (165, 45, 121, 140)
"""A box around Eileen Collins' face in `astronaut`, with a little hair and chin."""


def skimage_photo(name: str) -> np.ndarray:
    """A bundled scikit-image photograph as an RGB uint8 array."""
    from skimage import data

    if name in ("motorcycle_left", "motorcycle_right"):
        arr = data.stereo_motorcycle()[0 if name == "motorcycle_left" else 1]
    else:
        arr = getattr(data, name)()
    arr = np.asarray(arr)
    if arr.dtype != np.uint8:
        arr = (
            (np.clip(arr, 0, 1) * 255).astype(np.uint8)
            if arr.dtype.kind == "f"
            else (arr.astype(np.uint8) * 255 if arr.dtype == bool else arr.astype(np.uint8))
        )
    if arr.ndim == 2:
        arr = np.stack([arr] * 3, axis=-1)
    return arr[..., :3]


def lfw_faces() -> list[Image.Image]:
    """The 100 LFW face crops of scikit-image's `lfw_subset` as 25 px grey images."""
    from skimage import data

    faces = data.lfw_subset()[:100]
    return [Image.fromarray((f * 255).round().astype(np.uint8)).convert("RGB") for f in faces]


def astronaut_face() -> Image.Image:
    x, y, w, h = ASTRONAUT_FACE
    return Image.fromarray(skimage_photo("astronaut")).crop((x, y, x + w, y + h))


def background(rng: np.random.Generator, size: tuple[int, int]) -> Image.Image:
    """A real photograph of things, scaled and cropped to fill `size`, slightly noisy."""
    name = BACKGROUNDS[int(rng.integers(len(BACKGROUNDS)))]
    img = Image.fromarray(skimage_photo(name))
    w, h = size
    scale = max(w / img.width, h / img.height) * float(rng.uniform(1.0, 1.3))
    img = img.resize(
        (math.ceil(img.width * scale), math.ceil(img.height * scale)), Image.Resampling.BICUBIC
    )
    left = int(rng.integers(0, img.width - w + 1))
    top = int(rng.integers(0, img.height - h + 1))
    img = img.crop((left, top, left + w, top + h))
    noise = rng.normal(0, 2, (h, w, 3))
    return Image.fromarray(
        np.clip(np.asarray(img, dtype=np.float32) + noise, 0, 255).astype(np.uint8)
    )


def collage(rng: np.random.Generator, size: tuple[int, int]) -> Image.Image:
    """A background with two or three more photographs of things laid over it."""
    img = background(rng, size)
    for _ in range(int(rng.integers(2, 4))):
        piece = background(
            rng, (int(size[0] * rng.uniform(0.25, 0.5)), int(size[1] * rng.uniform(0.25, 0.5)))
        )
        img.paste(
            piece,
            (
                int(rng.integers(0, size[0] - piece.width)),
                int(rng.integers(0, size[1] - piece.height)),
            ),
        )
    return img


def paste_face(scene: Image.Image, face: Image.Image, box: tuple[int, int, int, int]) -> None:
    """Paste a face scaled to `box` with a soft edge, as a face sits in a photograph."""
    x, y, w, h = box
    resized = face.resize(
        (w, h), Image.Resampling.LANCZOS if w < face.width else Image.Resampling.BICUBIC
    )
    border = max(1, w // 16)
    mask = Image.new("L", (w, h), 0)
    mask.paste(255, (border, border, w - border, h - border))
    mask = mask.filter(ImageFilter.GaussianBlur(border / 2))
    scene.paste(resized, (x, y), mask)


def place(
    rng: np.random.Generator,
    size: tuple[int, int],
    taken: list[tuple[int, ...]],
    side: int,
    aspect: float,
) -> tuple[int, int, int, int] | None:
    """A free spot for a face of this size, away from faces already placed."""
    w, h = side, round(side * aspect)
    if w >= size[0] or h >= size[1]:
        return None
    for _ in range(200):
        x = int(rng.integers(0, size[0] - w))
        y = int(rng.integers(0, size[1] - h))
        gap = max(w, h) // 3
        if all(
            x + w + gap <= ox or ox + ow + gap <= x or y + h + gap <= oy or oy + oh + gap <= y
            for ox, oy, ow, oh in taken
        ):
            return (x, y, w, h)
    return None


@dataclass(frozen=True)
class Entry:
    path: str
    kind: str
    faces: list[list[int]]
    note: str = ""


def build(out: Path) -> list[Entry]:
    """Write the set into `out` and return its entries (also written to truth.json)."""
    rng = np.random.default_rng(SEED)
    (out / "group").mkdir(parents=True, exist_ok=True)
    (out / "empty").mkdir(parents=True, exist_ok=True)
    faces = lfw_faces()
    astro = astronaut_face()
    entries: list[Entry] = []
    sizes = [(1024, 683), (1200, 800), (1600, 1067), (2048, 1365), (1080, 1080), (800, 1200)]
    log_min, log_max = math.log(FACE_MIN), math.log(FACE_MAX)
    for i in range(GROUP_SCENES):
        size = sizes[i % len(sizes)]
        scene = background(rng, size)
        taken: list[tuple[int, int, int, int]] = []
        for _ in range(int(rng.integers(3, 10))):
            use_astro = rng.random() < 0.12
            face = astro if use_astro else faces[int(rng.integers(len(faces)))]
            if rng.random() < 0.5:
                face = face.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
            side = round(math.exp(rng.uniform(log_min, log_max)))
            box = place(rng, size, taken, side, face.height / face.width)
            if box is None:
                continue
            paste_face(scene, face, box)
            taken.append(box)
        name = f"group/group_{i:02d}.jpg"
        scene.save(out / name, quality=JPEG_QUALITY)
        entries.append(Entry(path=name, kind="group", faces=[list(b) for b in taken]))
    for i in range(EMPTY_SCENES):
        scene = collage(rng, sizes[i % len(sizes)])
        name = f"empty/empty_{i:02d}.jpg"
        scene.save(out / name, quality=JPEG_QUALITY)
        entries.append(Entry(path=name, kind="empty", faces=[]))
    for name in SCENERY:
        entries.append(Entry(path=f"skimage:{name}", kind="scenery", faces=[]))
    for name, boxes in PEOPLE.items():
        note = "profile face" if name == "camera" else ""
        entries.append(
            Entry(path=f"skimage:{name}", kind="people", faces=[list(b) for b in boxes], note=note)
        )
    truth = {
        "about": "Face-detection evaluation set built by tools/build_face_set.py; boxes are "
        "x, y, width, height in image pixels. Faces: scikit-image lfw_subset and astronaut.",
        "seed": SEED,
        "images": [e.__dict__ for e in entries],
    }
    (out / "truth.json").write_text(json.dumps(truth, indent=1) + "\n")
    return entries


def load_image(root: Path, path: str) -> bytes:
    """The bytes of one entry: a file of the set, or a scikit-image photograph as PNG."""
    if path.startswith("skimage:"):
        import io

        buf = io.BytesIO()
        Image.fromarray(skimage_photo(path.split(":", 1)[1])).save(buf, format="PNG")
        return buf.getvalue()
    return (root / path).read_bytes()


def load_truth(root: Path) -> list[Entry]:
    """The entries of a set built earlier."""
    raw = json.loads((root / "truth.json").read_text())
    return [Entry(**e) for e in raw["images"]]


def iou(a: tuple[int, ...] | list[int], b: tuple[int, ...] | list[int]) -> float:
    """Intersection over union of two (x, y, w, h) boxes."""
    ix = max(0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union else 0.0


MATCH_IOU = 0.3
"""A found box counts as a true face when it overlaps it this much (detectors frame faces
differently from the pasted crops, so the usual 0.5 would count good hits as misses)."""


def score(truth: list[list[int]], found: list[tuple[int, int, int, int]]) -> tuple[list[bool], int]:
    """Which true faces were found, and how many found boxes are not faces (false faces).

    Greedy one-to-one matching, best overlap first.
    """
    pairs = sorted(
        ((iou(t, f), ti, fi) for ti, t in enumerate(truth) for fi, f in enumerate(found)),
        reverse=True,
    )
    hit_t: set[int] = set()
    hit_f: set[int] = set()
    for overlap, ti, fi in pairs:
        if overlap < MATCH_IOU:
            break
        if ti in hit_t or fi in hit_f:
            continue
        hit_t.add(ti)
        hit_f.add(fi)
    return [i in hit_t for i in range(len(truth))], len(found) - len(hit_f)


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else Path(__file__).resolve().parents[1] / "tests/data/faces"
    entries = build(out)
    n_faces = sum(len(e.faces) for e in entries if e.kind == "group")
    total = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(
        f"wrote {len(entries)} entries ({n_faces} faces in group scenes) to {out}, "
        f"{total / 1e6:.1f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
