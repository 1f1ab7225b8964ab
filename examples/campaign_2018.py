"""The 2018 provincial campaign 大督查大排查大落实 (docs/domain.md §10 scenario 4, seed 002).

Seed 002: on 11 June 2018 a provincial food and drug administration launched the campaign in
three phases — every city (设区市) inspects itself and reports in writing; 5 inspection groups
led by the bureau's leaders inspect every city and score it against 《重点督查事项评价细则》 (11
key supervision matters) and 《重点排查风险点评价细则》 (12 key risk points); a summary — and the
scores count, with an increased weight, into each city's year-end assessment.

The seed does not name the province; its director, its term 设区市 and its reform slogan
不见面审批 point to Jiangsu, so the example uses Jiangsu (320000) and its 13 real cities from the
bundled registry. **Everything the cities and groups hand in below is synthetic** (progress
rates, problems found, report dates, rectification outcomes, the rest of the annual evidence),
generated from a fixed seed: the seed publishes the campaign's design, not its scores. The
group leaders are placeholders, and the split of cities between groups is an example.

Steps: build the campaign → run it (group scores → ranking → evidence) → feed the ranking and
the issue ledger's overdue counts into the annual rubric preset ``national_annual_2023`` →
rectify what the groups found (约谈, 限期整改, 通报, 验收复核, 销号, 回头看) → age the ledger
at the year's end.

Run: ``python examples/campaign_2018.py`` (add ``--write campaign.yaml`` to save the campaign
file, then ``foodsafety campaign run campaign.yaml``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from pathlib import Path
from typing import Any

import yaml

from foodsafety import presets
from foodsafety.engines.campaign import CampaignRun, annual_evidence, run_campaign
from foodsafety.engines.scoring import Cohort, assess_cohort
from foodsafety.ledger.issues import IssueLedger
from foodsafety.models.campaign import (
    Campaign,
    CampaignFile,
    CampaignRubric,
    EvidenceFeed,
    Inspection,
    InspectionGroup,
    InspectionProblem,
    Phase,
    SelfInspectionReport,
)
from foodsafety.models.finding import Finding
from foodsafety.presets._campaign import campaign_rubric
from foodsafety.registry import registry
from foodsafety.rules.rectification import RectificationPolicy, order_rectification
from foodsafety.rules.rubric import Deduction, Rate
from foodsafety.vocab import CampaignPhase, Severity

PROVINCE = "320000"
YEAR_END = dt.date(2018, 12, 31)
SELF = Phase(
    phase=CampaignPhase.SELF_INSPECTION,
    start=dt.date(2018, 6, 12),
    end=dt.date(2018, 6, 22),
    deliverable="书面自查报告",
)
INSPECT = Phase(
    phase=CampaignPhase.INSPECTION,
    start=dt.date(2018, 6, 25),
    end=dt.date(2018, 7, 6),
    deliverable="书面督查报告",
)
SUMMARY = Phase(
    phase=CampaignPhase.SUMMARY,
    start=dt.date(2018, 7, 9),
    end=dt.date(2018, 7, 20),
    deliverable="集中行动总结，全系统半年工作座谈会",
)
#: An example split of Jiangsu's 13 cities between the 5 groups (not published).
SPLIT = [
    ["320100", "321100", "320400"],  # 南京 镇江 常州
    ["320500", "320200", "320600"],  # 苏州 无锡 南通
    ["320300", "320700", "321300"],  # 徐州 连云港 宿迁
    ["320800", "320900"],  # 淮安 盐城
    ["321000", "321200"],  # 扬州 泰州
]
GROUP_NAMES = ["第一督查组", "第二督查组", "第三督查组", "第四督查组", "第五督查组"]


def build_campaign() -> Campaign:
    """The campaign: three phases, 5 groups over the province's cities, both rubrics, feeds."""
    reg = registry()
    cities = [d.code for d in reg.children(PROVINCE)]
    assert sorted(c for part in SPLIT for c in part) == sorted(cities), "every city, once"
    groups = tuple(
        InspectionGroup(
            group_id=f"G{i + 1}",
            name=GROUP_NAMES[i],
            leader=f"省局领导（{GROUP_NAMES[i]}组长，占位）",
            members=tuple(f"督查组成员{i + 1}-{k}（合成）" for k in range(1, 4)),
            subjects=tuple(part),
        )
        for i, part in enumerate(SPLIT)
    )
    return Campaign(
        campaign_id="dadc2018",
        title_zh="全省食品药品监管工作大督查大排查大落实集中行动",
        title_en="Provincial campaign of supervision, screening and implementation, 2018",
        description="Seed 002: three phases, 5 groups led by provincial leaders, two scoring "
        "rules; the scores count with an increased weight into the year-end assessment.",
        reference="省局召开大督查大排查大落实集中行动动员部署视频会议 (2018-06-13), seed 002",
        province=PROVINCE,
        year=2018,
        phases=(SELF, INSPECT, SUMMARY),
        groups=groups,
        rubrics=(
            CampaignRubric(rubric="key_supervision_matters_2018", weight=0.5),
            CampaignRubric(rubric="key_risk_points_2018", weight=0.5),
        ),
        # "适当加大权重，计入对各地年终考核总分": the combined percent becomes the annual
        # rubric's 15-point on-site review score (an example mapping).
        feeds=(EvidenceFeed(evidence="site_review_score", source="combined_percent", scale=0.15),),
        annual_rubric="national_annual_2023",
    )


