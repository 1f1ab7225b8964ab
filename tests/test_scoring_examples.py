"""Example tests: the seeds' numbers, the presets, the loader's errors and the runnable examples."""

from __future__ import annotations

import datetime as dt
import json
import runpy
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from foodsafety import presets
from foodsafety.engines.offices import (
    StarProgramme,
    evaluate_demonstration,
    programme_report,
    rate_office,
    reevaluate,
    star_gap,
)
from foodsafety.engines.scoring import assess_cohort, compare, score
from foodsafety.errors import RecordValidationError, RuleError
from foodsafety.models.offices import DemonstrationTitle, StarRating, star_on
from foodsafety.rules.conditions import EvidenceError, condition_from_data, evaluate
from foodsafety.rules.loading import RUBRIC_EXAMPLE, load_rubric, select_version
from foodsafety.rules.rubric import Rubric
from foodsafety.vocab import DemonstrationStandard, StarLevel

ROOT = Path(__file__).resolve().parents[1]


def national_evidence(**changes: Any) -> dict[str, Any]:
    """Evidence of a county with seed 003's numbers, and ordinary values elsewhere."""
    base: dict[str, Any] = {
        "letters_signed": True,
        "duty_lists_issued": True,
        "committee_meetings": 4,
        "leader_inspections": 4,
        # seed 003: 1755 sampling batches, follow-up handled on time 100%
        "sampling_batches": 1755,
        "sampling_handled_on_time": 1755,
        "sampling_per_thousand": 4.2,
        "pairing_coverage": 1.0,
        "overdue_findings": 0,
        # seed 003: 40 workshops upgraded, 97.6% of the total (40 of 41)
        "workshop_upgrade_rate": 40 / 41,
        # seed 003: 169 businesses insured
        "insured_businesses": 169,
        # seed 003: 29 publicity events in the food-safety week
        "publicity_events": 29,
        "satisfaction_score": 85,
        "site_review_score": 15,
        "innovations_promoted": 0,
        "holds_demonstration_title": False,
        "criticised_notices": 0,
        "incidents": 0,
        "serious_incident_mishandled": False,
        "unrectified_prior_findings": 0,
        "major_accident_covered_up": False,
    }
    return {**base, **changes}


# -- seeds -------------------------------------------------------------------------------------


def test_seed_003_sampling_1755_batches_all_on_time_earn_full_points() -> None:
    a = score(presets.rubric(), national_evidence())
    line = a.line("sampling_on_time")
    assert line.earned == line.possible == 10
    assert line.evidence == {"sampling_handled_on_time": 1755, "sampling_batches": 1755}
    assert "1755/1755 = 100%" in line.reason_en
    late = score(presets.rubric(), national_evidence(sampling_handled_on_time=1700))
    assert late.line("sampling_on_time").earned == pytest.approx(10 * 1700 / 1755, abs=1e-6)


def test_seed_003_workshops_97_6_percent_and_169_insured() -> None:
    a = score(presets.rubric(), national_evidence())
    assert round(40 / 41 * 100, 1) == 97.6
    assert "97.56%" in a.line("workshop_upgrades").reason_en
    assert a.line("workshop_upgrades").earned == 10  # the target is 95%
    insured = a.line("liability_insurance")
    assert insured.earned == 5 and insured.evidence == {"insured_businesses": 169}
    fewer = score(presets.rubric(), national_evidence(insured_businesses=75))
    assert fewer.line("liability_insurance").earned == pytest.approx(2.5)


def test_seed_000_27_member_units_ten_excellent() -> None:
    ns = runpy.run_path(str(ROOT / "examples" / "assessment_cohort.py"))
    cities, units = ns["build"]()
    assert len(cities) == 16 and len(units) == 27
    result = assess_cohort(presets.rubric("provincial_member_units"), units)
    assert result.count("excellent") == 10
    # 40% of 27 rounded down is the quota: the 10 excellent are the best ranked without a downgrade
    excellent = [a for a in result.assessments if a.grade == "excellent"]
    assert all(not a.fired or all(f.kind != "downgrade" for f in a.fired) for a in excellent)
    warned = result.get("省教育厅")
    assert warned.band_grade == "excellent" and warned.grade == "good"
    assert any(f.id == "findings_unrectified" for f in warned.fired)


