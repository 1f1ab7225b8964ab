"""``foodsafety audit``: on the synthetic sample and on ledger files, with exports and errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from foodsafety.cli._audit import app

runner = CliRunner()


def test_audit_sample_prints_a_summary_per_county_and_exports(tmp_path: Path) -> None:
    out = tmp_path / "findings.json"
    result = runner.invoke(app, ["--sample", "anyang", "--scale", "0.1", "--export", str(out)])
    assert result.exit_code == 0, result.output
    assert "SYNTHETIC" in result.output
    for county in ("文峰区", "滑县", "林州市"):
        assert county in result.output
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert rows and all("kind" in r for r in rows)
    assert f"{len(rows):,} findings written" in result.output


def test_audit_a_ledger_directory_with_a_policy_file(tmp_path: Path) -> None:
    from foodsafety.ledger import write_csv
    from foodsafety.presets import pairing_policy
    from foodsafety.samples import FaultRates, anyang

    sample = anyang(seed=1, scale=0.05, faults=FaultRates(unpaired=0.05))
    write_csv(sample.ledger(), tmp_path / "ledger")
    policy = tmp_path / "policy.json"
    policy.write_text(pairing_policy("anyang_2022").model_dump_json())
    csv = tmp_path / "f.csv"
    result = runner.invoke(
        app,
        [str(tmp_path / "ledger"), "--policy", str(policy), "--as-of", "2023-01-01",
         "--by", "township", "--export", str(csv)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Per township" in result.output
    text = csv.read_text(encoding="utf-8-sig")
    assert text.count("\nunpaired,") == len(sample.faults["unpaired"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "one of them"),
        (["--sample", "shanghai"], "unknown sample"),
        (["--sample", "anyang", "--as-of", "2023-13-01"], "2023-01-01"),
        (["--sample", "anyang", "--policy", "atlantis"], "no preset of that name"),
        (["/no/such/dir"], "no such file"),
    ],
)
def test_bad_arguments_fail_with_a_message(args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code != 0
    assert message in result.output + (result.stderr if result.stderr_bytes else "")