def build_file(seed: int = 2018) -> CampaignFile:
    """The campaign with synthetic self-inspection reports and group scores (deterministic)."""
    rng = random.Random(seed)
    campaign = build_campaign()
    matters = campaign_rubric("key_supervision_matters_2018")
    risks = campaign_rubric("key_risk_points_2018")
    reports: list[SelfInspectionReport] = []
    inspections: list[Inspection] = []
    for g in campaign.groups:
        for k, city in enumerate(g.subjects):
            strength = rng.random()
            found = rng.randint(5, 40)
            late = rng.random() < 0.1
            reports.append(
                SelfInspectionReport(
                    subject=city,
                    submitted_on=SELF.end + dt.timedelta(days=2 if late else -rng.randint(0, 3)),
                    title="书面自查报告（合成）",
                    problems_found=found,
                    problems_rectified=rng.randint(found // 2, found),
                )
            )
            day = INSPECT.start + dt.timedelta(days=min(3 * k + rng.randint(0, 2), 11))
            evidence: dict[str, bool | int | float] = {}
            problems: list[InspectionProblem] = []
            for ind in matters.indicators():
                assert isinstance(ind.method, Rate) and ind.method.evidence is not None
                progress = round(min(1.0, 0.55 + 0.45 * strength + rng.uniform(-0.1, 0.15)), 3)
                evidence[ind.method.evidence] = progress
                if progress < 0.8:
                    problems.append(
                        InspectionProblem(
                            title=f"{ind.name_zh}：序时进度滞后（完成{progress:.0%}，合成）",
                            severity=Severity.MINOR,
                            area=ind.id,
                        )
                    )
            inspections.append(
                Inspection(
                    group_id=g.group_id,
                    subject=city,
                    rubric=matters.id,
                    date=day,
                    evidence=evidence,
                    problems=tuple(problems),
                    report=f"{g.name}督查报告（合成）",
                )
            )
            risk_problems: list[InspectionProblem] = []
            for ind in risks.indicators():
                assert isinstance(ind.method, Deduction)
                n = rng.choices([0, 1, 2, 3], weights=[3 + 6 * strength, 3, 1.5, 0.5])[0]
                for j in range(n):
                    severity = rng.choices(
                        [Severity.MINOR, Severity.MAJOR, Severity.CRITICAL], weights=[6, 3, 1]
                    )[0]
                    risk_problems.append(
                        InspectionProblem(
                            title=f"{ind.name_zh[:24]}……：问题{j + 1}（合成）",
                            severity=severity,
                            area=ind.id,
                        )
                    )
            inspections.append(
                Inspection(
                    group_id=g.group_id,
                    subject=city,
                    rubric=risks.id,
                    date=day,
                    problems=tuple(risk_problems),
                    report=f"{g.name}督查报告（合成）",
                )
            )
    return CampaignFile(
        campaign=campaign, reports=tuple(reports), inspections=tuple(inspections), synthetic=True
    )


def rectify(findings: tuple[Finding, ...], seed: int = 2018) -> IssueLedger:
    """Synthetic rectification of what the groups found, through the loop of seed 004."""
    rng = random.Random(seed + 1)
    policy = RectificationPolicy()
    office = "省局督查办"
    out: list[Finding] = []
    for f in findings:
        ordered = f.found_on + dt.timedelta(days=3)
        f = f.notify(on=f.found_on + dt.timedelta(days=1), actor=f.found_by or office)
        f = order_rectification(f, on=ordered, actor=office, policy=policy)
        deadline = f.deadline
        assert deadline is not None
        city = f"{f.jurisdiction}市局"
        fate = rng.random()
        if fate < 0.07:  # still open at the year's end (overdue unless extended)
            out.append(f.mark_overdue_if_due(YEAR_END))
            continue
        if fate < 0.17:  # late: marked overdue, then submitted
            f = f.mark_overdue_if_due(deadline + dt.timedelta(days=5))
            f = f.submit(on=deadline + dt.timedelta(days=rng.randint(6, 30)), actor=city)
        else:
            f = f.submit(on=deadline - dt.timedelta(days=rng.randint(0, 5)), actor=city)
        check = f.last_date + dt.timedelta(days=rng.randint(3, 10))
        if fate > 0.9:  # the acceptance check sends it back once
            f = f.acceptance_check(on=check, actor=office, passed=False, note="整改不到位")
            f = f.submit(on=check + dt.timedelta(days=7), actor=city)
            check = check + dt.timedelta(days=12)
        f = f.acceptance_check(on=check, actor=office, passed=True)
        f = f.close(on=check + dt.timedelta(days=1), actor=office)
        if 0.85 < fate <= 0.9:  # 回头看 finds it again: reopened with a new deadline
            again = check + dt.timedelta(days=60)
            f = f.follow_up(on=again, actor=office, found_again=True, note="回头看发现问题反弹")
            f = order_rectification(f, on=again, actor=office, policy=policy)
        out.append(f.mark_overdue_if_due(YEAR_END))
    return IssueLedger(out)


def annual_base(seed: int, cities: list[str]) -> dict[str, dict[str, Any]]:
    """Synthetic evidence for the rest of the annual rubric (``national_annual_2023``)."""
    rng = random.Random(seed + 2)
    out: dict[str, dict[str, Any]] = {}
    for c in cities:
        batches = rng.randint(1500, 4000)
        out[c] = {
            "letters_signed": True,
            "duty_lists_issued": rng.random() < 0.8,
            "committee_meetings": rng.randint(2, 4),
            "leader_inspections": rng.randint(1, 6),
            "sampling_batches": batches,
            "sampling_handled_on_time": batches - rng.randint(0, 40),
            "sampling_per_thousand": round(2 + 3 * rng.random(), 2),
            "pairing_coverage": round(0.9 + 0.1 * rng.random(), 3),
            "workshop_upgrade_rate": round(0.8 + 0.2 * rng.random(), 3),
            "insured_businesses": rng.randint(60, 220),
            "publicity_events": rng.randint(8, 30),
            "satisfaction_score": round(70 + 20 * rng.random(), 1),
            "innovations_promoted": rng.randint(0, 3),
            "holds_demonstration_title": rng.random() < 0.4,
            "criticised_notices": 0,
            "incidents": 0,
            "serious_incident_mishandled": False,
            "unrectified_prior_findings": 0,
            "major_accident_covered_up": False,
            # Overwritten by the campaign feed and the issue ledger:
            "site_review_score": 0.0,
            "overdue_findings": 0,
        }
    return out


def build(seed: int = 2018) -> tuple[CampaignFile, CampaignRun, IssueLedger, Cohort]:
    """The whole scenario: campaign file, its run, the rectified ledger, the annual cohort."""
    file = build_file(seed)
    run = run_campaign(file)
    ledger = rectify(run.findings, seed)
    cities = list(file.campaign.subjects)
    overdue = ledger.evidence(YEAR_END, level="city")
    counts = {
        c: {"overdue_findings": overdue.get(c, {}).get("overdue_findings", 0)} for c in cities
    }
    evidence = annual_evidence(run.result, annual_base(seed, cities), overrides=counts)
    annual = assess_cohort(presets.rubric("national_annual_2023"), evidence)
    return file, run, ledger, annual


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", type=Path, help="save the campaign file (YAML) here")
    parser.add_argument("--seed", type=int, default=2018)
    args = parser.parse_args()
    file, run, ledger, annual = build(args.seed)
    camp = file.campaign
    print(f"{camp.title_zh} ({camp.year}) — SYNTHETIC scores on real cities")
    for p in camp.phases:
        print(f"  {p.phase.zh}: {p.start} – {p.end} ({p.deliverable})")
    for g in camp.groups:
        names = "、".join(
            r.name or r.subject for r in run.result.results if r.group_id == g.group_id
        )
        print(f"  {g.name}: {names}")
    print("\n排名 Ranking (combined = 0.5 × 重点督查事项 + 0.5 × 重点排查风险点):")
    for r in run.result.results:
        pct = " ".join(f"{v:6.2f}" for v in r.percents.values())
        print(f"  {r.rank:2d}. {r.name:<5} {pct}  combined {r.combined_percent:6.2f}  "
              f"problems {r.problems:2d}")  # fmt: skip
    print(f"  missing self-inspection reports: {run.result.missing_reports or 'none'}; late: "
          f"{[r.name for r in run.result.results if r.report_on_time is False] or 'none'}")  # fmt: skip
    print("\n年终考核 Annual assessment (national_annual_2023, campaign fed as site_review_score):")
    label = {r.subject: r.name for r in run.result.results}
    for a in annual.assessments:
        print(f"  {a.rank:2d}. {label[a.subject]:<5} total {a.total:6.2f}  grade {a.grade}  "
              f"(site review {a.line('site_review_score').earned:.2f}, overdue findings "
              f"{a.line('overdue_findings').evidence['overdue_findings']:.0f})")  # fmt: skip
    print(f"\n问题台账 Issue ledger as of {YEAR_END}: {len(ledger)} findings")
    print(ledger.by_jurisdiction(YEAR_END, level="city"))
    print(ledger.open_by_age(YEAR_END))
    if args.write:
        data = file.model_dump(mode="json", exclude_defaults=True)
        args.write.write_text(
            "# SYNTHETIC campaign file generated by examples/campaign_2018.py (seed 002 design)\n"
            + yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
            encoding="utf-8",
        )
        print(f"wrote {args.write}")


if __name__ == "__main__":
    main()
