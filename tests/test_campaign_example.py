"""Scenario 4 (docs/domain.md §10): the runnable example of the 2018 campaign, and the CLI on it."""

from __future__ import annotations

import runpy
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from foodsafety.cli._findings import campaign_app, findings
from foodsafety.engines.campaign import load_campaign, run_campaign
from foodsafety.ledger.issues import IssueLedger
from foodsafety.models.finding import replay
from foodsafety.registry import registry
from foodsafety.vocab import CampaignPhase, FindingState

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "campaign_2018.py"
CAMPAIGN_FILE = ROOT / "examples" / "campaign_2018.yaml"


@pytest.fixture(scope="module")
def scenario() -> tuple[Any, ...]:
    ns = runpy.run_path(str(EXAMPLE))
    return (ns, *ns["build"]())


def test_three_phases_five_groups_every_city_of_the_province(scenario: tuple[Any, ...]) -> None:
    _, file, run, _, _ = scenario
    camp = file.campaign
    assert [p.phase for p in camp.phases] == list(CampaignPhase)
    assert len(camp.groups) == 5
    cities = {d.code for d in registry().children("320000")}
    assert set(camp.subjects) == cities and len(cities) == 13
    assert file.synthetic and run.result.synthetic
    assert [r.rubric for r in camp.rubrics] == [
        "key_supervision_matters_2018",
        "key_risk_points_2018",
    ]
    assert {rid: len(r.sections) for rid, r in run.rubrics.items()} == {
        "key_supervision_matters_2018": 11,
        "key_risk_points_2018": 12,
    }
    ranks = [r.rank for r in run.result.results]
    assert ranks == sorted(ranks) and ranks[0] == 1 and len(ranks) == 13


def test_the_ranking_is_fed_into_the_annual_assessment(scenario: tuple[Any, ...]) -> None:
    ns, _, run, ledger, annual = scenario
    assert len(annual.assessments) == 13
    overdue = ledger.evidence(ns["YEAR_END"], level="city")
    for r in run.result.results:
        a = annual.get(r.subject)
        fed = run.result.evidence[r.subject]["site_review_score"]
        assert fed == pytest.approx(0.15 * r.combined_percent, abs=1e-6)
        assert a.line("site_review_score").earned == pytest.approx(fed, abs=1e-6)
        assert a.line("overdue_findings").evidence["overdue_findings"] == overdue.get(
            r.subject, {}
        ).get("overdue_findings", 0)


def test_what_the_groups_found_is_rectified_through_the_loop(scenario: tuple[Any, ...]) -> None:
    ns, _, run, ledger, _ = scenario
    year_end = ns["YEAR_END"]
    assert len(ledger) == len(run.findings) == sum(r.problems for r in run.result.results)
    states = {f.state for f in ledger}
    assert FindingState.CLOSED in states and FindingState.OVERDUE in states
    for f in ledger:
        assert replay(f.events) is f.state
        if f.state is FindingState.CLOSED:
            assert f.rectification.verified_on is not None
    reopened = [f for f in ledger if f.rectification.reopened]
    assert reopened and all(f.is_open for f in reopened)
    by_city = ledger.by_jurisdiction(year_end, level="city")
    assert by_city["total"].sum() == len(ledger) and by_city.height == 13


def test_the_example_runs_and_its_campaign_file_is_current(tmp_path: Path) -> None:
    out = tmp_path / "campaign.yaml"
    proc = subprocess.run(
        [sys.executable, str(EXAMPLE), "--write", str(out)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert "SYNTHETIC" in proc.stdout and "排名 Ranking" in proc.stdout
    assert "national_annual_2023" in proc.stdout
    # The committed campaign file is what the example writes.
    assert out.read_text(encoding="utf-8") == CAMPAIGN_FILE.read_text(encoding="utf-8")


def cli() -> typer.Typer:
    app = typer.Typer()
    app.command("findings")(findings)
    app.add_typer(campaign_app, name="campaign")
    return app


def test_cli_campaign_run_then_findings(tmp_path: Path) -> None:
    runner = CliRunner()
    jsonl, csv = tmp_path / "f.jsonl", tmp_path / "ranking.csv"
    res = runner.invoke(
        cli(),
        ["campaign", "run", str(CAMPAIGN_FILE), "--findings", str(jsonl), "--export", str(csv)],
    )
    assert res.exit_code == 0, res.output
    expected = run_campaign(load_campaign(CAMPAIGN_FILE), base=CAMPAIGN_FILE.parent)
    assert "SYNTHETIC" in res.output and f"problems found: {len(expected.findings)}" in res.output
    first = expected.result.results[0]
    assert first.name is not None and first.name in res.output
    assert len(IssueLedger.read(jsonl)) == len(expected.findings)
    assert csv.read_text(encoding="utf-8").count("\n") == 14  # header + 13 cities
    out = tmp_path / "aged.parquet"
    res = runner.invoke(
        cli(),
        ["findings", str(jsonl), "--as-of", "2018-12-31", "--by", "city", "--export", str(out)],
    )
    assert res.exit_code == 0, res.output
    assert f"{len(expected.findings)} findings, aged on 2018-12-31" in res.output
    import polars as pl

    assert pl.read_parquet(out).height == len(expected.findings)


def test_cli_errors_exit_2(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(cli(), ["findings"]).exit_code == 2
    assert runner.invoke(cli(), ["findings", "--sample", "nowhere"]).exit_code == 2
    bad_date = runner.invoke(cli(), ["findings", "--sample", "anyang", "--as-of", "31/12/2018"])
    assert bad_date.exit_code == 2
    broken = tmp_path / "c.yaml"
    broken.write_text("campaign: {campaign_id: x}\n", encoding="utf-8")
    res = runner.invoke(cli(), ["campaign", "run", str(broken)])
    assert res.exit_code == 2


def test_cli_findings_on_the_anyang_sample() -> None:
    res = CliRunner().invoke(cli(), ["findings", "--sample", "anyang", "--scale", "0.02"])
    assert res.exit_code == 0, res.output
    assert "SYNTHETIC" in res.output and "supervision_visit" in res.output and "audit" in res.output
