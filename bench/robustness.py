"""How well do the fingerprints find a published photo after what platforms and abusers do?

Builds a labelled set from scikit-image's bundled photographs (each cut into four
non-overlapping quarters: look-alikes of one scene) and generated scenes (families that
share a background: look-alikes again), applies every transform at several strengths, runs
each file through the scanner's own analysis (one decode, all fingerprints), and prints per
transform the recall at the threshold that keeps false matches at or below 1 in 10,000 over
every pair of different originals, beside imagehash pHash alone and PDQ alone on the same
files. A bench, not a test: a full run takes several minutes.

    python bench/robustness.py                 # full run (>= 200 originals)
    python bench/robustness.py --originals 60  # quicker look while tuning
"""

from __future__ import annotations

import argparse
import io
import math
import os
import pickle
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageFont, ImageOps

from scanner.analyse.fingerprint import QUERY_VIEWS, STORED_VIEWS
from scanner.link import MATCH_SCORE, HammingIndex, match, score, table_from_facts
from scanner.model import MediaFacts
from scanner.trace import suspect_facts

FALSE_MATCH_RATE = 1e-4
PHOTOS = (
    *("astronaut", "camera", "chelsea", "coffee", "coins", "hubble_deep_field"),
    *("immunohistochemistry", "moon", "retina", "rocket", "brick", "grass", "gravel"),
    *("cell", "clock"),
)
"""Not retina and colorwheel: each is a disc on black, so its quarters are mirror images of
one another, which any mirror-tolerant fingerprint must match."""


# ---------------------------------------------------------------- originals


