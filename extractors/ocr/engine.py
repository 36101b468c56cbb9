"""The offline OCR engine (RapidOCR on onnxruntime) and the image clean-up before it.

Owns: building the engine once per process from the PP-OCRv6 detection and
recognition models inside the rapidocr wheel (nothing is downloaded), running it
on one page image, reading regions again, and straightening a page scanned
slightly askew (the angle at which its text lines and table rules project into
the sharpest rows).

Speed (README, `benchmarks/bench_ocr.py`): each onnxruntime session runs on the
calling thread alone and never spins, and the callers (`read_pages` in
`extractors.ocr`) run pages side by side, one per core: on two shared cores,
intra-op threads cost a third more CPU than they save in wall time. Detection
runs on the page scaled to `_DET_DPI`, where body text is still 15+ px high;
recognition reads every line at the full resolution of the image.

Images are numpy arrays in OpenCV's BGR order. Coordinates are pixels of the
image passed in.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import cv2
import numpy as np

__all__ = ["OcrBox", "deskew", "estimate_skew", "read_regions", "recognize"]

log = logging.getLogger(__name__)

# Detection runs on a copy of the page at this resolution (an A4 page: 960 px
# high): a line of 3号 body text is 18 px high there, a 五号 table cell's 12 px,
# both well inside what the detector finds; 1600 px cost 30 % more CPU for no
# better reading (bench_ocr.py). Never more than _MAX_DET_SIDE, never below
# _MIN_DET_SIDE (small images are detected as they are).
_DET_DPI = 82
_MAX_DET_SIDE = 2400
_MIN_DET_SIDE = 640
_MIN_SCORE = 0.5  # recognitions below this are dropped (rapidocr's default)
_MAX_SKEW = 5.0  # degrees: a larger estimate is no scanner's skew but a misreading
_MIN_SKEW = 0.15  # degrees: below this (the estimate's own precision) turning only blurs
# OCR runs at once on this many threads of the process (each session on its
# caller's thread): one per core, so pages read side by side neither idle a core
# nor oversubscribe it.
WORKERS = max(1, os.cpu_count() or 1)

_build_lock = threading.Lock()
_slots = threading.BoundedSemaphore(WORKERS)


@dataclass(frozen=True, slots=True)
class OcrBox:
    """One detected text line (or part of one): its upright box, text and score."""

    x0: float
    top: float
    x1: float
    bottom: float
    text: str
    score: float

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


def _engine() -> Any:
    """The RapidOCR engine, built once per process (two workers may ask at once)."""
    with _build_lock:
        return _build_engine()


@cache
def _build_engine() -> Any:
    """The RapidOCR engine with the wheel's bundled models."""
    import rapidocr  # loads onnxruntime: only when a page needs OCR

    models = Path(rapidocr.__file__).resolve().parent / "models"
    det, rec = models / "PP-OCRv6_det_small.onnx", models / "PP-OCRv6_rec_small.onnx"
    for path in (det, rec):
        if not path.is_file():
            # An ImportError: callers treat it as "OCR is not installed".
            raise ImportError(
                f"OCR model {path.name} is missing from the rapidocr package ({models}); "
                "reinstall rapidocr"
            )
    params = {
        "Global.log_level": "warning",
        "Global.use_cls": False,  # pages are upright once deskewed; saves a model run
        "Global.text_score": _MIN_SCORE,
        "Det.model_path": str(det),
        "Rec.model_path": str(rec),
        # One line per run: a batch is padded to its widest line, and on one thread
        # the padding costs more than batching saves (9 pages: 12.7 CPU s; 13.9 in
        # batches of 4, 16.4 of 8).
        "Rec.rec_batch_num": 1,
        "EngineConfig.onnxruntime.intra_op_num_threads": 1,
        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
    }
    log.info("building the OCR engine (%d pages at once)", WORKERS)
    engine = rapidocr.RapidOCR(params=params)
    # Both sessions are made now, so their cost is the build's, not the first page's.
    # With one thread a session has no thread pool: nothing busy-waits between runs
    # (onnxruntime's worker threads spin by default, a third more CPU on two cores).
    engine._load_det_model()
    engine._load_rec_model()
    return engine


def _det_side(shape: tuple[int, ...], dpi: float) -> int:
    """The longest side, in pixels, of the copy of an image detection runs on."""
    side = max(shape[:2])
    return int(min(side, _MAX_DET_SIDE, max(_MIN_DET_SIDE, side * _DET_DPI / dpi)))