def test_seed_000_16_cities_quota_veto_and_downgrade() -> None:
    ns = runpy.run_path(str(ROOT / "examples" / "assessment_cohort.py"))
    cities, _ = ns["build"]()
    rubric = presets.rubric("national_annual_2023")
    result = assess_cohort(rubric, cities)
    assert result.count("A") <= 16 * 30 // 100
    assert result.get("宿州市").grade == "D"  # veto
    huaibei = result.get("淮北市")
    assert huaibei.grade is not None and huaibei.band_grade is not None
    assert rubric.grading is not None
    assert rubric.grading.index(huaibei.grade) == rubric.grading.index(huaibei.band_grade) + 1
    assert [a.rank for a in result.assessments] == sorted(a.rank or 0 for a in result.assessments)


# -- scoring behaviour -------------------------------------------------------------------------


def test_missing_evidence_names_the_indicator() -> None:
    ev = national_evidence()
    del ev["sampling_batches"]
    with pytest.raises(EvidenceError) as info:
        score(presets.rubric(), ev)
    assert info.value.field == "sampling_on_time"
    assert info.value.evidence == "sampling_batches"
    assert "sampling_on_time" in str(info.value)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("letters_signed", 1),
        ("letters_signed", "是"),
        ("pairing_coverage", "95%"),
        ("overdue_findings", -1),
        ("site_review_score", 16),
        ("pairing_coverage", float("nan")),
        ("pairing_coverage", 97.6),  # a percentage where a fraction is expected
        ("workshop_upgrade_rate", 1.6),
        ("major_accident_covered_up", None),
    ],
)
def test_ill_typed_evidence_is_an_error_not_a_zero(name: str, value: Any) -> None:
    with pytest.raises(EvidenceError) as info:
        score(presets.rubric(), national_evidence(**{name: value}))
    assert info.value.evidence == name


def test_single_score_leaves_quota_grades_to_the_cohort_but_applies_a_veto() -> None:
    rubric = presets.rubric()
    a = score(rubric, national_evidence())
    assert a.grade is None and a.band_grade == "B"
    assert "assess_cohort" in (a.grade_reason_en or "")
    vetoed = score(rubric, national_evidence(major_accident_covered_up=True))
    assert vetoed.grade == "D"


def test_bonus_and_deduction_caps_and_reasons() -> None:
    rubric = presets.rubric()
    a = score(
        rubric,
        national_evidence(innovations_promoted=5, holds_demonstration_title=True, incidents=4),
    )
    assert a.line("innovation").earned == 2  # item cap
    assert a.line("demonstration_title").earned == 1  # total bonus cap 3
    assert a.bonus_total == 3
    assert a.deduction_total == 10  # 4 x 3 = 12, capped at 10
    assert a.total == pytest.approx(100 + 3 - 10)
    assert "capped" in a.line("demonstration_title").reason_en


def test_mandatory_item_fires_a_downgrade_condition() -> None:
    a = score(presets.rubric(), national_evidence(letters_signed=False))
    assert a.mandatory_failed == ["letters_signed"]
    assert {f.id for f in a.fired} >= {"mandatory_missing", "letters_signed"}


def test_section_weight_scales_the_subtotal() -> None:
    data = Rubric.model_validate_json(presets.rubric().model_dump_json(by_alias=True)).model_dump(
        by_alias=True
    )
    data["sections"][0]["weight"] = 40.0
    rubric = Rubric.model_validate(data)
    assert rubric.max_points == 120
    a = score(rubric, national_evidence(committee_meetings=2, leader_inspections=2))
    # raw 15 of 20 -> 30 of 40
    assert a.line("duty").earned == pytest.approx(30)


