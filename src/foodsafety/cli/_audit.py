"""``foodsafety audit``: audit a pairing ledger (包保台账核查) and print a summary per county.

``audit PATH`` loads a ledger (a directory of table files, an Excel workbook, or one table
file; see :func:`foodsafety.ledger.load_ledger`) with a progress bar, reports bad rows, and
audits the valid ones; ``audit --sample anyang`` audits the synthetic Anyang-sized sample (seed
004) instead. ``--policy`` names a shipped preset (``anyang_2022``, ``national_2022``) or a
YAML/JSON policy file; ``--export`` writes the findings to ``.csv``, ``.xlsx`` or ``.json``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer

from foodsafety.cli._common import check_scale, console, err_console, guarded, output_file
from foodsafety.errors import LoadError

__all__ = ["app", "audit_command"]

app = typer.Typer(
    help="Audit a pairing ledger (包保台账核查).",
    add_completion=False,
    pretty_exceptions_enable=False,
)

SAMPLES = ("anyang",)


def _policy(spec: str | None, default: str) -> Any:
    from foodsafety.presets import pairing_policies, pairing_policy
    from foodsafety.rules import load_pairing_policy

    name = spec or default
    if Path(name).suffix.lower() in (".yaml", ".yml", ".json") or Path(name).exists():
        return load_pairing_policy(name)
    if name in pairing_policies():
        return pairing_policy(name)
    raise LoadError(
        f"{name}: no such policy file, and no preset of that name "
        f"(presets: {', '.join(pairing_policies())})",
        code="load.missing",
        source=name,
    )


def _load(path: Path, as_of: dt.date | None) -> Any:
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from foodsafety.ledger import load_ledger

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as bar:
        task = bar.add_task("loading", total=None)

        def progress(stage: str, done: int, total: int) -> None:
            bar.update(task, description=f"loading {stage}", completed=done, total=total)

        ledger, report = load_ledger(path, as_of=as_of, progress=progress)
    if report:
        err_console.print(report.summary(), markup=False, highlight=False)
        errors = report.errors()
        lost = len({(p.source, p.row) for p in errors if p.row is not None})
        warned = len(report) - len(errors)
        err_console.print(
            f"{lost} bad row(s) left out ({len(errors.cascades())} of them only because a row "
            f"they name was); {warned} warning(s) on rows kept; the kept rows are audited.",
            markup=False,
            highlight=False,
        )
    return ledger


@app.command("audit")
@guarded
def audit_command(
    path: Annotated[
        Path | None,
        typer.Argument(help="Ledger directory, workbook or table file.", show_default=False),
    ] = None,
    sample: Annotated[
        str | None,
        typer.Option(help="Audit a synthetic sample instead of a file: 'anyang'."),
    ] = None,
    policy: Annotated[
        str | None,
        typer.Option(help="Policy preset name or YAML/JSON file [default: anyang_2022]."),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Audit date YYYY-MM-DD [default: today, sample: 2023-01-01]."),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(help="Start of the visit/routine window [default: a year before]."),
    ] = None,
    by: Annotated[str, typer.Option(help="Summarise per 'county' or 'township'.")] = "county",
    export: Annotated[
        Path | None, typer.Option(help="Write the findings to FILE.csv, .xlsx or .json.")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the synthetic sample.")] = 0,
    scale: Annotated[float, typer.Option(help="Size factor of the synthetic sample.")] = 1.0,
) -> None:
    """Audit a pairing ledger against a pairing policy and print a summary per county."""
    from foodsafety.engines.audit import audit

    day = _date(as_of, "--as-of")
    start = _date(since, "--since")
    check_scale(scale)
    output_file(export, "--export", (".csv", ".json", ".xlsx"))
    if by not in ("county", "township"):
        raise typer.BadParameter("must be 'county' or 'township'", param_hint="--by")
    if (path is None) == (sample is None):
        raise typer.BadParameter("give a ledger PATH or --sample anyang (one of them)")
    if sample is not None:
        if sample not in SAMPLES:
            raise typer.BadParameter(f"unknown sample {sample!r}; samples: {', '.join(SAMPLES)}")
        from foodsafety.samples import anyang

        pol = _policy(policy, "anyang_2022")
        with console.status("generating the synthetic Anyang sample (合成样本)..."):
            data = anyang(seed=seed, scale=scale, policy=pol, as_of=day or dt.date(2023, 1, 1))
        console.print(
            f"[bold]合成样本 SYNTHETIC sample[/bold]: {data.description}; "
            f"{data.businesses.height:,} businesses, {data.cadres.height:,} cadres, "
            f"{data.visits.height:,} visits",
            markup=True,
        )
        ledger: Any = data.tables
        day = data.as_of
    else:
        assert path is not None
        if not path.exists():
            raise LoadError(f"{path}: no such file or directory", code="load.missing")
        pol = _policy(policy, "anyang_2022")
        ledger = _load(path, day)
    result = audit(ledger, pol, day, since=start)
    typer.echo(result.report(by="township" if by == "township" else "county"))
    if export is not None:
        out = result.export(export)
        console.print(f"{len(result):,} findings written to {out}")


def _date(text: str | None, option: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(
            f"must be a date such as 2023-01-01 (got {text!r})", param_hint=option
        ) from None
