"""The commands that keep running until stopped: `serve` (scheduled ingestion on a Prefect
server) and `explore` (the curated data in Datasette). Registered on the app by cli.py."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from .cli_console import console, err, fail
from .cli_options import DaskAddressOption, DbOption, OutOption
from .settings import load_settings, prepare_prefect_environment

__all__ = ["explore_command", "serve_command"]


def serve_command(
    source: Annotated[
        str,
        typer.Option(
            "--source",
            help="An inbox folder (or URL), or a sources file: paths/URLs one a line, "
            "# comments, as *.sources files of ingest; read again at every run.",
        ),
    ],
    cron: Annotated[
        str | None, typer.Option("--cron", help='Cron schedule, e.g. "0 6 * * *".')
    ] = None,
    interval: Annotated[
        float | None, typer.Option("--interval", help="Run every N seconds instead.")
    ] = None,
    db: DbOption = None,
    out: OutOption = None,
    name: Annotated[str, typer.Option("--name", help="Deployment name.")] = "noticeflow-ingest",
    timezone: Annotated[
        str,
        typer.Option("--timezone", help="Time zone the --cron schedule is read in (IANA name)."),
    ] = "Asia/Shanghai",
    dask_address: DaskAddressOption = None,
) -> None:
    """Ingest on a schedule, served against a Prefect server (PREFECT_API_URL)."""
    try:
        settings = load_settings().with_overrides(db=db, out=out).on_cluster(dask_address)
    except ValueError as e:
        raise fail(str(e), 2) from e
    if (cron is None) == (interval is None):
        raise fail("give one schedule: --cron EXPRESSION or --interval SECONDS", 2)
    path = Path(source)
    sources: list[str] | Path
    if "://" in source or path.is_dir():
        sources = [source]
    elif path.is_file():
        sources = path
    else:
        raise fail(f"{source}: no such folder or sources file", 2)
    prepare_prefect_environment()
    from .serve import ServeError, serve

    try:
        serve(sources, settings, cron, interval, name=name, timezone=timezone)
    except ServeError as e:
        raise fail(str(e)) from e


def explore_command(
    db: DbOption = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Published folder to serve from [default: data/curated]"),
    ] = None,
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8001,
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on; 0.0.0.0 opens it to the network.")
    ] = "127.0.0.1",
) -> None:
    """Explore the curated data in a browser (Datasette): facets, Chinese full-text search,
    the README's questions as canned queries, CSV/JSON downloads. Read-only."""
    try:
        settings = load_settings().with_overrides(db=db, out=out)
    except ValueError as e:
        raise fail(str(e), 2) from e
    if not 0 < port < 65536:
        raise fail(f"--port must be between 1 and 65535, got {port}", 2)
    from warehouse import WarehouseError
    from warehouse.explore import explorer_folder, port_is_free, serve

    if not port_is_free(host, port):
        raise fail(f"cannot listen on {host}:{port}: the port is in use (give another --port)")
    try:
        explorer = explorer_folder(settings.db, settings.out)
    except WarehouseError as e:
        raise fail(str(e)) from e
    url = f"http://{host if ':' not in host else f'[{host}]'}:{port}/"
    console.print(f"serving {explorer.origin}")
    console.print(f"explorer: {url}noticeflow  ·  dashboard: {url}files/dashboard.html")
    if host not in ("127.0.0.1", "localhost", "::1"):
        err.print(
            Text.assemble(
                ("warning:", "yellow"),
                f" listening on {host}: anyone who can reach this machine can read the data",
            )
        )
    console.print("read-only; Ctrl-C stops it")
    serve(explorer.folder, host, port)