def test_compare_names_the_indicator_that_explains_the_change() -> None:
    rubric = presets.rubric()
    before = score(rubric, national_evidence(overdue_findings=7), subject="2022")
    after = score(
        rubric, national_evidence(overdue_findings=1, publicity_events=18), subject="2023"
    )
    cmp = compare(before, after)
    assert cmp.delta == pytest.approx(6 - 0.5)
    assert cmp.main_cause is not None and cmp.main_cause.id == "overdue_findings"
    assert "overdue" in cmp.explain().lower() or "Overdue" in cmp.explain()
    assert cmp.to_dict()["changes"][0]["id"] in ("overdue_findings", "risk")


def test_ties_at_the_quota_boundary_are_excluded_not_exceeded() -> None:
    rubric = presets.rubric()
    strong = national_evidence()
    cohort = {f"c{i}": dict(strong) for i in range(5)}  # five equal totals
    cohort.update({f"w{i}": national_evidence(site_review_score=5) for i in range(5)})
    result = assess_cohort(rubric, cohort)
    assert result.count("A") == 0  # quota 3 of 10; a tied group of 5 does not fit
    assert {a.rank for a in result.assessments if a.subject.startswith("c")} == {1}


# -- conditions --------------------------------------------------------------------------------


def test_condition_forms_and_interpreter() -> None:
    c = condition_from_data(
        {
            "all": [
                {"op": "ge", "evidence": "rate", "value": 0.9},
                {"not": {"flag": "covered_up"}},
                {"count": [{"flag": "a"}, {"flag": "b"}, {"flag": "c"}], "at_least": 2},
                {"any": [{"op": "in", "evidence": "level", "value": ["city", "county"]}]},
            ]
        }
    )
    ev = {"rate": 0.95, "covered_up": False, "a": True, "b": True, "c": False, "level": "city"}
    assert evaluate(c, ev) is True
    assert evaluate(c, {**ev, "b": False}) is False
    assert evaluate(c, {**ev, "rate": 0.5}) is False
    with pytest.raises(EvidenceError):
        evaluate(c, {k: v for k, v in ev.items() if k != "c"})


@pytest.mark.parametrize(
    "bad",
    [
        {"op": "ge", "evidence": "x"},
        {"op": "between", "evidence": "x", "value": 1},
        {"op": "ge", "evidence": "x", "value": "high"},
        {"flag": "x", "op": "eq"},
        {"count": []},
        "x > 3",
        {"eval": "__import__('os')"},
    ],
)
def test_malformed_conditions_are_rule_errors_with_an_example(bad: Any) -> None:
    with pytest.raises(RuleError) as info:
        condition_from_data(bad)
    assert "op: ge" in str(info.value)


# -- loading -----------------------------------------------------------------------------------


def test_loader_error_names_file_line_and_key() -> None:
    text = RUBRIC_EXAMPLE.replace("points: 5", "points: -5")
    with pytest.raises(RuleError) as info:
        load_rubric("bad.yaml", text=text)
    line = next(i for i, s in enumerate(text.splitlines(), 1) if "points: -5" in s)
    assert str(info.value).startswith(f"bad.yaml:{line}: sections.0.children.0.points")
    assert info.value.row == line
    assert "id: my_rubric" in str(info.value)  # a valid example


def test_loader_reports_unknown_method_and_yaml_syntax() -> None:
    with pytest.raises(RuleError, match=r"bad.yaml:\d+: sections.0.children.0.method"):
        load_rubric("bad.yaml", text=RUBRIC_EXAMPLE.replace("method: yes_no", "method: yesno"))
    with pytest.raises(RuleError, match=r"bad.yaml:\d+: not valid YAML"):
        load_rubric("bad.yaml", text="id: [unclosed\n")
    with pytest.raises(RuleError, match="kind must be one of"):
        load_rubric("bad.yaml", text="kind: recipe\n" + RUBRIC_EXAMPLE)


def test_yaml_is_loaded_safely() -> None:
    evil = "!!python/object/apply:os.system ['echo pwned']\n"
    with pytest.raises(RuleError, match="not valid YAML"):
        load_rubric("evil.yaml", text=evil)


