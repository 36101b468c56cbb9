"""The `noticeflow` command's entry point: the parsers start warming up first.

`noticeflow ingest` reads its files in children of a fork server that imports the
parsers and warms up spaCy and jieba (about 4 s of CPU on this machine's cores, the
longest wait before the first file). Started here, before the command line's own
imports (Typer, Rich, DuckDB) and before the sources are listed, that warm-up overlaps
with them; `ingest` stops the server at once when the run reads no file itself
(nothing new, `NOTICEFLOW_FILE_TIMEOUT=0`, a Dask cluster).
"""

from __future__ import annotations

import atexit
import sys

__all__ = ["main"]


def _reads_files(args: list[str]) -> bool:
    return args[:1] == ["ingest"] and not {"--help", "-h"} & set(args)


def main() -> None:
    if _reads_files(sys.argv[1:]):
        from .budget import start_early, stop_early

        start_early()
        atexit.register(stop_early)  # a command that fails early leaves no warm-up running
    from .cli import main as cli_main

    cli_main()
