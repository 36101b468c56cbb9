"""The `noticeflow` command line: a thin shell that turns library errors into readable messages."""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
import threading
import time
from pathlib import Path
from typing import Annotated

import duckdb
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from .cli_console import (
    console,
    emit,
    err,
    fail,
    print_relation,
    print_summary,
    strict_problems,
)
from .cli_options import DaskAddressOption, DbOption, OutOption
from .settings import load_settings, prepare_prefect_environment

__all__ = ["app", "main"]

app = typer.Typer(
    name="noticeflow",
    help="Chinese 知识更新工程 notices and forms -> a DuckDB warehouse and curated files.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,  # help texts are plain: "[default: …]" is no markup tag
)


STRICT_EXIT = 3  # `ingest --strict`: a file failed or a data check found rows


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("noticeflow")
    except metadata.PackageNotFoundError:  # pragma: no cover - run from a source tree
        return "dev"


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"noticeflow {_version()}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    pass


def _read_only(db: Path | None) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the warehouse, or exit 1 saying why there is none."""
    from warehouse import WarehouseError, connect

    try:
        return connect(load_settings().with_overrides(db=db).db, read_only=True)
    except WarehouseError as e:
        raise fail(str(e)) from e


@app.command()
def ingest(
    sources: Annotated[
        list[str],
        typer.Argument(
            help="Files, folders (walked recursively), http(s) URLs, or *.sources files "
            "listing them, one a line."
        ),
    ],
    db: DbOption = None,
    out: OutOption = None,
    force: Annotated[bool, typer.Option("--force", help="Re-read files already loaded.")] = False,
    workers: Annotated[int | None, typer.Option(help="Files extracted at once.")] = None,
    dask_address: DaskAddressOption = None,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help=f"Exit {STRICT_EXIT} when a file failed or a data check found rows (for CI "
            "and cron).",
        ),
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="List the unchanged files one a line.")
    ] = False,
) -> None:
    """Ingest notices and forms; unchanged files are skipped unless --force."""
    started = time.perf_counter()
    try:
        settings = load_settings().with_overrides(db=db, out=out, workers=workers)
        settings = settings.on_cluster(dask_address)
    except ValueError as e:
        raise fail(str(e), 2) from e
    from warehouse import WarehouseError
    from warehouse.publish_folder import check_target

    # Nothing is created or touched when the command is wrong.
    missing = [s for s in sources if "://" not in s and not Path(s).exists()]
    if missing:
        raise fail("no such file or folder: " + ", ".join(missing), 2)
    try:
        check_target(settings.out)
    except WarehouseError as e:
        raise fail(str(e), 2) from e

    # What is new, decided before any engine starts: nothing new is one line, at once.
    from .plan import look
    from .sources import HostPolicy, discover, plan_sources

    planned = plan_sources(sources)
    files, missing = discover(planned.paths)
    # Files are read here unless a Dask cluster reads them.
    warm_here = bool(files) and bool(settings.file_timeout) and settings.task_runner != "dask"
    from .budget import start_early, stop_early

    if warm_here:
        # The parsers warm up (about 4 s of CPU) while the warehouse is asked what is new;
        # stopped at once when nothing is. (The `noticeflow` command started it already,
        # before its own imports: `flows.launch`.)
        start_early()
    else:
        stop_early()
    policy = HostPolicy.for_run(settings.allowed_hosts, planned.urls)
    try:
        if not settings.db.exists():
            settings.db.parent.mkdir(parents=True, exist_ok=True)
        work = look(settings.db, settings.out, files, planned.urls, force=force, policy=policy)
    except OSError as e:
        raise fail(f"cannot create the folder for {settings.db}: {e}") from e
    except WarehouseError as e:
        raise fail(str(e)) from e
    if work.nothing:
        if warm_here:
            stop_early()
        console.print(
            f"nothing new: {len(work.skipped)} files unchanged, nothing to derive again; "
            f"the published files in {settings.out} are current "
            f"({time.perf_counter() - started:.1f} s)"
        )
        for message in [*planned.problems, *missing]:
            console.print(f"  [missing] {message}")
        return
    prepare_prefect_environment()
    from .ingest import IngestFailed, run_ingest
    from .recording import choose, start_later

    recording = choose(settings.prefect, settings.prefect_wait)

    show_bar = sys.stderr.isatty()
    progress = Progress(
        TextColumn("{task.description}", markup=False, style="progress.description"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        disable=not show_bar,
        # No stdout/stderr proxies: Prefect hands the run's context to worker processes.
        redirect_stdout=False,
        redirect_stderr=False,
    )
    with progress:
        bar = progress.add_task("extracting", total=None)

        def advance(source_uri: str, done: int, total: int) -> None:
            progress.update(bar, completed=done, total=total, description=Path(source_uri).name)

        try:
            summary = run_ingest(
                sources, settings, force=force, progress=advance, recording=recording
            )
        except IngestFailed as e:
            failed: IngestFailed | None = e
            summary = e.summary
        except WarehouseError as e:
            raise fail(str(e)) from e
        else:
            failed = None
    summary.elapsed_seconds = time.perf_counter() - started  # the command's wall time
    print_summary(summary, list_skipped=verbose)
    start_later(recording)
    if failed is not None:
        raise fail(f"the run stopped: {failed}")
    if strict:
        problems = strict_problems(summary)
        if problems:
            raise fail("--strict: " + "; ".join(problems), STRICT_EXIT)


@app.command()
def query(
    sql: Annotated[str, typer.Argument(help="A read-only SQL query.")],
    db: DbOption = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            help="table, csv, json (an array of objects) or markdown.",
            show_default=True,
        ),
    ] = "table",
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to this file instead of the terminal."),
    ] = None,
) -> None:
    """Run read-only SQL against the warehouse and print the result."""
    from warehouse import WarehouseError, refuse_writes

    from .output import FORMATS

    if fmt not in FORMATS:
        raise fail(f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}", 2)
    if output is not None and not output.parent.is_dir():
        raise fail(f"--output: no folder {output.parent} to write {output.name} into", 2)
    con = _read_only(db)
    try:
        refuse_writes(con, sql)
        relation = con.sql(sql)
        if relation is None:
            return
        emit(fmt, relation.columns, relation.fetchall(), output)
    except WarehouseError as e:
        raise fail(f"query {e}") from e
    except duckdb.PermissionException as e:
        raise fail(
            f"query refused: `query` is read-only and may not touch files outside the "
            f"warehouse ({e})"
        ) from e
    except Exception as e:  # duckdb errors: say them plainly
        raise fail(f"query failed: {e}") from e
    finally:
        con.close()


@app.command()
def status(
    db: DbOption = None,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help="Print one JSON object: documents, notices, failures (arrays of objects) and "
            "checks (rows per check).",
        ),
    ] = False,
) -> None:
    """What is loaded: documents by status and format, notices per region and year, failures,
    and the data checks."""
    from warehouse.queries import status_report

    con = _read_only(db)
    try:
        sections = status_report(con)
    finally:
        con.close()
    if as_json:
        import json

        from .output import jsonable

        report: dict[str, object] = {"warehouse": str(load_settings().with_overrides(db=db).db)}
        for title, columns, rows in sections:
            if title.startswith("data checks"):
                report["checks"] = {str(name): n for name, n in rows}
            else:
                report[title] = [
                    {c: jsonable(v) for c, v in zip(columns, row, strict=True)} for row in rows
                ]
        typer.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    for title, columns, rows in sections:
        console.print(Text(title, style="bold"))
        print_relation(columns, rows)


@app.command()
def compare(
    year: Annotated[int | None, typer.Option(help="Only this programme year.")] = None,
    region: Annotated[str | None, typer.Option(help="Only this region, e.g. 湖北省.")] = None,
    db: DbOption = None,
) -> None:
    """Policies side by side: caps, durations, participants and deadlines per region and year."""
    from warehouse.queries import policy_comparison

    con = _read_only(db)
    try:
        columns, rows = policy_comparison(con, year=year, region=region)
    finally:
        con.close()
    if not rows:
        console.print("no policy terms loaded for that selection")
        return
    print_relation(columns, rows)


@app.command("dashboard")
def dashboard_command(
    db: DbOption = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", help="HTML file [default: data/curated/dashboard.html]"),
    ] = None,
) -> None:
    """Build the dashboard: one static HTML page of charts that opens offline."""
    from warehouse import WarehouseError
    from warehouse.dashboard import build_dashboard

    target = output or load_settings().out / "dashboard.html"
    con = _read_only(db)
    try:
        written = build_dashboard(con, target)
    except WarehouseError as e:
        raise fail(str(e)) from e
    finally:
        con.close()
    console.print(f"dashboard written to {written}")


@app.command()
def rebuild(
    db: DbOption = None,
    out: OutOption = None,
) -> None:
    """Derive staging and curated again from raw alone, and publish.

    No source file is read and no extractor, LibreOffice or OCR runs: after a rule fix,
    this is how every document gets the new rules.
    """
    settings = load_settings().with_overrides(db=db, out=out)
    if not settings.db.exists():
        raise fail(f"no warehouse at {settings.db}: run `noticeflow ingest` first")
    from warehouse import WarehouseError

    from .rebuild import rebuild_flow
    from .recording import choose, start_later

    recording = choose(settings.prefect, settings.prefect_wait)
    try:
        result, findings, published = rebuild_flow(settings, recording=recording)
    except WarehouseError as e:
        raise fail(str(e)) from e
    finally:
        start_later(recording)
    console.print(
        f"{result.documents} documents derived again from raw ({result.rows} rows, "
        f"rules {result.version}); {published} curated files published",
        markup=False,
    )
    for failure in result.failures:
        console.print(f"  [failed] {failure}", markup=False)
    if findings:
        console.print(f"  data checks: {findings} rows (see `noticeflow status`)", markup=False)
    if recording.url:
        console.print(f"  recorded in Prefect: {recording.url.removesuffix('/api')}/runs")
    elif recording.note:
        console.print(f"  {recording.note}")


from .cli_prefect import prefect_app  # noqa: E402  (the `prefect-server` commands)
from .cli_servers import explore_command, serve_command  # noqa: E402

app.command("serve")(serve_command)
app.command("explore")(explore_command)

app.add_typer(prefect_app, name="prefect-server")


def main() -> None:
    """The `noticeflow` command: `app`, then a quick exit.

    When a command is done, its exit handlers run (Prefect sends the run's last events,
    logs are flushed, temporary folders removed), the threads it left are joined, and
    the process ends without tearing the interpreter down object by object: that
    teardown (spaCy, jieba's dictionary, DuckDB, pandas) took half a second after every
    run. An error that escapes `app` still ends the normal way, with its traceback.
    """
    try:
        app()
    except SystemExit as done:
        code = done.code
    else:
        code = 0
    if isinstance(code, str):  # sys.exit("message"): printed, exit status 1
        print(code, file=sys.stderr)
        code = 1
    # What the interpreter does first at exit: threading's own exit hooks (executors
    # told to stop), then joining the threads that are not daemons; then the exit
    # handlers. Only the teardown after them is skipped.
    shutdown = getattr(threading, "_shutdown", None)
    if shutdown is not None:
        shutdown()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code or 0)


if __name__ == "__main__":  # pragma: no cover
    main()
