"""Campaign tests: seed 002's two rubrics, campaign records, running and feeding a campaign."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foodsafety.engines.campaign import annual_evidence, campaign_findings, run_campaign
from foodsafety.errors import BulkValidationError, RecordValidationError, RuleError
from foodsafety.models.campaign import (
    Campaign,
    CampaignRubric,
    EvidenceFeed,
    Inspection,
    InspectionGroup,
    InspectionProblem,
    Phase,
    SelfInspectionReport,
)
from foodsafety.presets._campaign import (
    CAMPAIGN_2018_RUBRICS,
    campaign_presets,
    campaign_rubric,
    resolve_rubric,
)
from foodsafety.rules.rubric import Deduction, Rate, Section
from foodsafety.vocab import CampaignPhase, FindingSource, Severity

D = dt.date
MATTERS, RISKS = CAMPAIGN_2018_RUBRICS


# -- the presets of seed 002 ---------------------------------------------------------------------


def test_the_two_rubrics_have_the_seeds_areas() -> None:
    assert set(CAMPAIGN_2018_RUBRICS) <= set(campaign_presets())
    matters, risks = campaign_rubric(MATTERS), campaign_rubric(RISKS)
    # "……等11个方面内容" and "主要排查12个方面的问题" (seed 002).
    assert len(matters.sections) == 11 and len(risks.sections) == 12
    assert matters.max_points == 100 and risks.max_points == 100
    names = " ".join(i.name_zh for i in risks.indicators())
    for phrase in (
        "乳制品冷链",
        "出厂检验",
        "桶装饮用水",
        "一非两超",
        "中央厨房",
        "农家宴",
        "同标同质",
        "臭脚盐",
        "保健食品",
        "第二类精神药品",
        "挂证",
        "医疗器械",
        "美容美发",
    ):
        assert phrase in names, phrase
    assert "食盐质量安全监管职能承接" in " ".join(i.name_zh for i in matters.indicators())
    # The seed lists 13 problems under "12 areas": all 13 kept, two drug problems in one area.
    drug = risks.node("drug_risks")
    assert isinstance(drug, Section) and len(drug.children) == 2
    assert len(risks.indicators()) == 13
    assert all(isinstance(i.method, Rate) for i in matters.indicators())
    assert all(isinstance(i.method, Deduction) for i in risks.indicators())
    for r in (matters, risks):
        assert "example" in r.description.lower() and r.effective == D(2018, 6, 11)


def test_unknown_rubric_names_the_presets() -> None:
    with pytest.raises(RuleError, match="key_risk_points_2018"):
        campaign_rubric("nope")
    with pytest.raises(RuleError, match="neither"):
        resolve_rubric("no_such_rubric")
    assert resolve_rubric("national_annual_2023").id == "national_annual_2023"


# -- records -------------------------------------------------------------------------------------

PHASES = (
    Phase(phase=CampaignPhase.SELF_INSPECTION, start=D(2018, 6, 12), end=D(2018, 6, 22)),
    Phase(phase=CampaignPhase.INSPECTION, start=D(2018, 6, 25), end=D(2018, 7, 6)),
    Phase(phase=CampaignPhase.SUMMARY, start=D(2018, 7, 9), end=D(2018, 7, 20)),
)


def campaign(**kw: Any) -> Campaign:
    data: dict[str, Any] = {
        "campaign_id": "t2018",
        "title_zh": "大督查大排查大落实",
        "title_en": "campaign",
        "province": "320000",
        "year": 2018,
        "phases": PHASES,
        "groups": (
            InspectionGroup(
                group_id="G1", name="第一督查组", leader="组长一", subjects=("320100", "321100")
            ),
            InspectionGroup(
                group_id="G2", name="第二督查组", leader="组长二", subjects=("320500",)
            ),
        ),
        "rubrics": (
            CampaignRubric(rubric=MATTERS, weight=1),
            CampaignRubric(rubric=RISKS, weight=3),
        ),
        "feeds": (
            EvidenceFeed(evidence="site_review_score", source="combined_percent", scale=0.15),
            EvidenceFeed(evidence="risk_pct", source="rubric_percent", rubric=RISKS),
            EvidenceFeed(evidence="campaign_rank", source="rank"),
            EvidenceFeed(evidence="campaign_problems", source="problems"),
        ),
    }
    data.update(kw)
    return Campaign.model_validate(data)


def test_campaign_refuses_bad_structure() -> None:
    with pytest.raises(RecordValidationError, match="two groups"):
        campaign(
            groups=(
                InspectionGroup(group_id="G1", name="a", leader="x", subjects=("320100",)),
                InspectionGroup(group_id="G2", name="b", leader="y", subjects=("320100",)),
            )
        )
    with pytest.raises(RecordValidationError, match="not within 320000"):
        campaign(
            groups=(InspectionGroup(group_id="G1", name="a", leader="x", subjects=("410500",)),)
        )
    with pytest.raises(RecordValidationError, match="must start on or after"):
        campaign(
            phases=(
                PHASES[0],
                Phase(phase=CampaignPhase.INSPECTION, start=D(2018, 6, 20), end=D(2018, 7, 6)),
            )
        )
    with pytest.raises(RecordValidationError, match="not one of"):
        campaign(feeds=(EvidenceFeed(evidence="x", source="rubric_percent", rubric="other"),))
    with pytest.raises(RecordValidationError):
        EvidenceFeed(evidence="x", source="combined_percent", rubric=RISKS)
    with pytest.raises(RecordValidationError, match="exceed"):
        SelfInspectionReport(
            subject="320100", submitted_on=D(2018, 6, 20), problems_found=1, problems_rectified=2
        )


def full_progress(rate: float) -> dict[str, bool | int | float]:
    return {
        i.method.evidence: rate  # type: ignore[union-attr]
        for i in campaign_rubric(MATTERS).indicators()
    }


INSPECTED = D(2018, 6, 26)


def inspections(
    progress: dict[str, float], problems: dict[str, int], day: dt.date = INSPECTED
) -> list[Inspection]:
    groups = {"320100": "G1", "321100": "G1", "320500": "G2"}
    out = []
    for city, group in groups.items():
        out.append(
            Inspection(
                group_id=group,
                subject=city,
                rubric=MATTERS,
                date=day,
                evidence=full_progress(progress[city]),
            )
        )
        out.append(
            Inspection(
                group_id=group,
                subject=city,
                rubric=RISKS,
                date=day,
                problems=tuple(
                    InspectionProblem(
                        title=f"乳制品冷链问题{i}", area="dairy_cold_chain", severity=Severity.MAJOR
                    )
                    for i in range(problems[city])
                ),
            )
        )
    return out


def test_run_ranks_by_weighted_percent_and_feeds_the_annual_rubric() -> None:
    c = campaign()
    progress = {"320100": 1.0, "321100": 0.75, "320500": 1.0}
    problems = {"320100": 0, "321100": 1, "320500": 3}
    reports = [
        SelfInspectionReport(subject="320100", submitted_on=D(2018, 6, 20)),
        SelfInspectionReport(subject="320500", submitted_on=D(2018, 6, 23)),
    ]
    run = run_campaign(c, inspections(progress, problems), reports=reports)
    res = run.result
    # Matters: progress 0.75 between floor 0.5 and target 1.0 earns half of every area: 50%.
    # Risks: dairy cold chain loses 2 points per problem (10 at most): 98% and 94%.
    expected = {
        "320100": (100.0, 100.0),
        "321100": (50.0, 98.0),
        "320500": (100.0, 94.0),
    }
    for city, (m, r) in expected.items():
        got = res.get(city)
        assert got.percents == {MATTERS: pytest.approx(m), RISKS: pytest.approx(r)}
        assert got.combined_percent == pytest.approx((1 * m + 3 * r) / 4)
    assert [r.subject for r in res.results] == ["320100", "320500", "321100"]
    assert [r.rank for r in res.results] == [1, 2, 3]
    assert res.get("320100").name == "南京市" and res.get("320500").group_id == "G2"
    # Feeds: 0.15 × combined percent, the risk percent, the rank and the problems.
    ev = res.evidence["320500"]
    assert ev["site_review_score"] == pytest.approx(0.15 * (100 + 3 * 94) / 4)
    assert ev["risk_pct"] == pytest.approx(94) and ev["campaign_rank"] == 2
    assert ev["campaign_problems"] == 3
    assert res.missing_reports == ["321100"]
    assert res.get("320500").report_on_time is False and res.get("320100").report_on_time
    # The cohort keeps every reason: the dairy line of 320500 lost 6 points.
    line = run.assessment(RISKS, "320500").line("dairy_cold_chain")
    assert line.earned == 4 and line.evidence["dairy_cold_chain_problems"] == 3
    # Findings: one per problem, source campaign, in the subject's jurisdiction.
    assert len(run.findings) == 4
    assert {f.source for f in run.findings} == {FindingSource.CAMPAIGN}
    assert [f.finding_id for f in run.findings if f.jurisdiction == "320500"] == [
        "t2018-320500-001",
        "t2018-320500-002",
        "t2018-320500-003",
    ]
    assert (
        run.findings[0].found_by == "第一督查组" and run.findings[0].category == "dairy_cold_chain"
    )
    base = {s: {"letters_signed": True, "site_review_score": 0.0} for s in c.subjects}
    merged = annual_evidence(res, base, overrides={"320100": {"overdue_findings": 2}})
    assert merged["320100"]["site_review_score"] == res.evidence["320100"]["site_review_score"]
    assert merged["320100"]["overdue_findings"] == 2 and merged["321100"]["letters_signed"]
    with pytest.raises(RuleError, match="320500"):
        annual_evidence(res, {"320100": {}, "321100": {}})


def test_equal_scores_share_a_rank() -> None:
    run = run_campaign(
        campaign(),
        inspections(
            {"320100": 1.0, "321100": 1.0, "320500": 0.9},
            dict.fromkeys(("320100", "321100", "320500"), 0),
        ),
    )
    assert [r.rank for r in run.result.results] == [1, 1, 3]


def test_every_bad_inspection_is_reported_at_once() -> None:
    ins = inspections(
        {"320100": 1.0, "321100": 1.0, "320500": 1.0},
        dict.fromkeys(("320100", "321100", "320500"), 0),
    )
    bad = [
        ins[0].model_copy(update={"group_id": "G2"}),  # 320100 belongs to G1
        ins[1].model_copy(update={"date": D(2018, 7, 30)}),  # after the inspection phase
        *ins[2:4],
        ins[3],  # scored twice
        Inspection(group_id="G9", subject="320500", rubric=RISKS, date=D(2018, 6, 26)),
        Inspection(group_id="G2", subject="320500", rubric="other", date=D(2018, 6, 26)),
    ]
    with pytest.raises(BulkValidationError) as err:
        run_campaign(campaign(), bad)
    codes = err.value.report.counts()
    assert codes["campaign.inspection_subject"] == 1
    assert codes["campaign.inspection_date"] == 1
    assert codes["campaign.inspection_duplicate"] == 1
    assert codes["campaign.inspection_group"] == 1
    assert codes["campaign.inspection_rubric"] == 1
    assert codes["campaign.inspection_missing"] == 1  # 320500 has no matters score


@settings(max_examples=25, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["320100", "321100", "320500"]),
        st.tuples(st.floats(0, 1), st.integers(0, 8)),
        min_size=3,
    )
)
def test_combined_percent_stays_in_range_and_ranks_follow_it(
    data: dict[str, tuple[float, int]],
) -> None:
    run = run_campaign(
        campaign(),
        inspections({k: v[0] for k, v in data.items()}, {k: v[1] for k, v in data.items()}),
    )
    results = run.result.results
    assert all(0 <= r.combined_percent <= 100 for r in results)
    for a, b in itertools.pairwise(results):
        assert a.combined_percent >= b.combined_percent
        assert (a.rank == b.rank) == (a.combined_percent == b.combined_percent)
    assert len(campaign_findings(campaign(), [])) == 0
