"""Memory benchmark: peak RSS of a whole `noticeflow ingest` over 1,000 to 10,000 documents.

For each N of `--docs`, builds a corpus of N byte-distinct copies of the DOCX and HTML
samples (data/raw; `bench_runs.build_corpus`: one in five is the HTML notice page), then
runs one fresh `noticeflow ingest <corpus>` CLI process into an empty warehouse with
default settings and NOTICEFLOW_PREFECT=off (`--prefect`: recorded on noticeflow's local
Prefect server, started first and not timed). Every 0.2 s it samples the memory of the
process tree: the CLI process itself (parent), and parent + fork server + per-file
children + anything they start (tree). Both are printed as the sum of RSS (pages shared
by the fork server's children counted once per process: an upper bound) and, for the
tree, as the sum of PSS (shared pages divided among their processes: what the tree
really holds). The goal (issue 13): peak < 1 GB at every N, and flat in N.

    .venv/bin/python benchmarks/bench_memory.py [--docs 1000,3000,10000] [--prefect]

Corpora are kept in benchmarks/out/memory/ (built once, not timed); the warehouses are
temporary.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_runs import NOTICEFLOW, ROOT, _env, _load, build_corpus

from flows.recording import LocalServer

GOAL_MB = 1000
INTERVAL_S = 0.2
MB = 1024 * 1024


@dataclass
class Peak:
    parent: int = 0  # bytes
    tree_rss: int = 0
    tree_pss: int = 0
    processes: int = 0


def _sample(root: psutil.Process, peak: Peak) -> None:
    try:
        family = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return
    rss = pss = 0
    for process in family:
        try:
            info = process.memory_full_info()
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
        rss += info.rss
        pss += getattr(info, "pss", info.rss)
        if process.pid == root.pid:
            peak.parent = max(peak.parent, info.rss)
    peak.tree_rss = max(peak.tree_rss, rss)
    peak.tree_pss = max(peak.tree_pss, pss)
    peak.processes = max(peak.processes, len(family))


def ingest(corpus: Path, env: dict[str, str]) -> tuple[float, Peak]:
    """One `noticeflow ingest` of `corpus` into a new warehouse: wall time, peak memory."""
    with tempfile.TemporaryDirectory(prefix="noticeflow-bench-memory-") as tmp:
        command = [str(NOTICEFLOW), "ingest", str(corpus)]
        command += ["--db", f"{tmp}/w.duckdb", "--out", f"{tmp}/curated"]
        peak = Peak()
        with open(f"{tmp}/output.txt", "w+b") as output:
            started = time.perf_counter()
            child = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
            root = psutil.Process(child.pid)
            while child.poll() is None:
                _sample(root, peak)
                time.sleep(INTERVAL_S)
            took = time.perf_counter() - started
            if child.returncode != 0:
                output.seek(0)
                text = output.read().decode(errors="replace")
                raise SystemExit(f"ingest failed ({child.returncode}):\n{text[-4000:]}")
    return took, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", default="1000,3000,10000", help="comma-separated sizes")
    parser.add_argument("--prefect", action="store_true", help="record on the local server")
    args = parser.parse_args()
    sizes = [int(n) for n in args.docs.split(",")]
    work = ROOT / "benchmarks" / "out" / "memory"
    home = work / "prefect-home"
    env = _env(home, work)
    server = None
    if args.prefect:
        server = LocalServer(home)
        server.wait(server.ensure_started(), 300)
    else:
        env["NOTICEFLOW_PREFECT"] = "off"
    rows = []
    try:
        for n in sizes:
            corpus = work / f"corpus-{n}"
            if len(list(corpus.glob("*"))) != n:
                shutil.rmtree(corpus, ignore_errors=True)
                build_corpus(corpus, n)
            before = _load()
            took, peak = ingest(corpus, env)
            rows.append((n, took, peak, f"{before} -> {_load()}"))
            pss = peak.tree_pss / MB
            print(f"  {n} documents: {took:.0f} s, tree PSS peak {pss:.0f} MB", flush=True)
    finally:
        if server is not None:
            server.stop()
    mode = "recorded (Prefect)" if args.prefect else "NOTICEFLOW_PREFECT=off"
    print(f"\n{os.cpu_count()} cores, {mode}; goal: peak < {GOAL_MB} MB at every size, flat")
    print("RSS: sum of resident sets; PSS: shared pages divided among the processes\n")
    header = f"{'docs':>6} {'wall s':>7} {'docs/s':>7} {'parent RSS':>11} {'tree RSS':>9}"
    print(f"{header} {'tree PSS':>9} {'procs':>5}  goal   load 1/5 min before -> after")
    for n, took, peak, load in rows:
        verdict = "ok" if peak.tree_pss < GOAL_MB * MB else "MISSED"
        print(
            f"{n:>6} {took:>7.0f} {n / took:>7.1f} {peak.parent / MB:>8.0f} MB "
            f"{peak.tree_rss / MB:>6.0f} MB {peak.tree_pss / MB:>6.0f} MB {peak.processes:>5}  "
            f"{verdict:<6} {load}"
        )
    if len(rows) > 1:
        (n0, _, first, _), (n1, _, last, _) = rows[0], rows[-1]
        slope = (last.tree_pss - first.tree_pss) / MB / ((n1 - n0) / 1000)
        growth = (last.parent - first.parent) / MB / ((n1 - n0) / 1000)
        print(f"\ngrowth per 1,000 documents: tree PSS {slope:+.1f} MB, parent {growth:+.1f} MB")


if __name__ == "__main__":
    main()
