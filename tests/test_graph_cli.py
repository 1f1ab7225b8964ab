"""``foodsafety trace`` through typer's CliRunner on a small Anyang sample."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from foodsafety.cli._trace import app

runner = CliRunner()
SMALL = ["--scale", "0.02"]


def _some_business() -> str:
    result = runner.invoke(app, ["nobody", *SMALL])
    assert result.exit_code == 2
    assert "样本中没有该主体" in result.output
    return re.findall(r"\b[0-9A-Z]{18}\b", result.output)[0]


def test_trace_prints_the_chain_and_writes_a_picture(tmp_path: Path) -> None:
    uscc = _some_business()
    picture = tmp_path / "trace.png"
    result = runner.invoke(app, [uscc, *SMALL, "--picture", str(picture), "--lang", "en"])
    assert result.exit_code == 0, result.output
    for word in ("principal", "pairing cadre", "party secretary", "station head", "committee"):
        assert word in result.output
    assert picture.read_bytes()[:4] == b"\x89PNG"


def test_trace_json_kind_filter_and_accountability() -> None:
    uscc = _some_business()
    result = runner.invoke(app, [uscc, *SMALL, "--json", "--kind", "监管"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["subject"] == f"business:{uscc}"
    assert {link["kind"] for link in data["links"]} == {"regulatory"}
    result = runner.invoke(app, [uscc, *SMALL, "--severity", "minor", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "Accountability review" in result.output and "township level" in result.output
    assert "county level" not in result.output.split("pairing cadre")[-1].split("\n", 1)[-1]


def test_bad_options_exit_2() -> None:
    uscc = _some_business()
    assert runner.invoke(app, [uscc, *SMALL, "--as-of", "yesterday"]).exit_code == 2
    assert runner.invoke(app, [uscc, *SMALL, "--lang", "fr"]).exit_code == 2
    assert runner.invoke(app, [uscc, *SMALL, "--sample", "beijing"]).exit_code == 2