def _read_crops(engine: Any, crops: list[np.ndarray]) -> list[tuple[str, float]]:
    """The recogniser's text and score of each crop (BGR), one crop per run."""
    from rapidocr.ch_ppocr_rec import TextRecInput

    result = engine.text_rec(TextRecInput(img=crops))
    return [(str(t).strip(), float(s)) for t, s in zip(result.txts, result.scores, strict=True)]


def recognize(image: np.ndarray, dpi: float) -> list[OcrBox]:
    """Detect and read the text lines of a page image (BGR, `dpi`), top to bottom.

    Calls from several threads run side by side (rapidocr's own `__call__` keeps
    per-call switches on the engine object, so its parts are called here).
    """
    from rapidocr.ch_ppocr_det.utils import DetPreProcess

    engine = _engine()
    detector = engine.text_det
    side = _det_side(image.shape, dpi)
    tensor = DetPreProcess(side, "max", detector.mean, detector.std)(image)
    if tensor is None:
        return []
    with _slots:
        prediction = detector.session(tensor)
        quads, _ = detector.postprocess_op(prediction, image.shape[:2])
        if not len(quads):
            return []
        read = _read_crops(engine, engine.crop_text_regions(image, quads))
    boxes = []
    for quad, (text, score) in zip(quads, read, strict=True):
        if text and score >= _MIN_SCORE:
            xs, ys = quad[:, 0], quad[:, 1]
            boxes.append(
                OcrBox(
                    float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max()), text, score
                )
            )
    boxes.sort(key=lambda b: (b.top, b.x0))
    return boxes


def read_regions(
    image: np.ndarray, regions: list[tuple[int, int, int, int]]
) -> list[tuple[str, float]]:
    """Recognise the text in each (x0, top, x1, bottom) region, with no detection
    (all regions in one call to the recogniser)."""
    engine = _engine()
    crops = [
        np.ascontiguousarray(image[max(top, 0) : bottom, max(x0, 0) : x1])
        for x0, top, x1, bottom in regions
    ]
    filled = [i for i, crop in enumerate(crops) if crop.size]
    read = [("", 0.0)] * len(regions)
    if filled:
        with _slots:
            texts = _read_crops(engine, [crops[i] for i in filled])
        for i, text in zip(filled, texts, strict=True):
            read[i] = text
    return read


def estimate_skew(gray: np.ndarray) -> float:
    """The page's tilt in degrees (counter-clockwise positive), 0.0 when it cannot tell.

    Text lines and table rules are long horizontal runs of ink: projected along
    the right angle, the ink piles up in sharp rows with white between them. The
    angle whose row profile is sharpest (the largest sum of squares) is the tilt,
    searched coarsely over ±5° and then to a fiftieth of a degree.
    """
    scale = min(1.0, 1200 / max(gray.shape[:2]))
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    ink = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)[1]
    ys, xs = np.nonzero(ink)
    if len(ys) < 500 or len(ys) > 0.5 * ink.size:
        return 0.0  # a blank page, or a photograph rather than a page of text
    if len(ys) > 200_000:
        keep = np.random.default_rng(0).choice(len(ys), 200_000, replace=False)
        ys, xs = ys[keep], xs[keep]
    ys_f, xs_f = ys.astype(np.float64), xs.astype(np.float64)

    def sharpness(angle: float) -> float:
        radians = np.radians(angle)
        rows = ys_f * np.cos(radians) + xs_f * np.sin(radians)
        profile = np.bincount((rows - rows.min()).astype(np.int64))
        return float(np.square(profile, dtype=np.float64).sum())

    coarse = max(np.arange(-_MAX_SKEW, _MAX_SKEW + 1e-9, 0.25), key=sharpness)
    fine = max(np.arange(coarse - 0.25, coarse + 0.25 + 1e-9, 0.02), key=sharpness)
    return round(float(fine), 2)


def deskew(image: np.ndarray, angle: float) -> np.ndarray:
    """The image turned by -angle about its centre, corners filled with paper white."""
    if abs(angle) < _MIN_SKEW:
        return image
    height, width = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), -angle, 1.0)
    fill = (255, 255, 255) if image.ndim == 3 else 255
    return cv2.warpAffine(
        image,
        matrix,
        (width, height),
        flags=cv2.INTER_CUBIC,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=fill,
    )
