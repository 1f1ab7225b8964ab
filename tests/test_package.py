"""The package surface: lazy re-exports resolve, import stays light, the CLI answers."""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

import foodsafety
from foodsafety.cli.app import app


@pytest.mark.parametrize("name", sorted(foodsafety._LAZY))
def test_lazy_names_resolve_to_their_module_objects(name: str) -> None:
    obj = getattr(foodsafety, name)
    module = __import__(foodsafety._LAZY[name], fromlist=[name])
    assert obj is getattr(module, name)
    assert name in dir(foodsafety)


def test_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError):
        foodsafety.NoSuchThing  # noqa: B018


def test_import_does_not_load_heavy_modules() -> None:
    code = (
        "import sys, foodsafety; "
        "heavy = [m for m in ('polars', 'pandas', 'matplotlib', 'networkx', 'pydantic', "
        "'foodsafety.registry', 'foodsafety.models') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_cli_version_and_help() -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert foodsafety.__version__ in result.output
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("divisions", "ids"):
        assert command in result.output


def test_cli_reports_bad_input_on_stderr_with_nonzero_exit() -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["divisions", "show", "371200"])
    assert result.exit_code != 0
    assert "2025-12-31" in result.output + (result.stderr or "")


def test_all_lists_every_lazy_name() -> None:
    assert set(foodsafety._LAZY) <= set(foodsafety.__all__)
