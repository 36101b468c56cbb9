"""Scaling out: an OCR-heavy batch on a Dask cluster of one worker, then of two.

The batch is `--copies` copies of the scans of tests/fixtures/scans (a 6-page scanned
PDF, a PNG page, a 2-page bilevel TIFF: every page read by OCR), each copy made unique
by bytes appended after the end of the image or PDF (readers ignore them; the SHA-256
differs, so every copy is a document of its own). For each cluster size a real
`dask scheduler` and single-threaded `dask worker` programs start on 127.0.0.1
(tests/dask_cluster.py); every worker's fork server is warmed up first, then the batch
is ingested with NOTICEFLOW_TASK_RUNNER=dask (unrecorded) into a new warehouse, and
pages per second are measured from the start of the run to its end (the load
included). The load average is printed before and after: on a shared machine the
numbers mean little without it.

    .venv/bin/python benchmarks/bench_dask.py [--copies 3] [--workers 1 2]
"""

from __future__ import annotations

import argparse
import functools
import itertools
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flows.budget import run_in_child  # noqa: E402
from flows.ingest import run_ingest  # noqa: E402
from flows.settings import Settings  # noqa: E402
from tests.dask_cluster import DaskCluster  # noqa: E402

SCANS = ROOT / "tests" / "fixtures" / "scans"


def build_batch(folder: Path, copies: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for i in range(copies):
        for scan in sorted(SCANS.iterdir()):
            if scan.suffix == ".py":
                continue
            target = folder / f"{scan.stem}__{i:02d}{scan.suffix}"
            trailer = f"\n% bench copy {i}\n" if scan.suffix == ".pdf" else f"copy {i}"
            target.write_bytes(scan.read_bytes() + trailer.encode())
            files.append(target)
    return files


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def run(batch: Path, workers: int, folder: Path) -> tuple[float, int, dict[str, int]]:
    """Seconds and pages of one ingest of `batch` on a new cluster of `workers`."""
    with DaskCluster(folder / f"cluster-{workers}", workers) as cluster:
        # Each worker starts its fork server (parsers and normalisers warmed) now.
        cluster.client.run(functools.partial(run_in_child, dict, {}, timeout=600))
        settings = Settings(
            db=folder / f"w{workers}.duckdb",
            out=folder / f"curated-{workers}",
            pii_key_file=folder / "key",
            task_runner="dask",
            dask_address=cluster.address,
            prefect="off",
        )
        started = time.perf_counter()
        summary = run_ingest([str(batch)], settings)
        seconds = time.perf_counter() - started
    return seconds, summary.pages, dict(summary.status_counts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=3, help="copies of the scans")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="noticeflow-bench-dask-") as tmp:
        folder = Path(tmp)
        files = build_batch(folder / "batch", args.copies)
        print(f"batch: {len(files)} files (copies of the scans), {os.cpu_count()} cores")
        rates: dict[int, float] = {}
        for workers in args.workers:
            before = load()
            seconds, pages, statuses = run(folder / "batch", workers, folder)
            rates[workers] = pages / seconds
            print(
                f"{workers} worker(s): {pages} pages in {seconds:.1f} s = "
                f"{rates[workers]:.3f} pages/s  {statuses}  ({before}; after: {load()})"
            )
        sizes = sorted(rates)
        for smaller, larger in itertools.pairwise(sizes):
            gained = (rates[larger] - rates[smaller]) / (larger - smaller)
            print(
                f"{smaller} -> {larger} workers: {gained:+.3f} pages/s per added worker "
                f"(x{rates[larger] / rates[smaller]:.2f})"
            )


if __name__ == "__main__":
    main()