def photo_quarters() -> list[Image.Image]:
    """Each bundled photo cut into four quarters, enlarged to a web photo's size."""
    from skimage import data

    out = []
    for name in PHOTOS:
        arr = getattr(data, name)()
        img = Image.fromarray(arr).convert("RGB")
        w, h = img.size
        for x, y in ((0, 0), (1, 0), (0, 1), (1, 1)):
            q = img.crop((x * w // 2, y * h // 2, (x + 1) * w // 2, (y + 1) * h // 2))
            scale = 640 / max(q.size)
            out.append(q.resize((round(q.width * scale), round(q.height * scale)), Image.LANCZOS))
    return out


def scene(rng: np.random.Generator, background: dict, w: int, h: int) -> Image.Image:
    """A generated outdoor scene: a shared background with its own people and objects.

    Scenes of one family are like two photos taken at the same place: the camera pans and
    tilts a little, the light changes, different people stand in front.
    """
    px = np.zeros((h, w, 3), np.float32)
    horizon = int(h * (background["horizon"] + rng.uniform(-0.06, 0.06)))
    light = rng.integers(-15, 16, 3)
    top = np.array(background["sky_top"]) + light
    bottom = np.array(background["sky_bottom"]) + light
    t = np.linspace(0, 1, horizon)[:, None]
    px[:horizon] = (top * (1 - t) + bottom * t)[:, None, :]
    px[horizon:] = np.array(background["ground"]) + light
    px += rng.normal(0, 6, px.shape)
    pan = rng.uniform(-0.15, 0.15) * w
    zoom = 1 + rng.uniform(-0.1, 0.1)
    img = Image.fromarray(np.clip(px, 0, 255).astype(np.uint8))
    d = ImageDraw.Draw(img)
    brng = np.random.default_rng(background["seed"])
    for _ in range(background["buildings"]):
        bx = int(brng.uniform(0, w) + pan)
        bw = int(brng.uniform(w * 0.1, w * 0.3) * zoom)
        bh = int(brng.uniform(h * 0.15, h * 0.45) * zoom)
        colour = tuple(int(c) for c in brng.integers(80, 200, 3))
        d.rectangle((bx, horizon - bh, bx + bw, horizon), fill=colour)
        for wy in range(horizon - bh + 10, horizon - 15, 25):
            for wx in range(bx + 8, bx + bw - 12, 22):
                d.rectangle((wx, wy, wx + 10, wy + 12), fill=(40, 50, 70))
    for _ in range(int(rng.integers(2, 8))):
        cx, cy = rng.uniform(0, w), rng.uniform(horizon, h)
        size = rng.uniform(h * 0.08, h * 0.3)
        body = tuple(int(c) for c in rng.integers(20, 240, 3))
        d.rounded_rectangle(
            (cx - size * 0.25, cy - size * 0.6, cx + size * 0.25, cy + size * 0.2),
            radius=int(size * 0.1),
            fill=body,
        )
        skin = tuple(int(c) for c in rng.integers(90, 230, 3))
        d.ellipse(
            (cx - size * 0.15, cy - size * 0.95, cx + size * 0.15, cy - size * 0.6), fill=skin
        )
    for _ in range(int(rng.integers(0, 4))):
        tx, ty = rng.uniform(0, w), horizon + rng.uniform(-h * 0.05, h * 0.1)
        s = rng.uniform(h * 0.1, h * 0.3)
        d.polygon([(tx, ty - s), (tx - s / 3, ty), (tx + s / 3, ty)], fill=(30, 110, 40))
    return img.filter(ImageFilter.GaussianBlur(0.8))


def generated_scenes(n: int, seed: int = 7) -> list[Image.Image]:
    """n scenes in families of five that share a background (look-alikes)."""
    rng = np.random.default_rng(seed)
    out = []
    while len(out) < n:
        bg = {
            "seed": int(rng.integers(1 << 30)),
            "horizon": rng.uniform(0.35, 0.65),
            "sky_top": rng.integers(60, 200, 3),
            "sky_bottom": rng.integers(150, 255, 3),
            "ground": rng.integers(40, 160, 3),
            "buildings": int(rng.integers(1, 5)),
        }
        w, h = (800, 600) if rng.random() < 0.6 else (600, 800)
        for _ in range(5):
            out.append(scene(rng, bg, w, h))
    return out[:n]


def originals(n: int) -> list[Image.Image]:
    photos = photo_quarters()
    return (photos + generated_scenes(max(0, n - len(photos))))[: max(n, 1)]


# ---------------------------------------------------------------- transforms


def _font(size: int) -> ImageFont.ImageFont:
    return ImageFont.load_default(size=max(10, size))


def resize(long: int) -> Callable:
    def f(img, rng):
        out = img.copy()
        out.thumbnail((long, long), Image.LANCZOS)
        return out

    return f


def crop(p: float) -> Callable:
    def f(img, rng):
        w, h = img.size
        cw, ch = round(w * (1 - p)), round(h * (1 - p))
        x0, y0 = int(rng.integers(0, w - cw + 1)), int(rng.integers(0, h - ch + 1))
        return img.crop((x0, y0, x0 + cw, y0 + ch))

    return f


def rotate(deg: float) -> Callable:
    def f(img, rng):
        return img.rotate(deg * rng.choice([-1, 1]), resample=Image.BICUBIC, fillcolor=(0, 0, 0))

    return f


def brightness(factor: float) -> Callable:
    return lambda img, rng: ImageEnhance.Brightness(img).enhance(factor)


def colour(sat: float, cast: tuple[float, float, float]) -> Callable:
    def f(img, rng):
        arr = np.asarray(ImageEnhance.Color(img).enhance(sat), np.float32) * np.array(cast)
        return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))

    return f


def caption(lines: int, scale: float) -> Callable:
    texts = ["Well done Year 6!", "Sports day winners", "WHEN THE BELL RINGS", "look at this lol"]

    def f(img, rng):
        out = img.copy()
        d = ImageDraw.Draw(out)
        w, h = out.size
        font = _font(int(h * scale))
        for k in range(lines):
            text = texts[int(rng.integers(len(texts)))]
            y = h - int(h * scale * 1.6) if k == 0 else int(h * scale * 0.4)
            d.text(
                (w * 0.05, y), text, font=font, fill="white", stroke_width=2, stroke_fill="black"
            )
        return out

    return f


