"""``foodsafety findings`` (the issue ledger, 问题台账) and ``foodsafety campaign run`` (集中行动).

``findings [LEDGER_FILE]`` lists a ledger of findings (JSON lines written by
:meth:`~foodsafety.ledger.issues.IssueLedger.to_jsonl` or by ``campaign run --findings``), or a
synthetic one built from the Anyang sample (``--sample anyang``: the pairing audit's findings
plus the problems recorded on visits), ages it on ``--as-of`` and shows it by source, by age, by
jurisdiction and what is overdue; ``--export`` writes it (.csv, .parquet, .xlsx, .json, .jsonl).

``campaign run FILE`` runs a campaign file (seed 002's three-phase campaign; see
``examples/campaign_2018.yaml``): the ranking, each city's scores per rule, the evidence for the
annual rubric and the problems found.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from foodsafety._atomic import atomic_open, write_text
from foodsafety.cli._common import check_scale, console, err_console, guarded, output_file
from foodsafety.ledger._cells import escape_cell

__all__ = ["campaign_app", "findings"]

campaign_app = typer.Typer(
    name="campaign",
    help="Run a campaign (集中行动): group scores, ranking, evidence for the annual rubric.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        err_console.print(f"error: {option} must be a date such as 2018-12-31 (got {value!r})")
        raise typer.Exit(code=2) from None


def _table(frame: Any, title: str, *, limit: int | None = None) -> Table:
    table = Table(title=title)
    for col in frame.columns:
        table.add_column(str(col))
    rows = frame.rows() if limit is None else frame.head(limit).rows()
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    return table


@guarded
def findings(
    ledger_file: Path | None = typer.Argument(
        None, help="A ledger of findings: JSON lines or a JSON array of Finding records."
    ),
    sample: str | None = typer.Option(
        None, "--sample", help="Use a synthetic ledger instead: 'anyang' (seed 004's size)."
    ),
    scale: float = typer.Option(
        0.1, "--scale", help="With --sample: a factor on the sample's size (1.0 = full size)."
    ),
    as_of: str | None = typer.Option(
        None, "--as-of", help="Age the ledger on this day (default: today, or the sample's date)."
    ),
    by: str = typer.Option(
        "jurisdiction",
        "--by",
        help="Roll counts up to: jurisdiction, county or city.",
    ),
    overdue_limit: int = typer.Option(20, "--overdue", help="Show at most this many overdue."),
    export: Path | None = typer.Option(
        None, "--export", help="Write the aged ledger: .csv, .parquet, .xlsx, .json or .jsonl."
    ),
) -> None:
    """List, age and export the issue ledger (问题台账)."""
    from foodsafety.ledger.issues import IssueLedger, from_audit_findings, from_visits

    day = _date(as_of, "--as-of")
    check_scale(scale)
    output_file(export, "--export", (".csv", ".parquet", ".xlsx", ".json", ".jsonl"))
    if by not in ("jurisdiction", "county", "city"):
        err_console.print(f"error: --by must be jurisdiction, county or city (got {by!r})")
        raise typer.Exit(code=2)
    if (ledger_file is None) == (sample is None):
        err_console.print("error: give a LEDGER_FILE or --sample anyang (one of them)")
        raise typer.Exit(code=2)
    if sample is not None:
        if sample != "anyang":
            err_console.print(f"error: unknown sample {sample!r}; try --sample anyang")
            raise typer.Exit(code=2)
        from foodsafety.engines.audit import audit
        from foodsafety.samples import anyang

        data = anyang(scale=scale)
        result = audit(data, data.policy, data.as_of)
        ledger = IssueLedger([*from_audit_findings(result), *from_visits(data)])
        day = day or data.as_of
        console.print(f"SYNTHETIC sample: {data.description} (scale {scale})")
    else:
        assert ledger_file is not None
        ledger = IssueLedger.read(ledger_file)
        day = day or dt.date.today()
    console.print(f"问题台账 issue ledger: {len(ledger)} findings, aged on {day.isoformat()}")
    console.print(_table(ledger.by_source(day), "by source 按来源"))
    console.print(_table(ledger.open_by_age(day), "open by age 未销号问题账龄 (days)"))
    console.print(
        _table(ledger.by_jurisdiction(day, level=by), f"by {by} 按属地", limit=50)  # type: ignore[arg-type]
    )
    overdue = ledger.overdue(day)
    console.print(
        _table(
            overdue.select(
                "finding_id", "jurisdiction", "severity", "state", "deadline", "days_overdue"
            ),
            f"overdue 逾期 ({overdue.height}; first {min(overdue_limit, overdue.height)})",
            limit=overdue_limit,
        )
    )
    if export is not None:
        path = ledger.export(export, day)
        console.print(f"wrote {path}")


@campaign_app.command("run")
@guarded
def run(
    file: Path = typer.Argument(..., help="A campaign file (YAML or JSON)."),
    findings_out: Path | None = typer.Option(
        None, "--findings", help="Write the groups' problems as a findings ledger (.jsonl)."
    ),
    export: Path | None = typer.Option(
        None, "--export", help="Write the ranking: .csv or .json (result with evidence)."
    ),
) -> None:
    """Run a campaign file: scores per rule, combined ranking, evidence for the annual rubric."""
    from foodsafety.engines.campaign import load_campaign, run_campaign
    from foodsafety.ledger.issues import IssueLedger

    output_file(findings_out, "--findings", (".jsonl",))
    output_file(export, "--export", (".csv", ".json"))
    cfile = load_campaign(file)
    outcome = run_campaign(cfile, base=file.parent)
    res = outcome.result
    camp = cfile.campaign
    if res.synthetic:
        console.print("SYNTHETIC scores (the campaign file says so)")
    console.print(f"{camp.title_zh} ({camp.year}): {len(res.results)} subjects, "
                  f"{len(camp.groups)} groups")  # fmt: skip
    table = Table(title="ranking 排名")
    for col in ("rank", "subject", "name", "group", *res.rubrics, "combined %", "problems"):
        table.add_column(col)
    for r in res.results:
        table.add_row(
            str(r.rank),
            r.subject,
            r.name or "",
            r.group_id,
            *(f"{r.percents[k]:.2f}" for k in res.rubrics),
            f"{r.combined_percent:.2f}",
            str(r.problems),
        )
    console.print(table)
    if res.evidence and camp.feeds:
        ev = Table(title=f"evidence for the annual rubric {res.annual_rubric or ''}".strip())
        ev.add_column("subject")
        names = [f.evidence for f in camp.feeds]
        for n in names:
            ev.add_column(n)
        for r in res.results:
            ev.add_row(r.subject, *(f"{res.evidence[r.subject][n]:g}" for n in names))
        console.print(ev)
    late = [r.subject for r in res.results if r.report_on_time is False]
    console.print(
        f"self-inspection reports missing: {', '.join(res.missing_reports) or 'none'}; "
        f"late: {', '.join(late) or 'none'}"
    )
    console.print(f"problems found: {len(outcome.findings)}")
    if findings_out is not None:
        IssueLedger(outcome.findings).to_jsonl(findings_out)
        console.print(f"wrote {findings_out}")
    if export is not None:
        if export.suffix.lower() == ".json":
            write_text(export, res.model_dump_json(indent=1))
        else:
            import csv

            rows = res.to_rows()
            with atomic_open(export, "w", encoding="utf-8", newline="") as fh:
                writer = csv.DictWriter(fh, fieldnames=list(rows[0]) if rows else [])
                writer.writeheader()
                writer.writerows({k: escape_cell(v) for k, v in row.items()} for row in rows)
        console.print(f"wrote {export}")
