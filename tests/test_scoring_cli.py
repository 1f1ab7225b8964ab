"""The ``score``, ``rank`` and ``rubric check`` commands, run with typer's CliRunner."""

from __future__ import annotations

import csv
import json
import runpy
from pathlib import Path

import yaml
from typer.testing import CliRunner

from foodsafety.cli._scoring import app
from foodsafety.rules.loading import RUBRIC_EXAMPLE

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def _cities() -> dict[str, dict[str, object]]:
    ns = runpy.run_path(str(ROOT / "examples" / "assessment_cohort.py"))
    cities, _ = ns["build"]()
    return cities  # type: ignore[no-any-return]


def test_score_prints_lines_and_exports(tmp_path: Path) -> None:
    ev = _cities()["合肥市"]
    src = tmp_path / "hefei.yaml"
    src.write_text(yaml.safe_dump(ev, allow_unicode=True), "utf-8")
    out_json, out_csv = tmp_path / "a.json", tmp_path / "a.csv"
    result = runner.invoke(
        app,
        ["score", "national_annual_2023", str(src), "--subject", "合肥市", "--lang", "en",
         "--json", str(out_json), "--csv", str(out_csv)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "sampling_on_time" in result.output and "合肥市: total" in result.output
    data = json.loads(out_json.read_text("utf-8"))
    assert data["subject"] == "合肥市" and data["rubric_id"] == "national_annual_2023"
    rows = list(csv.DictReader(out_csv.open(encoding="utf-8")))
    assert {r["id"] for r in rows} >= {"duty", "letters_signed", "innovation"}


def test_score_reports_missing_evidence_on_stderr(tmp_path: Path) -> None:
    ev = dict(_cities()["合肥市"])
    del ev["sampling_batches"]
    src = tmp_path / "e.json"
    src.write_text(json.dumps(ev), "utf-8")
    result = runner.invoke(app, ["score", "national_annual_2023", str(src)])
    assert result.exit_code == 2
    flat = result.output.replace("\n", "")
    assert "sampling_batches" in flat and "sampling_on_time" in flat


def test_rank_from_json_and_csv(tmp_path: Path) -> None:
    cities = _cities()
    src = tmp_path / "cities.json"
    src.write_text(json.dumps(cities, ensure_ascii=False), "utf-8")
    out_xlsx, out_csv = tmp_path / "r.xlsx", tmp_path / "r.csv"
    result = runner.invoke(
        app, ["rank", "national_annual_2023", str(src), "--excel", str(out_xlsx),
              "--csv", str(out_csv), "--lang", "en"]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "宿州市" in result.output and "vetoed" in result.output
    rows = list(csv.DictReader(out_csv.open(encoding="utf-8")))
    assert len(rows) == 16 and sum(r["grade"] == "A" for r in rows) <= 4
    assert out_xlsx.stat().st_size > 0
    # The same cohort from a CSV table with a subject column.
    table = tmp_path / "cities.csv"
    with table.open("w", encoding="utf-8", newline="") as fh:
        names = ["subject", *next(iter(cities.values()))]
        w = csv.DictWriter(fh, fieldnames=names)
        w.writeheader()
        for name, ev in cities.items():
            w.writerow(
                {
                    "subject": name,
                    **{k: str(v).lower() if isinstance(v, bool) else v for k, v in ev.items()},
                }
            )
    again = runner.invoke(
        app, ["rank", "national_annual_2023", str(table), "--csv", str(tmp_path / "b.csv")]
    )
    assert again.exit_code == 0, again.output
    assert list(csv.DictReader((tmp_path / "b.csv").open(encoding="utf-8"))) == rows


def test_rubric_check_ok_and_error_with_line(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(RUBRIC_EXAMPLE, "utf-8")
    ok = runner.invoke(app, ["rubric", "check", str(good)])
    assert ok.exit_code == 0, ok.output
    assert "letters_signed" in ok.output and "band A" in ok.output
    bad = tmp_path / "bad.yaml"
    bad.write_text(RUBRIC_EXAMPLE.replace("points: 5", "points: five"), "utf-8")
    err = runner.invoke(app, ["rubric", "check", str(bad)])
    assert err.exit_code == 2
    flat = err.output.replace("\n", "")  # rich wraps long paths on narrow terminals
    assert "bad.yaml:15" in flat and "points" in flat
    for preset in ("star_office", "demonstration_city", "provincial_member_units"):
        assert runner.invoke(app, ["rubric", "check", preset]).exit_code == 0
