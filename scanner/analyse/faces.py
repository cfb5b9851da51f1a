"""Count and measure faces, offline, so that checks can tell photos of people from photos of things.

The detector is OpenCV's Haar cascade `haarcascade_frontalface_alt2.xml`, which ships inside
the opencv-python-headless wheel: nothing is downloaded at run time. It runs on a copy of the
working image (already decoded for fingerprinting) scaled to at most DETECT_LONG_SIDE px, one
thread per process (the scan already runs one process per core).

Faces are only counted and measured. No face is ever recognised, described or compared with
another face: that would be biometric special-category data under UK GDPR (Article 9), and
the scanner has no need of it. See docs/FACES.md for the figures behind every constant here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from scanner.model import FaceBox, FaceFacts

CASCADE = "haarcascade_frontalface_alt2.xml"
DETECT_LONG_SIDE = 1024
"""The detector sees the working image scaled to this long side (smaller images as they are)."""
SCALE_FACTOR = 1.1
"""Step between the cascade's window sizes; 1.2 halves the time but misses small faces."""
MIN_NEIGHBOURS = 4
"""Overlapping hits needed to count a face: 3 lets textures through, 5 loses small faces."""
MIN_WINDOW = 20
"""Smallest window searched: the cascade's own 20x20 px. Starting at 24 px saves only a sixth
of the time and loses a fifth of the 30-39 px faces (docs/FACES.md), so every size is searched."""
SMALLEST_FACE = 24
"""Smallest face side (detection pixels) found most of the time (3 in 4): see docs/FACES.md."""
VERSION = f"haar-alt2@{DETECT_LONG_SIDE}/{SCALE_FACTOR}/{MIN_NEIGHBOURS}"
"""Names the detector and its settings; part of the facts cache key."""


@dataclass(frozen=True, kw_only=True)
class Settings:
    """The detector's tunables, for the evaluation script to compare; defaults are the product."""

    long_side: int = DETECT_LONG_SIDE
    scale_factor: float = SCALE_FACTOR
    min_neighbours: int = MIN_NEIGHBOURS
    min_window: int = MIN_WINDOW


DEFAULT = Settings()
_cascade = None


class FaceDetectorUnavailable(Exception):
    """OpenCV or its bundled cascade cannot be loaded on this machine."""


def _classifier():
    """The cascade, loaded once per process from the file inside the OpenCV wheel."""
    global _cascade
    if _cascade is None:
        try:
            import cv2
        except ImportError as exc:  # pragma: no cover - depends on the platform's wheel
            raise FaceDetectorUnavailable(f"OpenCV is not installed ({exc})") from exc
        if not hasattr(cv2, "CascadeClassifier"):  # pragma: no cover - OpenCV 5 removed it
            raise FaceDetectorUnavailable("this OpenCV has no Haar cascades (OpenCV 5?)")
        cv2.setNumThreads(1)  # the scan runs one process per core already
        cascade = cv2.CascadeClassifier(cv2.data.haarcascades + CASCADE)
        if cascade.empty():  # pragma: no cover - a damaged install
            raise FaceDetectorUnavailable(f"OpenCV's {CASCADE} could not be loaded")
        _cascade = cascade
    return _cascade


def detector_version() -> str:
    """Part of the facts cache key: the detector and its settings, or that none could run."""
    try:
        _classifier()
    except FaceDetectorUnavailable:
        return "faces-unavailable"
    return VERSION


def detect_faces(img: Image.Image, original: tuple[int, int]) -> FaceFacts | None:
    """Faces with the product settings; None when no detector can run on this machine.

    None means "not checked", so every photo then counts as possibly showing people.
    """
    try:
        return find_faces(img, original)
    except FaceDetectorUnavailable:
        return None


def detection_scale(working: tuple[int, int], settings: Settings = DEFAULT) -> float:
    """Factor from working-image pixels to the pixels the detector sees (at most 1)."""
    return min(1.0, settings.long_side / max(working))


def reach(original: tuple[int, int], settings: Settings = DEFAULT) -> int:
    """Smallest face side, in original pixels, the detector finds (3 in 4) in an image this big."""
    return round(SMALLEST_FACE * max(1.0, max(original) / settings.long_side))


def find_faces(
    img: Image.Image, original: tuple[int, int], settings: Settings = DEFAULT
) -> FaceFacts:
    """Faces in the decoded working image, with boxes mapped to the original's pixels.

    `img` is the upright RGB working image; `original` is the file's upright (width, height).
    """
    import cv2

    cascade = _classifier()
    gray = np.asarray(img.convert("L"))
    scale = detection_scale(img.size, settings)
    if scale < 1.0:
        size = (max(1, round(img.width * scale)), max(1, round(img.height * scale)))
        gray = cv2.resize(gray, size, interpolation=cv2.INTER_AREA)
    found = cascade.detectMultiScale(
        gray,
        scaleFactor=settings.scale_factor,
        minNeighbors=settings.min_neighbours,
        minSize=(settings.min_window, settings.min_window),
    )
    fx = original[0] / gray.shape[1]
    fy = original[1] / gray.shape[0]
    area = original[0] * original[1]
    boxes = []
    for x, y, w, h in sorted((tuple(int(v) for v in b) for b in found), key=lambda b: -b[2]):
        bx, by = round(x * fx), round(y * fy)
        bw = min(round(w * fx), original[0] - bx)
        bh = min(round(h * fy), original[1] - by)
        boxes.append(FaceBox(x=bx, y=by, w=bw, h=bh, share=round(bw * bh / area, 6)))
    return FaceFacts(
        detector=VERSION,
        count=len(boxes),
        boxes=tuple(boxes),
        largest_share=max((b.share for b in boxes), default=0.0),
        largest_side=max((min(b.w, b.h) for b in boxes), default=0),
        reach=reach(original, settings),
    )
