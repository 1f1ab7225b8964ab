"""Rubric strategies and check_rubric: presets pass, broken rubrics and broken engines are caught."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings

import foodsafety.testing._checks as checks
from foodsafety import presets
from foodsafety.engines import scoring
from foodsafety.engines.scoring import assess_cohort, score
from foodsafety.errors import RuleError
from foodsafety.rules.loading import load_rubric
from foodsafety.rules.rubric import Rubric, StarScheme
from foodsafety.testing import (
    INVARIANTS,
    InvalidArgument,
    RubricPropertyError,
    check_rubric,
    check_rubric_file,
    cohort_evidence,
    evidence_for,
    evidence_specs,
    rubrics,
    run_properties,
)

BROKEN = Path(__file__).parent.parent / "examples" / "testing" / "broken_rubric.yaml"
FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

SCORED_PRESETS = [
    n for n in presets.assessment_presets() if isinstance(presets.load(n), Rubric | StarScheme)
]


def _base(name: str) -> Rubric:
    rule = presets.load(name)
    assert isinstance(rule, Rubric | StarScheme)
    return rule.rubric if isinstance(rule, StarScheme) else rule


@FAST
@given(rubrics())
def test_random_rubrics_round_trip_through_yaml(rubric: Rubric) -> None:
    text = yaml.safe_dump(json.loads(rubric.model_dump_json()), allow_unicode=True)
    assert load_rubric("drawn.yaml", text=text) == rubric


@FAST
@given(rubrics().flatmap(lambda r: evidence_for(r).map(lambda ev: (r, ev))))
def test_evidence_for_random_rubrics_is_accepted(pair: tuple[Rubric, dict[str, Any]]) -> None:
    rubric, ev = pair
    assert set(ev) == set(rubric.evidence_names())
    a = score(rubric, ev)
    assert 0 <= a.total <= rubric.max_total + 1e-9


@pytest.mark.parametrize("name", SCORED_PRESETS)
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=__import__("hypothesis").strategies.data())
def test_evidence_for_presets_is_accepted(name: str, data: Any) -> None:
    rubric = _base(name)
    cohort = data.draw(cohort_evidence(rubric, max_size=6))
    result = assess_cohort(rubric, cohort)
    assert len(result.assessments) == len(cohort)


@pytest.mark.parametrize("name", SCORED_PRESETS)
def test_check_rubric_passes_on_every_shipped_preset(name: str) -> None:
    report = check_rubric(presets.load(name), max_examples=20)  # type: ignore[arg-type]
    assert report.ok, report.format()
    assert [r.invariant for r in report.results] == list(INVARIANTS)
    json.dumps(report.to_dict())


@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
@given(rubrics(max_indicators=4))
def test_check_rubric_passes_on_random_rubrics(rubric: Rubric) -> None:
    report = check_rubric(rubric, max_examples=10, max_cohort=6)
    assert report.ok, report.format()


def test_broken_rubric_counterexample_is_found_and_real() -> None:
    report = check_rubric_file(str(BROKEN), max_examples=15)
    assert not report.ok
    assert [r.invariant for r in report.failures] == ["reachable"]
    ce = report.result("reachable").counterexample
    assert ce is not None and ce.where == "coverage"
    assert "band 2" in ce.message and "grade A needs a total of 25" in ce.message
    # The counterexample is real: even perfect coverage earns 6 of the 10 points.
    rubric = load_rubric(BROKEN)
    best = score(rubric, {**ce.evidence, "pairing_coverage": 1.0})
    assert best.line("coverage").earned == 6
    with pytest.raises(RubricPropertyError) as info:
        report.raise_if_failed()
    assert isinstance(info.value, RuleError) and info.value.field == "coverage"
    assert "FAIL reachable" in report.format() and "包保覆盖率" in report.format("zh")


def _rubric(**changes: Any) -> Rubric:
    data = json.loads(_base("provincial_member_units").model_dump_json(by_alias=True))
    data.update(changes)
    return Rubric.model_validate(data)


def test_non_monotone_bands_are_found_unless_declared() -> None:
    data = yaml.safe_load(BROKEN.read_text("utf-8"))
    data["sections"][0]["children"][0]["method"]["bands"] = [
        {"max": 0.05, "points": 10},  # an overdue rate: lower is better
        {"max": 0.2, "points": 5},
    ]
    data["grading"]["bands"] = [{"grade": "A", "min": 18}, {"grade": "B", "min": 12}]
    rubric = Rubric.model_validate(data)
    report = check_rubric(rubric, max_examples=40, invariants=["monotone", "reachable"])
    assert [r.invariant for r in report.failures] == ["monotone"]
    ce = report.result("monotone").counterexample
    assert ce is not None and ce.where == "coverage"
    lo, hi = ce.evidence["pairing_coverage"], ce.evidence["pairing_coverage (higher)"]
    assert lo < hi
    assert check_rubric(rubric, max_examples=40, non_monotone=["coverage"]).ok


def test_conflicting_evidence_kinds_are_reported() -> None:
    data = yaml.safe_load(BROKEN.read_text("utf-8"))
    data["grading"]["vetoes"][0]["when"] = {"flag": "visits"}  # visits is a count
    data["grading"]["bands"] = [{"grade": "A", "min": 18}, {"grade": "B", "min": 12}]
    data["sections"][0]["children"][0]["method"]["bands"].reverse()
    report = check_rubric(Rubric.model_validate(data), max_examples=5)
    assert [r.invariant for r in report.failures] == ["evidence"]
    assert "visits" in report.failures[0].counterexample.message  # type: ignore[union-attr]
    assert evidence_specs(Rubric.model_validate(data))["visits"].conflicts


# -- the checks catch a broken engine -----------------------------------------------------------


def _patched(monkeypatch: pytest.MonkeyPatch, name: str, fn: Any) -> None:
    monkeypatch.setattr(checks, name, fn)


def test_a_veto_ignored_by_the_engine_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    def lenient(rubric: Rubric, ev: Any, *, subject: str = "subject") -> scoring.Assessment:
        a = score(rubric, ev, subject=subject)
        if a.grade is not None and any(f.kind == "veto" for f in a.fired):
            return a.model_copy(update={"grade": a.band_grade})
        return a

    _patched(monkeypatch, "score", lenient)
    rubric = _rubric(
        grading={
            **json.loads(_base("provincial_member_units").grading.model_dump_json()),
            "quotas": [],
        }
    )  # type: ignore[union-attr]
    report = check_rubric(rubric, max_examples=60, invariants=["vetoes"])
    ce = report.result("vetoes").counterexample
    assert ce is not None and ce.where == "dereliction"
    assert ce.evidence["dereliction"] is True
    assert ce.evidence["warning_talk"] is False  # shrunk: only what matters is set


def test_a_quota_overrun_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    def generous(rubric: Rubric, evidences: Any) -> scoring.Cohort:
        c = assess_cohort(rubric, evidences)
        best = rubric.grading.grades[0].code  # type: ignore[union-attr]
        return c.model_copy(
            update={"assessments": [a.model_copy(update={"grade": best}) for a in c.assessments]}
        )

    _patched(monkeypatch, "assess_cohort", generous)
    report = check_rubric(
        _base("provincial_member_units"), max_examples=20, max_cohort=3, invariants=["quotas"]
    )
    ce = report.result("quotas").counterexample
    assert ce is not None and ce.where == "quota.excellent"
    assert len(ce.evidence) == 1  # shrunk: one subject, whose 40% quota is 0 places


def test_a_downgrade_that_raises_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    def upside_down(rubric: Rubric, ev: Any, *, subject: str = "subject") -> scoring.Assessment:
        a = score(rubric, ev, subject=subject)
        if a.grade is not None and any(f.kind == "downgrade" for f in a.fired):
            return a.model_copy(update={"grade": rubric.grading.grades[0].code})  # type: ignore[union-attr]
        return a

    _patched(monkeypatch, "score", upside_down)
    rubric = _rubric(
        grading={
            **json.loads(_base("provincial_member_units").grading.model_dump_json()),
            "quotas": [],
        }
    )  # type: ignore[union-attr]
    report = check_rubric(rubric, max_examples=60, invariants=["downgrades"])
    ce = report.result("downgrades").counterexample
    assert ce is not None and ce.where == "findings_unrectified"


def test_an_uncapped_bonus_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    def uncapped(rubric: Rubric, ev: Any, *, subject: str = "subject") -> scoring.Assessment:
        a = score(rubric, ev, subject=subject)
        lines = [
            ln.model_copy(update={"earned": ln.earned * 5}) if ln.kind == "bonus" else ln
            for ln in a.lines
        ]
        return a.model_copy(update={"lines": lines, "bonus_total": a.bonus_total * 5})

    _patched(monkeypatch, "score", uncapped)
    report = check_rubric(
        _base("provincial_member_units"), max_examples=20, invariants=["bonus_cap"]
    )
    ce = report.result("bonus_cap").counterexample
    assert ce is not None and ce.where == "commended"
    assert ce.evidence["commendations"] == 1  # shrunk: the least evidence that overruns


def test_run_properties_is_check_rubric() -> None:
    report = run_properties(_base("provincial_member_units"), max_examples=5, source="x.yaml")
    assert report.ok and report.source == "x.yaml"
    assert report.format().startswith("x.yaml: rubric provincial_member_units")


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: rubrics(min_indicators=0), "min_indicators"),
        (lambda: rubrics(methods=["guess"]), "methods"),
        (lambda: rubrics(grading=False, quotas=True), "quotas"),
        (lambda: evidence_for("national"), "rubric"),  # type: ignore[arg-type]
        (lambda: evidence_for(_base("star_office"), fixed={"nope": 1}), "fixed"),
        (lambda: cohort_evidence(_base("star_office"), min_size=0), "min_size"),
        (lambda: check_rubric(_base("star_office"), max_examples=0), "max_examples"),
        (lambda: check_rubric(_base("star_office"), invariants=["fast"]), "invariants"),
        (lambda: check_rubric(_base("star_office"), non_monotone=["x"]), "non_monotone"),
    ],
)
def test_bad_arguments_fail_at_once(call: Any, field: str) -> None:
    with pytest.raises(InvalidArgument) as info:
        call()
    assert info.value.field == field


def test_demonstration_schemes_are_refused(tmp_path: Path) -> None:
    target = tmp_path / "demo.yaml"
    target.write_text(
        (Path(presets.__file__).parent / "assessment" / "demonstration_city.yaml").read_text(
            "utf-8"
        ),
        "utf-8",
    )
    with pytest.raises(RuleError, match="no scores to check"):
        check_rubric_file(str(target))


def test_a_star_out_of_reach_is_reported() -> None:
    scheme = presets.load("star_office")
    assert isinstance(scheme, StarScheme)
    data = json.loads(scheme.model_dump_json(by_alias=True))
    top = max(data["stars"], key=lambda t: t["min_score"])
    top["min_score"] = scheme.rubric.max_total + 5
    broken = StarScheme.model_validate(data)
    report = check_rubric(broken, max_examples=5, invariants=["reachable"])
    ce = report.result("reachable").counterexample
    assert ce is not None and ce.where == f"stars.{top['star']}"