def test_versions_pick_the_one_in_force() -> None:
    body = "\n".join(
        "  " + ln for ln in RUBRIC_EXAMPLE.splitlines() if not ln.startswith("effective")
    )
    text = (
        "versions:\n"
        + "- effective: 2022-01-01\n  version: '2022'\n"
        + body.replace("  id: my_rubric", "  id: my_rubric", 1)
        + "\n- effective: 2023-01-01\n  version: '2023'\n"
        + body
    )
    text = text.replace("\n  id: my_rubric", "\n  id: my_rubric")
    assert load_rubric("v.yaml", text=text).version == "2023"
    assert load_rubric("v.yaml", text=text, as_of=dt.date(2022, 6, 1)).version == "2022"
    with pytest.raises(RuleError, match="no version"):
        load_rubric("v.yaml", text=text, as_of=dt.date(2021, 6, 1))


def test_every_preset_documents_its_source_and_round_trips() -> None:
    for name in presets.assessment_presets():
        rule = presets.load(name)
        assert rule.description and rule.reference.title and rule.effective
        assert rule.notes, f"{name} must say which numbers the locality decides"
        again = type(rule).model_validate_json(rule.model_dump_json(by_alias=True))
        assert again == rule
    with pytest.raises(RuleError, match="presets: "):
        presets.load("nope")
    assert select_version([presets.rubric()]).id == "national_annual_2023"


def test_rubric_validation_rejects_inconsistent_rules() -> None:
    data = presets.rubric().model_dump(by_alias=True)
    data["grading"]["bands"] = [{"grade": "B", "min": 50}, {"grade": "C", "min": 60}]
    with pytest.raises(RecordValidationError, match="higher total for a better grade"):
        Rubric.model_validate(data)
    data = presets.rubric().model_dump(by_alias=True)
    data["bonuses"][0]["id"] = "letters_signed"
    with pytest.raises(RecordValidationError, match="used twice"):
        Rubric.model_validate(data)


# -- stars and demonstration -------------------------------------------------------------------


def star_evidence(**changes: Any) -> dict[str, Any]:
    base = {
        "office_established": True,
        "full_time_staff": 3,
        "meeting_system": True,
        "ledgers_kept": True,
        "pairing_coverage": 1.0,
        "coordinator_coverage": 1.0,
        "training_events": 4,
        "quick_tests": 100,
        "complaints_on_time_rate": 1.0,
    }
    return {**base, **changes}


def test_mandatory_item_blocks_a_star_whatever_the_score() -> None:
    scheme = presets.star_scheme()
    assert rate_office(scheme, star_evidence()).star is StarLevel.FIVE
    r = rate_office(scheme, star_evidence(ledgers_kept=False))
    assert r.assessment.total == 90  # enough points for four stars
    assert r.star is StarLevel.THREE
    assert r.check(StarLevel.FOUR).missing_mandatory == ["ledgers"]
    gap = star_gap(scheme, r, StarLevel.FOUR)
    assert not gap.reached and gap.points_needed == 0
    assert gap.items[0].id == "ledgers" and gap.items[0].mandatory
    # the five-star condition: at least three full-time staff
    assert rate_office(scheme, star_evidence(full_time_staff=2)).star is StarLevel.FOUR


def test_star_history_and_programme_of_seed_003() -> None:
    ratings = [
        StarRating(office="a", star=StarLevel.THREE, rated_on=dt.date(2020, 1, 1)),
        StarRating(
            office="a",
            star=StarLevel.FOUR,
            rated_on=dt.date(2021, 1, 1),
            revoked_on=dt.date(2021, 6, 1),
        ),
    ]
    assert star_on(ratings, "a", dt.date(2021, 3, 1)) is StarLevel.FOUR
    assert star_on(ratings, "a", dt.date(2021, 7, 1)) is StarLevel.THREE
    assert star_on(ratings, "a", dt.date(2019, 7, 1)) is None
    ns = runpy.run_path(str(ROOT / "examples" / "star_offices.py"))
    programme: StarProgramme = ns["PROGRAMME"]
    assert programme.coverage is StarLevel.THREE
    assert programme.new == {StarLevel.FIVE: 1, StarLevel.FOUR: 2}
    assert programme.subsidy_yuan == 1_400_000
    cands = ns["CANDIDATES"]
    counts = {s: sum(1 for v in cands.values() if v is s) for s in StarLevel}
    assert (counts[StarLevel.FIVE], counts[StarLevel.FOUR], counts[StarLevel.THREE]) == (1, 4, 2)
    baseline = {n: star_on(ns["HISTORY"], n, dt.date(2022, 1, 1)) for n in ns["EVIDENCE"]}
    report = programme_report(
        programme, presets.star_scheme(), ns["EVIDENCE"], baseline=baseline, candidates=cands
    )
    assert report.total == 12 and not report.met
    assert report.new_reached[StarLevel.FIVE] == 1
    lagging = {p.office for p in report.must_improve()}
    assert "桃源乡" in lagging and "城关街道" not in lagging
    assert report.covered == sum(
        1 for p in report.offices if p.current is not None and p.current.stars >= 3
    )
    # Fix every lagging office: the coverage part of the target is then met.
    fixed = {n: star_evidence() if n in lagging else e for n, e in ns["EVIDENCE"].items()}
    again = programme_report(programme, presets.star_scheme(), fixed, baseline=baseline)
    assert again.covered == again.total == 12


