"""The ``foodsafety`` typer application: command groups are registered here."""

from __future__ import annotations

import typer

from foodsafety._version import __version__
from foodsafety.cli import _divisions, _ids
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


def run() -> None:
    """Run the application (used by the console script)."""
    app()
