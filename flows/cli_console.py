"""The command line's console: summaries, tables and files of query results, errors.

No text from files, paths or errors is ever read as console markup: the consoles read no
markup and highlight nothing; colours come from Text objects only.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

__all__ = [
    "console",
    "emit",
    "err",
    "fail",
    "print_relation",
    "print_summary",
    "relation_table",
    "strict_problems",
]

# Piped output (files, tests, CI logs) gets wide tables instead of cut-off columns.
# No markup and no highlighting: texts from files, paths and errors ("[/Type …") are
# printed as they are; colours come from Text objects only.
console = (
    Console(markup=False, highlight=False)
    if sys.stdout.isatty()
    else Console(width=250, markup=False, highlight=False)
)
err = Console(stderr=True, soft_wrap=True, markup=False, highlight=False)


def fail(message: str, code: int = 1) -> typer.Exit:
    err.print(Text.assemble(("error:", "red"), " ", message))
    return typer.Exit(code)


def strict_problems(summary: object) -> list[str]:
    from .summary import RunSummary

    assert isinstance(summary, RunSummary)
    problems = []
    failed = summary.status_counts["failed"]
    if failed:
        problems.append(f"{failed} file{'s' if failed != 1 else ''} failed")
    checks = sorted(summary.checks.items())
    problems += [f"data check {name} found {n} rows" for name, n in checks if n]
    return problems


def print_summary(summary: object, *, list_skipped: bool = False) -> None:
    """The run in a few lines; the unchanged files one a line only with `list_skipped`
    (a scheduled run over thousands of files would print thousands of lines)."""
    from .summary import RunSummary

    assert isinstance(summary, RunSummary)
    counts = summary.status_counts
    console.print(
        Text.assemble(
            (str(len(summary.outcomes)), "bold"),
            " files processed: ",
            (f"{counts['ok']} ok", "green"),
            ", ",
            (f"{counts['partial']} partial", "yellow"),
            ", ",
            (f"{counts['failed']} failed", "red"),
            f"; {len(summary.skipped)} skipped (unchanged); "
            f"{summary.rows_loaded} rows loaded in {summary.elapsed_seconds:.1f} s",
        )
    )
    if summary.outcomes:
        table = Table("format", "files")
        for fmt, n in sorted(summary.format_counts.items()):
            table.add_row(fmt, str(n))
        console.print(table)
    for outcome in summary.outcomes:
        if outcome.status != "ok":
            console.print(f"  [{outcome.status}] {outcome.source_uri}: {outcome.error}")
    for message in summary.missing:
        console.print(f"  [missing] {message}")
    if summary.rederived:
        console.print(
            f"  [derived] {summary.rederived} documents derived again from raw: the "
            "normalisers changed since they were loaded (their files were not read again)"
        )
    if list_skipped:
        for uri in summary.skipped:
            console.print(f"  [skipped] {uri}: unchanged since it was loaded")
    elif summary.skipped:
        console.print(
            f"  [skipped] {len(summary.skipped)} files unchanged since they were loaded "
            "(--verbose lists them)"
        )
    for name, rows in sorted(summary.checks.items()):
        if rows:
            console.print(f"  [check] {name}: {rows} rows (see `noticeflow status`)")
    if summary.files_published:
        console.print(f"  {summary.files_published} curated files published")
    elif not summary.fatal:
        console.print("  published files unchanged (nothing in them changed)")
    if summary.recorded_at:
        console.print(f"  recorded in Prefect: {summary.recorded_at.removesuffix('/api')}/runs")
    elif summary.recording_note:
        console.print(f"  {summary.recording_note}")


def relation_table(columns: list[str], rows: list[tuple[object, ...]]) -> Table:
    table = Table(*[str(c) for c in columns])  # plain: the console reads no markup
    for row in rows:
        table.add_row(*[Text("" if v is None else str(v)) for v in row])
    return table


def print_relation(columns: list[str], rows: list[tuple[object, ...]]) -> None:
    console.print(relation_table(columns, rows))


def emit(fmt: str, columns: list[str], rows: list[tuple[object, ...]], output: Path | None) -> None:
    """Rows in `fmt` on the terminal, or into `output` (CSV files get a BOM for Excel)."""
    from .output import render

    if output is None:
        if fmt == "table":
            print_relation(columns, rows)
        else:
            typer.echo(render(fmt, columns, rows), nl=False)
        return
    try:
        if fmt == "table":
            with output.open("w", encoding="utf-8") as f:
                Console(file=f, width=250, markup=False, highlight=False).print(
                    relation_table(columns, rows)
                )
        else:
            encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
            output.write_text(render(fmt, columns, rows), encoding=encoding)
    except OSError as e:
        raise fail(f"cannot write {output}: {e.strerror or e}") from e
    err.print(f"{len(rows)} rows written to {output}")