def test_demonstration_needs_all_three_standards_and_revokes_on_reevaluation() -> None:
    scheme = presets.demonstration_scheme()
    assert {s.standard for s in scheme.standards} == set(DemonstrationStandard)
    ok = {"satisfaction_score": 75, "document_review_score": 85, "site_check_score": 85}
    assert evaluate_demonstration(scheme, ok).passed
    for key in ok:
        r = evaluate_demonstration(scheme, {**ok, key: 10})
        assert not r.passed and len(r.failed()) == 1
    with pytest.raises(EvidenceError, match="site_check_score"):
        evaluate_demonstration(scheme, {k: v for k, v in ok.items() if k != "site_check_score"})
    titles = [
        DemonstrationTitle(
            subject=s, title_zh="示范城市", level="city", granted_on=dt.date(2018, 12, 1)
        )
        for s in ("x", "y")
    ]
    out = reevaluate(
        scheme, titles, {"x": ok, "y": {**ok, "satisfaction_score": 60}}, on=dt.date(2020, 11, 30)
    )
    assert [t.subject for t in out.kept] == ["x"]
    (lost,) = out.revoked
    assert lost.subject == "y" and lost.revoked_on == dt.date(2020, 11, 30)
    assert not lost.held_on(dt.date(2021, 1, 1)) and lost.held_on(dt.date(2019, 1, 1))
    assert "群众满意度" in (lost.revoked_reason or "")


# -- examples ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("assessment_cohort.py", ["excellent: 10 of 27", "一票否决", "16 cities"]),
        ("star_offices.py", ["新增五星级1个(目标1个)", "offices must improve", "140万元"]),
        (
            "demonstration_cities.py",
            [
                "named: 15 of 18",
                "kept: 13, revoked: 2",
                "follow-up check (回头看) of 18 first-batch counties",
                "re-evaluation (复评) of 5 counties",
            ],
        ),
    ],
)
def test_examples_run(script: str, expected: list[str]) -> None:
    out = subprocess.run(
        [sys.executable, str(ROOT / "examples" / script)],
        capture_output=True,
        text=True,
        check=True,
        env={"HYPOTHESIS_NO_PLUGINS": "1", "PATH": "/usr/bin:/bin", "PYTHONIOENCODING": "utf-8"},
    ).stdout
    for text in expected:
        assert text in out


def test_rubric_json_schema_describes_the_file_format() -> None:
    from foodsafety.rules.loading import rubric_json_schema

    schema = rubric_json_schema()
    assert {"sections", "grading", "effective", "reference"} <= set(schema["properties"])
    text = json.dumps(schema)
    for method in ("yes_no", "rate", "bands", "deduction", "count_target", "manual"):
        assert method in text


# -- scenario tests as data --------------------------------------------------------------------


def test_shipped_scenarios_pass() -> None:
    from foodsafety.engines.scenarios import run_scenarios

    files = presets.assessment_scenarios()
    assert {"national_annual_2023", "provincial_member_units"} <= set(files)
    for path in files.values():
        outcomes = run_scenarios(path)
        assert outcomes and all(o.passed for o in outcomes), [o for o in outcomes if not o.passed]


