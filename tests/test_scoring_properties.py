"""Invariants of rubric scoring, checked on random rubrics and evidence (hypothesis)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from foodsafety.engines.scoring import Assessment, assess_cohort, score
from foodsafety.rules.rubric import Rubric
from scoring_strategies import evidence_for, rubrics

FAST = settings(max_examples=40)


@st.composite
def rubric_and_evidence(draw: st.DrawFn, **kw: Any) -> tuple[Rubric, dict[str, Any]]:
    r = draw(rubrics(**kw))
    return r, draw(evidence_for(r))


@st.composite
def rubric_and_cohort(draw: st.DrawFn, **kw: Any) -> tuple[Rubric, dict[str, dict[str, Any]]]:
    r = draw(rubrics(**kw))
    n = draw(st.integers(1, 12))
    cohort = {f"s{i:02d}": draw(evidence_for(r)) for i in range(n)}
    # Some subjects share evidence so that ties occur.
    if n > 2 and draw(st.booleans()):
        cohort["s01"] = dict(cohort["s00"])
    return r, cohort


@FAST
@given(rubric_and_evidence())
def test_total_stays_within_zero_and_max_plus_bonus_cap(
    case: tuple[Rubric, dict[str, Any]],
) -> None:
    rubric, ev = case
    a = score(rubric, ev)
    assert 0.0 <= a.total <= rubric.max_points + rubric.bonus_cap + 1e-9
    assert 0.0 <= a.base_total <= rubric.max_points + 1e-9
    for ln in a.lines:
        if ln.kind in ("indicator", "section"):
            assert -1e-9 <= ln.earned <= ln.possible + 1e-9, ln


@FAST
@given(rubric_and_evidence())
def test_bonus_never_exceeds_its_caps(case: tuple[Rubric, dict[str, Any]]) -> None:
    rubric, ev = case
    a = score(rubric, ev)
    assert a.bonus_total <= rubric.bonus_cap + 1e-9
    caps = {b.id: b.cap for b in rubric.bonuses}
    for ln in a.lines:
        if ln.kind == "bonus" and caps[ln.id] is not None:
            assert ln.earned <= caps[ln.id] + 1e-9  # type: ignore[operator]
    if rubric.deduction_cap is not None:
        assert a.deduction_total <= rubric.deduction_cap + 1e-9


@FAST
@given(rubric_and_evidence())
def test_veto_always_yields_the_lowest_grade(case: tuple[Rubric, dict[str, Any]]) -> None:
    rubric, ev = case
    assert rubric.grading is not None
    ev = {**ev, "veto": True}
    assert score(rubric, ev).grade == rubric.grading.lowest.code
    cohort = assess_cohort(rubric, {"x": ev, "y": {**ev, "veto": False}})
    assert cohort.get("x").grade == rubric.grading.lowest.code


def _idx(rubric: Rubric, a: Assessment) -> int:
    assert rubric.grading is not None and a.grade is not None
    return rubric.grading.index(a.grade)


@FAST
@given(rubric_and_evidence(quotas=False))
def test_downgrade_never_raises_a_grade_alone(case: tuple[Rubric, dict[str, Any]]) -> None:
    rubric, ev = case
    clean = score(rubric, {**ev, "dg1": False, "dg2": 0, "veto": False})
    down = score(rubric, {**ev, "dg1": True, "dg2": 0, "veto": False})
    down2 = score(rubric, {**ev, "dg1": True, "dg2": 1, "veto": False})
    assert _idx(rubric, clean) <= _idx(rubric, down) <= _idx(rubric, down2)
    lowest = len(rubric.grading.grades) - 1  # type: ignore[union-attr]
    assert _idx(rubric, down) == min(lowest, _idx(rubric, clean) + 1)


@FAST
@given(rubric_and_cohort(), st.data())
def test_downgrade_never_raises_a_grade_in_a_cohort(
    case: tuple[Rubric, dict[str, dict[str, Any]]], data: st.DataObject
) -> None:
    rubric, cohort = case
    who = data.draw(st.sampled_from(sorted(cohort)))
    before = assess_cohort(rubric, cohort).get(who)
    cohort[who] = {**cohort[who], "dg1": True}
    after = assess_cohort(rubric, cohort).get(who)
    assert _idx(rubric, after) >= _idx(rubric, before)


@FAST
@given(rubric_and_cohort(quotas=True))
def test_rank_quotas_are_never_exceeded(case: tuple[Rubric, dict[str, dict[str, Any]]]) -> None:
    rubric, cohort = case
    result = assess_cohort(rubric, cohort)
    assert rubric.grading is not None
    for q in rubric.grading.quotas:
        assert result.count(q.grade) <= q.size(len(cohort))
    ranks = [a.rank for a in result.assessments]
    assert ranks == sorted(ranks)
    assert all(a.grade is not None for a in result.assessments)


@FAST
@given(rubric_and_cohort(quotas=True))
def test_quota_grade_goes_only_to_subjects_without_downgrade_or_veto(
    case: tuple[Rubric, dict[str, dict[str, Any]]],
) -> None:
    rubric, cohort = case
    result = assess_cohort(rubric, cohort)
    top = rubric.grading.grades[0].code  # type: ignore[union-attr]
    for a in result.assessments:
        if any(f.kind in ("downgrade", "veto") for f in a.fired):
            assert a.grade != top


@FAST
@given(rubric_and_evidence(), st.data())
def test_more_evidence_never_lowers_a_monotone_indicator(
    case: tuple[Rubric, dict[str, Any]], data: st.DataObject
) -> None:
    rubric, ev = case
    ind = data.draw(st.sampled_from(rubric.indicators()))
    m = ind.method
    if m.method == "rate" and m.evidence is None:
        name = m.numerator
        more = min(ev[name] + data.draw(st.integers(0, 50)), ev[m.denominator])
    elif m.method == "yes_no":
        name, more = m.evidence, True
    elif m.method == "manual":
        name = m.evidence
        hi = ind.points if m.max is None else m.max
        more = data.draw(st.floats(ev[name], hi))
    else:
        name = m.evidence
        step = (
            data.draw(st.floats(0, 50))
            if m.method in ("rate", "bands")
            else data.draw(st.integers(0, 50))
        )
        more = ev[name] + step
        if m.method == "rate":  # above 1.5 a rate is refused as a likely percentage
            more = min(1.5, more)
    before = score(rubric, ev)
    after = score(rubric, {**ev, name: more})
    if m.monotone:
        assert after.line(ind.id).earned >= before.line(ind.id).earned - 1e-9
        assert after.base_total >= before.base_total - 1e-9
    else:  # deductions: more occurrences never raise the score
        assert after.line(ind.id).earned <= before.line(ind.id).earned + 1e-9


@FAST
@given(rubric_and_evidence())
def test_assessment_round_trips_through_json(case: tuple[Rubric, dict[str, Any]]) -> None:
    rubric, ev = case
    a = score(rubric, ev)
    assert Assessment.model_validate_json(a.model_dump_json()) == a
    assert Rubric.model_validate_json(rubric.model_dump_json(by_alias=True)) == rubric


@settings(max_examples=40)
@given(rubric_and_cohort())
def test_batch_path_agrees_with_score(case: tuple[Rubric, dict[str, dict[str, Any]]]) -> None:
    import polars as pl

    from foodsafety.engines.scoring import score_frame

    rubric, cohort = case
    frame = pl.DataFrame(
        [{"subject": s, **ev} for s, ev in cohort.items()],
        infer_schema_length=None,
    )
    # Floats drawn as integers would infer as Int64; cast evidence the rubric reads as rates.
    out = score_frame(rubric, frame)
    assert out.height == len(cohort)
    for row in out.iter_rows(named=True):
        a = score(rubric, cohort[row["subject"]], subject=row["subject"])
        assert abs(row["total"] - a.total) < 1e-6
        assert abs(row["bonus_total"] - a.bonus_total) < 1e-6
        assert row["band_grade"] == a.band_grade
        assert row["grade"] == a.grade
        for ln in a.lines:
            if ln.kind in ("indicator", "section"):
                assert abs(row[f"score.{ln.id}"] - ln.earned) < 1e-6, ln.id


@settings(max_examples=40)
@given(rubric_and_cohort())
def test_batch_ranking_agrees_with_assess_cohort(
    case: tuple[Rubric, dict[str, dict[str, Any]]],
) -> None:
    import polars as pl

    from foodsafety.engines.scoring import rank_frame

    rubric, cohort = case
    frame = pl.DataFrame(
        [{"subject": s, **ev} for s, ev in cohort.items()], infer_schema_length=None
    )
    batch = rank_frame(rubric, frame)
    loop = assess_cohort(rubric, cohort)
    assert batch.get_column("subject").to_list() == [a.subject for a in loop.assessments]
    assert batch.get_column("rank").to_list() == [a.rank for a in loop.assessments]
    assert batch.get_column("grade").to_list() == [a.grade for a in loop.assessments]
    assert batch.get_column("grade_reason_en").to_list() == [
        a.grade_reason_en for a in loop.assessments
    ]