def sticker(share: float) -> Callable:
    def f(img, rng):
        out = img.copy()
        d = ImageDraw.Draw(out)
        w, h = out.size
        r = math.sqrt(share * w * h / math.pi)
        cx, cy = rng.uniform(r, w - r), rng.uniform(r, h - r)
        d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(255, 205, 30), outline="black", width=3)
        for ex in (-0.35, 0.35):
            d.ellipse(
                (cx + ex * r - r * 0.1, cy - r * 0.35, cx + ex * r + r * 0.1, cy - r * 0.1),
                fill="black",
            )
        d.arc(
            (cx - r * 0.5, cy - r * 0.3, cx + r * 0.5, cy + r * 0.55),
            20,
            160,
            fill="black",
            width=max(2, int(r * 0.08)),
        )
        return out

    return f


def border(p: float) -> Callable:
    def f(img, rng):
        w, h = img.size
        fill = (255, 255, 255) if rng.random() < 0.5 else (0, 0, 0)
        return ImageOps.expand(img, border=(round(w * p), round(h * p)), fill=fill)

    return f


def pad_square(img, rng):
    side = max(img.size)
    out = Image.new("RGB", (side, side), (255, 255, 255))
    out.paste(img, ((side - img.width) // 2, (side - img.height) // 2))
    return out


def screenshot(img, rng):
    """A phone screenshot of a social post: status bar, account row, the photo, buttons."""
    W = 720
    photo = img.copy()
    photo = photo.resize((W, round(img.height * W / img.width)), Image.BILINEAR)
    top, bottom = 150, 260
    dark = rng.random() < 0.5
    bg, fg = ((0, 0, 0), (240, 240, 240)) if dark else ((255, 255, 255), (20, 20, 20))
    out = Image.new("RGB", (W, top + photo.height + bottom), bg)
    out.paste(photo, (0, top))
    d = ImageDraw.Draw(out)
    d.text((24, 12), "9:41", font=_font(26), fill=fg)
    d.rectangle((W - 70, 18, W - 30, 34), outline=fg, width=2)
    d.ellipse((20, 70, 70, 120), fill=(200, 120, 60))
    d.text((84, 80), "st_marys_primary", font=_font(24), fill=fg)
    y = top + photo.height
    for k in range(4):
        d.ellipse((20 + k * 60, y + 20, 56 + k * 60, y + 56), outline=fg, width=3)
    d.text((20, y + 80), "1,024 likes", font=_font(24), fill=fg)
    d.text((20, y + 120), "st_marys_primary What a day at the seaside!", font=_font(22), fill=fg)
    d.text((20, y + 160), "View all 37 comments", font=_font(20), fill=(128, 128, 128))
    return out


TRANSFORMS: dict[str, list[tuple[str, Callable]]] = {
    "resize": [("320 px", resize(320)), ("200 px", resize(200))],
    "jpeg": [("q50", None), ("q30", None), ("q15", None)],
    "crop": [("5%", crop(0.05)), ("10%", crop(0.10)), ("20%", crop(0.20))],
    "mirror": [
        ("plain", lambda i, r: ImageOps.mirror(i)),
        ("+ crop 5%", lambda i, r: crop(0.05)(ImageOps.mirror(i), r)),
    ],
    "rotate": [("1°", rotate(1)), ("3°", rotate(3)), ("5°", rotate(5))],
    "brightness": [("+20%", brightness(1.2)), ("-25%", brightness(0.75))],
    "colour": [
        ("saturation", colour(1.6, (1, 1, 1))),
        ("warm cast", colour(1.1, (1.12, 1.0, 0.82))),
    ],
    "text overlay": [("caption", caption(1, 0.06)), ("meme", caption(2, 0.1))],
    "sticker": [("5%", sticker(0.05)), ("10%", sticker(0.10))],
    "border": [("5%", border(0.05)), ("10%", border(0.10)), ("pad square", pad_square)],
    "screenshot frame": [("phone", screenshot)],
}
TARGETS = {
    ("crop", "10%"),
    ("rotate", "3°"),
    ("mirror", "plain"),
    ("jpeg", "q30"),
    ("resize", "320 px"),
    ("text overlay", "caption"),
    ("border", "10%"),
}


def encode(img: Image.Image, quality: int = 90) -> bytes:
    buf = io.BytesIO()
    img.convert("RGB").save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def build_copies(img: Image.Image, seed: int) -> list[tuple[str, str, bytes]]:
    rng = np.random.default_rng(seed)
    out = []
    for name, levels in TRANSFORMS.items():
        for label, fn in levels:
            data = encode(img, int(label[1:])) if name == "jpeg" else encode(fn(img, rng))
            out.append((name, label, data))
    return out


def _analyse_original(args: tuple[int, Image.Image]) -> tuple[MediaFacts, list]:
    i, img = args
    facts = suspect_facts(encode(img, 92))
    copies = [(n, lab, suspect_facts(data)) for n, lab, data in build_copies(img, 1000 + i)]
    return facts, copies


# ---------------------------------------------------------------- scoring


def _pairwise_views(queries, stored, n_q: int, n_s: int) -> np.ndarray:
    """Best combined score of every (query image, stored image) over all view pairs."""
    best = np.full((n_q, n_s), np.inf)
    owners, starts = np.unique(stored.owner, return_index=True)  # stored rows come by owner
    for lo in range(0, len(queries), 256):
        hi = min(lo + 256, len(queries))
        dp = np.bitwise_count(queries.phash[lo:hi, None] ^ stored.phash[None, :])
        dq = np.bitwise_count(queries.pdq[lo:hi, None, :] ^ stored.pdq[None, :, :]).sum(axis=2)
        combined = score(dp.astype(np.float64), dq.astype(np.float64), stored.view[None, :])
        s = np.minimum.reduceat(combined, starts, 1)
        qo = queries.owner[lo:hi]
        for k in range(hi - lo):
            best[qo[k], owners] = np.minimum(best[qo[k], owners], s[k])
    return best


def _hex_matrix(a: list[str], b: list[str]) -> np.ndarray:
    def words(hexes):
        raw = b"".join(bytes.fromhex(h) for h in hexes)
        return np.frombuffer(raw, ">u8").astype(np.uint64).reshape(len(hexes), -1)

    x, y = words(a), words(b)
    return np.bitwise_count(x[:, None, :] ^ y[None, :, :]).sum(axis=2).astype(np.float64)


def threshold(neg: np.ndarray) -> float:
    """The largest score that keeps the false-match rate within FALSE_MATCH_RATE."""
    allowed = int(math.floor(FALSE_MATCH_RATE * neg.size))
    s = np.sort(neg.ravel())
    if allowed >= len(s):
        return float(s[-1])
    # everything strictly below the (allowed+1)-th smallest negative is accepted
    return float(np.nextafter(s[allowed], -np.inf))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--originals", type=int, default=224)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--save", metavar="PKL", help="keep the fingerprints for another run")
    ap.add_argument("--load", metavar="PKL", help="reuse fingerprints saved by --save")
    args = ap.parse_args()

    t0 = time.perf_counter()
    if args.load:
        with open(args.load, "rb") as fh:
            results = pickle.load(fh)
    else:
        imgs = originals(args.originals)
        with ProcessPoolExecutor(args.workers) as pool:
            results = list(pool.map(_analyse_original, enumerate(imgs), chunksize=2))
    if args.save:
        with open(args.save, "wb") as fh:
            pickle.dump(results, fh)
    t_fp = time.perf_counter() - t0
    orig_facts = [r[0] for r in results]
    copy_facts, copy_owner, copy_kind = [], [], []
    for i, (_, copies) in enumerate(results):
        for name, label, facts in copies:
            copy_facts.append(facts)
            copy_owner.append(i)
            copy_kind.append((name, label))
    n_o, n_c = len(orig_facts), len(copy_facts)
    owner = np.asarray(copy_owner)
    print(
        f"{n_o} originals, {n_c} transformed copies, fingerprinted in {t_fp:.0f} s "
        f"({args.workers} workers, {1000 * t_fp * args.workers / (n_o + n_c):.1f} ms per image)"
    )

    # ours: query views of each copy (and original) against stored views of each original
    stored = table_from_facts(orig_facts, STORED_VIEWS)
    ours_c = _pairwise_views(table_from_facts(copy_facts, QUERY_VIEWS), stored, n_c, n_o)
    ours_o = _pairwise_views(table_from_facts(orig_facts, QUERY_VIEWS), stored, n_o, n_o)
    ph_c = _hex_matrix([f.phash for f in copy_facts], [f.phash for f in orig_facts])
    ph_o = _hex_matrix([f.phash for f in orig_facts], [f.phash for f in orig_facts])
    pq_c = _hex_matrix(
        [f.fingerprints["pdq"] for f in copy_facts], [f.fingerprints["pdq"] for f in orig_facts]
    )
    pq_o = _hex_matrix(
        [f.fingerprints["pdq"] for f in orig_facts], [f.fingerprints["pdq"] for f in orig_facts]
    )

    neg_c = owner[:, None] != np.arange(n_o)[None, :]
    neg_o = ~np.eye(n_o, dtype=bool)
    n_neg = int(neg_c.sum() + neg_o.sum() // 2)
    print(
        f"{n_neg:,} pairs of different originals (copies x other originals, originals x "
        "originals), incl. look-alike quarters of one photo and scenes sharing a background"
    )
    methods = {}
    for label, mc, mo in (("pHash", ph_c, ph_o), ("PDQ", pq_c, pq_o), ("ours", ours_c, ours_o)):
        neg = np.concatenate([mc[neg_c], mo[np.triu(neg_o)]])
        pos = mc[np.arange(n_c), owner]
        methods[label] = (neg, pos, threshold(neg))

    rows = defaultdict(list)
    for k, kind in enumerate(copy_kind):
        rows[kind].append(k)
    print()
    print(
        f"Recall at a false-match rate <= {FALSE_MATCH_RATE:g} "
        "(threshold chosen per method on this run's negatives)"
    )
    head = f"{'transform':<18}{'strength':<12}" + "".join(f"{m:>10}" for m in methods)
    head += f"{'ours@rule':>11}"
    print(head)
    print("-" * len(head))
    shortfalls = []
    for (name, label), idx in rows.items():
        line = f"{name:<18}{label:<12}"
        for _, pos, t in methods.values():
            line += f"{100 * np.mean(pos[idx] <= t):>9.1f}%"
        r_rule = 100 * np.mean(methods["ours"][1][idx] <= MATCH_SCORE)
        line += f"{r_rule:>10.1f}%"
        target = (name, label) in TARGETS
        if target:
            line += "  *"
            if r_rule < 95:
                shortfalls.append(f"{name} {label} ({r_rule:.1f}%)")
        print(line)
    allpos = {m: 100 * np.mean(pos <= t) for m, (_, pos, t) in methods.items()}
    print("-" * len(head))
    print(
        f"{'all':<30}"
        + "".join(f"{allpos[m]:>9.1f}%" for m in methods)
        + f"{100 * np.mean(methods['ours'][1] <= MATCH_SCORE):>10.1f}%"
    )
    print()
    for m, (neg, _, t) in methods.items():
        unit = "bits" if m != "ours" else "score"
        print(
            f"{m:>6}: threshold {t:.3f} {unit}; false matches {int((neg <= t).sum())} "
            f"of {neg.size:,}"
        )
    neg_ours = methods["ours"][0]
    print(
        f"ours at the shipped rule (score <= {MATCH_SCORE}): false matches "
        f"{int((neg_ours <= MATCH_SCORE).sum())} of {neg_ours.size:,} "
        f"({(neg_ours <= MATCH_SCORE).mean():.1e})"
    )
    # the same rule through the grouping index: multi-index hashing finds the candidates
    queries = table_from_facts(copy_facts, QUERY_VIEWS)
    index = HammingIndex(stored.phash)
    matched = methods["ours"][1] <= MATCH_SCORE
    for radius in (1, 2, 3):
        m = match(queries, stored, index, band_radius=radius)
        found = np.zeros(n_c, bool)
        found[m.query[m.stored == owner[m.query]]] = True
        print(
            f"through the grouping index at band radius {radius}: "
            f"{100 * (found & matched).sum() / matched.sum():.1f}% of the copies the rule "
            "matches are found"
        )
    print(
        "* = acceptance target (>= 95% at the shipped rule). "
        + ("Short: " + ", ".join(shortfalls) if shortfalls else "All targets met.")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
