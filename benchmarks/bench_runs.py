"""Run benchmark: a whole `noticeflow ingest` process over 1,000 loaded documents.

Measures, each as the wall time of a fresh CLI process with default settings (no
PREFECT_API_URL: runs go to noticeflow's local Prefect server):

- a no-op re-run (nothing new), goal < 5 s;
- adding one new file to the 1,000, goal < 5 s;

once with a persistent Prefect home (its local server started by an earlier run) and
once with a fresh one (nothing started yet). Each figure is printed next to its goal
with the machine's load average (os.getloadavg) before and after.

The corpus (byte-distinct copies of the DOCX and HTML samples) and its warehouse are
built once into benchmarks/out/runs/ (a few minutes, not timed) and reused.

    .venv/bin/python benchmarks/bench_runs.py [--docs 1000] [--keep-server]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flows.recording import LocalServer  # noqa: E402

NOTICEFLOW = Path(sys.executable).parent / "noticeflow"
GOAL_S = 5.0


def build_corpus(folder: Path, n: int) -> None:
    samples = sorted(p for p in (ROOT / "data" / "raw").iterdir() if p.suffix in (".docx", ".html"))
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        sample = samples[i % len(samples)]
        target = folder / f"{sample.stem}_{i:04d}{sample.suffix}"
        if sample.suffix == ".docx":
            shutil.copy(sample, target)
            with zipfile.ZipFile(target, "a") as z:
                z.comment = f"bench copy {i}".encode()
        else:
            target.write_bytes(sample.read_bytes() + f"\n<!-- bench copy {i} -->\n".encode())


def _env(home: Path, work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "NOTICEFLOW_"))}
    env.update(
        PYTHONPATH=str(ROOT),
        PREFECT_HOME=str(home),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        NOTICEFLOW_PII_KEY_FILE=str(work / "pii_key"),
    )
    return env


def _ingest(work: Path, env: dict[str, str]) -> tuple[float, str]:
    command = [str(NOTICEFLOW), "ingest", str(work / "corpus")]
    command += ["--db", str(work / "w.duckdb"), "--out", str(work / "curated")]
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    took = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"ingest failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return took, done.stdout


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.1f}/{five:.1f}"


def _add_file(work: Path) -> None:
    sample = ROOT / "data" / "raw" / "mohrss_2021_plan.html"
    (work / "corpus" / f"new_{uuid.uuid4().hex[:8]}.html").write_bytes(
        sample.read_bytes() + f"\n<!-- new {uuid.uuid4()} -->\n".encode()
    )


def _measure(label: str, work: Path, env: dict[str, str]) -> tuple[str, float, str, str]:
    before = _load()
    took, stdout = _ingest(work, env)
    first = stdout.strip().splitlines()[0] if stdout.strip() else ""
    recorded = next(
        (line.strip() for line in stdout.splitlines() if "recorded in Prefect" in line), ""
    )
    return label, took, f"{before} -> {_load()}", recorded or first[:70]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--keep-server", action="store_true", help="leave the local server up")
    args = parser.parse_args()
    work = ROOT / "benchmarks" / "out" / "runs"
    home = work / "prefect-home"
    env = _env(home, work)
    if not (work / "w.duckdb").exists() or len(list((work / "corpus").glob("*"))) < args.docs:
        shutil.rmtree(work, ignore_errors=True)
        build_corpus(work / "corpus", args.docs)
        print(f"loading {args.docs} documents once (not timed) …", flush=True)
        took, _ = _ingest(work, {**env, "NOTICEFLOW_PREFECT": "off"})
        print(f"  loaded in {took:.0f} s", flush=True)
    # The persistent home: its local server was started by earlier runs (here: now).
    persistent = LocalServer(home)
    persistent.wait(persistent.ensure_started(), 300)
    _ingest(work, env)  # warm: the published files are current, the OS caches are warm
    n = len(list((work / "corpus").glob("*")))
    rows = [_measure(f"no-op re-run, {n} unchanged, persistent Prefect home", work, env)]
    _add_file(work)
    rows.append(_measure(f"add one file to {n}, persistent Prefect home", work, env))
    fresh = Path(tempfile.mkdtemp(prefix="noticeflow-fresh-home-"))
    fresh_env = _env(fresh, work)
    try:
        label = f"no-op re-run, {n + 1} unchanged, fresh Prefect home"
        rows.append(_measure(label, work, fresh_env))
        _add_file(work)
        rows.append(_measure(f"add one file to {n + 1}, fresh Prefect home", work, fresh_env))
    finally:
        LocalServer(fresh).stop()
        shutil.rmtree(fresh, ignore_errors=True)
        if not args.keep_server:
            persistent.stop()
    print(f"\n{os.cpu_count()} cores; load average 1/5 min before -> after each run\n")
    print(f"{'run':<58} {'wall':>7} {'goal':>7}  {'load':<12} where recorded / first line")
    for label, took, load, note in rows:
        verdict = "ok" if took < GOAL_S else "MISSED"
        print(f"{label:<58} {took:6.1f}s {'<' + str(int(GOAL_S)) + ' s':>7}  {load:<12} {note}")
        print(f"{'':<58} {verdict:>7}")


if __name__ == "__main__":
    main()
