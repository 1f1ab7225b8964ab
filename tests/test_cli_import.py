"""``foodsafety import``: an export in, the canonical ledger and the problem report out."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from tests import import_fixtures as fx
from typer.testing import CliRunner

from foodsafety.cli.app import app
from foodsafety.ledger import load_ledger
from foodsafety.rules.import_profile import load_import_profile

runner = CliRunner()


def test_import_writes_the_ledger_and_the_report(tmp_path: Path) -> None:
    book = fx.county_workbook(tmp_path / "county.xlsx")
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            "import",
            str(book),
            "--profile",
            "county_workbook",
            "--out",
            str(out),
            "--as-of",
            "2023-03-01",
            "--report",
            "csv",
        ],
    )
    assert result.exit_code == 0, result.output
    ledger, report = load_ledger(out)
    assert report.ok
    assert ledger.counts()["businesses"] == 9
    problems = pl.read_csv(out / "problems.csv")
    assert problems.height == 12  # 3 errors, 9 warnings (the inferred county among them)
    assert set(problems.get_column("severity")) == {"error", "warning"}
    bad = problems.filter(pl.col("code") == "township.unknown").row(0, named=True)
    assert (bad["row"], bad["column"]) == (fx.ROW_BAD_TOWNSHIP, "所在乡镇")
    assert "Business.tier" in result.output  # the grouped summary


def test_import_proposes_a_profile(tmp_path: Path) -> None:
    book = fx.city_levels_workbook(tmp_path / "city.xlsx")
    target = tmp_path / "profile.yaml"
    result = runner.invoke(app, ["import", str(book), "--write-profile", str(target)])
    assert result.exit_code == 0, result.output
    profile = load_import_profile(target)
    groups = profile.tables["businesses"].cadres
    assert [g.header for g in groups] == [("县级包保领导",), ("乡镇包保干部",), ("村级包保干部",)]


def test_import_of_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["import", str(tmp_path / "nope.xlsx"), "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "no such file" in result.output


def test_import_reports_progress_to_the_end(tmp_path: Path) -> None:
    from foodsafety.ledger.importing import import_ledger

    book = fx.county_workbook(tmp_path / "county.xlsx")
    seen: list[tuple[str, int, int]] = []
    import_ledger(book, progress=lambda stage, done, total: seen.append((stage, done, total)))
    assert seen[0][0] == "read 包保主体台账"
    assert [d for _, d, _ in seen] == sorted(d for _, d, _ in seen)
    assert seen[-1][1] == seen[-1][2]
