"""A province's annual food-safety assessment (评议考核) of 16 cities and 27 member units.

docs/domain.md §10 scenario 2, after seed 000: Anhui assessed its 16 cities and the 27 member units
of its food-safety committee for 2020, and rated 10 member units excellent. The evidence below
is illustrative (the seed publishes results, not scores); the rules are the presets
``national_annual_2023`` (cities: A/B/C/D, A for the top 30% without a downgrade, a veto) and
``provincial_member_units`` (excellent/good/pass/fail, excellent for at most 40% of the units).

Run: ``python examples/assessment_cohort.py``
"""

from __future__ import annotations

import random
from typing import Any

from foodsafety import presets
from foodsafety.engines.scoring import assess_cohort, compare, score

CITIES = [
    "合肥市", "芜湖市", "蚌埠市", "淮南市", "马鞍山市", "淮北市", "铜陵市", "安庆市",
    "黄山市", "滁州市", "阜阳市", "宿州市", "六安市", "亳州市", "池州市", "宣城市",
]  # fmt: skip

MEMBER_UNITS = [
    "省委宣传部", "省发展改革委", "省教育厅", "省科技厅", "省经济和信息化厅", "省公安厅",
    "省民政厅", "省司法厅", "省财政厅", "省生态环境厅", "省住房城乡建设厅", "省交通运输厅",
    "省农业农村厅", "省商务厅", "省文化和旅游厅", "省卫生健康委", "省市场监管局",
    "省粮食和物资储备局", "省林业局", "省药监局", "合肥海关", "省邮政管理局", "省广电局",
    "省体育局", "省总工会", "团省委", "省妇联",
]  # fmt: skip


def city_evidence(rng: random.Random, strength: float) -> dict[str, Any]:
    """Evidence for one city; ``strength`` in [0, 1] makes a stronger or weaker year."""
    batches = rng.randint(1500, 4000)
    return {
        "letters_signed": True,
        "duty_lists_issued": rng.random() < 0.5 + strength / 2,
        "committee_meetings": rng.randint(2, 4),
        "leader_inspections": rng.randint(1, 6),
        "sampling_batches": batches,
        "sampling_handled_on_time": batches - rng.randint(0, int(60 * (1 - strength))),
        "sampling_per_thousand": round(2 + 2.5 * strength + rng.random(), 2),
        "pairing_coverage": round(min(1.0, 0.85 + 0.15 * strength * rng.random() + 0.05), 3),
        "overdue_findings": rng.randint(0, int(8 * (1 - strength)) + 1),
        "workshop_upgrade_rate": round(0.8 + 0.2 * strength * rng.random(), 3),
        "insured_businesses": rng.randint(60, 220),
        "publicity_events": rng.randint(8, 30),
        "satisfaction_score": round(65 + 25 * strength + 5 * rng.random(), 1),
        "site_review_score": round(9 + 6 * strength * rng.random(), 1),
        "innovations_promoted": rng.randint(0, 3),
        "holds_demonstration_title": rng.random() < 0.4,
        "criticised_notices": rng.randint(0, 1),
        "incidents": 0,
        "serious_incident_mishandled": False,
        "unrectified_prior_findings": 0,
        "major_accident_covered_up": False,
    }


def unit_evidence(rng: random.Random, strength: float) -> dict[str, Any]:
    """Evidence for one member unit."""
    assigned = rng.randint(8, 15)
    return {
        "key_tasks_assigned": assigned,
        "key_tasks_done": assigned - (0 if strength > 0.6 else rng.randint(1, 3)),
        "meeting_attendance_rate": round(0.85 + 0.15 * strength, 3),
        "information_reports": rng.randint(6, 16),
        "joined_campaigns": strength > 0.2,
        "prior_findings_rectified_rate": round(0.7 + 0.3 * strength, 3),
        "review_score": round(6 + 4 * strength, 1),
        "commendations": rng.randint(0, 2),
        "late_reports": rng.randint(0, 1),
        "warning_talk": False,
        "dereliction": False,
    }


def build() -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """The illustrative evidence of the 16 cities and 27 member units for 2020."""
    rng = random.Random(2020)
    cities = {name: city_evidence(rng, rng.random()) for name in CITIES}
    # Two cities with rule events: a downgrade and a veto (一票否决).
    cities["淮北市"]["serious_incident_mishandled"] = True
    cities["宿州市"]["major_accident_covered_up"] = True
    units = {
        name: unit_evidence(rng, 0.9 + 0.1 * rng.random() if i < 13 else 0.3 + 0.4 * rng.random())
        for i, name in enumerate(MEMBER_UNITS)
    }
    # A strong unit warned over unrectified findings (约谈) cannot be excellent.
    units["省教育厅"]["warning_talk"] = True
    return cities, units


def main() -> None:
    cities, units = build()
    city_rubric = presets.rubric("national_annual_2023")
    unit_rubric = presets.rubric("provincial_member_units")

    result = assess_cohort(city_rubric, cities)
    print(f"== {city_rubric.title_zh}: {len(cities)} cities ==")
    for a in result.assessments:
        print(f"{a.rank:>2}  {a.subject:<6} {a.total:6.2f}  {a.grade}  {a.grade_reason_zh}")
    print("grades:", {g.code: result.count(g.code) for g in city_rubric.grading.grades})  # type: ignore[union-attr]

    units_result = assess_cohort(unit_rubric, units)
    print(f"\n== {unit_rubric.title_zh}: {len(units)} member units ==")
    for a in units_result.assessments:
        print(f"{a.rank:>2}  {a.subject:<10} {a.total:6.2f}  {a.grade}")
    print(f"excellent: {units_result.count('excellent')} of {len(units)}")

    print("\n== why ==")
    print(result.get("宿州市").explain("zh"))
    print(units_result.get("省教育厅").explain("en"))

    # Year-on-year: what changed for Hefei and which indicator explains it.
    last_year = dict(cities["合肥市"], overdue_findings=6, satisfaction_score=68.0)
    before = score(city_rubric, last_year, subject="合肥市 2019")
    after = result.get("合肥市")
    print("\n== 2019 -> 2020 ==")
    print(
        compare(before, after, before_label="合肥市 2019", after_label="合肥市 2020").explain("zh")
    )
    print(compare(result.get("芜湖市"), result.get("合肥市")).explain("en"))


if __name__ == "__main__":
    main()
