"""``foodsafety import``: bring an office's own ledger in (导入本地台账).

``import SRC --out DIR`` reads a county's or city's export (a workbook such as 包保主体台账 /
包保干部名单 / 督导记录, or CSV files in GBK or UTF-8) through an import profile (``--profile``:
a shipped profile's name or a YAML file; by default the headers the importer recognises),
writes the canonical ledger into DIR (Parquet by default) and the problem report next to it
(``problems.xlsx`` or ``problems.csv``), with a progress bar. ``--write-profile FILE`` writes
the profile the importer proposes for SRC, to edit, and stops.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Literal

import typer

from foodsafety.cli._common import console, err_console, guarded, output_file
from foodsafety.errors import LoadError
from foodsafety.ledger._cells import write_frame

__all__ = ["import_command"]


@guarded
def import_command(
    src: Annotated[
        Path, typer.Argument(help="The export: a workbook, a CSV file or a directory of them.")
    ],
    out: Annotated[
        Path | None, typer.Option("--out", help="Directory to write the canonical ledger to.")
    ] = None,
    profile: Annotated[
        str | None,
        typer.Option(
            help="Import profile: a shipped name (county_workbook, township_csv) or a YAML file."
        ),
    ] = None,
    county: Annotated[
        str | None, typer.Option(help="County code in which township names are looked up.")
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Day of the check YYYY-MM-DD [default: today].")
    ] = None,
    format: Annotated[
        str, typer.Option("--format", help="Ledger format: parquet, csv, jsonl or excel.")
    ] = "parquet",
    report: Annotated[str, typer.Option(help="Problem report format: xlsx or csv.")] = "xlsx",
    write_profile: Annotated[
        Path | None,
        typer.Option(
            "--write-profile", help="Write the proposed profile for SRC to FILE and stop."
        ),
    ] = None,
) -> None:
    """Import an office's own export into a canonical ledger, with its problem report."""
    from foodsafety.ledger import rich_progress, write_ledger
    from foodsafety.ledger.importing import import_ledger, infer_profile

    if not src.exists():
        raise LoadError(f"{src}: no such file or directory", code="load.missing")
    output_file(write_profile, "--write-profile", (".yaml", ".yml"))
    if write_profile is not None:
        found = infer_profile(src)
        found.write(write_profile)
        console.print(f"proposed profile written to {write_profile}")
        for where, heads in found.unmapped.items():
            if heads:
                console.print(f"  not mapped in {where}: {', '.join(heads)}")
        for where in found.ignored:
            console.print(f"  no table recognised in {where}")
        return
    if out is None:
        raise typer.BadParameter("give --out DIR (or --write-profile FILE)", param_hint="--out")
    if format not in ("parquet", "csv", "jsonl", "excel"):
        raise typer.BadParameter("must be parquet, csv, jsonl or excel", param_hint="--format")
    if report not in ("xlsx", "csv"):
        raise typer.BadParameter("must be xlsx or csv", param_hint="--report")
    day = None
    if as_of is not None:
        try:
            day = dt.date.fromisoformat(as_of)
        except ValueError:
            raise typer.BadParameter(f"must be a date such as 2023-01-01 (got {as_of!r})") from None
    with rich_progress(f"importing {src.name}", console=err_console) as progress:
        result = import_ledger(src, profile, county=county, as_of=day, progress=progress)
    fmt: Literal["csv", "jsonl", "parquet", "excel"] = format  # type: ignore[assignment]
    target = out / "ledger.xlsx" if fmt == "excel" else out
    out.mkdir(parents=True, exist_ok=True)
    written = write_ledger(result.ledger, target, format=fmt)
    problems = result.report.to_polars()
    report_path = out / f"problems.{report}"
    write_frame(problems, report_path, sheet="problems")
    counts = ", ".join(f"{t} {n:,}" for t, n in result.ledger.counts().items() if n)
    console.print(f"ledger written to {written}: {counts}")
    if result.report:
        console.print(result.report.summary())
    console.print(f"problem report ({len(result.report):,} problems) written to {report_path}")
