"""`foodsafety rubric check FILE --properties`: the invariants from the command line."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from foodsafety.cli.app import app

ROOT = Path(__file__).resolve().parent.parent
PRESET = ROOT / "src" / "foodsafety" / "presets" / "assessment" / "star_office.yaml"
BROKEN = ROOT / "examples" / "testing" / "broken_rubric.yaml"


def test_a_shipped_preset_passes_every_invariant() -> None:
    args = ["rubric", "check", str(PRESET), "--properties", "--max-examples", "10", "--lang", "en"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "all invariants hold" in result.output


def test_a_broken_rubric_fails_with_its_counterexample() -> None:
    args = ["rubric", "check", str(BROKEN), "--properties", "--max-examples", "10", "--lang", "en"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1
    assert "FAIL reachable" in result.output
    assert "never" in result.output


def test_without_the_flag_only_the_structure_is_checked() -> None:
    result = CliRunner().invoke(app, ["rubric", "check", str(BROKEN), "--lang", "en"])
    assert result.exit_code == 0
    assert "invariant" not in result.output
