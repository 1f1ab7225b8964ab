"""A county's star-office programme (星级食安办): candidates, ratings, the target and the gap.

docs/domain.md §10 scenario 3, after seed 003 (a county, first half of 2022): the county guided
1 five-star, 4 four-star and 2 three-star candidate offices, passed down 1.4 million yuan of
subsidy, and set the year's target: three-star coverage of every township, one new five-star
and at least two new four-star offices. The twelve townships and their evidence are
illustrative; the scheme is the ``star_office`` preset.

Run: ``python examples/star_offices.py``
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from foodsafety import presets
from foodsafety.engines.offices import StarProgramme, programme_report, rate_office
from foodsafety.models.offices import StarRating, star_on
from foodsafety.vocab import StarLevel

FULL: dict[str, Any] = {
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


def office(**changes: Any) -> dict[str, Any]:
    """Evidence of an office: the full marks with some items changed."""
    return {**FULL, **changes}


#: Evidence at mid-year for twelve townships (镇/乡/街道).
EVIDENCE: dict[str, dict[str, Any]] = {
    "城关街道": office(),  # five-star candidate, meets everything
    "东城街道": office(full_time_staff=2, quick_tests=80),  # four-star candidate
    "西城街道": office(quick_tests=70, training_events=3),  # four-star candidate
    "南山镇": office(ledgers_kept=False, quick_tests=90),  # four-star candidate, ledgers missing
    "北湖镇": office(pairing_coverage=0.9, full_time_staff=2),  # four-star candidate
    "青石镇": office(full_time_staff=2, quick_tests=60, training_events=2),  # three-star candidate
    "白沙乡": office(meeting_system=False, quick_tests=50),  # three-star candidate
    "石门镇": office(full_time_staff=2, pairing_coverage=0.9, training_events=2, quick_tests=70),
    "柳河乡": office(full_time_staff=1, quick_tests=40, coordinator_coverage=0.8),
    "金山镇": office(full_time_staff=2, quick_tests=40, training_events=2),
    "桃源乡": office(full_time_staff=1, pairing_coverage=0.85, training_events=2, quick_tests=30),
    "龙泉镇": office(full_time_staff=2, ledgers_kept=False),
}

CANDIDATES = {
    "城关街道": StarLevel.FIVE,
    "东城街道": StarLevel.FOUR,
    "西城街道": StarLevel.FOUR,
    "南山镇": StarLevel.FOUR,
    "北湖镇": StarLevel.FOUR,
    "青石镇": StarLevel.THREE,
    "白沙乡": StarLevel.THREE,
}

#: Ratings given in earlier years (the star history).
HISTORY = [
    StarRating(office="城关街道", star=StarLevel.FOUR, rated_on=dt.date(2020, 12, 20)),
    StarRating(office="东城街道", star=StarLevel.THREE, rated_on=dt.date(2020, 12, 20)),
    StarRating(office="西城街道", star=StarLevel.THREE, rated_on=dt.date(2021, 12, 15)),
    StarRating(office="南山镇", star=StarLevel.THREE, rated_on=dt.date(2021, 12, 15)),
    StarRating(office="北湖镇", star=StarLevel.THREE, rated_on=dt.date(2021, 12, 15)),
    StarRating(office="青石镇", star=StarLevel.TWO, rated_on=dt.date(2020, 12, 20)),
    StarRating(office="白沙乡", star=StarLevel.TWO, rated_on=dt.date(2020, 12, 20)),
    StarRating(office="石门镇", star=StarLevel.THREE, rated_on=dt.date(2021, 12, 15)),
    StarRating(office="柳河乡", star=StarLevel.THREE, rated_on=dt.date(2019, 12, 10)),
    # A rating withdrawn after a complaint: 柳河乡 lost its star in 2021.
    StarRating(
        office="柳河乡",
        star=StarLevel.THREE,
        rated_on=dt.date(2020, 12, 20),
        revoked_on=dt.date(2021, 6, 30),
    ),
    StarRating(office="金山镇", star=StarLevel.THREE, rated_on=dt.date(2021, 12, 15)),
    StarRating(office="桃源乡", star=StarLevel.TWO, rated_on=dt.date(2021, 12, 15)),
    StarRating(office="龙泉镇", star=StarLevel.THREE, rated_on=dt.date(2021, 12, 15)),
]

PROGRAMME = StarProgramme(
    id="county_star_offices_2022",
    name_zh="2022年基层星级食安办建设任务",
    name_en="2022 township star-office programme",
    year=2022,
    coverage=StarLevel.THREE,
    new={StarLevel.FIVE: 1, StarLevel.FOUR: 2},
    subsidy_yuan=1_400_000,
    reference="seed 003: 实现三星级食安办全覆盖，新建五星级食安办1家、四星级食安办2家以上；下拨补助资金140万元",
)


def main() -> None:
    scheme = presets.star_scheme("star_office")
    start = dt.date(2022, 1, 1)
    baseline = {name: star_on(HISTORY, name, start) for name in EVIDENCE}
    print(f"== {scheme.title_zh} ==")
    for name, ev in EVIDENCE.items():
        r = rate_office(scheme, ev, office=name)
        before = baseline[name]
        print(
            f"{name:<5} {r.assessment.total:6.2f}  "
            f"{before.zh if before else '无星级':<4} -> {r.star.zh if r.star else '无星级'}"
        )
    report = programme_report(PROGRAMME, scheme, EVIDENCE, baseline=baseline, candidates=CANDIDATES)
    print(f"\n== {PROGRAMME.name_zh} (补助资金{PROGRAMME.subsidy_yuan / 10_000:.0f}万元) ==")
    print(report.reason_zh)
    print(report.reason_en)
    print(f"\n== gap: {len(report.must_improve())} offices must improve ==")
    for p in report.must_improve():
        print(p.gap.summary("zh"))
        print(p.gap.summary("en"))


if __name__ == "__main__":
    main()
