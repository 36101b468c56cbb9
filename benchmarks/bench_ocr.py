"""OCR benchmark: seconds per page and character accuracy on the scan fixtures, vs the goal.

The scans in tests/fixtures/scans are made from data/raw/hubei_2026_plan.pdf
(make_scans.py): the 6-page scanned PDF (pages 1, 2, 3, 5, 6, 7 at 200 dpi, turned
0.7°, noise, JPEG) and the PNG (page 7 at 150 dpi, turned -0.5°). The truth of each
page is the text layer of the source page (pdfium). Accuracy counts characters
whatever their order (reading order and table layout are tested elsewhere):
matched = sum over characters of min(truth count, OCR count); accuracy =
matched / max(truth characters, OCR characters), so both missed and invented
characters count against it. Whitespace is ignored and both sides are NFKC-folded
(full-width punctuation = ASCII), page numbers ("— 3 —") are left out of the truth.

Timing: the engine is built once (reported apart), then every page is read the way
`extract` reads it (render or decode, deskew, detection, recognition, re-reading of
gaps, table grid). The bilevel TIFF (two partial pages, a fax) is timed, not scored.

    .venv/bin/python benchmarks/bench_ocr.py [--repeat 1]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCANS = ROOT / "tests" / "fixtures" / "scans"
SOURCE = ROOT / "data" / "raw" / "hubei_2026_plan.pdf"
SCAN_PAGES = (1, 2, 3, 5, 6, 7)
PNG_PAGE = 7
GOAL_SECONDS_PER_PAGE = 1.5
GOAL_ACCURACY = 0.995
_PAGE_NUMBER = re.compile(r"[—–-]\s*\d{1,3}\s*[—–-]")


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return "".join(text.split())


def truth(page: int) -> str:
    import pypdfium2

    document = pypdfium2.PdfDocument(SOURCE)
    textpage = document[page - 1].get_textpage()
    text = textpage.get_text_range()
    textpage.close()
    document.close()
    return fold(_PAGE_NUMBER.sub("", text))


def page_text(page: object) -> str:
    lines = [line.text for line in page.lines.lines]  # type: ignore[attr-defined]
    cells = [cell.text for table in page.tables for cell in table.cells]  # type: ignore[attr-defined]
    return fold("".join(lines + cells))


def accuracy(expected: str, read: str) -> float:
    a, b = Counter(expected), Counter(read)
    matched = sum(min(count, b[ch]) for ch, count in a.items())
    return matched / max(len(expected), len(read), 1)


def run(repeat: int) -> dict[str, object]:
    import numpy as np
    import pypdfium2

    from extractors.limits import Limits
    from extractors.ocr import RENDER_DPI, _frames, read_page
    from extractors.ocr.engine import _engine

    load = {"before": [round(x, 2) for x in os.getloadavg()]}
    started = time.perf_counter()
    _engine()
    engine_s = time.perf_counter() - started

    pages: list[dict[str, object]] = []
    scan = pypdfium2.PdfDocument(SCANS / "hubei_2026_plan_scan.pdf")
    for index, source_page in enumerate(SCAN_PAGES):
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            bitmap = scan[index].render(scale=RENDER_DPI / 72)
            image = np.ascontiguousarray(bitmap.to_numpy()[:, :, :3])
            page = read_page(image, page=index + 1, dpi=RENDER_DPI)
            times.append(time.perf_counter() - t0)
        pages.append(
            {
                "file": "hubei_2026_plan_scan.pdf",
                "page": index + 1,
                "seconds": round(min(times), 2),
                "accuracy": round(accuracy(truth(source_page), page_text(page)), 4),
            }
        )
    scan.close()
    for name, source_page in (
        ("hubei_2026_plan_table.png", PNG_PAGE),
        ("hubei_2026_plan_header.tiff", None),
    ):
        data = (SCANS / name).read_bytes()
        kind = name.rsplit(".", 1)[1].upper()
        for number, (image, dpi) in enumerate(_frames(data, Limits(), kind), start=1):
            times = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                page = read_page(image, page=number, dpi=dpi)
                times.append(time.perf_counter() - t0)
            row: dict[str, object] = {"file": name, "page": number, "seconds": round(min(times), 2)}
            if source_page is not None:
                row["accuracy"] = round(accuracy(truth(source_page), page_text(page)), 4)
            pages.append(row)
    load["after"] = [round(x, 2) for x in os.getloadavg()]
    seconds = [float(p["seconds"]) for p in pages]  # type: ignore[arg-type]
    scored = [float(p["accuracy"]) for p in pages if "accuracy" in p]  # type: ignore[arg-type]
    mean_accuracy = statistics.fmean(scored)
    return {
        "engine_build_seconds": round(engine_s, 2),
        "pages": pages,
        "seconds_per_page_mean": round(statistics.fmean(seconds), 2),
        "seconds_per_page_max": round(max(seconds), 2),
        "accuracy_mean": round(mean_accuracy, 4),
        "accuracy_min": round(min(scored), 4),
        "goal": {"seconds_per_page": GOAL_SECONDS_PER_PAGE, "accuracy": GOAL_ACCURACY},
        "meets_goal": {
            "seconds_per_page": max(seconds) <= GOAL_SECONDS_PER_PAGE,
            "accuracy": min(scored) >= GOAL_ACCURACY,
        },
        "threads": os.environ.get("NOTICEFLOW_OCR_THREADS", "default"),
        "load_average_1_5_15": load,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs per page (the fastest counts)")
    args = parser.parse_args()
    print(json.dumps(run(args.repeat), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
