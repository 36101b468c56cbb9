"""Ingest benchmark: pages per second per stage (extract, normalise, load) and peak memory.

Builds a corpus of a few hundred pages from the sample notices (each copy made
byte-distinct so every file is a new document), then runs the per-file steps
directly, without Prefect, so Prefect's start-up does not blur the numbers.
With --prefect it also times one real flow run over the same corpus and reports
the flow's start-up separately.

    .venv/bin/python benchmarks/bench_ingest.py [--copies 8] [--prefect]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractors import Limits  # noqa: E402
from flows.sources import discover  # noqa: E402
from flows.steps import process_file  # noqa: E402
from warehouse import Warehouse, connect  # noqa: E402


def build_corpus(folder: Path, copies: int) -> None:
    samples = sorted(p for p in (ROOT / "data" / "raw").iterdir() if p.suffix != ".md")
    for i in range(copies):
        for sample in samples:
            data = sample.read_bytes()
            # Trailing bytes after the end of a PDF/HTML are ignored by readers; DOCX (zip)
            # tolerates a trailing comment too. Each copy gets a new SHA-256.
            marker = f"\n% bench copy {i}\n".encode() if sample.suffix != ".docx" else b""
            target = folder / f"{sample.stem}_{i:03d}{sample.suffix}"
            if sample.suffix == ".docx":
                import zipfile

                shutil.copy(sample, target)
                with zipfile.ZipFile(target, "a") as z:
                    z.comment = f"bench copy {i}".encode()
            else:
                target.write_bytes(data + marker)


def run(copies: int, with_prefect: bool) -> dict[str, object]:
    work = Path(tempfile.mkdtemp(prefix="noticeflow-bench-"))
    corpus = work / "corpus"
    corpus.mkdir()
    build_corpus(corpus, copies)
    files, _ = discover([str(corpus)])
    warehouse = Warehouse(connect(work / "bench.duckdb"))
    stage = {"extract": 0.0, "normalize": 0.0, "load": 0.0}
    pages = 0
    statuses: dict[str, int] = {}
    for item in files:
        result = process_file(item, limits=Limits(), pii_key=b"bench")
        for name in ("extract", "normalize"):
            stage[name] += result.seconds.get(name, 0.0)
        started = time.perf_counter()
        warehouse.load(result.unit)
        stage["load"] += time.perf_counter() - started
        pages += result.n_pages
        statuses[result.unit.status] = statuses.get(result.unit.status, 0) + 1
    warehouse.con.close()
    report: dict[str, object] = {
        "files": len(files),
        "pages": pages,
        "status": statuses,
        "seconds": {k: round(v, 2) for k, v in stage.items()},
        "pages_per_second": {k: round(pages / v, 1) if v else None for k, v in stage.items()},
        "pages_per_second_total": round(pages / sum(stage.values()), 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    if with_prefect:
        report["prefect"] = _time_prefect(corpus, work)
    shutil.rmtree(work, ignore_errors=True)
    return report


def _time_prefect(corpus: Path, work: Path) -> dict[str, float]:
    from flows.settings import Settings, prepare_prefect_environment

    prepare_prefect_environment()
    started = time.perf_counter()
    from flows.ingest import run_ingest

    settings = Settings(db=work / "flow.duckdb", out=work / "curated", pii_key_file=work / "key")
    summary = run_ingest([str(corpus)], settings)
    total = time.perf_counter() - started
    return {
        "total_seconds": round(total, 2),
        "inside_flow_seconds": round(summary.elapsed_seconds, 2),
        "startup_and_overhead_seconds": round(total - summary.elapsed_seconds, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=8, help="copies of each sample file")
    parser.add_argument("--prefect", action="store_true", help="also time a real flow run")
    args = parser.parse_args()
    print(json.dumps(run(args.copies, args.prefect), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
