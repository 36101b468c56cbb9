"""Per-file overhead of the time budget (flows/budget.py): each sample read inline and in
a child of the fork server, alternately, several rounds; prints the medians.

    .venv/bin/python benchmarks/bench_budget.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from extractors import Limits
from flows.budget import run_in_child
from flows.sources import discover
from flows.steps import process_file

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    files, _ = discover([str(RAW)])
    kwargs = {"limits": Limits(), "pii_key": b"bench"}
    started = time.perf_counter()
    run_in_child(process_file, {"item": files[0], **kwargs}, timeout=120)
    print(f"fork server start and warm-up (once per run): {time.perf_counter() - started:.2f} s")
    for item in files:  # warm the inline path too
        process_file(item, **kwargs)
    inline: list[float] = []
    child: list[float] = []
    for _ in range(rounds):
        for item in files:
            t = time.perf_counter()
            process_file(item, **kwargs)
            inline.append(time.perf_counter() - t)
            t = time.perf_counter()
            run_in_child(process_file, {"item": item, **kwargs}, timeout=120)
            child.append(time.perf_counter() - t)
    overhead = [c - i for c, i in zip(child, inline, strict=True)]
    print(f"{len(files)} files x {rounds} rounds")
    print(f"inline median {statistics.median(inline) * 1000:.0f} ms per file")
    print(f"child  median {statistics.median(child) * 1000:.0f} ms per file")
    print(
        f"overhead median {statistics.median(overhead) * 1000:.0f} ms, "
        f"mean {statistics.mean(overhead) * 1000:.0f} ms per file; "
        f"total {sum(child) / sum(inline):.2f}x"
    )


if __name__ == "__main__":
    main()
