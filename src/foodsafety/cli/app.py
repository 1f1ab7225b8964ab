"""The ``foodsafety`` typer application: command groups are registered here."""

from __future__ import annotations

import typer

from foodsafety._version import __version__
from foodsafety.cli import _audit, _demo, _divisions, _findings, _ids, _import, _scoring, _trace
from foodsafety.cli._common import console

app = typer.Typer(
    name="foodsafety",
    help="China's local food-safety governance: divisions, identifiers, pairing audits, "
    "assessments and responsibility (食品安全属地管理、包保、评议考核).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        console.print(f"foodsafety {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """foodsafety command line."""


app.add_typer(_divisions.app, name="divisions", help="The division registry (行政区划).")
_ids_app = typer.Typer(help="Identifiers: division codes, USCC, SC/JY licences (标识码).")
_ids_app.command("check")(_ids.check)
app.add_typer(_ids_app, name="ids")
app.command("check", help="Same as `ids check`: what a value is and whether it is valid.")(
    _ids.check
)

app.command("demo")(_demo.demo)
app.command("audit", help="Audit a pairing ledger (包保台账核查) and summarise per county.")(
    _audit.audit_command
)
app.command(
    "import", help="Bring an office's own ledger in (导入本地台账): export to canonical ledger."
)(_import.import_command)
app.command("score", help="Score one subject against a rubric, with reasons (评分).")(
    _scoring.score_command
)
app.command("rank", help="Score and rank a cohort with quotas, downgrades and vetoes (排名).")(
    _scoring.rank_command
)
app.add_typer(_scoring.rubric_app, name="rubric")
app.command("trace", help="Who answers for this business, and by which path (责任追溯).")(
    _trace.trace_command
)
app.command("findings", help="List, age and export the issue ledger (问题台账).")(
    _findings.findings
)
app.add_typer(_findings.campaign_app, name="campaign")


def run() -> None:
    """Run the application (used by the console script)."""
    app()
