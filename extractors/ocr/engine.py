"""The offline OCR engine (RapidOCR on onnxruntime) and the image clean-up before it.

Owns: building the engine once per process from the PP-OCRv6 detection and
recognition models inside the rapidocr wheel (nothing is downloaded), running it
on one page image, reading single regions again, and straightening a page
scanned slightly askew (the angle at which its text lines and table rules
project into the sharpest rows).

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

# Larger images are scaled down before detection and recognition: A4 at 200 dpi
# (2339 px) stays as it is.
_MAX_SIDE = 2400
# Detection runs on a copy scaled to this longest side: text lines of a page at
# 200 dpi stay 20+ px high there, and detection is the slowest step.
_DET_SIDE = 1600
_MIN_SCORE = 0.5  # recognitions below this are dropped (rapidocr's default)
_MAX_SKEW = 5.0  # degrees: a larger estimate is no scanner's skew but a misreading
_MIN_SKEW = 0.15  # degrees: below this (the estimate's own precision) turning only blurs
# onnxruntime's own threads; OCR calls are serialised by a lock, so with two
# ingestion workers on two cores the engine neither idles nor oversubscribes.
_THREADS = max(1, min(2, os.cpu_count() or 1))

_lock = threading.Lock()


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
    with _lock:
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
        "Global.max_side_len": _MAX_SIDE,
        "Global.text_score": _MIN_SCORE,
        "Det.model_path": str(det),
        "Det.limit_type": "max",
        "Det.limit_side_len": _DET_SIDE,
        "Rec.model_path": str(rec),
        "EngineConfig.onnxruntime.intra_op_num_threads": _THREADS,
        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
    }
    log.info("building the OCR engine (%d threads)", _THREADS)
    return rapidocr.RapidOCR(params=params)


def recognize(image: np.ndarray) -> list[OcrBox]:
    """Detect and read the text lines of a page image (BGR), top to bottom."""
    engine = _engine()
    with _lock:
        result = engine(image, use_det=True, use_cls=False, use_rec=True)
    if result.boxes is None or result.txts is None or not len(result.boxes):
        return []
    boxes = []
    for quad, text, score in zip(result.boxes, result.txts, result.scores, strict=True):
        xs, ys = quad[:, 0], quad[:, 1]
        text = str(text).strip()
        if text:
            boxes.append(
                OcrBox(
                    float(xs.min()),
                    float(ys.min()),
                    float(xs.max()),
                    float(ys.max()),
                    text,
                    float(score),
                )
            )
    boxes.sort(key=lambda b: (b.top, b.x0))
    return boxes


def read_regions(
    image: np.ndarray, regions: list[tuple[int, int, int, int]]
) -> list[tuple[str, float]]:
    """Recognise the text in each (x0, top, x1, bottom) region, with no detection."""
    engine = _engine()
    read = []
    for x0, top, x1, bottom in regions:
        crop = np.ascontiguousarray(image[max(top, 0) : bottom, max(x0, 0) : x1])
        if crop.size == 0:
            read.append(("", 0.0))
            continue
        with _lock:
            result = engine(crop, use_det=False, use_cls=False, use_rec=True)
        texts, scores = result.txts or ("",), result.scores or (0.0,)
        read.append((str(texts[0]).strip(), float(scores[0])))
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