def test_a_wrong_expectation_fails_with_the_reason(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from foodsafety.cli._scoring import app
    from foodsafety.engines.scenarios import run_scenarios

    src = Path(presets.assessment_scenarios()["national_annual_2023"]).read_text("utf-8")
    wrong = src.replace(
        "expect: {lines: {sampling_on_time: 9.6866}}", "expect: {lines: {sampling_on_time: 9}}"
    )
    wrong = wrong.replace("grades: {a: A, b: A", "grades: {a: B, b: A")
    path = tmp_path / "wrong.yaml"
    path.write_text(wrong, "utf-8")
    outcomes = run_scenarios(path)
    failed = [o for o in outcomes if not o.passed]
    assert len(failed) == 2
    assert "line sampling_on_time: expected 9.0, got 9.6866" in failed[0].failures[0]
    assert "grade of a: expected B, got A" in failed[1].failures
    result = CliRunner().invoke(app, ["rubric", "test", str(path)])
    assert result.exit_code == 1 and "FAIL" in result.output and "2 failed" in result.output


# -- batch path errors -------------------------------------------------------------------------


def test_batch_path_names_indicator_column_and_row() -> None:
    import polars as pl

    from foodsafety.engines.scoring import rank_frame, score_frame

    rows = [{"subject": f"c{i}", **national_evidence()} for i in range(4)]
    frame = pl.DataFrame(rows)
    assert score_frame(presets.rubric(), frame).get_column("total").to_list() == [100.0] * 4
    cases = [
        (frame.drop("sampling_batches"), "sampling_batches", "evidence.missing", None),
        (frame.with_columns(pl.col("letters_signed").cast(pl.Int64)), "letters_signed",
         "evidence.type", None),
        (frame.with_columns(pl.when(pl.col("subject") == "c2").then(None)
                            .otherwise(pl.col("incidents")).alias("incidents")),
         "incidents", "evidence.missing", 2),
        (frame.with_columns(pl.when(pl.col("subject") == "c3").then(97.6)
                            .otherwise(pl.col("pairing_coverage")).alias("pairing_coverage")),
         "pairing_coverage", "evidence.range", 3),
        (frame.with_columns(pl.lit(-1).alias("overdue_findings")), "overdue_findings",
         "evidence.type", 0),
    ]  # fmt: skip
    for bad, column, code, row in cases:
        with pytest.raises(EvidenceError) as info:
            score_frame(presets.rubric(), bad)
        assert (info.value.column, info.value.code, info.value.row) == (column, code, row)
    with pytest.raises(EvidenceError, match="more than once"):
        rank_frame(presets.rubric(), pl.concat([frame, frame.head(1)]))


def test_compare_across_rubric_versions_lists_added_and_removed_lines() -> None:
    rubric = presets.rubric()
    data = rubric.model_dump(by_alias=True)
    data["version"] = "2024.1"
    data["sections"][0]["children"] = data["sections"][0]["children"][:3]  # drop an indicator
    data["sections"][0]["children"].append(
        {
            "id": "food_safety_director",
            "name_zh": "企业配备食品安全总监",
            "name_en": "Businesses with a food safety director",
            "points": 5,
            "method": {"method": "rate", "evidence": "director_rate"},
        }
    )
    newer = Rubric.model_validate(data)
    before = score(rubric, national_evidence(), subject="2023")
    after = score(newer, national_evidence(director_rate=0.4), subject="2024")
    cmp = compare(before, after)
    by_id = {c.id: c for c in cmp.changes}
    assert by_id["leader_inspections"].after is None and by_id["leader_inspections"].before == 5
    assert by_id["food_safety_director"].before is None
    assert by_id["food_safety_director"].after == pytest.approx(2)
    assert cmp.delta == pytest.approx(-3)
    assert cmp.main_cause is not None and cmp.main_cause.id == "leader_inspections"
    assert "等次" not in cmp.explain("zh")  # neither side is graded alone (rank quotas)
    assert "grade -" in before.explain()
